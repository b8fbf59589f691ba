//! k-means on points of the plane (k-means++ seeding, Lloyd iterations) and the exact mean
//! silhouette.

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA
/// 2014): a tiny seeded generator, good enough for choosing starting centres.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in [0, 1).
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The SplitMix64 finaliser, also used to hash (seed, id) pairs.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub(crate) type Point = [f64; 2];

fn distance2(a: Point, b: Point) -> f64 {
    let dx = a[0] - b[0];
    let dy = a[1] - b[1];
    dx * dx + dy * dy
}

/// A partition of the points into `centroids.len()` non-empty groups.
#[derive(Debug, Clone)]
pub(crate) struct Clustering {
    pub(crate) labels: Vec<usize>,
    pub(crate) centroids: Vec<Point>,
    pub(crate) inertia: f64,
}

/// The best of `restarts` k-means runs (least inertia; the earlier run on ties). `k` must not
/// exceed the number of distinct points.
pub(crate) fn kmeans(
    points: &[Point],
    k: usize,
    rng: &mut SplitMix64,
    restarts: usize,
    max_iterations: usize,
) -> Clustering {
    let mut best: Option<Clustering> = None;
    for _ in 0..restarts.max(1) {
        let run = kmeans_once(points, k, rng, max_iterations);
        if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
            best = Some(run);
        }
    }
    best.unwrap_or_else(|| kmeans_once(points, k, rng, max_iterations))
}

fn nearest(point: Point, centroids: &[Point]) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (c, &centroid) in centroids.iter().enumerate() {
        let d = distance2(point, centroid);
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

/// k-means++ seeding: the first centre uniformly, each next one with probability proportional to
/// the squared distance to the nearest centre already chosen.
fn seed_centroids(points: &[Point], k: usize, rng: &mut SplitMix64) -> Vec<Point> {
    let n = points.len();
    let first = ((rng.next_f64() * n as f64) as usize).min(n - 1);
    let mut centroids = vec![points[first]];
    let mut d2: Vec<f64> = points
        .iter()
        .map(|&p| distance2(p, points[first]))
        .collect();
    while centroids.len() < k {
        let total: f64 = d2.iter().sum();
        if total <= 0.0 {
            break;
        }
        let target = rng.next_f64() * total;
        let mut acc = 0.0;
        // Fall back to the farthest point should rounding leave the target unreached.
        let mut chosen = None;
        for (i, &d) in d2.iter().enumerate() {
            acc += d;
            if d > 0.0 && acc > target {
                chosen = Some(i);
                break;
            }
        }
        let chosen = chosen.unwrap_or_else(|| argmax(&d2));
        let centre = points[chosen];
        centroids.push(centre);
        for (d, &p) in d2.iter_mut().zip(points) {
            *d = d.min(distance2(p, centre));
        }
    }
    centroids
}

fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

fn kmeans_once(
    points: &[Point],
    k: usize,
    rng: &mut SplitMix64,
    max_iterations: usize,
) -> Clustering {
    let mut centroids = seed_centroids(points, k, rng);
    let k = centroids.len();
    let mut labels = vec![usize::MAX; points.len()];
    for _ in 0..max_iterations.max(1) {
        let mut changed = false;
        for (label, &p) in labels.iter_mut().zip(points) {
            let (c, _) = nearest(p, &centroids);
            if *label != c {
                *label = c;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        update_centroids(points, &mut labels, &mut centroids);
    }
    // Final assignment against the final centroids, so labels and centroids agree.
    for (label, &p) in labels.iter_mut().zip(points) {
        *label = nearest(p, &centroids).0;
    }
    update_centroids(points, &mut labels, &mut centroids);
    let inertia = labels
        .iter()
        .zip(points)
        .map(|(&l, &p)| distance2(p, centroids[l]))
        .sum();
    debug_assert_eq!(centroids.len(), k);
    Clustering {
        labels,
        centroids,
        inertia,
    }
}

/// Moves each centroid to the mean of its points. An empty group takes over the point farthest
/// from its own centroid (among groups with more than one point), so every group stays non-empty.
fn update_centroids(points: &[Point], labels: &mut [usize], centroids: &mut [Point]) {
    let k = centroids.len();
    loop {
        let mut sums = vec![[0.0f64; 2]; k];
        let mut counts = vec![0usize; k];
        for (&l, &p) in labels.iter().zip(points) {
            sums[l][0] += p[0];
            sums[l][1] += p[1];
            counts[l] += 1;
        }
        for c in 0..k {
            if counts[c] > 0 {
                let n = counts[c] as f64;
                centroids[c] = [sums[c][0] / n, sums[c][1] / n];
            }
        }
        let Some(empty) = counts.iter().position(|&n| n == 0) else {
            return;
        };
        let mut farthest: Option<(usize, f64)> = None;
        for (i, (&l, &p)) in labels.iter().zip(points).enumerate() {
            let d = distance2(p, centroids[l]);
            if counts[l] > 1 && farthest.is_none_or(|(_, best)| d > best) {
                farthest = Some((i, d));
            }
        }
        let Some((i, _)) = farthest else {
            return;
        };
        labels[i] = empty;
        centroids[empty] = points[i];
    }
}

/// The mean silhouette of a partition (Rousseeuw 1987): for each point, a is the mean distance
/// to the other members of its group, b the least mean distance to another group, and
/// s = (b − a) / max(a, b), with s = 0 for a point alone in its group (or when a = b = 0).
///
/// Exact over all pairs, O(n²) time and O(n) memory; the distances themselves are computed in
/// single precision (eight lanes, which the compiler vectorises) and summed in double precision
/// every 1,024 terms, so the result agrees with a double-precision computation to about 1e-6.
/// Needs k ≥ 2.
pub(crate) fn silhouette(points: &[Point], labels: &[usize], k: usize) -> f64 {
    let n = points.len();
    if n == 0 || k < 2 {
        return 0.0;
    }
    // Lay the points out group by group so each group is one contiguous run.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| labels[i]);
    let xs: Vec<f32> = order.iter().map(|&i| points[i][0] as f32).collect();
    let ys: Vec<f32> = order.iter().map(|&i| points[i][1] as f32).collect();
    let mut starts = vec![0usize; k + 1];
    for &l in labels {
        starts[l + 1] += 1;
    }
    for c in 0..k {
        starts[c + 1] += starts[c];
    }
    let mut total = 0.0;
    for (i, &own) in labels.iter().enumerate() {
        let own_size = starts[own + 1] - starts[own];
        if own_size <= 1 {
            continue;
        }
        let (x, y) = (points[i][0] as f32, points[i][1] as f32);
        let mut a = 0.0;
        let mut b = f64::INFINITY;
        for c in 0..k {
            let range = starts[c]..starts[c + 1];
            let size = range.len();
            if size == 0 {
                continue;
            }
            let sum = sum_distances(x, y, &xs[range.clone()], &ys[range]);
            if c == own {
                a = sum / (size - 1) as f64;
            } else {
                b = b.min(sum / size as f64);
            }
        }
        let max = a.max(b);
        if max > 0.0 && max.is_finite() {
            total += (b - a) / max;
        }
    }
    (total / n as f64).clamp(-1.0, 1.0)
}

/// Σ √((x − xs[j])² + (y − ys[j])²): eight single-precision lanes per block of 1,024 points,
/// each block's sum added in double precision.
fn sum_distances(x: f32, y: f32, xs: &[f32], ys: &[f32]) -> f64 {
    let mut total = 0.0f64;
    for (bx, by) in xs.chunks(1024).zip(ys.chunks(1024)) {
        let mut acc = [0.0f32; 8];
        let xc = bx.chunks_exact(8);
        let yc = by.chunks_exact(8);
        let (xr, yr) = (xc.remainder(), yc.remainder());
        for (cx, cy) in xc.zip(yc) {
            for l in 0..8 {
                let dx = x - cx[l];
                let dy = y - cy[l];
                acc[l] += (dx * dx + dy * dy).sqrt();
            }
        }
        let mut sum: f32 = acc.iter().sum();
        for (&px, &py) in xr.iter().zip(yr) {
            let dx = x - px;
            let dy = y - py;
            sum += (dx * dx + dy * dy).sqrt();
        }
        total += f64::from(sum);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silhouette_of_two_tight_far_groups_is_near_one() {
        let points = [[0.0, 0.0], [0.0, 0.1], [10.0, 0.0], [10.0, 0.1]];
        let s = silhouette(&points, &[0, 0, 1, 1], 2);
        assert!(s > 0.98, "{s}");
        let wrong = silhouette(&points, &[0, 1, 0, 1], 2);
        assert!(wrong < 0.0, "{wrong}");
    }

    #[test]
    fn silhouette_matches_the_definition_on_a_small_case() {
        // Points on a line at 0, 1, 3; groups {0, 1} and {3}.
        let points = [[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]];
        // s(0) = (3 - 1) / 3, s(1) = (2 - 1) / 2, s(2) = 0 (alone).
        let expected = (2.0 / 3.0 + 0.5 + 0.0) / 3.0;
        let s = silhouette(&points, &[0, 0, 1], 2);
        assert!((s - expected).abs() < 1e-7, "{s} vs {expected}");
    }

    #[test]
    fn kmeans_keeps_every_group_non_empty_with_duplicate_points() {
        let points = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [2.0, 0.0]];
        let mut rng = SplitMix64::new(7);
        let clustering = kmeans(&points, 3, &mut rng, 3, 50);
        let mut counts = [0; 3];
        for &l in &clustering.labels {
            counts[l] += 1;
        }
        assert!(counts.iter().all(|&c| c > 0), "{counts:?}");
        assert!(clustering.inertia < 1e-12, "{}", clustering.inertia);
    }

    #[test]
    fn splitmix_is_reproducible_and_in_range() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        for _ in 0..1000 {
            let x = a.next_f64();
            assert_eq!(x, b.next_f64());
            assert!((0.0..1.0).contains(&x));
        }
    }
}

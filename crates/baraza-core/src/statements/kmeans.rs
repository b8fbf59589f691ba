//! k-means on weighted points of the plane (k-means++ seeding, Lloyd iterations, with Hamerly's
//! bounds on many points), the exact mean silhouette, and its estimate with guaranteed bounds
//! from base-cluster cells.

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
    /// Weighted within-group sum of squared distances.
    pub(crate) inertia: f64,
}

/// The best of `restarts` k-means runs (least inertia; the earlier run on ties) over points
/// carrying positive `weights` (a weight w counts as w points at the same place; with every
/// weight 1 this is plain k-means, bit for bit). `k` must not exceed the number of distinct
/// points. The same as [`lloyd`] from each of [`seeds`] in turn, then [`best_run`]; callers
/// with many runs to do take those steps themselves and run the Lloyd iterations in parallel.
pub(crate) fn kmeans(
    points: &[Point],
    weights: &[f64],
    k: usize,
    rng: &mut SplitMix64,
    restarts: usize,
    max_iterations: usize,
) -> Clustering {
    let runs = seeds(points, weights, k, rng, restarts)
        .into_iter()
        .map(|centroids| lloyd(points, weights, centroids, max_iterations));
    best_run(runs).unwrap_or_else(|| {
        let centroids = seed_centroids(points, weights, k, rng);
        lloyd(points, weights, centroids, max_iterations)
    })
}

/// The k-means++ starting centres of `restarts` runs (at least one), drawn from `rng` one run
/// after the other. Only the seeding draws random numbers, so drawing every run's start first
/// leaves `rng` where running the runs one by one would, and the runs themselves can then go in
/// any order or in parallel.
pub(crate) fn seeds(
    points: &[Point],
    weights: &[f64],
    k: usize,
    rng: &mut SplitMix64,
    restarts: usize,
) -> Vec<Vec<Point>> {
    (0..restarts.max(1))
        .map(|_| seed_centroids(points, weights, k, rng))
        .collect()
}

/// The run with the least inertia among `runs`, given in the order of their [`seeds`]; the
/// earlier one on ties (and a NaN inertia never replaces a run). `None` without runs.
pub(crate) fn best_run(runs: impl IntoIterator<Item = Clustering>) -> Option<Clustering> {
    let mut best: Option<Clustering> = None;
    for run in runs {
        if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
            best = Some(run);
        }
    }
    best
}

/// Finds the nearest centre of a point: the lowest-numbered one among equally near centres.
/// Few centres are scanned; many (base clusters) are searched outwards from the point's x
/// coordinate in x order, stopping once the x distance alone exceeds the best distance — the
/// same answer as a scan, ties included, in a fraction of the time.
enum NearestCentre<'a> {
    Scan(&'a [Point]),
    ByX(Vec<(Point, usize)>),
}

/// From this many points, [`lloyd_bounded`] pays off even with a few centres (most points sit
/// well inside their group after the first iterations).
const BOUNDED_FROM_POINTS: usize = 4_096;

/// Up to this many centres, a plain scan is fastest.
const SCAN_UP_TO: usize = 16;

impl<'a> NearestCentre<'a> {
    fn new(centroids: &'a [Point]) -> Self {
        if centroids.len() <= SCAN_UP_TO {
            return Self::Scan(centroids);
        }
        let mut by_x: Vec<(Point, usize)> = centroids.iter().copied().zip(0..).collect();
        by_x.sort_unstable_by(|a, b| a.0[0].total_cmp(&b.0[0]).then(a.1.cmp(&b.1)));
        Self::ByX(by_x)
    }

    fn find(&self, point: Point) -> (usize, f64) {
        match self {
            Self::Scan(centroids) => {
                let mut best = (0, f64::INFINITY);
                for (c, &centroid) in centroids.iter().enumerate() {
                    let d = distance2(point, centroid);
                    if d < best.1 {
                        best = (c, d);
                    }
                }
                best
            }
            Self::ByX(by_x) => {
                let start = by_x.partition_point(|(c, _)| c[0] < point[0]);
                let mut best = (usize::MAX, f64::INFINITY);
                let consider = |best: &mut (usize, f64), &(centroid, c): &(Point, usize)| {
                    let d = distance2(point, centroid);
                    if d < best.1 || (d == best.1 && c < best.0) {
                        *best = (c, d);
                    }
                };
                for entry in &by_x[start..] {
                    let dx = entry.0[0] - point[0];
                    if dx * dx > best.1 {
                        break;
                    }
                    consider(&mut best, entry);
                }
                for entry in by_x[..start].iter().rev() {
                    let dx = point[0] - entry.0[0];
                    if dx * dx > best.1 {
                        break;
                    }
                    consider(&mut best, entry);
                }
                best
            }
        }
    }

    /// The nearest centre as [`Self::find`] gives it, its squared distance, and the squared
    /// distance to the nearest of all other centres (infinite with one centre).
    fn find_two(&self, point: Point) -> (usize, f64, f64) {
        let mut best = (usize::MAX, f64::INFINITY);
        let mut second = f64::INFINITY;
        let mut consider = |centroid: Point, c: usize| {
            let d = distance2(point, centroid);
            if d < best.1 || (d == best.1 && c < best.0) {
                second = best.1;
                best = (c, d);
            } else if d < second {
                second = d;
            }
            second
        };
        match self {
            Self::Scan(centroids) => {
                for (c, &centroid) in centroids.iter().enumerate() {
                    consider(centroid, c);
                }
            }
            Self::ByX(by_x) => {
                let start = by_x.partition_point(|(c, _)| c[0] < point[0]);
                let mut bound = f64::INFINITY;
                for &(centroid, c) in &by_x[start..] {
                    let dx = centroid[0] - point[0];
                    if dx * dx > bound {
                        break;
                    }
                    bound = consider(centroid, c);
                }
                for &(centroid, c) in by_x[..start].iter().rev() {
                    let dx = point[0] - centroid[0];
                    if dx * dx > bound {
                        break;
                    }
                    bound = consider(centroid, c);
                }
            }
        }
        (best.0, best.1, second)
    }
}

/// k-means++ seeding: the first centre drawn with probability proportional to weight, each next
/// one proportional to weight × squared distance to the nearest centre already chosen.
fn seed_centroids(points: &[Point], weights: &[f64], k: usize, rng: &mut SplitMix64) -> Vec<Point> {
    let n = points.len();
    let total_weight: f64 = weights.iter().sum();
    let target = rng.next_f64() * total_weight;
    // With unit weights the running sums are exact integers, so this is ⌊u·n⌋.
    let mut acc = 0.0;
    let mut first = n - 1;
    for (i, &w) in weights.iter().enumerate() {
        acc += w;
        if acc > target {
            first = i;
            break;
        }
    }
    let mut centroids = vec![points[first]];
    let mut d2: Vec<f64> = points
        .iter()
        .map(|&p| distance2(p, points[first]))
        .collect();
    while centroids.len() < k {
        let total: f64 = d2.iter().zip(weights).map(|(&d, &w)| d * w).sum();
        if total <= 0.0 {
            break;
        }
        let target = rng.next_f64() * total;
        let mut acc = 0.0;
        // Fall back to the farthest point should rounding leave the target unreached.
        let mut chosen = None;
        for (i, (&d, &w)) in d2.iter().zip(weights).enumerate() {
            acc += d * w;
            if d > 0.0 && acc > target {
                chosen = Some(i);
                break;
            }
        }
        let chosen = chosen.unwrap_or_else(|| argmax(d2.iter().zip(weights).map(|(d, w)| d * w)));
        let centre = points[chosen];
        centroids.push(centre);
        for (d, &p) in d2.iter_mut().zip(points) {
            *d = d.min(distance2(p, centre));
        }
    }
    centroids
}

fn argmax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 || i == 0 {
            best = (i, v);
        }
    }
    best.0
}

/// Lloyd's iterations from `centroids` until no label changes or `max_iterations`; the result's
/// labels and centroids agree (every point is labelled with its nearest centroid, every
/// centroid is its points' weighted mean) and no group is empty. Many centres (base clusters)
/// and many points take [`lloyd_bounded`], which gives the same clustering faster.
pub(crate) fn lloyd(
    points: &[Point],
    weights: &[f64],
    centroids: Vec<Point>,
    max_iterations: usize,
) -> Clustering {
    if centroids.len() > SCAN_UP_TO || points.len() > BOUNDED_FROM_POINTS {
        lloyd_bounded(points, weights, centroids, max_iterations)
    } else {
        lloyd_plain(points, weights, centroids, max_iterations)
    }
}

/// Lloyd's iterations looking at every point's distances afresh each time.
fn lloyd_plain(
    points: &[Point],
    weights: &[f64],
    mut centroids: Vec<Point>,
    max_iterations: usize,
) -> Clustering {
    let k = centroids.len();
    let mut labels = vec![usize::MAX; points.len()];
    for _ in 0..max_iterations.max(1) {
        let mut changed = false;
        let nearest = NearestCentre::new(&centroids);
        for (label, &p) in labels.iter_mut().zip(points) {
            let (c, _) = nearest.find(p);
            if *label != c {
                *label = c;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        let _relabelled = update_centroids(points, weights, &mut labels, &mut centroids);
    }
    // Final assignment against the final centroids, so labels and centroids agree.
    let nearest = NearestCentre::new(&centroids);
    for (label, &p) in labels.iter_mut().zip(points) {
        *label = nearest.find(p).0;
    }
    let _relabelled = update_centroids(points, weights, &mut labels, &mut centroids);
    let inertia = labels
        .iter()
        .zip(points)
        .zip(weights)
        .map(|((&l, &p), &w)| distance2(p, centroids[l]) * w)
        .sum();
    debug_assert_eq!(centroids.len(), k);
    Clustering {
        labels,
        centroids,
        inertia,
    }
}

/// Relative slack on the bounds of [`lloyd_bounded`], far above the rounding of a distance, so
/// that a point is skipped only when its centre is nearest beyond doubt.
const BOUND_SLACK: f64 = 1e-9;

/// Lloyd's iterations with Hamerly's bounds (G. Hamerly, "Making k-means even faster", SIAM
/// Data Mining 2010): each point keeps an upper bound on the distance to its centre and a lower
/// bound on the distance to every other centre; when a centre moves by δ the bounds widen by δ
/// (triangle inequality), and a point whose upper bound stays below its lower bound keeps its
/// centre without a search. Only a point whose centre is strictly nearest is skipped, so every
/// step labels the points exactly as [`lloyd_plain`] does, ties included; late iterations, where
/// centres barely move, touch each point once.
fn lloyd_bounded(
    points: &[Point],
    weights: &[f64],
    mut centroids: Vec<Point>,
    max_iterations: usize,
) -> Clustering {
    let n = points.len();
    let mut labels = vec![usize::MAX; n];
    let mut upper = vec![f64::INFINITY; n];
    // −∞: nothing is known yet, search.
    let mut lower = vec![f64::NEG_INFINITY; n];
    let assign =
        |centroids: &[Point], labels: &mut [usize], upper: &mut [f64], lower: &mut [f64]| -> bool {
            let nearest = NearestCentre::new(centroids);
            // Half the distance from each centre to its nearest other centre: a point nearer
            // its centre than that is nearer it than any other (Hamerly's second test).
            let half_gap: Vec<f64> = centroids
                .iter()
                .map(|&centre| 0.5 * nearest.find_two(centre).2.sqrt())
                .collect();
            let mut changed = false;
            for (((label, u), l), &p) in labels.iter_mut().zip(upper).zip(lower).zip(points) {
                if *label != usize::MAX {
                    let bound = l.max(half_gap[*label]);
                    if *u * (1.0 + BOUND_SLACK) < bound {
                        continue;
                    }
                    *u = distance2(p, centroids[*label]).sqrt();
                    if *u * (1.0 + BOUND_SLACK) < bound {
                        continue;
                    }
                }
                let (c, best, second) = nearest.find_two(p);
                *u = best.sqrt();
                *l = second.sqrt();
                if *label != c {
                    *label = c;
                    changed = true;
                }
            }
            changed
        };
    let mut previous = centroids.clone();
    for _ in 0..max_iterations.max(1) {
        if !assign(&centroids, &mut labels, &mut upper, &mut lower) {
            break;
        }
        previous.copy_from_slice(&centroids);
        if update_centroids(points, weights, &mut labels, &mut centroids) {
            // Points moved into emptied groups: search every point again.
            lower.fill(f64::NEG_INFINITY);
            continue;
        }
        let moved: Vec<f64> = previous
            .iter()
            .zip(&centroids)
            .map(|(&a, &b)| distance2(a, b).sqrt())
            .collect();
        let most = moved.iter().copied().fold(0.0, f64::max);
        for ((u, l), &label) in upper.iter_mut().zip(&mut lower).zip(&labels) {
            *u += moved[label];
            *l -= most;
        }
    }
    // Final assignment against the final centroids, so labels and centroids agree.
    assign(&centroids, &mut labels, &mut upper, &mut lower);
    let _relabelled = update_centroids(points, weights, &mut labels, &mut centroids);
    let inertia = labels
        .iter()
        .zip(points)
        .zip(weights)
        .map(|((&l, &p), &w)| distance2(p, centroids[l]) * w)
        .sum();
    Clustering {
        labels,
        centroids,
        inertia,
    }
}

/// Moves each centroid to the weighted mean of its points. An empty group takes over the point
/// farthest from its own centroid (among groups with more than one point), so every group stays
/// non-empty. Says whether any point was moved so.
#[must_use]
fn update_centroids(
    points: &[Point],
    weights: &[f64],
    labels: &mut [usize],
    centroids: &mut [Point],
) -> bool {
    let k = centroids.len();
    let mut relabelled = false;
    loop {
        let mut sums = vec![[0.0f64; 2]; k];
        let mut mass = vec![0.0f64; k];
        let mut counts = vec![0usize; k];
        for ((&l, &p), &w) in labels.iter().zip(points).zip(weights) {
            sums[l][0] += p[0] * w;
            sums[l][1] += p[1] * w;
            mass[l] += w;
            counts[l] += 1;
        }
        for c in 0..k {
            if counts[c] > 0 {
                centroids[c] = [sums[c][0] / mass[c], sums[c][1] / mass[c]];
            }
        }
        let Some(empty) = counts.iter().position(|&n| n == 0) else {
            return relabelled;
        };
        let mut farthest: Option<(usize, f64)> = None;
        for (i, (&l, &p)) in labels.iter().zip(points).enumerate() {
            let d = distance2(p, centroids[l]);
            if counts[l] > 1 && farthest.is_none_or(|(_, best)| d > best) {
                farthest = Some((i, d));
            }
        }
        let Some((i, _)) = farthest else {
            return relabelled;
        };
        relabelled = true;
        labels[i] = empty;
        centroids[empty] = points[i];
    }
}

/// The mean silhouette of a partition (Rousseeuw 1987) of weighted points, a point of weight w
/// standing for w participants at the same place: for each participant, a is the mean distance
/// to the other members of its group, b the least mean distance to another group, and
/// s = (b − a) / max(a, b), with s = 0 for a participant alone in its group (or when
/// a = b = 0). With unit weights this is the exact silhouette over all pairs of points.
///
/// O(points²) time and O(points) memory; the distances themselves are computed in single
/// precision (eight lanes, which the compiler vectorises) and summed in double precision every
/// 1,024 terms, so the result agrees with a double-precision computation to about 1e-6.
/// Needs k ≥ 2.
pub(crate) fn silhouette(points: &[Point], weights: &[f64], labels: &[usize], k: usize) -> f64 {
    let n = points.len();
    if n == 0 || k < 2 {
        return 0.0;
    }
    // Lay the points out group by group so each group is one contiguous run.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| labels[i]);
    let xs: Vec<f32> = order.iter().map(|&i| points[i][0] as f32).collect();
    let ys: Vec<f32> = order.iter().map(|&i| points[i][1] as f32).collect();
    let ws: Vec<f32> = order.iter().map(|&i| weights[i] as f32).collect();
    let mut starts = vec![0usize; k + 1];
    let mut group_weight = vec![0.0f64; k];
    for (&l, &w) in labels.iter().zip(weights) {
        starts[l + 1] += 1;
        group_weight[l] += w;
    }
    for c in 0..k {
        starts[c + 1] += starts[c];
    }
    let mut total = 0.0;
    for (i, &own) in labels.iter().enumerate() {
        let own_weight = group_weight[own];
        if own_weight <= 1.0 {
            continue;
        }
        let (x, y) = (points[i][0] as f32, points[i][1] as f32);
        let mut a = 0.0;
        let mut b = f64::INFINITY;
        for c in 0..k {
            let range = starts[c]..starts[c + 1];
            if range.is_empty() {
                continue;
            }
            let sum = sum_distances(x, y, &xs[range.clone()], &ys[range.clone()], &ws[range]);
            if c == own {
                a = sum / (own_weight - 1.0);
            } else {
                b = b.min(sum / group_weight[c]);
            }
        }
        let max = a.max(b);
        if max > 0.0 && max.is_finite() {
            total += (b - a) / max * weights[i];
        }
    }
    let total_weight: f64 = group_weight.iter().sum();
    (total / total_weight).clamp(-1.0, 1.0)
}

/// The mean silhouette of a partition of many points, estimated from cells, with a guaranteed
/// interval around it.
///
/// The points are cut into cells: the members of one base cluster (`base`, from k-means with
/// many centres) that share a group. Each cell is replaced by its mean and its member count, so
/// a participant's mean distance to a group costs one distance per cell of that group, not per
/// member: O(points × cells) in all. By the triangle inequality, replacing a member q by its
/// cell's mean c moves a participant's distance to it by at most ‖q − c‖; so the estimated mean
/// distance to group g is off by at most E_g / n_g (E_g: the sum of ‖q − c‖ over g's members, n_g
/// its size; n_g − 1 for the participant's own group). The silhouette s = (b − a) / max(a, b)
/// rises with b and falls with a, so evaluating it at the ends of those ranges brackets every
/// participant's exact value, and the means of the ends bracket the exact mean silhouette.
///
/// Returns (estimate, lowest possible, highest possible). Needs k ≥ 2.
pub(crate) fn silhouette_by_cells(
    points: &[Point],
    labels: &[usize],
    k: usize,
    base: &[usize],
    base_count: usize,
) -> (f64, f64, f64) {
    let n = points.len();
    if n == 0 || k < 2 {
        return (0.0, 0.0, 0.0);
    }
    // Cells by (group, base cluster), so each group's cells are one contiguous run.
    let cell_of = |i: usize| labels[i] * base_count + base[i];
    let mut count = vec![0u32; k * base_count];
    let mut sum = vec![[0.0f64; 2]; k * base_count];
    for (i, p) in points.iter().enumerate() {
        let cell = cell_of(i);
        count[cell] += 1;
        sum[cell][0] += p[0];
        sum[cell][1] += p[1];
    }
    let centre: Vec<Point> = sum
        .iter()
        .zip(&count)
        .map(|(s, &c)| {
            let c = f64::from(c.max(1));
            [s[0] / c, s[1] / c]
        })
        .collect();
    // Quantisation error per group: Σ ‖q − c‖ over its members.
    let mut group_error = vec![0.0f64; k];
    let mut group_size = vec![0.0f64; k];
    for (i, &p) in points.iter().enumerate() {
        group_error[labels[i]] += distance2(p, centre[cell_of(i)]).sqrt();
        group_size[labels[i]] += 1.0;
    }
    // The non-empty cells, laid out group by group, in single precision for the vectorised
    // distance sums (their rounding, about 1e-7 relative, is far inside the bounds).
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let mut ws = Vec::new();
    let mut starts = vec![0usize; k + 1];
    for g in 0..k {
        for cell in g * base_count..(g + 1) * base_count {
            if count[cell] > 0 {
                xs.push(centre[cell][0] as f32);
                ys.push(centre[cell][1] as f32);
                ws.push(count[cell] as f32);
            }
        }
        starts[g + 1] = xs.len();
    }
    let score = |a: f64, b: f64| {
        let max = a.max(b);
        if max > 0.0 && max.is_finite() {
            (b - a) / max
        } else {
            0.0
        }
    };
    let (mut estimate, mut low, mut high) = (0.0, 0.0, 0.0);
    for (i, &p) in points.iter().enumerate() {
        let own = labels[i];
        if group_size[own] <= 1.0 {
            continue;
        }
        let (mut a, mut a_error) = (0.0, 0.0);
        let (mut b, mut b_low, mut b_high) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
        let (x, y) = (p[0] as f32, p[1] as f32);
        for g in 0..k {
            let range = starts[g]..starts[g + 1];
            if range.is_empty() {
                continue;
            }
            let total = sum_distances(x, y, &xs[range.clone()], &ys[range.clone()], &ws[range]);
            if g == own {
                // The participant itself stands at its cell's mean in `total`; take it out.
                let itself = distance2(p, centre[cell_of(i)]).sqrt();
                a = (total - itself).max(0.0) / (group_size[g] - 1.0);
                a_error = group_error[g] / (group_size[g] - 1.0);
            } else {
                let mean = total / group_size[g];
                let error = group_error[g] / group_size[g];
                b = b.min(mean);
                b_low = b_low.min((mean - error).max(0.0));
                b_high = b_high.min(mean + error);
            }
        }
        estimate += score(a, b);
        low += score(a + a_error, b_low);
        high += score((a - a_error).max(0.0), b_high);
    }
    let n = n as f64;
    (
        (estimate / n).clamp(-1.0, 1.0),
        (low / n).clamp(-1.0, 1.0),
        (high / n).clamp(-1.0, 1.0),
    )
}

/// Σ w[j]·√((x − xs[j])² + (y − ys[j])²): eight single-precision lanes per block of 1,024
/// points, each block's sum added in double precision.
fn sum_distances(x: f32, y: f32, xs: &[f32], ys: &[f32], ws: &[f32]) -> f64 {
    let mut total = 0.0f64;
    for ((bx, by), bw) in xs.chunks(1024).zip(ys.chunks(1024)).zip(ws.chunks(1024)) {
        let mut acc = [0.0f32; 8];
        let xc = bx.chunks_exact(8);
        let yc = by.chunks_exact(8);
        let wc = bw.chunks_exact(8);
        let (xr, yr, wr) = (xc.remainder(), yc.remainder(), wc.remainder());
        for ((cx, cy), cw) in xc.zip(yc).zip(wc) {
            for l in 0..8 {
                let dx = x - cx[l];
                let dy = y - cy[l];
                acc[l] += cw[l] * (dx * dx + dy * dy).sqrt();
            }
        }
        let mut sum: f32 = acc.iter().sum();
        for ((&px, &py), &pw) in xr.iter().zip(yr).zip(wr) {
            let dx = x - px;
            let dy = y - py;
            sum += pw * (dx * dx + dy * dy).sqrt();
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
        let s = silhouette(&points, &[1.0; 4], &[0, 0, 1, 1], 2);
        assert!(s > 0.98, "{s}");
        let wrong = silhouette(&points, &[1.0; 4], &[0, 1, 0, 1], 2);
        assert!(wrong < 0.0, "{wrong}");
    }

    #[test]
    fn silhouette_matches_the_definition_on_a_small_case() {
        // Points on a line at 0, 1, 3; groups {0, 1} and {3}.
        let points = [[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]];
        // s(0) = (3 - 1) / 3, s(1) = (2 - 1) / 2, s(2) = 0 (alone).
        let expected = (2.0 / 3.0 + 0.5 + 0.0) / 3.0;
        let s = silhouette(&points, &[1.0; 3], &[0, 0, 1], 2);
        assert!((s - expected).abs() < 1e-7, "{s} vs {expected}");
    }

    #[test]
    fn kmeans_keeps_every_group_non_empty_with_duplicate_points() {
        let points = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [2.0, 0.0]];
        let mut rng = SplitMix64::new(7);
        let clustering = kmeans(&points, &[1.0; 5], 3, &mut rng, 3, 50);
        let mut counts = [0; 3];
        for &l in &clustering.labels {
            counts[l] += 1;
        }
        assert!(counts.iter().all(|&c| c > 0), "{counts:?}");
        assert!(clustering.inertia < 1e-12, "{}", clustering.inertia);
    }

    #[test]
    fn a_weight_counts_as_that_many_points_at_the_same_place() {
        // Three points, the middle one of weight 3, against five unit points.
        let weighted = [[0.0, 0.0], [1.0, 0.0], [5.0, 0.0]];
        let expanded = [[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [5.0, 0.0]];
        let s = silhouette(&weighted, &[1.0, 3.0, 1.0], &[0, 0, 1], 2);
        let exact = silhouette(&expanded, &[1.0; 5], &[0, 0, 0, 0, 1], 2);
        assert!((s - exact).abs() < 1e-7, "{s} vs {exact}");
        let clustering = lloyd(
            &weighted,
            &[1.0, 3.0, 1.0],
            vec![[0.0, 0.0], [5.0, 0.0]],
            10,
        );
        assert_eq!(clustering.labels, [0, 0, 1]);
        assert_eq!(clustering.centroids[0], [0.75, 0.0]);
        assert!((clustering.inertia - (0.75f64.powi(2) + 3.0 * 0.25f64.powi(2))).abs() < 1e-12);
    }

    #[test]
    fn the_x_ordered_search_finds_the_nearest_centre_as_a_scan_does() {
        let mut rng = SplitMix64::new(3);
        // Centres on a coarse lattice, so exact ties happen.
        let centres: Vec<Point> = (0..64)
            .map(|_| [(rng.next_u64() % 8) as f64, (rng.next_u64() % 8) as f64])
            .collect();
        let searched = NearestCentre::new(&centres);
        assert!(matches!(searched, NearestCentre::ByX(_)));
        let scanned = NearestCentre::Scan(&centres);
        for _ in 0..2_000 {
            let p = [
                (rng.next_u64() % 17) as f64 / 2.0,
                (rng.next_u64() % 17) as f64 / 2.0,
            ];
            assert_eq!(searched.find(p), scanned.find(p), "{p:?}");
        }
    }

    #[test]
    fn bounded_lloyd_gives_the_plain_clustering() {
        let mut rng = SplitMix64::new(11);
        // Three blobs plus a lattice of repeated points (ties), as base clusters see them.
        let mut points: Vec<Point> = (0..3_000)
            .map(|i| {
                let centre = [(i % 3) as f64 * 4.0, (i % 3 == 1) as u8 as f64 * 3.0];
                [
                    centre[0] + rng.next_f64() * 2.0 - 1.0,
                    centre[1] + rng.next_f64() * 2.0 - 1.0,
                ]
            })
            .collect();
        points.extend((0..500).map(|i| [(i % 5) as f64, (i % 7) as f64]));
        let weights: Vec<f64> = (0..points.len()).map(|i| (i % 4 + 1) as f64).collect();
        for k in [2, 3, 5, 20, 60, 100] {
            let start = seed_centroids(&points, &weights, k, &mut rng);
            let plain = lloyd_plain(&points, &weights, start.clone(), 100);
            let bounded = lloyd_bounded(&points, &weights, start, 100);
            assert_eq!(plain.labels, bounded.labels, "k = {k}");
            assert_eq!(plain.centroids, bounded.centroids, "k = {k}");
            assert_eq!(plain.inertia, bounded.inertia, "k = {k}");
        }
    }

    #[test]
    fn the_cell_silhouette_brackets_the_exact_one() {
        let mut rng = SplitMix64::new(5);
        let points: Vec<Point> = (0..1_500)
            .map(|i| {
                let centre = [(i % 3) as f64 * 2.0, (i % 3 == 2) as u8 as f64 * 2.5];
                [
                    centre[0] + rng.next_f64() * 2.0 - 1.0,
                    centre[1] + rng.next_f64() * 2.0 - 1.0,
                ]
            })
            .collect();
        let ones = vec![1.0; points.len()];
        let base = kmeans(&points, &ones, 40, &mut rng, 1, 20);
        for k in 2..=5 {
            let groups = kmeans(&points, &ones, k, &mut rng, 2, 100);
            let exact = silhouette(&points, &ones, &groups.labels, k);
            let (estimate, low, high) =
                silhouette_by_cells(&points, &groups.labels, k, &base.labels, 40);
            assert!(
                low <= exact + 1e-6 && exact <= high + 1e-6,
                "k = {k}: {exact} not in [{low}, {high}]"
            );
            assert!(low <= estimate && estimate <= high, "k = {k}");
            assert!(
                (estimate - exact).abs() < 0.02,
                "k = {k}: {estimate} vs {exact}"
            );
        }
        // With every point its own base cluster, the cells are exact.
        let own: Vec<usize> = (0..points.len()).collect();
        let groups = kmeans(&points, &ones, 3, &mut rng, 2, 100);
        let exact = silhouette(&points, &ones, &groups.labels, 3);
        let (estimate, low, high) =
            silhouette_by_cells(&points, &groups.labels, 3, &own, points.len());
        assert!((estimate - exact).abs() < 1e-5 && (high - low).abs() < 1e-12);
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

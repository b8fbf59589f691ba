//! Step 6 of the [module docs](super): k-means for each k tried, on all the cores the same bits
//! as on one, each k's silhouette, and the winner (split from `groups.rs`, which runs the
//! whole pipeline, so each file reads on its own).

use super::chunks;
use super::groups::{GroupingOptions, KScore};
use super::kmeans::{self, Clustering, Point, SplitMix64, mix};

/// Salts the seed of the base-cluster draws, so that the group k-means draws the same numbers
/// with or without base clusters.
const BASE_CLUSTER_SALT: u64 = 0xBA5E_C1A5_7E55_0001;

/// Lloyd iterations for the base clusters at most. They only cut the participants into cells
/// for the silhouette estimate, whose bounds hold for any cut; a closer fit only narrows them.
const BASE_CLUSTER_ITERATIONS: usize = 20;

/// From this many eligible participants the k-means runs and silhouettes of
/// [`choose_groups`] are spread over the cores; below, a run takes a few milliseconds at most
/// and starting threads would cost more than it saves.
pub(super) const PARALLEL_FROM_PARTICIPANTS: usize = 4_096;

/// Step 6 of the [module docs](super): k-means for each k tried, each k's silhouette, and the
/// winner. Returns the winner's silhouette and clustering, and every k's score in increasing
/// k; `None` only if no k had a run, which cannot happen (at least one k is tried, each with
/// at least one run).
///
/// The work goes on up to `threads` threads with the same bits as on one: every k-means++
/// start is drawn first, from one generator seeded with `seed`, k after k and restart after
/// restart (the order in which running the runs one by one draws them, since the Lloyd
/// iterations draw nothing); the base clusters draw from their own generator. Then the Lloyd
/// runs and the base clusters are shared out, the costliest first, and after them the
/// silhouettes, one k per item; each is computed exactly as it would be alone, and the best run
/// of each k and the best k are chosen in the same order, with the same tie-breaks, as a
/// sequential pass.
pub(super) fn choose_groups(
    positions: &[Point],
    options: &GroupingOptions,
    top_k: usize,
    threads: usize,
) -> Option<(f64, Clustering, Vec<KScore>)> {
    /// One piece of k-means work.
    enum Run {
        /// The base clusters: one k-means++ start and its Lloyd run.
        Base,
        /// One Lloyd run for the k at this index of `ks`, from this start.
        Group(usize, Vec<Point>),
    }
    let n = positions.len();
    let ones = vec![1.0; n];
    // With fewer distinct positions than min_groups, as many groups as they allow (at least 2).
    let ks: Vec<usize> = if options.min_groups <= top_k {
        (options.min_groups..=top_k).collect()
    } else {
        vec![top_k.max(2)]
    };
    let mut rng = SplitMix64::new(options.seed);
    let starts: Vec<Vec<Vec<Point>>> = ks
        .iter()
        .map(|&k| kmeans::seeds(positions, &ones, k, &mut rng, options.kmeans_restarts))
        .collect();
    // Base clusters, only to estimate the silhouette of many participants. Queued first, then
    // the larger k: they take longest, so the queue ends on short runs and the threads finish
    // together.
    let mut jobs = Vec::new();
    if n > options.base_clusters {
        jobs.push(Run::Base);
    }
    for (slot, runs) in starts.into_iter().enumerate().rev() {
        jobs.extend(runs.into_iter().map(|start| Run::Group(slot, start)));
    }
    let done = chunks::map(jobs, threads, |job| match job {
        Run::Base => {
            let mut rng = SplitMix64::new(mix(options.seed ^ BASE_CLUSTER_SALT));
            let base = kmeans::kmeans(
                positions,
                &ones,
                options.base_clusters,
                &mut rng,
                1,
                options.kmeans_max_iterations.min(BASE_CLUSTER_ITERATIONS),
            );
            (None, base)
        }
        Run::Group(slot, start) => {
            let run = kmeans::lloyd(positions, &ones, start, options.kmeans_max_iterations);
            (Some(slot), run)
        }
    });
    let mut base = None;
    // Each k's runs in restart order: `done` is in queue order.
    let mut runs: Vec<Vec<Clustering>> = ks.iter().map(|_| Vec::new()).collect();
    for (slot, run) in done {
        match slot {
            Some(slot) => {
                if let Some(runs) = runs.get_mut(slot) {
                    runs.push(run);
                }
            }
            None => base = Some(run),
        }
    }
    let chosen: Vec<(usize, Clustering)> = ks
        .iter()
        .zip(runs)
        .filter_map(|(&k, runs)| Some((k, kmeans::best_run(runs)?)))
        .collect();

    let score = |labels: &[usize], k: usize| match &base {
        None => {
            let exact = kmeans::silhouette(positions, &ones, labels, k);
            (exact, [exact, exact])
        }
        Some(base) => {
            let (estimate, low, high) = kmeans::silhouette_by_cells(
                positions,
                labels,
                k,
                &base.labels,
                base.centroids.len(),
            );
            (estimate, [low, high])
        }
    };
    // Larger k first again (more cells to visit); the scores come back in queue order.
    let mut scores = chunks::map(chosen.iter().rev().collect(), threads, |(_, clustering)| {
        score(&clustering.labels, clustering.centroids.len())
    });
    scores.reverse();

    let mut silhouette_by_k = Vec::new();
    let mut best: Option<(f64, Clustering)> = None;
    for ((k, clustering), (silhouette, silhouette_bounds)) in chosen.into_iter().zip(scores) {
        silhouette_by_k.push(KScore {
            k,
            silhouette,
            silhouette_bounds,
        });
        // The smaller k on ties.
        if best.as_ref().is_none_or(|(s, _)| silhouette > *s) {
            best = Some((silhouette, clustering));
        }
    }
    let (silhouette, clustering) = best?;
    Some((silhouette, clustering, silhouette_by_k))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Step 6 as it ran before the work was shared out: base clusters, then for each k its
    /// restarts one after the other from one generator, then the silhouette.
    fn one_by_one(
        positions: &[Point],
        options: &GroupingOptions,
        top_k: usize,
    ) -> (f64, Clustering, Vec<KScore>) {
        let ones = vec![1.0; positions.len()];
        let base = (positions.len() > options.base_clusters).then(|| {
            let mut rng = SplitMix64::new(mix(options.seed ^ BASE_CLUSTER_SALT));
            kmeans::kmeans(
                positions,
                &ones,
                options.base_clusters,
                &mut rng,
                1,
                options.kmeans_max_iterations.min(BASE_CLUSTER_ITERATIONS),
            )
        });
        let ks: Vec<usize> = if options.min_groups <= top_k {
            (options.min_groups..=top_k).collect()
        } else {
            vec![top_k.max(2)]
        };
        let mut rng = SplitMix64::new(options.seed);
        let mut scores = Vec::new();
        let mut best: Option<(f64, Clustering)> = None;
        for k in ks {
            let clustering = kmeans::kmeans(
                positions,
                &ones,
                k,
                &mut rng,
                options.kmeans_restarts,
                options.kmeans_max_iterations,
            );
            let found = clustering.centroids.len();
            let (silhouette, silhouette_bounds) = match &base {
                None => {
                    let s = kmeans::silhouette(positions, &ones, &clustering.labels, found);
                    (s, [s, s])
                }
                Some(base) => {
                    let (s, low, high) = kmeans::silhouette_by_cells(
                        positions,
                        &clustering.labels,
                        found,
                        &base.labels,
                        base.centroids.len(),
                    );
                    (s, [low, high])
                }
            };
            scores.push(KScore {
                k,
                silhouette,
                silhouette_bounds,
            });
            if best.as_ref().is_none_or(|(s, _)| silhouette > *s) {
                best = Some((silhouette, clustering));
            }
        }
        let (silhouette, clustering) = best.expect("at least one k");
        (silhouette, clustering, scores)
    }

    /// Points around `blobs` centres on a circle, with a coarse grid of repeated points mixed
    /// in so that ties between centres happen.
    fn blobs(seed: u64, n: usize, blobs: usize) -> Vec<Point> {
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|i| {
                if i % 10 == 0 {
                    return [(i % 7) as f64 - 3.0, (i % 5) as f64 - 2.0];
                }
                let angle = (i % blobs) as f64 / blobs as f64 * std::f64::consts::TAU;
                [
                    4.0 * angle.cos() + rng.next_f64() * 3.0 - 1.5,
                    4.0 * angle.sin() + rng.next_f64() * 3.0 - 1.5,
                ]
            })
            .collect()
    }

    #[test]
    fn shared_out_k_means_gives_the_same_bits_as_one_run_after_another() {
        let cases = [
            // Base clusters (estimated silhouette), the default k range.
            (blobs(1, 3_000, 3), GroupingOptions::default(), 5),
            // Exact silhouette, more restarts, a narrower range.
            (
                blobs(2, 90, 4),
                GroupingOptions {
                    seed: 9,
                    kmeans_restarts: 6,
                    min_groups: 3,
                    ..GroupingOptions::default()
                },
                5,
            ),
            // top_k below min_groups (fewer distinct positions): the one k they allow.
            (
                blobs(3, 2_000, 2),
                GroupingOptions {
                    min_groups: 4,
                    max_groups: 5,
                    base_clusters: 50,
                    ..GroupingOptions::default()
                },
                3,
            ),
        ];
        for (case, (points, options, top_k)) in cases.iter().enumerate() {
            let (silhouette, clustering, scores) = one_by_one(points, options, *top_k);
            for threads in [1, 2, 3, 8] {
                let (s, c, by_k) =
                    choose_groups(points, options, *top_k, threads).expect("a clustering");
                let at = format!("case {case}, {threads} threads");
                assert_eq!(s.to_bits(), silhouette.to_bits(), "{at}");
                assert_eq!(c.labels, clustering.labels, "{at}");
                assert_eq!(c.centroids, clustering.centroids, "{at}");
                assert_eq!(c.inertia.to_bits(), clustering.inertia.to_bits(), "{at}");
                assert_eq!(by_k, scores, "{at}");
            }
        }
    }
}

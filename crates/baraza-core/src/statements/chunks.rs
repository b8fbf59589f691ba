//! Work cut into a fixed number of pieces and run on the machine's cores.
//!
//! How the work is cut depends only on the data (see [`row_chunks`]), never on the number of
//! threads, and each piece's result comes back in piece order; a caller that combines the
//! results in that order therefore gets the same bits with one thread or many. Threads are
//! `std::thread::scope` threads, only as many as the cores the standard library reports; on
//! wasm (no threads in `wasm32-unknown-unknown`) or when a thread cannot be started, the pieces
//! run one after the other on the calling thread.

use std::ops::Range;

/// Matrices with at most this many rows are one chunk, so a pass over them is the plain loop.
pub(crate) const ROWS_PER_CHUNK: usize = 16_384;

/// The most chunks a pass is cut into: a multiple of common core counts (1, 2, 4, 8), and a
/// bound on the per-chunk scratch space (one vector block per column in the PCA).
pub(crate) const MAX_CHUNKS: usize = 8;

/// Consecutive row ranges covering `0..rows`: one when `rows` ≤ [`ROWS_PER_CHUNK`], else
/// the fewest chunks of at most that many rows, rounded up to a multiple of 2 and capped at
/// [`MAX_CHUNKS`], of equal size (±1 row).
pub(crate) fn row_chunks(rows: usize) -> Vec<Range<usize>> {
    let count = if rows <= ROWS_PER_CHUNK {
        1
    } else {
        rows.div_ceil(ROWS_PER_CHUNK)
            .next_multiple_of(2)
            .min(MAX_CHUNKS)
    };
    (0..count)
        .map(|c| c * rows / count..(c + 1) * rows / count)
        .collect()
}

/// Threads worth starting for `pieces` pieces of work: the cores available, at most one per
/// piece; always 1 on wasm.
pub(crate) fn threads_for(pieces: usize) -> usize {
    #[cfg(target_family = "wasm")]
    let cores = 1;
    #[cfg(not(target_family = "wasm"))]
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    cores.min(pieces).max(1)
}

/// `f` applied to every item, on up to `threads` threads (the calling thread included); the
/// results in the items' order. A thread that is free takes the next item not yet taken, so
/// items of uneven cost (k-means runs) spread over the threads: put the costliest first. Which
/// thread runs an item never changes its result.
pub(crate) fn map<I, O, F>(items: Vec<I>, threads: usize, f: F) -> Vec<O>
where
    I: Send,
    O: Send,
    F: Fn(I) -> O + Sync,
{
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.into_iter().map(f).collect();
    }
    let mut done = run_shared(items, threads, &f);
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, o)| o).collect()
}

/// Every item through `f` on `threads` threads taking items from one queue; the results with
/// their items' indices, in no particular order.
#[cfg(not(target_family = "wasm"))]
fn run_shared<I: Send, O: Send>(
    items: Vec<I>,
    threads: usize,
    f: &(impl Fn(I) -> O + Sync),
) -> Vec<(usize, O)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, PoisonError};
    let count = items.len();
    // The counter hands each index to exactly one thread; the slot only moves the item out.
    let slots: Vec<Mutex<Option<I>>> = items.into_iter().map(|i| Mutex::new(Some(i))).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = slots.get(i) else {
                return done;
            };
            let item = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(item) = item {
                done.push((i, f(item)));
            }
        }
    };
    let mut done = Vec::with_capacity(count);
    std::thread::scope(|scope| {
        // A thread that cannot start leaves its share of the queue to the others, the calling
        // thread at least: slower, same result.
        let handles: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        done.extend(work());
        for handle in handles {
            match handle.join() {
                Ok(results) => done.extend(results),
                // A panic in a worker is a bug in `f`; raise it again on the caller's thread.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
    });
    done
}

#[cfg(target_family = "wasm")]
fn run_shared<I: Send, O: Send>(
    items: Vec<I>,
    _threads: usize,
    f: &(impl Fn(I) -> O + Sync),
) -> Vec<(usize, O)> {
    items.into_iter().map(f).enumerate().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_returns_results_in_item_order_on_any_number_of_threads() {
        // Uneven costs, so the threads finish their items out of order.
        let items: Vec<u64> = (0..40).map(|i| (i * 7919) % 23 * 1_000).collect();
        let work = |n: u64| (0..n).fold(n, |acc, x| acc.wrapping_mul(31).wrapping_add(x));
        let one = map(items.clone(), 1, work);
        assert_eq!(one, items.iter().map(|&n| work(n)).collect::<Vec<_>>());
        for threads in [2, 3, 8, 64] {
            assert_eq!(map(items.clone(), threads, work), one, "{threads} threads");
        }
        assert_eq!(map(Vec::<u64>::new(), 2, work), Vec::<u64>::new());
    }
}

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
/// results in the items' order. Item i runs on thread i mod `threads`.
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
    let count = items.len();
    let mut shares: Vec<Vec<(usize, I)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        shares[i % threads].push((i, item));
    }
    let run = |share: Vec<(usize, I)>| -> Vec<(usize, O)> {
        share.into_iter().map(|(i, item)| (i, f(item))).collect()
    };
    let mut done: Vec<(usize, O)> = Vec::with_capacity(count);
    spawn_and_run(shares, &run, &mut done);
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, o)| o).collect()
}

#[cfg(not(target_family = "wasm"))]
fn spawn_and_run<I: Send, O: Send>(
    shares: Vec<Vec<(usize, I)>>,
    run: &(impl Fn(Vec<(usize, I)>) -> Vec<(usize, O)> + Sync),
    done: &mut Vec<(usize, O)>,
) {
    use std::sync::{Mutex, PoisonError};
    // Each share sits in a slot that its thread empties, so that a share whose thread cannot
    // start is still there for the calling thread to run: slower, same result.
    type Slot<I> = Mutex<Option<Vec<(usize, I)>>>;
    let slots: Vec<Slot<I>> = shares.into_iter().map(|s| Mutex::new(Some(s))).collect();
    let take = |slot: &Slot<I>| slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    std::thread::scope(|scope| {
        let handles: Vec<_> = slots[1..]
            .iter()
            .filter_map(|slot| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, || take(slot).map(run))
                    .ok()
            })
            .collect();
        for slot in &slots {
            // The calling thread's own share, then any share no thread took.
            if let Some(share) = take(slot) {
                done.extend(run(share));
            }
        }
        for handle in handles {
            match handle.join() {
                Ok(results) => done.extend(results.into_iter().flatten()),
                // A panic in a worker is a bug in `run`; raise it again on the caller's thread.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
    });
}

#[cfg(target_family = "wasm")]
fn spawn_and_run<I: Send, O: Send>(
    shares: Vec<Vec<(usize, I)>>,
    run: &(impl Fn(Vec<(usize, I)>) -> Vec<(usize, O)> + Sync),
    done: &mut Vec<(usize, O)>,
) {
    for share in shares {
        done.extend(run(share));
    }
}

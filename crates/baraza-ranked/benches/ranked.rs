//! Ranked counts on a million ballots over 8 candidates (the target: instant-runoff in
//! at most 80 ms on one core), generated from a fixed seed. Each count starts from the ballots
//! in memory: reducing and grouping them is part of the time. Group `ranked` measures
//! wall-clock time, group `ranked_cpu` the CPU time of the benchmarking thread (what one core
//! spends, whatever else runs on the machine).
//!
//! Run with `cargo bench -p baraza-core --bench ranked`.

use std::hint::black_box;
use std::sync::OnceLock;

use baraza_ranked::{
    BallotPool, CandidateId, Candidates, RankedBallot, Rules, instant_runoff,
    single_transferable_vote,
};
use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/thread_cpu_time.rs"]
mod thread_cpu_time;
use thread_cpu_time::ThreadCpuTime;

const BALLOTS: usize = 1_000_000;
const CANDIDATES: usize = 8;

/// SplitMix64: a tiny, well-known generator, so the inputs are the same on every run.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Ballots like a real contest's: candidates of unequal support, each ballot ranking 1 to 8 of
/// them, drawn in order of support without replacement (a Plackett–Luce model).
fn generate() -> (Candidates, Vec<RankedBallot>) {
    let candidates =
        Candidates::new((0..CANDIDATES).map(|i| format!("Candidate {i}"))).expect("valid names");
    let ids: Vec<CandidateId> = candidates.ids().collect();
    let support: [u64; CANDIDATES] = [30, 26, 16, 11, 8, 5, 3, 1];
    let mut random = SplitMix64(2027);
    let mut ballots = Vec::with_capacity(BALLOTS);
    let mut ranking = Vec::with_capacity(CANDIDATES);
    for _ in 0..BALLOTS {
        let length = 1 + random.below(CANDIDATES as u64) as usize;
        let mut left: Vec<usize> = (0..CANDIDATES).collect();
        ranking.clear();
        while ranking.len() < length {
            let total: u64 = left.iter().map(|&c| support[c]).sum();
            let mut pick = random.below(total);
            let position = left
                .iter()
                .position(|&c| {
                    if pick < support[c] {
                        true
                    } else {
                        pick -= support[c];
                        false
                    }
                })
                .expect("pick below the total");
            ranking.push(ids[left.swap_remove(position)]);
        }
        ballots.push(RankedBallot::from_ranking(&ranking).expect("8 ranks"));
    }
    (candidates, ballots)
}

/// The contest, generated once for every group.
fn contest() -> &'static (Candidates, Vec<RankedBallot>) {
    static CONTEST: OnceLock<(Candidates, Vec<RankedBallot>)> = OnceLock::new();
    CONTEST.get_or_init(|| {
        let (candidates, ballots) = generate();
        let count = instant_runoff(&candidates, &ballots, &Rules::default()).expect("counts");
        eprintln!(
            "instant-runoff on {BALLOTS} ballots: {} rounds, winner {}",
            count.rounds().len(),
            count.name(count.winner().expect("a winner"))
        );
        (candidates, ballots)
    })
}

fn ranked<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let (candidates, ballots) = contest();
    let rules = Rules::default();
    let mut group = c.benchmark_group(group_name);
    group.sample_size(20);
    group.throughput(Throughput::Elements(BALLOTS as u64));
    group.bench_function("irv_1m_ballots_8_candidates", |b| {
        b.iter(|| instant_runoff(candidates, black_box(ballots), &rules).expect("counts"))
    });
    group.bench_function("stv_3_seats_1m_ballots_8_candidates", |b| {
        b.iter(|| {
            single_transferable_vote(candidates, black_box(ballots), 3, &rules).expect("counts")
        })
    });
    let mut pool = BallotPool::new(candidates, &rules);
    for ballot in ballots {
        pool.push(ballot).expect("own candidates");
    }
    eprintln!("{} distinct ballots", pool.distinct_ballots());
    group.bench_function("irv_count_only_from_pool", |b| {
        b.iter(|| black_box(&pool).instant_runoff().expect("counts"))
    });
    group.finish();
}

/// Wall-clock time, criterion's default.
fn wall_clock(c: &mut Criterion) {
    ranked(c, "ranked");
}

/// CPU time of the benchmarking thread: on a shared machine, the time one core spends, which
/// other processes competing for the cores do not inflate.
fn cpu_time(c: &mut Criterion<ThreadCpuTime>) {
    ranked(c, "ranked_cpu");
}

criterion_group!(wall, wall_clock);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = cpu_time
}
criterion_main!(wall, cpu);

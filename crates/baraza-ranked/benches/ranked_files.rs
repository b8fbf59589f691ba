//! Ranked ballots from a file, end to end: 1,000,000 ballots × 8 candidates as a ~24 MB CSV
//! held in memory (generated from a fixed seed), read and counted by
//! instant-runoff. The target: at most 200 ms on 2 cores.
//!
//! Run with `cargo bench -p baraza-core --bench ranked_files`.

use std::hint::black_box;

use baraza_ranked::{
    Candidates, CsvOptions, Rules, instant_runoff, parse_csv_contest, parse_csv_contest_pool,
    parse_csv_pool,
};
use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/thread_cpu_time.rs"]
mod thread_cpu_time;
use thread_cpu_time::ThreadCpuTime;

/// Ballots in the file.
const BALLOTS: usize = 1_000_000;

/// Candidate names, by decreasing support. Short surnames keep the file near 24 MB (the size the
/// issue names); the last one needs quotes, so the quoted path is part of every run.
const NAMES: [&str; 8] = [
    "Asha", "Bako", "Chege", "Dali", "Eshe", "Juma", "Kito", "Wa, Zuri",
];

/// SplitMix64: a tiny, well-known generator, so the file is the same on every run.
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

/// The file: each ballot ranks 1 to 8 candidates drawn in order of support without replacement
/// (a Plackett–Luce model), one ballot per line, LF line ends.
fn generate() -> Vec<u8> {
    let support: [u64; 8] = [30, 26, 16, 11, 8, 5, 3, 1];
    let mut random = SplitMix64(2027);
    let mut csv = Vec::with_capacity(BALLOTS * 28);
    for _ in 0..BALLOTS {
        let length = 1 + random.below(NAMES.len() as u64) as usize;
        let mut left: Vec<usize> = (0..NAMES.len()).collect();
        for rank in 0..length {
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
            let name = NAMES[left.swap_remove(position)];
            if rank > 0 {
                csv.push(b',');
            }
            if name.contains(',') {
                csv.push(b'"');
                csv.extend_from_slice(name.as_bytes());
                csv.push(b'"');
            } else {
                csv.extend_from_slice(name.as_bytes());
            }
        }
        csv.push(b'\n');
    }
    csv
}

fn ranked_files<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let csv = generate();
    let candidates = Candidates::new(NAMES).expect("valid names");
    let rules = Rules::default();
    let options = CsvOptions::default();
    let count = parse_csv_pool(&csv, &candidates, &rules, &options)
        .expect("the generated file is valid")
        .instant_runoff()
        .expect("counts");
    eprintln!(
        "{} bytes, {} ballots: {} rounds, winner {}",
        csv.len(),
        BALLOTS,
        count.rounds().len(),
        count.name(count.winner().expect("a winner"))
    );

    let mut group = c.benchmark_group(group_name);
    group.sample_size(10);
    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function("csv_1m_ballots_8_candidates_read_and_irv", |b| {
        b.iter(|| {
            parse_csv_pool(black_box(&csv), &candidates, &rules, &options)
                .expect("valid")
                .instant_runoff()
                .expect("counts")
        })
    });
    // What `example-rank-tally` does: the candidates are the names found in the file.
    group.bench_function("csv_1m_ballots_discovered_candidates_read_and_irv", |b| {
        b.iter(|| {
            parse_csv_contest_pool(black_box(&csv), &rules, &options)
                .expect("valid")
                .instant_runoff()
                .expect("counts")
        })
    });
    // The same through every ballot kept in line order (`Vec<RankedBallot>`).
    group.bench_function(
        "csv_1m_ballots_discovered_candidates_as_ballots_and_irv",
        |b| {
            b.iter(|| {
                let contest = parse_csv_contest(black_box(&csv), &options).expect("valid");
                instant_runoff(&contest.candidates, &contest.ballots, &rules).expect("counts")
            })
        },
    );
    group.finish();
}

/// Wall-clock time, criterion's default: what a user waits.
fn wall_clock(c: &mut Criterion) {
    ranked_files(c, "ranked_files");
}

/// CPU time of the benchmarking thread (stable when other work shares the machine).
fn cpu_time(c: &mut Criterion<ThreadCpuTime>) {
    ranked_files(c, "ranked_files_cpu");
}

criterion_group!(wall, wall_clock);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = cpu_time
}
criterion_main!(wall, cpu);

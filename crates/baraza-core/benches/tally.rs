//! Throughput of choice-poll tallies (plurality and approval) on the bulk path,
//! `PollTally::record_indices`. Target: at least 50 million ballot-selections per second.
//!
//! Run with: cargo bench -p baraza-core --bench tally

use baraza_core::{Poll, PollTally};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const BALLOTS: usize = 1_000_000;
const OPTIONS: u16 = 8;

fn poll(kind: &str) -> Poll {
    let options: Vec<String> = (0..OPTIONS)
        .map(|i| format!(r#"{{"id":"option-{i}","label":{{"en":"Option {i}"}}}}"#))
        .collect();
    let json = format!(
        r#"{{"slug":"bench","default_language":"en","question":{{"en":"Q?"}},"kind":{kind},
            "status":"open","options":[{}]}}"#,
        options.join(",")
    );
    serde_json::from_str(&json).expect("benchmark poll is valid")
}

/// Deterministic pseudo-random ballots (xorshift), flattened with their lengths.
fn ballots(approval: bool) -> (Vec<u16>, Vec<u8>) {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut selections = Vec::with_capacity(BALLOTS * 4);
    let mut lengths = Vec::with_capacity(BALLOTS);
    for _ in 0..BALLOTS {
        if approval {
            let mask = next() & 0xff;
            let before = selections.len();
            selections.extend((0..OPTIONS).filter(|i| mask & (1 << i) != 0));
            lengths.push((selections.len() - before) as u8);
        } else {
            selections.push((next() % u64::from(OPTIONS)) as u16);
            lengths.push(1);
        }
    }
    (selections, lengths)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("tally");
    for (name, kind, approval) in [
        (
            "plurality_1m_ballots_8_options",
            r#"{"type":"single_choice"}"#,
            false,
        ),
        (
            "approval_1m_ballots_8_options",
            r#"{"type":"approval"}"#,
            true,
        ),
    ] {
        let poll = poll(kind);
        let (selections, lengths) = ballots(approval);
        group.throughput(Throughput::Elements(selections.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut tally = PollTally::new(&poll);
                let mut start = 0;
                for &length in &lengths {
                    let end = start + usize::from(length);
                    tally
                        .record_indices(&selections[start..end])
                        .expect("valid ballot");
                    start = end;
                }
                tally.total_ballots()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

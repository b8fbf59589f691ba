//! Redaction speed on generated citizen comments: words in Swahili, English and French with
//! numbers, dates, amounts, e-mail addresses, phone and card numbers mixed in, from a fixed seed.
//!
//! Run with: `cargo bench -p baraza-core --bench text_safety`

use std::hint::black_box;

use baraza_core::text_safety::{CitizenText, TextLimits, redact};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// SplitMix64, so the text is the same on every machine and run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "maji",
    "bei",
    "ya",
    "kaunti",
    "huduma",
    "the",
    "water",
    "price",
    "is",
    "too",
    "high",
    "we",
    "need",
    "la",
    "route",
    "est",
    "fermée",
    "depuis",
    "barabara",
    "hospitali",
    "school",
    "fees",
    "ward",
    "café",
    "élève",
    "Nairobi",
    "Kisumu",
    "please",
    "fix",
    "pump",
];

const SPECIAL: &[&str] = &[
    "0712 345 678",
    "+254 712 345 678",
    "jane.doe+maji@mail.example.co.ke",
    "4111 1111 1111 1111",
    "27384910",
    "2024-03-15",
    "KES 2,500",
    "1 500 000",
    "12",
    "2027",
    "(020) 7946 0958",
];

fn comment(rng: &mut Rng, chars: usize) -> String {
    let mut text = String::new();
    while text.chars().count() < chars {
        let piece = if rng.next().is_multiple_of(12) {
            rng.pick(SPECIAL)
        } else {
            rng.pick(WORDS)
        };
        text.push_str(piece);
        text.push_str(if rng.next().is_multiple_of(10) {
            ". "
        } else {
            " "
        });
    }
    text
}

fn bench(c: &mut Criterion) {
    let mut rng = Rng(2027);
    let long = comment(&mut rng, 64 * 1024);
    let typical = comment(&mut rng, 1_900);
    let found = redact(&long).counts;
    assert!(found.email > 0 && found.phone > 0 && found.card > 0 && found.id > 0);

    let mut group = c.benchmark_group("text_safety");
    group.throughput(Throughput::Bytes(long.len() as u64));
    group.bench_function("redact 64 KiB", |b| b.iter(|| redact(black_box(&long))));
    // The worst case for the number scanner: a one-digit group every two bytes, each the start
    // of eight windows to try.
    let digits = "1 ".repeat(32 * 1024);
    group.throughput(Throughput::Bytes(digits.len() as u64));
    group.bench_function("redact 64 KiB of \"1 1 1 …\"", |b| {
        b.iter(|| redact(black_box(&digits)))
    });
    group.throughput(Throughput::Bytes(typical.len() as u64));
    group.bench_function("CitizenText::new, 1,900-character comment", |b| {
        b.iter(|| CitizenText::new(black_box(&typical), TextLimits::default()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

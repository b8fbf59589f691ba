//! Opinion groups on 8,000 participants × 8,000 statements with about 1,000,000 votes and a
//! planted three-group structure, generated from a fixed seed.
//!
//! Run with: `cargo bench -p baraza-core --bench statements`

use std::hint::black_box;

use baraza_core::statements::{
    Conversation, GroupingOptions, ParticipantId, StatementId, StatementText, Vote,
};
use criterion::{Criterion, criterion_group, criterion_main};

const PARTICIPANTS: u64 = 8_000;
const STATEMENTS: u64 = 8_000;
const VOTES_PER_PARTICIPANT: u64 = 125;
const GROUPS: u64 = 3;

/// SplitMix64, so the data is the same on every machine and run.
struct Rng(u64);

impl Rng {
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

/// Participant p belongs to group p % 3. Each statement has a stance per group (agree or
/// disagree, drawn at random); a participant votes on 125 random statements, following their
/// group's stance with probability 0.75, the opposite with 0.15 and passing with 0.10.
fn planted_conversation(seed: u64) -> Conversation {
    let mut rng = Rng(seed);
    let mut conversation = Conversation::new();
    let text = StatementText::parse("A statement of moderate length about local services")
        .expect("valid text");
    for s in 0..STATEMENTS {
        conversation
            .add_statement(
                StatementId(s),
                ParticipantId(s % PARTICIPANTS),
                text.clone(),
            )
            .expect("fresh id");
    }
    let stances: Vec<bool> = (0..STATEMENTS * GROUPS)
        .map(|_| rng.below(2) == 0)
        .collect();
    for p in 0..PARTICIPANTS {
        let group = p % GROUPS;
        for _ in 0..VOTES_PER_PARTICIPANT {
            let s = rng.below(STATEMENTS);
            let stance = stances[(s * GROUPS + group) as usize];
            let roll = rng.below(100);
            let vote = match (roll, stance) {
                (0..75, true) | (75..90, false) => Vote::Agree,
                (0..75, false) | (75..90, true) => Vote::Disagree,
                _ => Vote::Pass,
            };
            conversation
                .vote(ParticipantId(p), StatementId(s), vote)
                .expect("known statement");
        }
    }
    conversation
}

fn opinion_groups(c: &mut Criterion) {
    let conversation = planted_conversation(2027);
    let options = GroupingOptions::default();
    let result = conversation.opinion_groups(&options).expect("groups");
    // The planted groups must come back exactly, or the figure measures the wrong thing.
    assert_eq!(result.groups.len(), GROUPS as usize);
    for group in &result.groups {
        let planted = group.members[0].0 % GROUPS;
        assert!(group.members.iter().all(|p| p.0 % GROUPS == planted));
    }
    let sizes: Vec<usize> = result.groups.iter().map(|g| g.members.len()).collect();
    eprintln!(
        "{} votes; {} groups of {sizes:?}; silhouette {:.3}; PCA {} iterations (converged: {})",
        conversation.vote_count(),
        result.groups.len(),
        result.silhouette,
        result.pca.iterations,
        result.pca.converged,
    );
    let mut group = c.benchmark_group("statements");
    group.sample_size(10);
    group.bench_function("opinion_groups_8000x8000_1m_votes", |b| {
        b.iter(|| black_box(conversation.opinion_groups(black_box(&options))))
    });
    group.finish();
}

criterion_group!(benches, opinion_groups);
criterion_main!(benches);

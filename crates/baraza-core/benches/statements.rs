//! Opinion groups on conversations with a planted three-group structure, generated from a fixed
//! seed: 8,000 participants × 8,000 statements with about 1,000,000 votes (quick), and the
//! scale of issue 10, 100,000 participants × 10,000 statements with 5,000,000 votes (target:
//! ≤ 3 s on 2 cores). Each is measured in wall-clock time and in the benchmark thread's CPU time.
//!
//! Run with: `cargo bench -p baraza-core --bench statements` (add `-- 8000x8000` or
//! `-- 100000x10000` for one size).

use std::hint::black_box;
use std::sync::OnceLock;

use baraza_core::statements::{
    Conversation, GroupingOptions, ParticipantId, StatementId, StatementText, Vote,
};
use criterion::measurement::Measurement;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "support/thread_cpu_time.rs"]
mod thread_cpu_time;
use thread_cpu_time::ThreadCpuTime;

/// One generated conversation.
struct Shape {
    /// Part of the benchmark's name.
    label: &'static str,
    participants: u64,
    statements: u64,
    votes_per_participant: u64,
    /// Planted groups: participant p belongs to group p % `groups`. With one group there is
    /// no structure to find beyond noise around a common stance.
    groups: u64,
    /// Whether a participant's statements are drawn without repeats (so every draw is a vote);
    /// the 8,000 case draws with repeats, as it always has, for comparable figures.
    distinct: bool,
}

const QUICK: Shape = Shape {
    label: "8000x8000_1m_votes",
    participants: 8_000,
    statements: 8_000,
    votes_per_participant: 125,
    groups: 3,
    distinct: false,
};

const SCALE: Shape = Shape {
    label: "100000x10000_5m_votes",
    participants: 100_000,
    statements: 10_000,
    votes_per_participant: 50,
    groups: 3,
    distinct: true,
};

/// The same size without groups: the hard case for the PCA (no gap between the eigenvalues,
/// so the subspace iteration converges slowly or runs to `pca_max_iterations`).
const SCALE_UNSTRUCTURED: Shape = Shape {
    label: "100000x10000_5m_votes_no_groups",
    groups: 1,
    ..SCALE
};

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
/// disagree, drawn at random); a participant votes on `votes_per_participant` random
/// statements, following their group's stance with probability 0.75, the opposite with 0.15 and
/// passing with 0.10.
fn planted_conversation(shape: &Shape, seed: u64) -> Conversation {
    let mut rng = Rng(seed);
    let mut conversation = Conversation::new();
    let text = StatementText::parse("A statement of moderate length about local services")
        .expect("valid text");
    for s in 0..shape.statements {
        conversation
            .add_statement(
                StatementId(s),
                ParticipantId(s % shape.participants),
                text.clone(),
            )
            .expect("fresh id");
    }
    let stances: Vec<bool> = (0..shape.statements * shape.groups)
        .map(|_| rng.below(2) == 0)
        .collect();
    let mut drawn = Vec::new();
    for p in 0..shape.participants {
        let group = p % shape.groups;
        drawn.clear();
        for _ in 0..shape.votes_per_participant {
            let mut s = rng.below(shape.statements);
            while shape.distinct && drawn.contains(&s) {
                s = rng.below(shape.statements);
            }
            drawn.push(s);
            let stance = stances[(s * shape.groups + group) as usize];
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

/// The generated conversations, made once and shared by the wall-clock and CPU-time groups.
static CONVERSATIONS: [OnceLock<Conversation>; 3] =
    [OnceLock::new(), OnceLock::new(), OnceLock::new()];

fn opinion_groups<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    // Criterion's filter words (`cargo bench … -- 8000x8000`): a size none of them names is not
    // even generated, so the quick case stays quick.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for (shape, cache) in [&QUICK, &SCALE, &SCALE_UNSTRUCTURED]
        .into_iter()
        .zip(&CONVERSATIONS)
    {
        let name = format!("opinion_groups_{}", shape.label);
        let wanted = filters.is_empty()
            || filters.iter().any(|f| {
                ["statements", "statements_cpu"]
                    .iter()
                    .any(|g| format!("{g}/{name}").contains(f.as_str()))
            });
        if !wanted {
            continue;
        }
        let conversation = cache.get_or_init(|| planted_conversation(shape, 2027));
        measure(c, group_name, &name, shape, conversation);
    }
}

fn measure<M: Measurement>(
    c: &mut Criterion<M>,
    group_name: &str,
    name: &str,
    shape: &Shape,
    conversation: &Conversation,
) {
    let options = GroupingOptions::default();
    let result = conversation.opinion_groups(&options).expect("groups");
    if shape.groups > 1 {
        // The planted groups must come back, or the figure measures the wrong thing. With few
        // votes each and 15 % of them against the group's stance, a handful of participants sit
        // nearer another group's centre than their own; at most 0.1 % may be placed there.
        assert_eq!(result.groups.len() as u64, shape.groups);
        let mut misplaced = 0;
        for group in &result.groups {
            let mut by_bloc = vec![0usize; shape.groups as usize];
            for p in &group.members {
                by_bloc[(p.0 % shape.groups) as usize] += 1;
            }
            misplaced += group.members.len() - by_bloc.iter().max().copied().unwrap_or(0);
        }
        eprintln!("{name}: {misplaced} participants outside their planted group");
        assert!(misplaced as u64 * 1000 <= shape.participants);
    }
    if group_name == "statements" && std::env::var_os("BARAZA_BENCH_EXACT").is_some() {
        // Once, on request (it takes O(participants²)): the exact path, every participant its
        // own base cluster, must find the same partition.
        let exact = conversation
            .opinion_groups(&GroupingOptions {
                base_clusters: usize::MAX,
                ..options
            })
            .expect("groups");
        let partition = |r: &baraza_core::statements::OpinionGroups| {
            let mut groups: Vec<Vec<u64>> = r
                .groups
                .iter()
                .map(|g| g.members.iter().map(|p| p.0).collect())
                .collect();
            groups.sort();
            groups
        };
        let same = partition(&exact) == partition(&result);
        let by_k: Vec<String> = exact
            .silhouette_by_k
            .iter()
            .map(|s| format!("{}: {:.4}", s.k, s.silhouette))
            .collect();
        eprintln!(
            "{name}: exact path: same partition: {same}; exact silhouettes {}; base-cluster \
             silhouettes {}",
            by_k.join(", "),
            result
                .silhouette_by_k
                .iter()
                .map(|s| format!("{}: {:.4}", s.k, s.silhouette))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let sizes: Vec<usize> = result.groups.iter().map(|g| g.members.len()).collect();
    eprintln!(
        "{} votes; {} groups of {sizes:?}; silhouette {:.3}; PCA {} iterations (converged: {}, \
         flat spectrum: {})",
        conversation.vote_count(),
        result.groups.len(),
        result.silhouette,
        result.pca.iterations,
        result.pca.converged,
        result.pca.flat,
    );
    let mut group = c.benchmark_group(group_name);
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter(|| black_box(conversation.opinion_groups(black_box(&options))))
    });
    group.finish();
}

/// Wall-clock time, criterion's default: what a user waits.
fn wall_clock(c: &mut Criterion) {
    opinion_groups(c, "statements");
}

/// CPU time of the benchmarking thread (steadier when other work shares the machine). The
/// passes over the votes, the k-means runs and the silhouettes also run on a second thread when
/// the machine has two cores; that thread's time is not counted here, so this is the calling
/// thread's share of the work.
fn cpu_time(c: &mut Criterion<ThreadCpuTime>) {
    opinion_groups(c, "statements_cpu");
}

criterion_group!(wall, wall_clock);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = cpu_time
}
criterion_main!(wall, cpu);

//! Opinion groups at scale keep today's answers.
//!
//! * `same_results_as_before_on_the_test_conversations`: the snapshots below were printed by the
//!   algorithm as it was before base clusters (commit 87e5015: exact O(participants²)
//!   silhouette), on the worked examples of `test_data/statements/`, on seeded random
//!   conversations of up to 100 participants and on planted conversations of 600 and 2,000
//!   participants. The current code must print the same: bit for bit up to 100 participants
//!   (silhouette exact), the same partition beyond (silhouette estimated from base clusters).
//! * `base_clusters_find_the_exact_groups_on_planted_conversations`: the estimated and the exact
//!   path (`base_clusters` ≥ participants) agree on k and partition on planted conversations of
//!   several shapes, and every exact silhouette lies within the estimate's stated bounds.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use baraza_core::statements::{
    Conversation, GroupingOptions, OpinionGroups, ParticipantId, StatementId, StatementText, Vote,
};
use expect_test::expect;

/// SplitMix64, as the benchmark uses: the same data on every machine.
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

fn with_statements(statements: u64) -> Conversation {
    let mut conversation = Conversation::new();
    for s in 0..statements {
        let text = StatementText::parse(&format!("Statement {s}")).expect("valid test data");
        conversation
            .add_statement(StatementId(s), ParticipantId(0), text)
            .expect("valid test data");
    }
    conversation
}

/// A data file of `test_data/statements/` (format in its README).
fn from_file(name: &str) -> Conversation {
    let path = format!("{}/test_data/statements/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split_whitespace().collect())
        .collect();
    let mut conversation = with_statements(rows[0][2].len() as u64);
    for row in rows {
        let participant = ParticipantId(row[0].parse().expect("numeric id"));
        for (s, c) in row[2].chars().enumerate() {
            let vote = match c {
                'a' => Vote::Agree,
                'd' => Vote::Disagree,
                'p' => Vote::Pass,
                _ => continue,
            };
            conversation
                .vote(participant, StatementId(s as u64), vote)
                .expect("valid test data");
        }
    }
    conversation
}

/// Votes with no structure: each of `participants` votes on each of `statements` with
/// probability ½, agree / disagree / pass at 4 : 4 : 1.
fn random(seed: u64, participants: u64, statements: u64) -> Conversation {
    let mut rng = Rng(seed);
    let mut conversation = with_statements(statements);
    for p in 0..participants {
        for s in 0..statements {
            if rng.below(2) == 0 {
                continue;
            }
            let vote = match rng.below(9) {
                0..4 => Vote::Agree,
                4..8 => Vote::Disagree,
                _ => Vote::Pass,
            };
            conversation
                .vote(ParticipantId(p * 7 + 3), StatementId(s), vote)
                .expect("valid test data");
        }
    }
    conversation
}

/// Participant p belongs to bloc p % `blocs`; each statement has a random stance per bloc; each
/// participant votes on `votes_each` random statements, with their bloc's stance with
/// probability `loyal`%, against it with (90 − `loyal`)%, passing with 10 %.
fn planted(
    seed: u64,
    participants: u64,
    statements: u64,
    votes_each: u64,
    blocs: u64,
    loyal: u64,
) -> Conversation {
    let mut rng = Rng(seed);
    let mut conversation = with_statements(statements);
    let stances: Vec<bool> = (0..statements * blocs).map(|_| rng.below(2) == 0).collect();
    for p in 0..participants {
        let bloc = p % blocs;
        for _ in 0..votes_each {
            let s = rng.below(statements);
            let stance = stances[(s * blocs + bloc) as usize];
            let roll = rng.below(100);
            let vote = if roll >= 90 {
                Vote::Pass
            } else if (roll < loyal) == stance {
                Vote::Agree
            } else {
                Vote::Disagree
            };
            conversation
                .vote(ParticipantId(p), StatementId(s), vote)
                .expect("valid test data");
        }
    }
    conversation
}

/// FNV-1a over the sorted groups' member ids: one number naming the partition.
fn partition_hash(result: &OpinionGroups) -> u64 {
    let groups: BTreeSet<Vec<u64>> = result
        .groups
        .iter()
        .map(|g| g.members.iter().map(|p| p.0).collect())
        .collect();
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for group in groups {
        for id in group.iter().chain([&u64::MAX]) {
            for byte in id.to_le_bytes() {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    hash
}

/// Everything that names the groups, plus (with `detail`) the silhouettes bit for bit and the
/// representative and consensus statements.
fn digest(name: &str, result: &OpinionGroups, detail: bool) -> String {
    let sizes: Vec<usize> = result.groups.iter().map(|g| g.members.len()).collect();
    let mut line = format!(
        "{name}: k={} sizes={sizes:?} partition={:016x}",
        result.groups.len(),
        partition_hash(result)
    );
    if detail {
        let by_k: Vec<String> = result
            .silhouette_by_k
            .iter()
            .map(|s| format!("{}:{:?}", s.k, s.silhouette))
            .collect();
        write!(line, " silhouettes=[{}]", by_k.join(" ")).expect("string");
        for group in &result.groups {
            let rep: Vec<u64> = group.representative.iter().map(|r| r.statement.0).collect();
            write!(line, " rep{rep:?}").expect("string");
        }
        let consensus: Vec<u64> = result.consensus.iter().map(|c| c.statement.0).collect();
        write!(line, " consensus{consensus:?}").expect("string");
    }
    line.push('\n');
    line
}

fn groups(conversation: &Conversation, options: &GroupingOptions) -> OpinionGroups {
    conversation
        .opinion_groups(options)
        .expect("groups can form")
}

#[test]
fn same_results_as_before_on_the_test_conversations() {
    let mut small = String::new();
    for name in ["two_blocs.txt", "three_blocs.txt"] {
        let conversation = from_file(name);
        for (label, options) in [
            ("default", GroupingOptions::default()),
            (
                "min_votes 3",
                GroupingOptions {
                    min_votes: 3,
                    ..GroupingOptions::default()
                },
            ),
            (
                "seed 7, groups 3..=4",
                GroupingOptions {
                    seed: 7,
                    min_groups: 3,
                    max_groups: 4,
                    ..GroupingOptions::default()
                },
            ),
        ] {
            let result = groups(&conversation, &options);
            small.push_str(&digest(&format!("{name} {label}"), &result, true));
        }
    }
    for (seed, participants, statements) in [(1, 12, 16), (2, 40, 16), (3, 75, 20), (4, 100, 30)] {
        let conversation = random(seed, participants, statements);
        let result = groups(&conversation, &GroupingOptions::default());
        small.push_str(&digest(
            &format!("random {participants}x{statements}"),
            &result,
            true,
        ));
    }
    expect![[r#"
        two_blocs.txt default: k=2 sizes=[6, 6] partition=7893ecd69c95a6d9 silhouettes=[2:0.7674726981912819 3:0.6502189985911537 4:0.5462116811532964 5:0.4438895363079096] rep[0, 4, 1, 2, 5] rep[0, 4, 2, 1, 5] consensus[7, 6, 8]
        two_blocs.txt min_votes 3: k=2 sizes=[7, 6] partition=7dc2c19380bdcac3 silhouettes=[2:0.7451547652596552 3:0.6300319152035585 4:0.4953856154118359 5:0.44103996381893956] rep[0, 1, 4, 2, 5] rep[0, 1, 4, 2, 5] consensus[7, 6, 8]
        two_blocs.txt seed 7, groups 3..=4: k=3 sizes=[6, 2, 4] partition=98981ad2f9becca1 silhouettes=[3:0.6192686240383447 4:0.5462116793918582] rep[0, 4, 1, 2, 5] rep[9, 2, 0, 4, 1] rep[5, 0, 4, 1, 2] consensus[7, 6, 8]
        three_blocs.txt default: k=3 sizes=[5, 5, 5] partition=ed674cbe4ae60aab silhouettes=[2:0.5747245417593577 3:0.8985429195949125 4:0.7897498571266012 5:0.6768578592167336] rep[0, 2, 1, 4, 7] rep[4, 3, 5, 0, 6] rep[6, 7, 8, 0, 1] consensus[9, 10]
        three_blocs.txt min_votes 3: k=3 sizes=[5, 5, 5] partition=ed674cbe4ae60aab silhouettes=[2:0.5747245417593577 3:0.8985429195949125 4:0.7897498571266012 5:0.6768578592167336] rep[0, 2, 1, 4, 7] rep[4, 3, 5, 0, 6] rep[6, 7, 8, 0, 1] consensus[9, 10]
        three_blocs.txt seed 7, groups 3..=4: k=3 sizes=[5, 5, 5] partition=ed674cbe4ae60aab silhouettes=[3:0.8985429195949125 4:0.7897498571266012] rep[0, 2, 1, 4, 7] rep[4, 3, 5, 0, 6] rep[6, 7, 8, 0, 1] consensus[9, 10]
        random 12x16: k=3 sizes=[4, 3, 2] partition=116f8e4ceed9933a silhouettes=[2:0.3683909090620532 3:0.5629273552986747 4:0.5068253855592539 5:0.4158401000598204] rep[5, 8, 3, 9, 12] rep[3, 5] rep[12, 4, 10, 9, 1] consensus[13]
        random 40x16: k=4 sizes=[6, 9, 8, 8] partition=fbc3798ae13a981e silhouettes=[2:0.3658309467553825 3:0.4171849433701685 4:0.4192442380432336 5:0.413482665791168] rep[3, 4, 6, 11, 12] rep[10, 12, 3, 4, 1] rep[15, 3, 10, 4, 11] rep[11, 1, 15, 14, 5] consensus[]
        random 75x20: k=3 sizes=[16, 31, 23] partition=947b5e41ead84efd silhouettes=[2:0.3364830187898946 3:0.4021684972038994 4:0.35565654518197953 5:0.3340238704751472] rep[8, 19, 16, 17, 6] rep[6, 7, 4, 1, 13] rep[16, 17, 4, 8, 1] consensus[]
        random 100x30: k=4 sizes=[48, 13, 27, 12] partition=967aa0cc9c7cb5b7 silhouettes=[2:0.35087666991058236 3:0.34347329266406734 4:0.40966683821583266 5:0.35467295737479204] rep[5, 22, 20, 26, 8] rep[24, 18, 15, 4, 25] rep[26, 7, 20, 22, 5] rep[12, 15, 23, 4, 16] consensus[]
    "#]]
    .assert_eq(&small);

    // Larger than the default 100 base clusters: the partition must be the one of old.
    let mut large = String::new();
    for (seed, participants, statements, votes_each, blocs, loyal) in
        [(11, 600, 200, 30, 3, 75), (12, 2_000, 400, 40, 4, 70)]
    {
        let conversation = planted(seed, participants, statements, votes_each, blocs, loyal);
        let result = groups(&conversation, &GroupingOptions::default());
        large.push_str(&digest(
            &format!("planted {participants}x{statements}, {blocs} blocs"),
            &result,
            false,
        ));
    }
    expect![[r#"
        planted 600x200, 3 blocs: k=3 sizes=[203, 194, 203] partition=6adb5aa5e14e8fe5
        planted 2000x400, 4 blocs: k=4 sizes=[502, 491, 511, 496] partition=ae47747fc41a1881
    "#]]
    .assert_eq(&large);
}

#[test]
fn base_clusters_find_the_exact_groups_on_planted_conversations() {
    let exact = GroupingOptions {
        base_clusters: usize::MAX,
        ..GroupingOptions::default()
    };
    for (seed, participants, statements, votes_each, blocs, loyal) in [
        (21, 1_200, 300, 25, 2, 75),
        (22, 1_500, 300, 30, 3, 75),
        (23, 1_600, 400, 60, 4, 80),
    ] {
        let conversation = planted(seed, participants, statements, votes_each, blocs, loyal);
        let with_base = groups(&conversation, &GroupingOptions::default());
        let exactly = groups(&conversation, &exact);
        let name = format!("planted {participants}x{statements}, {blocs} blocs");
        assert_eq!(
            digest(&name, &with_base, false),
            digest(&name, &exactly, false)
        );
        assert_eq!(with_base.groups.len() as u64, blocs, "{name}");
        // The k chosen on base clusters is the k the exact silhouette prefers.
        let best = |r: &OpinionGroups| {
            r.silhouette_by_k
                .iter()
                .max_by(|a, b| a.silhouette.total_cmp(&b.silhouette))
                .map(|s| s.k)
        };
        assert_eq!(best(&with_base), best(&exactly), "{name}");
        // The exact silhouette lies within the stated bounds of the estimate, and near it.
        for (b, e) in with_base
            .silhouette_by_k
            .iter()
            .zip(&exactly.silhouette_by_k)
        {
            let [low, high] = b.silhouette_bounds;
            eprintln!(
                "{name}, k = {}: exact {:.4}, estimate {:.4} in [{low:.4}, {high:.4}]",
                b.k, e.silhouette, b.silhouette
            );
            assert!(
                low - 1e-6 <= e.silhouette && e.silhouette <= high + 1e-6,
                "{name}, k = {}: {} outside [{low}, {high}]",
                b.k,
                e.silhouette
            );
            assert!((b.silhouette - e.silhouette).abs() < 0.02, "{name}");
            assert_eq!(e.silhouette_bounds, [e.silhouette, e.silhouette]);
        }
    }
}

#[test]
fn base_cluster_results_keep_their_shape() {
    // Every participant in exactly one group, groups numbered by their lowest member, centroids
    // the members' mean positions, deterministic for a seed.
    let conversation = planted(31, 900, 200, 20, 3, 70);
    let options = GroupingOptions {
        seed: 5,
        ..GroupingOptions::default()
    };
    let result = groups(&conversation, &options);
    assert_eq!(result, groups(&conversation, &options));
    let mut seen = BTreeSet::new();
    let mut lowest = Vec::new();
    for (g, group) in result.groups.iter().enumerate() {
        lowest.push(group.members[0]);
        for p in &group.members {
            assert!(seen.insert(*p), "{p:?} in two groups");
        }
        let members: Vec<_> = result
            .participants
            .iter()
            .filter(|p| p.group == g)
            .collect();
        assert_eq!(members.len(), group.members.len());
        for axis in 0..2 {
            let mean = members.iter().map(|p| p.position[axis]).sum::<f64>() / members.len() as f64;
            assert!((group.centroid[axis] - mean).abs() < 1e-9);
        }
    }
    assert_eq!(seen.len(), result.participants.len());
    assert!(lowest.windows(2).all(|w| w[0] < w[1]), "{lowest:?}");
    assert!((-1.0..=1.0).contains(&result.silhouette));
}

#[test]
fn fewer_base_clusters_than_groups_are_refused() {
    let conversation = planted(41, 50, 20, 10, 2, 80);
    let options = GroupingOptions {
        base_clusters: 4,
        ..GroupingOptions::default()
    };
    let error = conversation.opinion_groups(&options).unwrap_err();
    assert_eq!(error.code(), baraza_core::ErrorCode::InvalidRequest);
    assert_eq!(
        error.to_string(),
        "invalid grouping options: base_clusters must be at least max_groups (5); got 4"
    );
}

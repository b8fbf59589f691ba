//! Opinion groups on worked examples with a planted structure (`test_data/statements/`, sources
//! in its README): the blocs come back exactly, representative statements are the ones that
//! split the blocs, consensus statements are the ones every bloc shares, the sparse PCA equals
//! the dense computation, and results are deterministic and independent of input order.

use std::collections::{BTreeMap, BTreeSet};

use baraza_core::ErrorCode;
use baraza_core::statements::{
    Conversation, Direction, GroupingError, GroupingOptions, Moderation, OpinionGroups,
    ParticipantId, StatementId, StatementText, Vote,
};

/// One participant of a data file: id, planted bloc (`-` for "left out") and votes.
struct Row {
    id: u64,
    bloc: String,
    votes: Vec<Option<Vote>>,
}

fn read_rows(name: &str) -> Vec<Row> {
    let path = format!("{}/test_data/statements/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty())
        .map(|(number, line)| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(fields.len(), 3, "{name}:{}: expected 3 fields", number + 1);
            let votes = fields[2]
                .chars()
                .map(|c| match c {
                    'a' => Some(Vote::Agree),
                    'd' => Some(Vote::Disagree),
                    'p' => Some(Vote::Pass),
                    '.' => None,
                    other => panic!("{name}:{}: unknown vote {other:?}", number + 1),
                })
                .collect();
            Row {
                id: fields[0].parse().expect("numeric participant id"),
                bloc: fields[1].to_owned(),
                votes,
            }
        })
        .collect()
}

fn statement_count(rows: &[Row]) -> u64 {
    rows[0].votes.len() as u64
}

/// Builds a conversation from `rows`, mapping participant ids through `relabel` and casting the
/// votes in the order `order` gives (a list of (row, statement) pairs).
fn build(rows: &[Row], relabel: impl Fn(u64) -> u64, order: &[(usize, usize)]) -> Conversation {
    let mut conversation = Conversation::new();
    for s in 0..statement_count(rows) {
        let text = StatementText::parse(&format!("Statement {s}")).expect("valid test data");
        conversation
            .add_statement(StatementId(s), ParticipantId(0), text)
            .expect("valid test data");
    }
    for &(r, s) in order {
        if let Some(vote) = rows[r].votes[s] {
            conversation
                .vote(
                    ParticipantId(relabel(rows[r].id)),
                    StatementId(s as u64),
                    vote,
                )
                .expect("valid test data");
        }
    }
    conversation
}

fn in_file_order(rows: &[Row]) -> Vec<(usize, usize)> {
    (0..rows.len())
        .flat_map(|r| (0..rows[r].votes.len()).map(move |s| (r, s)))
        .collect()
}

fn load(name: &str) -> (Vec<Row>, Conversation) {
    let rows = read_rows(name);
    let order = in_file_order(&rows);
    let conversation = build(&rows, |id| id, &order);
    (rows, conversation)
}

/// The groups as sets of participant ids (order of groups ignored).
fn partition(result: &OpinionGroups, unlabel: impl Fn(u64) -> u64) -> BTreeSet<BTreeSet<u64>> {
    result
        .groups
        .iter()
        .map(|g| g.members.iter().map(|p| unlabel(p.0)).collect())
        .collect()
}

fn planted(rows: &[Row]) -> BTreeSet<BTreeSet<u64>> {
    let mut blocs: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.bloc != "-") {
        blocs.entry(&row.bloc).or_default().insert(row.id);
    }
    blocs.into_values().collect()
}

fn ids(range: std::ops::RangeInclusive<u64>) -> BTreeSet<StatementId> {
    range.map(StatementId).collect()
}

#[test]
fn two_blocs_are_recovered_exactly() {
    let (rows, conversation) = load("two_blocs.txt");
    let result = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    assert_eq!(result.groups.len(), 2);
    assert_eq!(partition(&result, |id| id), planted(&rows));
    assert_eq!(
        result.excluded_participants, 1,
        "participant 90 has 3 votes"
    );
    assert!(
        result
            .participants
            .iter()
            .all(|p| p.id != ParticipantId(90))
    );
    assert!(result.silhouette > 0.5, "{}", result.silhouette);
    // Group 0 is the one holding the lowest participant id.
    assert_eq!(result.groups[0].members[0], ParticipantId(1));
}

#[test]
fn three_blocs_are_recovered_exactly() {
    let (rows, conversation) = load("three_blocs.txt");
    let result = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    assert_eq!(result.groups.len(), 3, "{:?}", result.silhouette_by_k);
    assert_eq!(partition(&result, |id| id), planted(&rows));
    let best = result
        .silhouette_by_k
        .iter()
        .max_by(|a, b| a.silhouette.total_cmp(&b.silhouette))
        .unwrap();
    assert_eq!(best.k, 3);
    assert_eq!(best.silhouette, result.silhouette);
}

#[test]
fn representative_statements_are_the_ones_that_split_two_blocs() {
    let (_, conversation) = load("two_blocs.txt");
    let result = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    // Group 0 is bloc A (it holds participant 1).
    for (g, group) in result.groups.iter().enumerate() {
        assert_eq!(group.representative.len(), 5, "group {g}: the maximum of 5");
        for rep in &group.representative {
            assert!(rep.significant, "{rep:?}");
            let s = rep.statement.0;
            assert!(s <= 5, "group {g}: statement {s} does not split the blocs");
            let a_agrees = s <= 3;
            let expected = if a_agrees == (g == 0) {
                Direction::Agree
            } else {
                Direction::Disagree
            };
            assert_eq!(rep.direction, expected, "group {g}, statement {s}");
            assert!(rep.repness > 1.0 && rep.repness_test > 1.2816);
        }
    }
}

#[test]
fn representative_statements_of_three_blocs_lead_with_each_blocs_own_statements() {
    let (_, conversation) = load("three_blocs.txt");
    let result = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    // Groups are numbered by lowest member: A (101), B (201), C (301).
    for (g, group) in result.groups.iter().enumerate() {
        let own = ids(3 * g as u64..=3 * g as u64 + 2);
        let leading: BTreeSet<StatementId> = group.representative[..3]
            .iter()
            .map(|r| r.statement)
            .collect();
        assert_eq!(leading, own, "group {g}");
        assert!(
            group.representative[..3]
                .iter()
                .all(|r| r.direction == Direction::Agree)
        );
        for rep in &group.representative {
            assert!(
                rep.statement.0 <= 8,
                "a consensus or noise statement is representative"
            );
        }
    }
}

#[test]
fn consensus_statements_are_the_ones_every_bloc_shares() {
    let (_, conversation) = load("two_blocs.txt");
    let result = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    let by_direction = |d: Direction| -> BTreeSet<StatementId> {
        result
            .consensus
            .iter()
            .filter(|c| c.direction == d)
            .map(|c| c.statement)
            .collect()
    };
    assert_eq!(by_direction(Direction::Agree), ids(6..=7));
    assert_eq!(by_direction(Direction::Disagree), ids(8..=8));
    for c in &result.consensus {
        assert_eq!(c.probabilities.len(), 2);
        assert!(c.probabilities.iter().all(|&p| p > 0.5));
        let product: f64 = c.probabilities.iter().product();
        assert!((c.score - product).abs() < 1e-12);
    }

    let (_, conversation) = load("three_blocs.txt");
    let result = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    let agreed: BTreeSet<StatementId> = result.consensus.iter().map(|c| c.statement).collect();
    assert_eq!(agreed, ids(9..=10));
    assert!(
        result
            .consensus
            .iter()
            .all(|c| c.direction == Direction::Agree)
    );
}

#[test]
fn stricter_consensus_threshold_drops_the_less_certain_statement() {
    // In two_blocs participant 14 did not vote on s6, so bloc B agrees with it 5 of 5 times:
    // p = 6/7 ≈ 0.857, while s7 and s8 have 6 of 6 in both blocs: p = 7/8 = 0.875.
    let (_, conversation) = load("two_blocs.txt");
    let options = GroupingOptions {
        consensus_min_probability: 0.86,
        ..GroupingOptions::default()
    };
    let result = conversation.opinion_groups(&options).unwrap();
    for c in &result.consensus {
        assert!(c.probabilities.iter().all(|&p| p > 0.86), "{c:?}");
    }
    let loose = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    let kept: BTreeSet<StatementId> = result.consensus.iter().map(|c| c.statement).collect();
    assert_eq!(kept, ids(7..=8));
    assert_eq!(loose.consensus.len(), 3);
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn principal_components_are_orthonormal() {
    for name in ["two_blocs.txt", "three_blocs.txt"] {
        let (_, conversation) = load(name);
        let result = conversation
            .opinion_groups(&GroupingOptions::default())
            .unwrap();
        let [a, b] = &result.pca.components;
        assert!((dot(a, a) - 1.0).abs() < 1e-9, "{name}");
        assert!((dot(b, b) - 1.0).abs() < 1e-9, "{name}");
        assert!(dot(a, b).abs() < 1e-9, "{name}");
        assert!(result.pca.converged, "{name}: {:?}", result.pca);
        assert!(result.pca.eigenvalues[0] >= result.pca.eigenvalues[1]);
    }
}

/// The dense, mean-imputed, centred matrix the sparse code must behave like.
fn dense_centered(rows: &[Row], result: &OpinionGroups) -> Vec<Vec<f64>> {
    let center = &result.pca.center;
    result
        .participants
        .iter()
        .map(|p| {
            let row = rows
                .iter()
                .find(|r| r.id == p.id.0)
                .expect("placed participant is in the file");
            row.votes
                .iter()
                .zip(center)
                .map(|(v, mu)| v.map_or(0.0, |v| f64::from(v.value()) - mu))
                .collect()
        })
        .collect()
}

#[test]
fn sparse_pca_equals_the_dense_mean_imputed_computation() {
    let (rows, conversation) = load("three_blocs.txt");
    let result = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    let eligible: Vec<&Row> = rows.iter().filter(|r| r.bloc != "-").collect();
    // Column means over the votes cast (passes count as 0, missing votes are not counted).
    for (j, &mu) in result.pca.center.iter().enumerate() {
        let cast: Vec<f64> = eligible
            .iter()
            .filter_map(|r| r.votes[j].map(|v| f64::from(v.value())))
            .collect();
        let expected = cast.iter().sum::<f64>() / cast.len() as f64;
        assert!((mu - expected).abs() < 1e-12, "column {j}");
    }
    let c = dense_centered(&rows, &result);
    let m = result.pca.statements.len();
    // CᵀC v = λ v for both components.
    for (k, component) in result.pca.components.iter().enumerate() {
        let cv: Vec<f64> = c.iter().map(|row| dot(row, component)).collect();
        for j in 0..m {
            let ctcv: f64 = c.iter().zip(&cv).map(|(row, x)| row[j] * x).sum();
            let expected = result.pca.eigenvalues[k] * component[j];
            assert!((ctcv - expected).abs() < 1e-6, "component {k}, column {j}");
        }
    }
    // Positions: √(m / votes) · C·V, Polis' sparsity-aware projection.
    for (p, row) in result.participants.iter().zip(&c) {
        let scale = (m as f64 / p.votes as f64).sqrt();
        for k in 0..2 {
            let expected = scale * dot(row, &result.pca.components[k]);
            assert!((p.position[k] - expected).abs() < 1e-9, "{:?}", p.id);
        }
    }
    // Centroids are the members' mean positions.
    for (g, group) in result.groups.iter().enumerate() {
        let members: Vec<_> = result
            .participants
            .iter()
            .filter(|p| p.group == g)
            .collect();
        assert_eq!(members.len(), group.members.len());
        for k in 0..2 {
            let mean = members.iter().map(|p| p.position[k]).sum::<f64>() / members.len() as f64;
            assert!((group.centroid[k] - mean).abs() < 1e-9);
        }
    }
}

#[test]
fn results_are_deterministic_for_a_seed() {
    let (_, conversation) = load("three_blocs.txt");
    for seed in [0, 1, 0xDEAD_BEEF] {
        let options = GroupingOptions {
            seed,
            ..GroupingOptions::default()
        };
        let first = conversation.opinion_groups(&options).unwrap();
        let second = conversation.clone().opinion_groups(&options).unwrap();
        assert_eq!(first, second, "seed {seed}");
    }
}

#[test]
fn seeds_change_nothing_on_well_separated_blocs() {
    let (rows, conversation) = load("three_blocs.txt");
    for seed in 0..20 {
        let options = GroupingOptions {
            seed,
            ..GroupingOptions::default()
        };
        let result = conversation.opinion_groups(&options).unwrap();
        assert_eq!(partition(&result, |id| id), planted(&rows), "seed {seed}");
    }
}

#[test]
fn the_order_votes_arrive_in_does_not_matter() {
    let (rows, conversation) = load("three_blocs.txt");
    let expected = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    let mut order = in_file_order(&rows);
    order.reverse();
    // Interleave participants: statement-major order.
    let mut by_statement = order.clone();
    by_statement.sort_by_key(|&(r, s)| (s, std::cmp::Reverse(r)));
    for order in [order, by_statement] {
        let shuffled = build(&rows, |id| id, &order);
        assert_eq!(
            shuffled
                .opinion_groups(&GroupingOptions::default())
                .unwrap(),
            expected
        );
    }
}

/// A participant-id mapping.
type Relabel = fn(u64) -> u64;

#[test]
fn renumbering_participants_gives_the_same_groups() {
    for name in ["two_blocs.txt", "three_blocs.txt"] {
        let rows = read_rows(name);
        let reference = build(&rows, |id| id, &in_file_order(&rows))
            .opinion_groups(&GroupingOptions::default())
            .unwrap();
        // Reverse the order of participants, then scatter them: new id = 10_000 − old id, and a
        // multiplicative scramble.
        let relabellings: [(Relabel, Relabel); 2] = [
            (|id| 10_000 - id, |id| 10_000 - id),
            (|id| (id * 7919) % 100_003, |id| (id * 47_318) % 100_003),
        ];
        for (relabel, unlabel) in relabellings {
            assert_eq!(unlabel(relabel(305)), 305, "inverse");
            let renumbered = build(&rows, relabel, &in_file_order(&rows))
                .opinion_groups(&GroupingOptions::default())
                .unwrap();
            assert_eq!(
                partition(&renumbered, unlabel),
                partition(&reference, |id| id),
                "{name}"
            );
            assert!((renumbered.silhouette - reference.silhouette).abs() < 1e-6);
        }
    }
}

#[test]
fn rejected_statements_are_left_out_of_the_analysis() {
    let (_, mut conversation) = load("two_blocs.txt");
    conversation
        .moderate(StatementId(6), Moderation::Rejected)
        .unwrap();
    let result = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    assert!(!result.pca.statements.contains(&StatementId(6)));
    assert_eq!(result.pca.statements.len(), 9);
    assert!(
        result
            .consensus
            .iter()
            .all(|c| c.statement != StatementId(6))
    );
    assert_eq!(result.groups.len(), 2);
}

#[test]
fn min_votes_decides_who_is_grouped() {
    let (_, conversation) = load("two_blocs.txt");
    let options = GroupingOptions {
        min_votes: 3,
        ..GroupingOptions::default()
    };
    let result = conversation.opinion_groups(&options).unwrap();
    assert_eq!(result.excluded_participants, 0);
    assert!(
        result
            .participants
            .iter()
            .any(|p| p.id == ParticipantId(90))
    );
    let grouped: usize = result.groups.iter().map(|g| g.members.len()).sum();
    assert_eq!(grouped, 13);
}

fn small_conversation(
    participants: u64,
    statements: u64,
    vote: impl Fn(u64, u64) -> Vote,
) -> Conversation {
    let mut conversation = Conversation::new();
    for s in 0..statements {
        let text = StatementText::parse("Statement").expect("valid test data");
        conversation
            .add_statement(StatementId(s), ParticipantId(0), text)
            .expect("valid test data");
    }
    for p in 0..participants {
        for s in 0..statements {
            conversation
                .vote(ParticipantId(p), StatementId(s), vote(p, s))
                .expect("valid test data");
        }
    }
    conversation
}

#[test]
fn too_little_data_is_reported_with_not_enough_votes() {
    let options = GroupingOptions::default();
    let one_statement = small_conversation(10, 1, |p, _| {
        if p % 2 == 0 {
            Vote::Agree
        } else {
            Vote::Disagree
        }
    });
    let error = one_statement.opinion_groups(&options).unwrap_err();
    assert_eq!(error, GroupingError::TooFewStatements { accepted: 1 });
    assert_eq!(error.code(), ErrorCode::NotEnoughVotes);

    let two_people = small_conversation(
        2,
        8,
        |p, _| if p == 0 { Vote::Agree } else { Vote::Disagree },
    );
    let error = two_people.opinion_groups(&options).unwrap_err();
    assert_eq!(
        error,
        GroupingError::TooFewParticipants {
            eligible: 2,
            min_votes: 7
        }
    );
    assert_eq!(error.code(), ErrorCode::NotEnoughVotes);

    let unanimous = small_conversation(9, 8, |_, _| Vote::Agree);
    let error = unanimous.opinion_groups(&options).unwrap_err();
    assert_eq!(error, GroupingError::NoDistinctOpinions { eligible: 9 });
    assert_eq!(error.code(), ErrorCode::NotEnoughVotes);
    assert_eq!(
        error.to_string(),
        "all 9 eligible participants hold the same position; no groups can form"
    );
}

#[test]
fn two_distinct_positions_give_two_groups_even_if_more_are_allowed() {
    let conversation = small_conversation(7, 8, |p, s| {
        if (p < 3) == (s < 4) {
            Vote::Agree
        } else {
            Vote::Disagree
        }
    });
    let result = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    assert_eq!(result.groups.len(), 2);
    assert_eq!(result.silhouette, 1.0);
    assert_eq!(result.silhouette_by_k.len(), 1);
    // Asking for at least three groups cannot split two positions three ways: two it is.
    let options = GroupingOptions {
        min_groups: 3,
        ..GroupingOptions::default()
    };
    let result = conversation.opinion_groups(&options).unwrap();
    assert_eq!(result.groups.len(), 2);
    let sizes: Vec<usize> = result.groups.iter().map(|g| g.members.len()).collect();
    assert_eq!(sizes, [3, 4]);
}

#[test]
fn invalid_options_are_all_reported() {
    let (_, conversation) = load("two_blocs.txt");
    let options = GroupingOptions {
        min_groups: 1,
        max_groups: 0,
        kmeans_restarts: 0,
        pca_tolerance: 0.0,
        consensus_min_probability: 1.5,
        ..GroupingOptions::default()
    };
    let error = conversation.opinion_groups(&options).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidRequest);
    let GroupingError::InvalidOptions(problems) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(problems.len(), 5, "{problems:?}");
    assert!(
        error
            .to_string()
            .contains("min_groups must be at least 2; got 1")
    );
    assert!(
        error
            .to_string()
            .contains("kmeans_restarts must be at least 1; got 0")
    );
}

#[test]
fn options_deserialise_from_json_with_defaults() {
    let options: GroupingOptions = serde_json::from_str(r#"{"min_votes": 3, "seed": 42}"#).unwrap();
    assert_eq!(options.min_votes, 3);
    assert_eq!(options.seed, 42);
    assert_eq!(options.max_groups, 5);
    let unknown = serde_json::from_str::<GroupingOptions>(r#"{"k": 3}"#);
    assert!(unknown.is_err());
}

#[test]
fn results_serialise_to_snake_case_json() {
    let (_, conversation) = load("two_blocs.txt");
    let result = conversation
        .opinion_groups(&GroupingOptions::default())
        .unwrap();
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["groups"][0]["members"][0], 1);
    assert_eq!(json["consensus"][0]["direction"], "agree");
    assert!(json["groups"][0]["representative"][0]["repness_test"].is_number());
    assert!(json["pca"]["components"][1].is_array());
}

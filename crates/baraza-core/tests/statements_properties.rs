//! Invariants of opinion groups on random conversations: every eligible participant is in
//! exactly one group, k stays in range, silhouettes stay in [−1, 1], components stay
//! orthonormal, results are reproducible, and blocs that vote alike are recovered exactly.

use std::collections::BTreeSet;

use baraza_core::ErrorCode;
use baraza_core::statements::{
    Conversation, GroupingError, GroupingOptions, Moderation, ParticipantId, StatementId,
    StatementText, Vote,
};
use proptest::prelude::*;

fn vote_strategy() -> impl Strategy<Value = Option<Vote>> {
    prop_oneof![
        3 => Just(None),
        4 => Just(Some(Vote::Agree)),
        4 => Just(Some(Vote::Disagree)),
        1 => Just(Some(Vote::Pass)),
    ]
}

/// (statements, rejected statements, vote matrix rows).
fn matrix_strategy() -> impl Strategy<Value = (usize, Vec<bool>, Vec<Vec<Option<Vote>>>)> {
    (2usize..12, 3usize..40).prop_flat_map(|(m, n)| {
        (
            Just(m),
            prop::collection::vec(prop::bool::weighted(0.15), m),
            prop::collection::vec(prop::collection::vec(vote_strategy(), m), n),
        )
    })
}

fn build(m: usize, rejected: &[bool], rows: &[Vec<Option<Vote>>]) -> Conversation {
    let mut conversation = Conversation::new();
    for s in 0..m {
        let text = StatementText::parse(&format!("Statement {s}")).expect("valid test data");
        conversation
            .add_statement(StatementId(s as u64), ParticipantId(0), text)
            .expect("valid test data");
    }
    for (p, row) in rows.iter().enumerate() {
        for (s, vote) in row.iter().enumerate() {
            if let Some(vote) = vote {
                conversation
                    .vote(
                        ParticipantId(p as u64 * 3 + 1),
                        StatementId(s as u64),
                        *vote,
                    )
                    .expect("valid test data");
            }
        }
    }
    for (s, &r) in rejected.iter().enumerate() {
        if r {
            conversation
                .moderate(StatementId(s as u64), Moderation::Rejected)
                .expect("valid test data");
        }
    }
    conversation
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_eligible_participant_is_in_exactly_one_group(
        (m, rejected, rows) in matrix_strategy(),
        min_votes in 1usize..9,
        max_groups in 2usize..7,
        seed in any::<u64>(),
    ) {
        let conversation = build(m, &rejected, &rows);
        let options = GroupingOptions { min_votes, max_groups, seed, ..GroupingOptions::default() };
        let accepted = rejected.iter().filter(|r| !**r).count();
        let needed = min_votes.min(accepted).max(1);
        let eligible: BTreeSet<ParticipantId> = rows
            .iter()
            .enumerate()
            .filter(|(_, row)| {
                row.iter().zip(&rejected).filter(|(v, r)| v.is_some() && !**r).count() >= needed
            })
            .map(|(p, _)| ParticipantId(p as u64 * 3 + 1))
            .collect();
        match conversation.opinion_groups(&options) {
            Ok(result) => {
                let k = result.groups.len();
                prop_assert!((2..=max_groups).contains(&k), "k = {k}");
                prop_assert!((-1.0..=1.0).contains(&result.silhouette));
                for score in &result.silhouette_by_k {
                    prop_assert!((-1.0..=1.0).contains(&score.silhouette));
                    prop_assert!((2..=max_groups).contains(&score.k));
                }
                let chosen = result.silhouette_by_k.iter().find(|s| s.k == k);
                prop_assert_eq!(chosen.map(|s| s.silhouette), Some(result.silhouette));
                // Exactly one group each, groups non-empty, membership consistent.
                let placed: Vec<ParticipantId> = result.participants.iter().map(|p| p.id).collect();
                prop_assert_eq!(&placed.iter().copied().collect::<BTreeSet<_>>(), &eligible);
                prop_assert_eq!(placed.len(), eligible.len());
                let mut seen = BTreeSet::new();
                for (g, group) in result.groups.iter().enumerate() {
                    prop_assert!(!group.members.is_empty());
                    for member in &group.members {
                        prop_assert!(seen.insert(*member), "{member:?} in two groups");
                        let placed = result.participants.iter().find(|p| p.id == *member).unwrap();
                        prop_assert_eq!(placed.group, g);
                    }
                    prop_assert!(group.representative.len() <= options.max_representative);
                }
                prop_assert_eq!(&seen, &eligible);
                // Participants who voted (on anything) but not enough on accepted statements.
                let voted = rows.iter().filter(|row| row.iter().any(Option::is_some)).count();
                prop_assert_eq!(result.excluded_participants, voted - eligible.len());
                // Groups are numbered by their lowest member.
                let firsts: Vec<ParticipantId> =
                    result.groups.iter().map(|g| g.members[0]).collect();
                let mut sorted = firsts.clone();
                sorted.sort();
                prop_assert_eq!(firsts, sorted);
                // Orthonormal components over the accepted statements.
                let [a, b] = &result.pca.components;
                prop_assert_eq!(a.len(), accepted);
                let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
                prop_assert!((dot(a, a) - 1.0).abs() < 1e-9);
                prop_assert!((dot(b, b) - 1.0).abs() < 1e-9);
                prop_assert!(dot(a, b).abs() < 1e-9);
                for c in &result.consensus {
                    prop_assert_eq!(c.probabilities.len(), k);
                    let threshold = options.consensus_min_probability;
                    prop_assert!(c.probabilities.iter().all(|&p| p > threshold));
                }
                // Reproducible.
                prop_assert_eq!(conversation.opinion_groups(&options).unwrap(), result);
            }
            Err(error) => {
                prop_assert_eq!(error.code(), ErrorCode::NotEnoughVotes);
                match error {
                    GroupingError::TooFewStatements { accepted: a } => {
                        prop_assert!(a == accepted && a < 2);
                    }
                    GroupingError::TooFewParticipants { eligible: e, .. } => {
                        prop_assert!(accepted >= 2);
                        prop_assert_eq!(e, eligible.len());
                        prop_assert!(e < 3);
                    }
                    GroupingError::NoDistinctOpinions { eligible: e } => {
                        prop_assert_eq!(e, eligible.len());
                    }
                    other => prop_assert!(false, "unexpected {other:?}"),
                }
            }
        }
    }

    /// Two or three blocs: their centred vote vectors span at most a plane, which the two
    /// components capture exactly (four blocs may legitimately overlap in two dimensions).
    #[test]
    fn blocs_that_vote_alike_are_recovered_exactly(
        stances in prop::collection::vec(prop::collection::vec(any::<bool>(), 8), 2..=3),
        sizes in prop::collection::vec(3usize..9, 3),
        seed in any::<u64>(),
    ) {
        let distinct: BTreeSet<&Vec<bool>> = stances.iter().collect();
        prop_assume!(distinct.len() == stances.len());
        let mut rows = Vec::new();
        let mut planted: Vec<BTreeSet<ParticipantId>> = vec![BTreeSet::new(); stances.len()];
        for (bloc, stance) in stances.iter().enumerate() {
            for _ in 0..sizes[bloc] {
                planted[bloc].insert(ParticipantId(rows.len() as u64 * 3 + 1));
                let votes = stance
                    .iter()
                    .map(|&agree| Some(if agree { Vote::Agree } else { Vote::Disagree }));
                rows.push(votes.collect::<Vec<_>>());
            }
        }
        let conversation = build(8, &[false; 8], &rows);
        let options = GroupingOptions { seed, ..GroupingOptions::default() };
        let result = conversation.opinion_groups(&options).unwrap();
        let found: BTreeSet<BTreeSet<ParticipantId>> = result
            .groups
            .iter()
            .map(|g| g.members.iter().copied().collect())
            .collect();
        prop_assert_eq!(found, planted.into_iter().collect::<BTreeSet<_>>());
        prop_assert!((result.silhouette - 1.0).abs() < 1e-6);
    }
}

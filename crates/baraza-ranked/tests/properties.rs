//! Properties of ranked counts over random contests, ballots (with skipped ranks, overvotes and
//! repeats) and rules: votes are conserved in every round, the instant-runoff winner holds a
//! majority of the continuing votes in the final round, STV fills exactly its seats, and the
//! result does not depend on the order of the ballots.

use baraza_ranked::{
    BallotPool, CandidateId, Candidates, DecimalPlaces, OvervoteRule, Quota, RankedBallot, Rules,
    Standing, Tabulation, TieBreak, Votes, instant_runoff, single_transferable_vote,
};
use proptest::prelude::*;

fn candidates(count: usize) -> Candidates {
    Candidates::new((0..count).map(|i| format!("Candidate {i}"))).expect("valid names")
}

/// A ballot as ranks of candidate indices: mostly one mark per rank, sometimes none (a
/// skipped rank) or two (an overvote); candidates may repeat across ranks.
fn ballot(candidate_count: usize) -> impl Strategy<Value = Vec<Vec<usize>>> {
    let rank = prop_oneof![
        8 => (0..candidate_count).prop_map(|c| vec![c]),
        1 => Just(Vec::new()),
        1 => (0..candidate_count, 0..candidate_count)
            .prop_map(|(a, b)| if a == b { vec![a] } else { vec![a, b] }),
    ];
    prop::collection::vec(rank, 0..=candidate_count + 2)
}

fn tie_break() -> impl Strategy<Value = TieBreak> {
    prop_oneof![
        Just(TieBreak::CandidateOrder),
        Just(TieBreak::PreviousRoundsThenCandidateOrder),
        any::<i64>().prop_map(|seed| TieBreak::Random { seed }),
        any::<i64>().prop_map(|seed| TieBreak::PreviousRoundsThenRandom { seed }),
    ]
}

fn rules() -> impl Strategy<Value = Rules> {
    (
        tie_break(),
        any::<bool>(),
        prop_oneof![Just(OvervoteRule::Exhaust), Just(OvervoteRule::SkipRank)],
        prop::option::of(0_u32..3),
        any::<bool>(),
        prop::option::of(1_u32..5),
        prop_oneof![
            Just(Quota::DroopWhole),
            Just(Quota::DroopFractional),
            Just(Quota::Hare)
        ],
        0_u8..=6,
        any::<bool>(),
    )
        .prop_map(
            |(
                tie_break,
                batch_elimination,
                overvote,
                max_skipped_ranks,
                exhaust_on_repeated_candidate,
                max_ranks,
                quota,
                places,
                one_winner_per_round,
            )| Rules {
                tie_break,
                batch_elimination,
                overvote,
                max_skipped_ranks,
                exhaust_on_repeated_candidate,
                max_ranks,
                quota,
                decimal_places: DecimalPlaces::new(places).expect("at most 6"),
                one_winner_per_round,
            },
        )
}

/// A contest: candidate count, ballots, rules.
fn contest() -> impl Strategy<Value = (usize, Vec<RankedBallot>, Rules)> {
    (1_usize..=7)
        .prop_flat_map(|n| (Just(n), prop::collection::vec(ballot(n), 0..80), rules()))
        .prop_map(|(n, raw, rules)| {
            let ids: Vec<CandidateId> = candidates(n).ids().collect();
            let ballots = raw
                .into_iter()
                .map(|ranks| {
                    let ranks: Vec<Vec<CandidateId>> = ranks
                        .into_iter()
                        .map(|rank| rank.into_iter().map(|c| ids[c]).collect())
                        .collect();
                    RankedBallot::from_ranks(&ranks).expect("no candidate twice at a rank")
                })
                .collect();
            (n, ballots, rules)
        })
}

fn assert_conserves_votes(count: &Tabulation) {
    for round in count.rounds() {
        assert_eq!(
            round.accounted_votes(),
            Votes::whole(count.ballots()),
            "round {}: candidates + exhausted + surplus must equal the ballots",
            round.number
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn instant_runoff_conserves_ballots_and_elects_a_majority_winner(
        (n, ballots, rules) in contest()
    ) {
        let count = instant_runoff(&candidates(n), &ballots, &rules).expect("counts");
        assert_conserves_votes(&count);
        for round in count.rounds() {
            // Whole ballots: continuing + exhausted = every valid ballot.
            prop_assert_eq!(
                round.continuing_votes().units() + round.exhausted.total().units(),
                ballots.len() as u64
            );
            prop_assert_eq!(round.threshold.units(), round.continuing_votes().units() / 2 + 1);
        }
        prop_assert_eq!(count.winners().len(), 1);
        let last = count.final_round();
        let winner = count.winner().expect("one winner");
        prop_assert_eq!(&last.elected, &vec![winner]);
        let continuing = last.continuing_votes().units();
        let won = last.votes(winner).expect("the winner is in the final round").units();
        let tied_final_two = last.tallies.len() == 2
            && last.tallies[0].votes == last.tallies[1].votes
            && !last.tie_breaks.is_empty();
        prop_assert!(
            continuing == 0 || 2 * won > continuing || tied_final_two,
            "winner has {} of {} continuing votes", won, continuing
        );
    }

    #[test]
    fn stv_fills_exactly_its_seats_and_conserves_votes(
        ((n, ballots, rules), seats) in contest().prop_flat_map(|c| {
            let n = c.0;
            (Just(c), 1..=n as u32)
        })
    ) {
        let rules = Rules { batch_elimination: false, ..rules };
        let count = single_transferable_vote(&candidates(n), &ballots, seats, &rules)
            .expect("counts");
        assert_conserves_votes(&count);
        prop_assert_eq!(count.winners().len(), seats as usize);
        let mut distinct = count.winners().to_vec();
        distinct.sort();
        distinct.dedup();
        prop_assert_eq!(distinct.len(), seats as usize);
        // Once elected, a candidate stays in every later round, listed as elected.
        for (index, round) in count.rounds().iter().enumerate() {
            for &winner in &round.elected {
                for later in &count.rounds()[index + 1..] {
                    let tally = later.tallies.iter().find(|t| t.candidate == winner);
                    prop_assert_eq!(tally.map(|t| t.standing), Some(Standing::Elected));
                }
            }
        }
        // The extra last round only shows the final surplus.
        let last = count.final_round();
        prop_assert!(last.elected.is_empty() && last.eliminated.is_empty());
    }

    #[test]
    fn results_do_not_depend_on_ballot_order(
        ((n, ballots, rules), shuffled, seats) in contest().prop_flat_map(|c| {
            let shuffled = Just(c.1.clone()).prop_shuffle();
            let n = c.0;
            (Just(c), shuffled, 1..=n as u32)
        })
    ) {
        let list = candidates(n);
        prop_assert_eq!(
            instant_runoff(&list, &ballots, &rules).expect("counts"),
            instant_runoff(&list, &shuffled, &rules).expect("counts")
        );
        let rules = Rules { batch_elimination: false, ..rules };
        prop_assert_eq!(
            single_transferable_vote(&list, &ballots, seats, &rules).expect("counts"),
            single_transferable_vote(&list, &shuffled, seats, &rules).expect("counts")
        );
    }

    #[test]
    fn weighted_pushes_equal_repeated_pushes(
        (n, ballots, rules) in contest(), copies in 1_u64..4
    ) {
        let list = candidates(n);
        let mut weighted = BallotPool::new(&list, &rules);
        let mut repeated = BallotPool::new(&list, &rules);
        for ballot in &ballots {
            weighted.push_many(ballot, copies).expect("own candidates");
            for _ in 0..copies {
                repeated.push(ballot).expect("own candidates");
            }
        }
        prop_assert_eq!(weighted.ballots(), repeated.ballots());
        prop_assert_eq!(
            weighted.instant_runoff().expect("counts"),
            repeated.instant_runoff().expect("counts")
        );
    }
}

//! Counting rules one at a time, on small hand-made contests: tie-break methods, batch
//! elimination, the undeclared write-ins, exhaustion causes, one winner per round, surplus
//! arithmetic, refused counts, and the JSON shape of a result.

use baraza_ranked::ErrorCode;
use baraza_ranked::{
    BallotPool, Candidates, CountError, OvervoteRule, Quota, RankedBallot, Rules, Tabulation,
    TieBreak, TieDecider, TieKind, TransferTarget, Votes, instant_runoff, single_transferable_vote,
};

/// `groups` of (copies, names one per rank; "" is a skipped rank, "A|B" an overvote).
fn ballots(candidates: &Candidates, groups: &[(usize, &str)]) -> Vec<RankedBallot> {
    let mut out = Vec::new();
    for &(copies, ranking) in groups {
        let ranks: Vec<Vec<&str>> = ranking
            .split(',')
            .map(|rank| rank.split('|').filter(|n| !n.is_empty()).collect())
            .collect();
        let ballot = RankedBallot::from_names(candidates, &ranks).expect("valid ballot");
        out.extend(std::iter::repeat_n(ballot, copies));
    }
    out
}

fn names(count: &Tabulation, ids: &[baraza_ranked::CandidateId]) -> Vec<String> {
    ids.iter().map(|&c| count.name(c).to_owned()).collect()
}

fn eliminations(count: &Tabulation) -> Vec<Vec<String>> {
    count
        .rounds()
        .iter()
        .map(|round| names(count, &round.eliminated))
        .collect()
}

/// Round 2 ties A and B at 3; in round 1 A had 3 and B 2.
fn tie_in_round_two(tie_break: TieBreak) -> Tabulation {
    let candidates = Candidates::new(["B", "A", "C", "D"]).expect("valid names");
    let ballots = ballots(&candidates, &[(3, "A"), (2, "B"), (4, "C"), (1, "D,B")]);
    let rules = Rules {
        tie_break,
        ..Rules::default()
    };
    instant_runoff(&candidates, &ballots, &rules).expect("counts")
}

#[test]
fn candidate_order_eliminates_the_tied_candidate_listed_last() {
    let count = tie_in_round_two(TieBreak::CandidateOrder);
    assert_eq!(eliminations(&count)[1], ["A"]);
    let tie = &count.rounds()[1].tie_breaks[0];
    assert_eq!(
        (tie.kind, names(&count, &tie.tied), tie.decided_by),
        (
            TieKind::Elimination,
            vec!["B".to_owned(), "A".to_owned()],
            TieDecider::CandidateOrder
        )
    );
}

#[test]
fn previous_rounds_eliminate_the_tied_candidate_who_had_fewer_votes_before() {
    let count = tie_in_round_two(TieBreak::PreviousRoundsThenCandidateOrder);
    assert_eq!(eliminations(&count)[1], ["B"]);
    assert_eq!(
        count.rounds()[1].tie_breaks[0].decided_by,
        TieDecider::PreviousRound(1)
    );
    // Tied in every earlier round: falls back to candidate order.
    let candidates = Candidates::new(["X", "Y", "Z"]).unwrap();
    let even = ballots(&candidates, &[(2, "X"), (2, "Y"), (3, "Z")]);
    let rules = Rules {
        tie_break: TieBreak::PreviousRoundsThenCandidateOrder,
        ..Rules::default()
    };
    let count = instant_runoff(&candidates, &even, &rules).unwrap();
    assert_eq!(eliminations(&count)[0], ["Y"]);
    assert_eq!(
        count.rounds()[0].tie_breaks[0].decided_by,
        TieDecider::CandidateOrder
    );
}

#[test]
fn random_ties_follow_java_random_over_names_sorted() {
    // new java.util.Random(0).nextDouble() = 0.7309…, so of the two tied names sorted ("A",
    // "B") the second is drawn: floor(0.7309 × 2) = 1.
    let count = tie_in_round_two(TieBreak::Random { seed: 0 });
    assert_eq!(eliminations(&count)[1], ["B"]);
    assert_eq!(count.rounds()[1].tie_breaks[0].decided_by, TieDecider::Lot);
    // The same seed always draws the same lots.
    assert_eq!(count, tie_in_round_two(TieBreak::Random { seed: 0 }));
    // new Random(12345).nextDouble() = 0.3618…: the first ("A").
    let count = tie_in_round_two(TieBreak::Random { seed: 12345 });
    assert_eq!(eliminations(&count)[1], ["A"]);
    // With previous rounds first, the lot is only a last resort.
    let count = tie_in_round_two(TieBreak::PreviousRoundsThenRandom { seed: 12345 });
    assert_eq!(eliminations(&count)[1], ["B"]);
    assert_eq!(
        count.rounds()[1].tie_breaks[0].decided_by,
        TieDecider::PreviousRound(1)
    );
}

#[test]
fn batch_elimination_removes_everyone_who_cannot_catch_up() {
    let candidates = Candidates::new(["A", "B", "C", "D", "E"]).unwrap();
    let ballots = ballots(&candidates, &[(8, "A"), (6, "B,A"), (2, "C,B"), (1, "D,B")]);
    let rules = Rules {
        batch_elimination: true,
        ..Rules::default()
    };
    let count = instant_runoff(&candidates, &ballots, &rules).unwrap();
    // 0 + 1 + 2 = 3 < 6, but 3 + 6 = 9 >= 8: C, D and E go together.
    assert_eq!(eliminations(&count)[0], ["C", "D", "E"]);
    assert_eq!(
        count.rounds()[1].votes(candidates.id("B").unwrap()),
        Some(Votes::whole(9))
    );
    assert_eq!(count.name(count.winner().unwrap()), "B");
    // Without it, one at a time.
    let count = instant_runoff(&candidates, &ballots, &Rules::default()).unwrap();
    assert_eq!(eliminations(&count)[0], ["E"]);
}

#[test]
fn undeclared_write_ins_go_first_and_block_election_while_they_hold_votes() {
    let candidates = Candidates::new(["A", "B", "Write-ins"])
        .unwrap()
        .with_undeclared_write_ins("Write-ins")
        .unwrap();
    let ballots = ballots(&candidates, &[(6, "A"), (1, "B"), (3, "Write-ins,B")]);
    let count = instant_runoff(&candidates, &ballots, &Rules::default()).unwrap();
    // A has 6 of 10 in round 1 but cannot win yet; the write-ins (3) go before B (1).
    assert!(count.rounds()[0].elected.is_empty());
    assert_eq!(eliminations(&count)[0], ["Write-ins"]);
    assert_eq!(count.rounds().len(), 2);
    assert_eq!(count.name(count.winner().unwrap()), "A");
    // The write-ins can never win, even with every vote.
    let all = ballots_for_write_ins(&candidates);
    let count = instant_runoff(&candidates, &all, &Rules::default()).unwrap();
    assert_ne!(count.name(count.winner().unwrap()), "Write-ins");
}

fn ballots_for_write_ins(candidates: &Candidates) -> Vec<RankedBallot> {
    ballots(candidates, &[(5, "Write-ins")])
}

#[test]
fn exhausted_ballots_are_reported_by_cause() {
    let candidates = Candidates::new(["A", "B", "C"]).unwrap();
    let rules = Rules {
        overvote: OvervoteRule::Exhaust,
        max_skipped_ranks: Some(0),
        exhaust_on_repeated_candidate: true,
        ..Rules::default()
    };
    let ballots = ballots(
        &candidates,
        &[
            (6, "A"),
            (5, "B"),
            (1, "C,A|B"),
            (1, "C,,A"),
            (1, "C,C,A"),
            (1, "C"),
            (2, ""),
        ],
    );
    let count = instant_runoff(&candidates, &ballots, &rules).unwrap();
    assert_eq!(eliminations(&count)[0], ["C"]);
    assert_eq!(
        count.rounds()[0].exhausted.total(),
        Votes::whole(2),
        "only blanks at first"
    );
    let exhausted = count.rounds()[1].exhausted;
    assert_eq!(
        [
            exhausted.blank,
            exhausted.overvote,
            exhausted.skipped_ranks,
            exhausted.repeated_candidate,
            exhausted.no_more_choices
        ],
        [2, 1, 1, 1, 1].map(Votes::whole)
    );
    // Each of C's four ballots stopped for a different reason.
    let transfers: Vec<TransferTarget> = count.rounds()[0].transfers.iter().map(|t| t.to).collect();
    assert_eq!(transfers.len(), 4);
    assert!(
        transfers
            .iter()
            .all(|t| matches!(t, TransferTarget::Exhausted(_)))
    );
}

#[test]
fn one_winner_per_round_elects_the_highest_first() {
    let candidates = Candidates::new(["A", "B", "C", "D"]).unwrap();
    let ballots = ballots(&candidates, &[(5, "B,D"), (4, "A,D"), (1, "C")]);
    // 10 votes, 2 seats: Droop quota 4; A and B both reach it in round 1.
    let together = single_transferable_vote(&candidates, &ballots, 2, &Rules::default()).unwrap();
    assert_eq!(names(&together, &together.rounds()[0].elected), ["B", "A"]);
    let rules = Rules {
        one_winner_per_round: true,
        ..Rules::default()
    };
    let apart = single_transferable_vote(&candidates, &ballots, 2, &rules).unwrap();
    assert_eq!(names(&apart, &apart.rounds()[0].elected), ["B"]);
    assert_eq!(names(&apart, &apart.rounds()[1].elected), ["A"]);
    assert_eq!(names(&apart, apart.winners()), ["B", "A"]);
}

#[test]
fn surplus_values_are_truncated_per_ballot_and_the_rest_is_residual() {
    let candidates = Candidates::new(["A", "B", "C"]).unwrap();
    // 7 A>B, 3 C; 2 seats; fractional Droop quota trunc4(10 / 3) + 0.0001 = 3.3334.
    let ballots = ballots(&candidates, &[(7, "A,B"), (3, "C")]);
    let rules = Rules {
        quota: Quota::DroopFractional,
        ..Rules::default()
    };
    let count = single_transferable_vote(&candidates, &ballots, 2, &rules).unwrap();
    let round2 = &count.rounds()[1];
    assert_eq!(round2.threshold.to_string(), "3.3334");
    // f = trunc4(3.6666 / 7) = 0.5238; each ballot moves 0.5238 to B: 3.6666.
    let b = candidates.id("B").unwrap();
    assert_eq!(round2.votes(b).unwrap().to_string(), "3.6666");
    // A keeps 7 × 0.4762 = 3.3334 = the quota: no residual here.
    assert_eq!(round2.residual_surplus, Votes::ZERO);
    assert_eq!(names(&count, count.winners()), ["A", "B"]);
    // With 2 decimal places: f = 0.52, moved 7 × 0.52 = 3.64, A keeps 3.36 > quota 3.34.
    let rules = Rules {
        decimal_places: baraza_ranked::DecimalPlaces::new(2).unwrap(),
        ..rules
    };
    let count = single_transferable_vote(&candidates, &ballots, 2, &rules).unwrap();
    let round2 = &count.rounds()[1];
    assert_eq!(round2.threshold.to_string(), "3.34");
    assert_eq!(round2.votes(b).unwrap().to_string(), "3.64");
    assert_eq!(round2.residual_surplus.to_string(), "0.02");
    assert_eq!(round2.accounted_votes(), Votes::whole(10));
}

#[test]
fn hare_quota_is_votes_over_seats_rounded_up() {
    let candidates = Candidates::new(["A", "B", "C"]).unwrap();
    let ballots = ballots(&candidates, &[(5, "A"), (3, "B"), (3, "C")]);
    let rules = Rules {
        quota: Quota::Hare,
        ..Rules::default()
    };
    let count = single_transferable_vote(&candidates, &ballots, 2, &rules).unwrap();
    assert_eq!(count.rounds()[0].threshold, Votes::whole(6));
    let droop = single_transferable_vote(&candidates, &ballots, 2, &Rules::default()).unwrap();
    assert_eq!(droop.rounds()[0].threshold, Votes::whole(4));
}

#[test]
fn impossible_counts_are_refused_with_codes() {
    let candidates = Candidates::new(["A", "B", "UWI"])
        .unwrap()
        .with_undeclared_write_ins("UWI")
        .unwrap();
    let none: Vec<RankedBallot> = Vec::new();
    let rules = Rules::default();
    let error = single_transferable_vote(&candidates, &none, 3, &rules).unwrap_err();
    assert_eq!(
        error,
        CountError::MoreSeatsThanCandidates {
            seats: 3,
            candidates: 2
        }
    );
    assert_eq!(error.code(), ErrorCode::InvalidCountRules);
    assert_eq!(
        single_transferable_vote(&candidates, &none, 0, &rules).unwrap_err(),
        CountError::NoSeats
    );
    let batch = Rules {
        batch_elimination: true,
        ..Rules::default()
    };
    assert_eq!(
        single_transferable_vote(&candidates, &none, 2, &batch)
            .unwrap_err()
            .to_string(),
        "batch_elimination applies to single-winner counts only, not to 2 seats"
    );
    let longer = Candidates::new(["A", "B", "C", "D"]).unwrap();
    let foreign = ballots(&longer, &[(1, "A"), (1, "D")]);
    let error = instant_runoff(&candidates, &foreign, &rules).unwrap_err();
    assert_eq!(
        error.to_string(),
        "ballot 1: the ballot marks candidate number 3, but the contest has only 3 candidates"
    );
    assert_eq!(error.code(), ErrorCode::UnknownCandidate);
}

#[test]
fn an_empty_count_still_ends_with_winners() {
    let candidates = Candidates::new(["A", "B", "C"]).unwrap();
    let none: Vec<RankedBallot> = Vec::new();
    for quota in [Quota::DroopWhole, Quota::DroopFractional, Quota::Hare] {
        let rules = Rules {
            quota,
            ..Rules::default()
        };
        let count = single_transferable_vote(&candidates, &none, 2, &rules).unwrap();
        assert_eq!(count.winners().len(), 2, "{quota:?}");
    }
    let count = instant_runoff(&candidates, &none, &Rules::default()).unwrap();
    assert_eq!(count.winners().len(), 1);
}

#[test]
fn pools_keep_only_distinct_reduced_ballots() {
    let candidates = Candidates::new(["A", "B", "C"]).unwrap();
    let mut pool = BallotPool::new(&candidates, &Rules::default());
    // Repeats are dropped before grouping: these reduce to the same sequence.
    for ballot in ballots(&candidates, &[(500, "A,B"), (500, "A,B,A"), (10, "C")]) {
        pool.push(&ballot).unwrap();
    }
    assert_eq!((pool.ballots(), pool.distinct_ballots()), (1010, 2));
    let count = pool.instant_runoff().unwrap();
    assert_eq!(
        count.rounds()[0].votes(candidates.id("A").unwrap()),
        Some(Votes::whole(1000))
    );
}

#[test]
fn results_serialise_to_json() {
    let candidates = Candidates::new(["Ada", "Grace"]).unwrap();
    let count = instant_runoff(
        &candidates,
        &ballots(&candidates, &[(2, "Ada"), (1, "Grace,Ada")]),
        &Rules::default(),
    )
    .unwrap();
    let json = serde_json::to_value(&count).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "method": "instant_runoff",
            "seats": 1,
            "candidates": {"names": ["Ada", "Grace"], "undeclared_write_ins": null},
            "ballots": 3,
            "decimal_places": 0,
            "rounds": [{
                "number": 1,
                "tallies": [
                    {"candidate": 0, "votes": "2", "standing": "continuing"},
                    {"candidate": 1, "votes": "1", "standing": "continuing"}
                ],
                "threshold": "2",
                "exhausted": {"blank": "0", "no_more_choices": "0", "overvote": "0",
                              "skipped_ranks": "0", "repeated_candidate": "0"},
                "residual_surplus": "0",
                "final_surplus": "0",
                "elected": [0],
                "eliminated": [],
                "transfers": [],
                "tie_breaks": []
            }],
            "winners": [0]
        })
    );
}

//! Worked examples from the literature (`test_data/ranked/`, sources in its README): each
//! count is rendered round by round and compared with the hand-written expectation.

use std::fmt::Write as _;

use baraza_ranked::{
    CsvOptions, Rules, Standing, Tabulation, TransferTarget, Votes, instant_runoff,
    read_csv_contest, single_transferable_vote,
};
use expect_test::{ExpectFile, expect_file};

/// One line per round, then the winners.
fn render(count: &Tabulation) -> String {
    let name = |id| count.name(id).to_owned();
    let mut out = String::new();
    for round in count.rounds() {
        let tallies: Vec<String> = round
            .tallies
            .iter()
            .map(|t| match t.standing {
                Standing::Continuing => format!("{} {}", name(t.candidate), t.votes),
                Standing::Elected => format!("{} {} (elected)", name(t.candidate), t.votes),
            })
            .collect();
        let _ = write!(
            out,
            "round {}: {} | threshold {} | exhausted {}",
            round.number,
            tallies.join(", "),
            round.threshold,
            round.exhausted.total()
        );
        let causes: Vec<String> = baraza_ranked::ExhaustionCause::ALL
            .iter()
            .filter(|&&cause| round.exhausted.by_cause(cause) > Votes::ZERO)
            .map(|&cause| format!("{} {}", cause_name(cause), round.exhausted.by_cause(cause)))
            .collect();
        if !causes.is_empty() {
            let _ = write!(out, " ({})", causes.join(", "));
        }
        if round.residual_surplus > Votes::ZERO {
            let _ = write!(out, " | residual {}", round.residual_surplus);
        }
        if round.final_surplus > Votes::ZERO {
            let _ = write!(out, " | final surplus {}", round.final_surplus);
        }
        for (label, list) in [
            ("elected", &round.elected),
            ("eliminated", &round.eliminated),
        ] {
            if !list.is_empty() {
                let names: Vec<String> = list.iter().map(|&c| name(c)).collect();
                let _ = write!(out, " | {label} {}", names.join(", "));
            }
        }
        for tie in &round.tie_breaks {
            let _ = write!(
                out,
                " | tie broken for {} by {:?}",
                name(tie.chosen),
                tie.decided_by
            );
        }
        if !round.transfers.is_empty() {
            let transfers: Vec<String> = round
                .transfers
                .iter()
                .map(|t| {
                    let to = match t.to {
                        TransferTarget::Candidate(c) => name(c),
                        TransferTarget::Exhausted(cause) => {
                            format!("exhausted ({})", cause_name(cause))
                        }
                        TransferTarget::ResidualSurplus => "residual".to_owned(),
                        TransferTarget::FinalSurplus => "final surplus".to_owned(),
                        // Targets added later are shown by name.
                        other => format!("{other:?}"),
                    };
                    format!("{} -> {to} {}", name(t.from), t.votes)
                })
                .collect();
            let _ = write!(out, " | transfers: {}", transfers.join(", "));
        }
        out.push('\n');
    }
    let winners: Vec<String> = count.winners().iter().map(|&c| name(c)).collect();
    let _ = writeln!(out, "winners: {}", winners.join(", "));
    out
}

fn cause_name(cause: baraza_ranked::ExhaustionCause) -> String {
    serde_json::to_value(cause)
        .expect("causes serialise")
        .as_str()
        .expect("as a string")
        .to_owned()
}

/// Counts `test_data/ranked/<name>.csv` for `seats` and compares with `expected`.
fn check(name: &str, seats: u32, expected: ExpectFile) {
    let path = format!("{}/test_data/ranked/{name}.csv", env!("CARGO_MANIFEST_DIR"));
    let csv = std::fs::read_to_string(&path).expect("example ballots are readable");
    let contest = read_csv_contest(csv.as_bytes(), &CsvOptions::default())
        .unwrap_or_else(|errors| panic!("{path}: {errors}"));
    let rules = Rules::default();
    let count = if seats == 1 {
        instant_runoff(&contest.candidates, &contest.ballots, &rules)
    } else {
        single_transferable_vote(&contest.candidates, &contest.ballots, seats, &rules)
    }
    .expect("the example can be counted");
    for round in count.rounds() {
        assert_eq!(
            round.accounted_votes(),
            Votes::whole(count.ballots()),
            "{name}: round {} loses votes",
            round.number
        );
    }
    expected.assert_eq(&render(&count));
}

#[test]
fn tennessee_capital_irv() {
    check(
        "tennessee_capital",
        1,
        expect_file!["../test_data/ranked/tennessee_capital.expected"],
    );
}

#[test]
fn lippman_irv_exhausts_bullet_votes() {
    check(
        "lippman_irv",
        1,
        expect_file!["../test_data/ranked/lippman_irv.expected"],
    );
}

#[test]
fn tannenbaum_monotonicity_failure() {
    // Four voters move the winner C to first place, and C loses.
    check(
        "tannenbaum_monotonicity_before",
        1,
        expect_file!["../test_data/ranked/tannenbaum_monotonicity_before.expected"],
    );
    check(
        "tannenbaum_monotonicity_after",
        1,
        expect_file!["../test_data/ranked/tannenbaum_monotonicity_after.expected"],
    );
}

#[test]
fn wikipedia_stv_food_election() {
    check(
        "wikipedia_stv_food",
        3,
        expect_file!["../test_data/ranked/wikipedia_stv_food.expected"],
    );
}

//! NIST SP 1500-103 cast vote records (JSON): the hand-made report
//! `test_data/ranked/cdf_town_mayor.json` (README there) read and counted against a count done by
//! hand, and each error the reader reports.

use baraza_ranked::{
    CastVoteRecordReport, CdfError, Rules, UNDECLARED_WRITE_INS, cdf_contest, instant_runoff,
};
use serde_json::{Value, json};

const TOWN: &str = include_str!("../test_data/ranked/cdf_town_mayor.json");

fn report(json: &Value) -> CastVoteRecordReport {
    serde_json::from_value(json.clone()).expect("a report")
}

fn town() -> Value {
    serde_json::from_str(TOWN).expect("the test file is JSON")
}

#[test]
fn the_town_report_reads_as_the_ballots_it_was_written_with() {
    let contest = cdf_contest(&report(&town()), "Mayor").expect("a valid contest");
    assert_eq!(
        contest.candidates.names(),
        ["Ada", "Grace", "Edsger", UNDECLARED_WRITE_INS]
    );
    assert_eq!(
        contest.candidates.undeclared_write_ins(),
        contest.candidates.id(UNDECLARED_WRITE_INS)
    );
    let ballots: Vec<Vec<Vec<&str>>> = contest
        .ballots
        .iter()
        .map(|ballot| {
            ballot
                .ranks()
                .map(|marks| marks.iter().map(|&c| contest.candidates.name(c)).collect())
                .collect()
        })
        .collect();
    let uwi = UNDECLARED_WRITE_INS;
    assert_eq!(
        ballots,
        [
            vec![vec!["Ada"], vec!["Grace"]],
            vec![vec!["Ada"]],
            vec![vec!["Grace"], vec!["Edsger"]],
            vec![vec!["Edsger"], vec!["Grace"]],
            // The current snapshot is the adjudicated one, not the original scan.
            vec![vec!["Grace"], vec!["Ada"]],
            // HasIndication "no" at rank 1: a skipped rank.
            vec![vec![], vec!["Grace"]],
            // Two marks at rank 1: an overvote.
            vec![vec!["Ada", "Edsger"]],
            vec![vec![uwi], vec!["Ada"]],
            // CVR 9 holds only the council question: no ballot. CVR 10: IsAllocable "no".
            vec![vec![], vec!["Edsger"]],
        ]
    );
    // The count, worked by hand (default rules: overvotes exhaust, skipped ranks are passed).
    let count =
        instant_runoff(&contest.candidates, &contest.ballots, &Rules::default()).expect("counts");
    let rounds: Vec<String> = count
        .rounds()
        .iter()
        .map(|round| {
            let tallies: Vec<String> = round
                .tallies
                .iter()
                .map(|t| format!("{} {}", count.name(t.candidate), t.votes))
                .collect();
            let names = |list: &[_]| -> Vec<&str> { list.iter().map(|&c| count.name(c)).collect() };
            format!(
                "{} | threshold {} | exhausted {} | elected {:?} | eliminated {:?}",
                tallies.join(", "),
                round.threshold,
                round.exhausted.total(),
                names(&round.elected),
                names(&round.eliminated)
            )
        })
        .collect();
    assert_eq!(
        rounds,
        [
            "Ada 2, Grace 3, Edsger 2, Undeclared Write-ins 1 | threshold 5 | exhausted 1 | elected [] | eliminated [\"Undeclared Write-ins\"]",
            "Ada 3, Grace 3, Edsger 2 | threshold 5 | exhausted 1 | elected [] | eliminated [\"Edsger\"]",
            "Ada 3, Grace 4 | threshold 4 | exhausted 2 | elected [\"Grace\"] | eliminated []",
        ]
    );
    assert_eq!(count.name(count.winner().expect("a winner")), "Grace");
    // The contest can be chosen by its id too.
    assert_eq!(
        cdf_contest(&report(&town()), "contest-mayor").expect("by id"),
        contest
    );
}

#[test]
fn a_missing_contest_is_reported_with_the_contests_there_are() {
    let errors = cdf_contest(&report(&town()), "Governor").expect_err("no such contest");
    assert_eq!(
        errors.to_string(),
        "no contest is named \"Governor\"; the report has [\"Mayor\", \"Council question\"]"
    );
}

#[test]
fn a_selection_naming_an_unknown_candidate_is_reported() {
    let mut json = town();
    json["Election"][0]["Contest"][0]["ContestSelection"][1]["CandidateIds"] = json!(["cand-alan"]);
    json["Election"][0]["Contest"][0]["ContestSelection"][2]["CandidateIds"] = json!([]);
    let errors = cdf_contest(&report(&json), "Mayor").expect_err("unknown candidate");
    assert_eq!(
        errors.errors(),
        [
            CdfError::UnknownCandidate {
                selection: "cs-grace".into(),
                candidate: "cand-alan".into()
            },
            CdfError::SelectionWithoutCandidate {
                selection: "cs-edsger".into()
            },
        ]
    );
}

#[test]
fn bad_and_missing_ranks_unknown_selections_and_snapshots_are_reported_per_cvr() {
    let mut json = town();
    let mayor = |cvr: usize| format!("/CVR/{cvr}/CVRSnapshot/0/CVRContest/0/CVRContestSelection");
    *json
        .pointer_mut(&format!("{}/0/SelectionPosition/0/Rank", mayor(0)))
        .expect("CVR 1 rank") = json!(0);
    *json
        .pointer_mut(&format!("{}/1/SelectionPosition/0/Rank", mayor(0)))
        .expect("CVR 1 second rank") = json!(1001);
    json.pointer_mut(&format!("{}/0/SelectionPosition/0", mayor(1)))
        .and_then(Value::as_object_mut)
        .expect("CVR 2 position")
        .remove("Rank");
    *json
        .pointer_mut(&format!("{}/0/ContestSelectionId", mayor(2)))
        .expect("CVR 3 selection") = json!("cs-nobody");
    json["CVR"][3]["CurrentSnapshotId"] = json!("cvr4-lost");
    let errors = cdf_contest(&report(&json), "Mayor").expect_err("bad CVRs");
    assert_eq!(
        errors.errors(),
        [
            CdfError::BadRank {
                cvr: 1,
                selection: "cs-ada".into(),
                rank: 0
            },
            CdfError::BadRank {
                cvr: 1,
                selection: "cs-grace".into(),
                rank: 1001
            },
            CdfError::MissingRank {
                cvr: 2,
                selection: "cs-ada".into()
            },
            CdfError::UnknownSelection {
                cvr: 3,
                selection: "cs-nobody".into()
            },
            CdfError::MissingSnapshot {
                cvr: 4,
                id: Some("cvr4-lost".into())
            },
        ]
    );
    assert_eq!(
        errors.errors()[0].to_string(),
        "CVR 1: contest selection \"cs-ada\" has rank 0; ranks run from 1 to 1000"
    );
}

#[test]
fn a_rank_on_the_contest_selection_serves_positions_without_one() {
    let mut json = town();
    let selection = json
        .pointer_mut("/CVR/1/CVRSnapshot/0/CVRContest/0/CVRContestSelection/0")
        .and_then(Value::as_object_mut)
        .expect("CVR 2 selection");
    selection.insert("Rank".into(), json!(3));
    selection["SelectionPosition"][0]
        .as_object_mut()
        .expect("position")
        .remove("Rank");
    let contest = cdf_contest(&report(&json), "Mayor").expect("valid");
    let ranks: Vec<usize> = contest.ballots[1]
        .ranks()
        .map(|marks| marks.len())
        .collect();
    assert_eq!(ranks, [0, 0, 1]);
}

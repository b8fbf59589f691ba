//! Conformance with real counts: recounts the RCTab regression cases kept outside the repository
//! (`$BARAZA_REFERENCE_DIR/rcv/<case>/{ballots.csv,expected.json}`, see the README there) and
//! checks every round of every case: each candidate's votes, the threshold, who was elected and
//! eliminated, the exhausted votes (against RCTab's inactive ballots) and the final surplus,
//! and the winners in order of election. The rules come from each case's RCTab configuration
//! (`expected.json` → `rctab_rules`, spelled out in prose in `rules`).
//!
//! Without the reference data these tests fail in CI (and with `BARAZA_REQUIRE_REFERENCE=1`),
//! naming the missing case; elsewhere they skip with a notice (`tests/support`).

mod support;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use baraza_ranked::{
    Candidates, CsvOptions, OvervoteRule, Quota, Rules, Tabulation, TieBreak, Votes,
    instant_runoff, read_csv_ballots, single_transferable_vote,
};
use serde_json::Value;

const WRITE_INS: &str = "Undeclared Write-ins";

/// One case's folder, `rcv/<case>`; `None` (after a skip notice) when it is missing outside CI.
fn case_dir(case: &str) -> Option<PathBuf> {
    support::reference_path(&format!("rcv/{case}"), &format!("the RCTab case {case}"))
}

/// A file of a case that is present: missing here means the reference folder is incomplete.
fn case_file(dir: &Path, name: &str, case: &str) -> PathBuf {
    let path = dir.join(name);
    if !path.is_file() {
        support::missing(&path, &format!("the RCTab case {case}"));
        panic!("{case}: {} is missing from its case folder", path.display());
    }
    path
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn names(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("a list of names")
        .iter()
        .map(text)
        .collect()
}

/// The candidates in RCTab's configuration order (the order `useCandidateOrder` uses), with
/// the pooled write-ins last, as RCTab adds them.
fn candidates_of(expected: &Value) -> Candidates {
    let mut list = names(&expected["candidates_in_config_order"]);
    let all = names(&expected["candidates"]);
    let has_write_ins = all.iter().any(|n| n == WRITE_INS);
    if has_write_ins && !list.iter().any(|n| n == WRITE_INS) {
        list.push(WRITE_INS.to_owned());
    }
    let mut sorted_all = all;
    sorted_all.sort();
    let mut sorted_list = list.clone();
    sorted_list.sort();
    assert_eq!(
        sorted_all, sorted_list,
        "candidates and config order disagree"
    );
    let candidates = Candidates::new(list).expect("valid candidate list");
    if has_write_ins {
        candidates
            .with_undeclared_write_ins(WRITE_INS)
            .expect("write-ins label is a candidate")
    } else {
        candidates
    }
}

/// `Rules` from the raw RCTab `rules` block; options these cases do not use must be off.
fn rules_of(rctab: &Value) -> (Rules, u32) {
    let field = |name: &str| text(&rctab[name]);
    let flag = |name: &str| rctab[name].as_bool().unwrap_or(false);
    let number = |name: &str| -> Option<u32> {
        let value = field(name);
        match value.as_str() {
            "" | "unlimited" | "max" => None,
            digits => Some(digits.parse().expect("a whole number")),
        }
    };
    assert_eq!(field("minimumVoteThreshold"), "0");
    assert!(!flag("continueUntilTwoCandidatesRemain"));
    assert!(!flag("doesFirstRoundDetermineThreshold"));
    assert!(!flag("treatBlankAsUndeclaredWriteIn"));
    assert_eq!(field("stopTabulationEarlyAfterRound"), "");
    let seed = || field("randomSeed").parse::<i64>().unwrap_or(0);
    let tie_break = match field("tiebreakMode").as_str() {
        "useCandidateOrder" => TieBreak::CandidateOrder,
        "random" => TieBreak::Random { seed: seed() },
        "previousRoundCountsThenRandom" => TieBreak::PreviousRoundsThenRandom { seed: seed() },
        other => panic!("tie-break mode {other} is not used by these cases"),
    };
    let overvote = match field("overvoteRule").as_str() {
        "exhaustImmediately" => OvervoteRule::Exhaust,
        "alwaysSkipToNextRank" => OvervoteRule::SkipRank,
        other => panic!("overvote rule {other} is not used by these cases"),
    };
    let one_winner_per_round = match field("winnerElectionMode").as_str() {
        "singleWinnerMajority" | "multiWinnerAllowMultipleWinnersPerRound" => false,
        "multiWinnerAllowOnlyOneWinnerPerRound" => true,
        other => panic!("winner election mode {other} is not used by these cases"),
    };
    let quota = match (flag("hareQuota"), flag("nonIntegerWinningThreshold")) {
        (true, false) => Quota::Hare,
        (false, true) => Quota::DroopFractional,
        (false, false) => Quota::DroopWhole,
        (true, true) => panic!("fractional Hare quota is not used by these cases"),
    };
    let rules = Rules {
        tie_break,
        batch_elimination: flag("batchElimination"),
        overvote,
        max_skipped_ranks: number("maxSkippedRanksAllowed"),
        exhaust_on_repeated_candidate: flag("exhaustOnDuplicateCandidate"),
        max_ranks: number("maxRankingsAllowed"),
        quota,
        decimal_places: field("decimalPlacesForVoteArithmetic")
            .parse::<u8>()
            .ok()
            .and_then(|d| baraza_ranked::DecimalPlaces::new(d).ok())
            .expect("decimal places from 0 to 9"),
        one_winner_per_round,
    };
    let seats = number("numberOfWinners").expect("numberOfWinners");
    (rules, seats)
}

/// A JSON number as units of `10^-places`.
fn units(value: &Value, places: u8) -> u64 {
    let number = value.as_f64().expect("a number");
    (number * 10_f64.powi(i32::from(places))).round() as u64
}

fn sorted(mut list: Vec<String>) -> Vec<String> {
    list.sort();
    list
}

/// Every difference between the count and the official report.
fn differences(count: &Tabulation, expected: &Value) -> Vec<String> {
    let places = count.decimal_places();
    let name = |id| count.name(id).to_owned();
    let mut problems = Vec::new();
    let rounds = expected["rounds"].as_array().expect("rounds");
    if count.rounds().len() != rounds.len() {
        problems.push(format!(
            "{} rounds counted, {} expected",
            count.rounds().len(),
            rounds.len()
        ));
    }
    let omitted = expected["ballot_counts"]["omitted_no_countable_choice"]
        .as_u64()
        .expect("omitted_no_countable_choice");
    for (round, want) in count.rounds().iter().zip(rounds) {
        let n = round.number;
        let got: BTreeMap<String, u64> = round
            .tallies
            .iter()
            .map(|t| (name(t.candidate), t.votes.units()))
            .collect();
        let wanted: BTreeMap<String, u64> = want["tallies"]
            .as_object()
            .expect("tallies")
            .iter()
            .map(|(k, v)| (k.clone(), units(v, places)))
            .collect();
        if got != wanted {
            for (candidate, votes) in &wanted {
                if got.get(candidate) != Some(votes) {
                    problems.push(format!(
                        "round {n}: {candidate} has {:?} units, expected {votes}",
                        got.get(candidate)
                    ));
                }
            }
            for candidate in got.keys().filter(|c| !wanted.contains_key(*c)) {
                problems.push(format!("round {n}: {candidate} listed but not expected"));
            }
        }
        if round.threshold.units() != units(&want["threshold"], places) {
            problems.push(format!(
                "round {n}: threshold {} expected {}",
                round.threshold, want["threshold"]
            ));
        }
        let elected: Vec<String> = round.elected.iter().map(|&c| name(c)).collect();
        if elected != names(&want["elected"]) {
            problems.push(format!(
                "round {n}: elected {elected:?}, expected {}",
                want["elected"]
            ));
        }
        let eliminated: Vec<String> = round.eliminated.iter().map(|&c| name(c)).collect();
        if sorted(eliminated.clone()) != sorted(names(&want["eliminated"])) {
            problems.push(format!(
                "round {n}: eliminated {eliminated:?}, expected {}",
                want["eliminated"]
            ));
        }
        // RCTab's inactive ballots include those csv left out because their first marked rank
        // already exhausted them; its final-round surplus is reported apart.
        let inactive = want["rctab_inactive_ballots"]
            .as_object()
            .expect("rctab_inactive_ballots");
        let rctab_inactive: u64 = inactive
            .iter()
            .filter(|(key, _)| *key != "finalRoundSurplus")
            .map(|(_, v)| units(v, places))
            .sum();
        let ours = round.exhausted.total().units() + omitted * 10_u64.pow(u32::from(places));
        if ours != rctab_inactive {
            problems.push(format!(
                "round {n}: {ours} units exhausted (with the {omitted} omitted ballots), \
                 RCTab reports {rctab_inactive} inactive"
            ));
        }
        let final_surplus = inactive
            .get("finalRoundSurplus")
            .map_or(0, |v| units(v, places));
        if round.final_surplus.units() != final_surplus {
            problems.push(format!(
                "round {n}: final surplus {}, expected {final_surplus} units",
                round.final_surplus
            ));
        }
        let ballots = Votes::whole(count.ballots());
        if round.accounted_votes() != ballots {
            problems.push(format!(
                "round {n}: {} votes accounted for, {ballots} ballots counted",
                round.accounted_votes()
            ));
        }
    }
    let winners: Vec<String> = count.winners().iter().map(|&c| name(c)).collect();
    if winners != names(&expected["winners"]) {
        problems.push(format!(
            "winners {winners:?}, expected {}",
            expected["winners"]
        ));
    }
    problems
}

/// Recounts one case; `None` when the reference data is absent.
fn recount(case: &str) -> Option<(Tabulation, Value)> {
    let dir = case_dir(case)?;
    let expected: Value = serde_json::from_reader(BufReader::new(
        File::open(case_file(&dir, "expected.json", case)).expect("expected.json opens"),
    ))
    .expect("expected.json is JSON");
    let candidates = candidates_of(&expected);
    let (rules, seats) = rules_of(&expected["rctab_rules"]);
    let csv = BufReader::new(
        File::open(case_file(&dir, "ballots.csv", case)).expect("ballots.csv opens"),
    );
    let ballots = read_csv_ballots(csv, &candidates, &CsvOptions::default())
        .unwrap_or_else(|errors| panic!("{case}/ballots.csv: {errors}"));
    assert_eq!(
        ballots.len() as u64,
        expected["ballot_counts"]["written"]
            .as_u64()
            .expect("written"),
        "{case}: every ballot line read"
    );
    assert_eq!(expected["seats"].as_u64(), Some(u64::from(seats)));
    let count = match expected["method"].as_str() {
        Some("irv") => instant_runoff(&candidates, &ballots, &rules),
        Some("stv") => single_transferable_vote(&candidates, &ballots, seats, &rules),
        other => panic!("unknown method {other:?}"),
    }
    .unwrap_or_else(|error| panic!("{case}: {error}"));
    Some((count, expected))
}

fn check(case: &str) {
    let Some((count, expected)) = recount(case) else {
        return;
    };
    let problems = differences(&count, &expected);
    assert!(
        problems.is_empty(),
        "{case} differs from RCTab's official count:\n{}",
        problems.join("\n")
    );
}

macro_rules! cases {
    ($($case:ident),* $(,)?) => {$(
        #[test]
        fn $case() {
            check(stringify!($case));
        }
    )*};
}

cases!(
    test_set_1_exhaust_at_overvote,
    test_set_3_skipped_choice_exhaust,
    test_set_6_duplicate_exhaust,
    test_set_allow_only_one_winner_per_round,
    test_set_multi_winner_fractional_threshold,
    test_set_multi_winner_whole_threshold,
);

// Names starting with a digit are not identifiers.
#[test]
fn minneapolis_2013_mayor() {
    check("2013_minneapolis_mayor");
}

#[test]
fn minneapolis_2017_mayor() {
    check("2017_minneapolis_mayor");
}

#[test]
fn portland_2015_mayor() {
    check("2015_portland_mayor");
}

#[test]
fn minneapolis_2013_park_board_droop() {
    check("2013_minneapolis_park");
}

#[test]
fn minneapolis_2013_park_board_hare() {
    check("2013_minneapolis_park_hare");
}

#[test]
fn portland_2015_ties_are_broken_by_candidate_order() {
    // Rounds 2 and 7 end in ties for last place; RCTab eliminates the tied candidate listed
    // last in the configuration.
    let Some((count, _)) = recount("2015_portland_mayor") else {
        return;
    };
    let ties: Vec<(u32, Vec<&str>, &str)> = count
        .rounds()
        .iter()
        .flat_map(|round| {
            round.tie_breaks.iter().map(|tie| {
                let tied = tie.tied.iter().map(|&c| count.name(c)).collect();
                (round.number, tied, count.name(tie.chosen))
            })
        })
        .collect();
    assert_eq!(
        ties,
        [
            (
                2,
                vec!["Marshall, David A.", "Rathband, Jed"],
                "Rathband, Jed"
            ),
            (
                7,
                vec!["Lapchick, Jodie L.", "Vail, Christopher L."],
                "Vail, Christopher L."
            ),
        ]
    );
}

#[test]
fn every_reference_case_is_checked() {
    // A case added to the reference folder must get a test above.
    let Some(dir) = support::reference_path("rcv", "the RCTab cases") else {
        return;
    };
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("reference folder lists")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            entry
                .path()
                .is_dir()
                .then(|| entry.file_name().to_string_lossy().into_owned())
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "2013_minneapolis_mayor",
            "2013_minneapolis_park",
            "2013_minneapolis_park_hare",
            "2015_portland_mayor",
            "2017_minneapolis_mayor",
            "test_set_1_exhaust_at_overvote",
            "test_set_3_skipped_choice_exhaust",
            "test_set_6_duplicate_exhaust",
            "test_set_allow_only_one_winner_per_round",
            "test_set_multi_winner_fractional_threshold",
            "test_set_multi_winner_whole_threshold",
        ]
    );
}

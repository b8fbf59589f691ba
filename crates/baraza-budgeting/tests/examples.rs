//! Worked examples of greedy and the Method of Equal Shares, from `test_data/budgeting/` (sources
//! in its README.md).
//!
//! Each `NAME.pb` has a `NAME.expected` with one line per rule, in the format of
//! `example-pb-tally` (`PbOutcome`'s `Display`): `greedy`, `mes` (Add1 then greedy fill, the
//! default), `mes_add1` (Add1 only) and `mes_none` (MES with budget / voters only). The expected
//! lines were worked out by hand (README.md) and recomputed independently with pabutools
//! (`crosscheck.py`); those with decimal costs come from pabutools alone, and their `#` header
//! lines name the tool, its version and the call.

use std::path::{Path, PathBuf};

use baraza_budgeting::{GreedyRule, MesCompletion, MesOptions, PbElection, Rational, pabulib};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/budgeting")
}

fn load(name: &str) -> PbElection {
    let text = std::fs::read_to_string(data_dir().join(name)).expect("test data is readable");
    pabulib::parse_str(&text)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .approval_election()
        .expect("approval votes")
}

fn mes(election: &PbElection, completion: MesCompletion) -> baraza_budgeting::MesOutcome {
    election.equal_shares(&MesOptions { completion })
}

/// Computes every rule's line for one file.
fn actual_lines(election: &PbElection) -> String {
    let greedy = election
        .greedy(&GreedyRule::default())
        .expect("no tie order");
    format!(
        "greedy: {greedy}\nmes: {}\nmes_add1: {}\nmes_none: {}\n",
        mes(election, MesCompletion::Add1ThenGreedy).outcome(),
        mes(election, MesCompletion::Add1).outcome(),
        mes(election, MesCompletion::None).outcome(),
    )
}

#[test]
fn every_example_matches_its_expected_outcomes() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(data_dir())
        .expect("test_data/budgeting exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "pb"))
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 name");
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        // `#` lines record where the expectations come from (tool, version, call).
        let expected: String = expected
            .lines()
            .filter(|line| !line.starts_with('#'))
            .map(|line| format!("{line}\n"))
            .collect();
        let actual = actual_lines(&load(name));
        if actual != expected {
            failures.push(format!(
                "{name}\n--- expected\n{expected}--- actual\n{actual}"
            ));
        }
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} examples found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Lackner & Skowron (2023), Example 1, with MES as in their Example 11 (abcvoting's expected
/// output `test_abcbook_example11_py`): each of the 12 voters starts with 4/12 = 1/3; `a` is
/// bought at q = 1/8 per supporter, leaving its 8 supporters 5/24 each, and then nothing else is
/// affordable.
#[test]
fn lackner_skowron_example_buys_a_at_one_eighth_then_nothing() {
    let election = load("lackner_skowron_example_1.pb");
    let outcome = mes(&election, MesCompletion::None);
    assert_eq!(outcome.voter_budget().to_string(), "1/3");
    assert_eq!(outcome.rounds().len(), 1);
    let round = &outcome.rounds()[0];
    assert_eq!(round.project().as_str(), "a");
    assert_eq!(round.max_payment().to_string(), "1/8");
    assert_eq!(round.cost_per_utility().to_string(), "1/8");
    // b's supporters (three with 5/24, one with 1/3) hold 23/24 < 1: b is out, and so is c.
    assert_eq!(outcome.selected(), ["a"]);
}

/// pabutools `tests/test_rule.py`, "Approval example 2" (costs ×100): MES with cost
/// satisfaction gives {p0, p2}; with Add1 the per-voter budget reaches 112, where p1 becomes
/// affordable after p2 (2 · (112 − 200/3) ≥ 90).
#[test]
fn pabutools_example_two_reaches_a_voter_budget_of_112() {
    let election = load("pabutools_approval_example_2.pb");
    let plain = mes(&election, MesCompletion::None);
    assert_eq!(plain.selected(), ["p2", "p0"]);
    assert_eq!(plain.rounds()[0].max_payment().to_string(), "200/3");
    assert_eq!(plain.rounds()[0].cost_per_utility().to_string(), "1/3");
    assert_eq!(plain.rounds()[1].cost_per_utility().to_string(), "1");

    let add1 = mes(&election, MesCompletion::Add1);
    assert_eq!(
        add1.voter_budget(),
        &Rational::from_ratio(112, 1).expect("nonzero")
    );
    assert_eq!(add1.budget_increments(), 12);
    assert_eq!(add1.selected(), ["p2", "p1", "p0"]);
    assert!(
        mes(&election, MesCompletion::Add1ThenGreedy)
            .filled()
            .is_empty()
    );
}

/// 51 voters want 10 red projects, 49 want 10 blue ones, money for 10: greedy funds 10 red; MES
/// with 10 per voter funds 5 red and 4 blue, and Add1 at 11 per voter gets the 5th blue.
#[test]
fn red_blue_split_is_proportional_only_under_mes() {
    let election = load("red_blue_51_49.pb");
    let greedy = election
        .greedy(&GreedyRule::default())
        .expect("no tie order");
    assert!(
        greedy
            .selected()
            .iter()
            .all(|p| p.as_str().starts_with("red"))
    );
    let outcome = mes(&election, MesCompletion::Add1ThenGreedy);
    assert_eq!(outcome.voter_budget().to_string(), "11");
    let blue = outcome
        .selected()
        .iter()
        .filter(|p| p.as_str().starts_with("blue"))
        .count();
    assert_eq!(blue, 5);
    // Reds first: ρ = 1/51 < 1/49.
    assert_eq!(outcome.rounds()[0].cost_per_utility().to_string(), "1/51");
}

/// A, B and C all start at ρ = 1/3 exactly (150/3 / 150, 120/3 / 120, 150/3 / 150): the tie goes
/// to the cheaper B; once B is paid, A's supporters hold 30 and A is out.
#[test]
fn exact_tie_goes_to_the_cheaper_project() {
    let election = load("exact_tie_lower_cost.pb");
    let outcome = mes(&election, MesCompletion::None);
    let rhos: Vec<String> = outcome
        .rounds()
        .iter()
        .map(|r| r.cost_per_utility().to_string())
        .collect();
    assert_eq!(rhos, ["1/3", "1/3"]);
    assert_eq!(outcome.selected(), ["B", "C"]);
}

/// Z empties voter 0's purse; X and Y then tie at ρ = 1/3 with equal costs, and Y has more
/// votes (4, one of them from the emptied purse).
#[test]
fn exact_tie_with_equal_costs_goes_to_more_votes() {
    let election = load("exact_tie_more_votes.pb");
    let outcome = mes(&election, MesCompletion::None);
    let rounds: Vec<(String, String)> = outcome
        .rounds()
        .iter()
        .map(|r| (r.project().to_string(), r.cost_per_utility().to_string()))
        .collect();
    assert_eq!(
        rounds,
        [
            ("Z".to_owned(), "1/5".to_owned()),
            ("Y".to_owned(), "1/3".to_owned()),
            ("X".to_owned(), "1/3".to_owned())
        ]
    );
}

#[test]
fn rationals_compare_and_print_exactly() {
    let third = Rational::from_ratio(1, 3).expect("nonzero");
    let also_third = Rational::from_ratio(40, 120).expect("nonzero");
    assert_eq!(third, also_third);
    assert_eq!(also_third.to_string(), "1/3");
    assert!(Rational::from_ratio(1, 4).expect("nonzero") < third);
    assert!((third.to_f64() - 1.0 / 3.0).abs() < 1e-15);
    assert!(Rational::from_ratio(1, 0).is_none());
    assert!(Rational::from_ratio(6, 3).expect("nonzero").is_integer());
}

/// The same pabutools example with its own decimal costs (1, 0.9, 2, 1.09, budget 4): amounts
/// are counted in hundredths, but rounds report currency units, and Add1 still raises the
/// per-voter budget by whole currency units: from 1 to 2, which would overspend, so it stops
/// where the ×100 version above reaches 112.
#[test]
fn decimal_costs_report_currency_units_and_add1_steps_whole_units() {
    let election = load("pabutools_approval_example_2_decimal.pb");
    assert_eq!(election.instance().decimal_places(), 2);
    let plain = mes(&election, MesCompletion::None);
    assert_eq!(plain.voter_budget().to_string(), "1");
    assert_eq!(plain.rounds()[0].project().as_str(), "p2");
    assert_eq!(plain.rounds()[0].max_payment().to_string(), "2/3");
    assert_eq!(plain.rounds()[0].cost_per_utility().to_string(), "1/3");
    assert_eq!(plain.outcome().to_string(), "p2, p0 (cost 3)");
    let add1 = mes(&election, MesCompletion::Add1);
    assert_eq!(add1.budget_increments(), 0);
    let filled = mes(&election, MesCompletion::Add1ThenGreedy);
    assert_eq!(filled.filled(), ["p1"]);
    assert_eq!(filled.total_cost(), 390);
    assert_eq!(filled.outcome().total_amount().to_string(), "3.9");
}

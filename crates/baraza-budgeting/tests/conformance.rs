//! Conformance with real participatory-budgeting elections: the pabulib files in the reference
//! folder (`$BARAZA_REFERENCE_DIR/pb/*.pb`, by default `../shared/reference` beside the
//! checkout; see its README.md). They are never copied into the repository. When they are
//! missing these tests fail in CI (and with `BARAZA_REQUIRE_REFERENCE=1`), naming the missing
//! file; elsewhere they skip with a notice (`tests/support`).
//!
//! * Greedy: projects marked `selected=1` are the city's official selection, made greedily by
//!   votes with the city's own tie order. Greedy here reproduces each one exactly.
//! * Greedy in file order and MES (cost utilities; no completion, Add1, Add1 then greedy fill):
//!   no official MES result exists for these cities, so the expected outcomes were computed
//!   independently with pabutools 1.2.3 (exact fractions) and are kept, with the tool, version
//!   and call, in `test_data/budgeting/reference_elections.expected`. Beyond matching them, every
//!   outcome is checked to be within budget, deterministic (same result twice and with the
//!   ballots in reverse order) and, after the fill, exhaustive.

mod support;

use baraza_budgeting::{
    GreedyRule, GreedyTieBreak, MesCompletion, MesOptions, PbElection, ProjectId, pabulib,
};

/// Where the expected outcomes are kept, for messages.
const EXPECTED: &str = "crates/baraza-budgeting/test_data/budgeting/reference_elections.expected";

/// The expected outcomes: `(file name, lines)` per `== FILE` block of the data file.
fn expected_outcomes() -> Vec<(String, String)> {
    // Included relative to this file (not to the package), because baraza-core's tests run
    // this file too (tests/budgeting_conformance.rs there).
    let text = include_str!("../test_data/budgeting/reference_elections.expected");
    let mut cases: Vec<(String, String)> = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if let Some(file) = line.strip_prefix("== ") {
            cases.push((file.to_owned(), String::new()));
        } else {
            let (_, lines) = cases
                .last_mut()
                .unwrap_or_else(|| panic!("{EXPECTED}: {line:?} before any == FILE"));
            lines.push_str(line);
            lines.push('\n');
        }
    }
    assert!(cases.len() >= 3, "{EXPECTED}: only {} cases", cases.len());
    cases
}

/// One reference election, parsed; `None` (after a skip notice) when it is missing outside CI.
fn load(file_name: &str) -> Option<pabulib::PabulibFile> {
    let path = support::reference_path(
        &format!("pb/{file_name}"),
        &format!("the pabulib election {file_name}"),
    )?;
    let reader = std::io::BufReader::new(std::fs::File::open(&path).expect("reference file opens"));
    Some(
        pabulib::parse_reader(reader).unwrap_or_else(|e| panic!("{file_name} does not parse: {e}")),
    )
}

/// Every election named in the expected outcomes that is present (the others are reported by
/// [`load`]).
fn reference_files() -> Vec<(String, pabulib::PabulibFile)> {
    expected_outcomes()
        .into_iter()
        .filter_map(|(file_name, _)| {
            let file = load(&file_name)?;
            let case = file_name.trim_end_matches(".pb").to_owned();
            Some((case, file))
        })
        .collect()
}

/// The city's tie order where a tie decides something, from its published result.
///
/// Warsaw 2018, Niskie Okęcie: projects 308 and 615 both have 88 votes and cannot both be
/// funded. The city funded 615 (`selected=1`) and not 308; the file lists 308 first and does not
/// record how Warsaw ordered the pair, so the order is taken from the published selection. In the
/// other cases no tie decides anything and the file order serves.
fn city_tie_order(case: &str) -> GreedyTieBreak {
    let ids = |ids: &[&str]| {
        GreedyTieBreak::GivenOrder(
            ids.iter()
                .map(|id| ProjectId::parse(*id).expect("valid id"))
                .collect(),
        )
    };
    match case {
        "poland_warszawa_2018_niskie-okecie" => ids(&["615", "308"]),
        _ => GreedyTieBreak::InstanceOrder,
    }
}

fn official_selection(file: &pabulib::PabulibFile) -> Vec<String> {
    let mut selected: Vec<String> = file
        .instance()
        .projects()
        .iter()
        .filter(|p| p.metadata().get("selected").map(String::as_str) == Some("1"))
        .map(|p| p.id().as_str().to_owned())
        .collect();
    selected.sort();
    selected
}

fn sorted_ids(ids: &[ProjectId]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|p| p.as_str().to_owned()).collect();
    ids.sort();
    ids
}

#[test]
fn greedy_reproduces_every_official_selection() {
    for (case, file) in &reference_files() {
        let election = file.approval_election().expect("approval votes");
        let official = official_selection(file);
        assert!(!official.is_empty(), "{case}: no project marked selected=1");
        let rule = GreedyRule {
            tie_break: city_tie_order(case),
            min_votes: 1,
        };
        let outcome = election.greedy(&rule).expect("tie order fits");
        assert_eq!(sorted_ids(outcome.selected()), official, "{case}");
        assert!(outcome.total_cost() <= file.instance().budget(), "{case}");
    }
}

#[test]
fn the_warsaw_tie_is_real_file_order_alone_does_not_reproduce_it() {
    let Some(file) = load("poland_warszawa_2018_niskie-okecie.pb") else {
        return;
    };
    let election = file.approval_election().expect("approval votes");
    let counts = election.approval_counts();
    let votes = |id: &str| counts[file.instance().project_index(id).expect("known project")];
    assert_eq!((votes("308"), votes("615")), (88, 88));
    let by_file_order = election.greedy(&GreedyRule::default()).expect("no order");
    assert!(by_file_order.contains("308") && !by_file_order.contains("615"));
    assert_ne!(
        sorted_ids(by_file_order.selected()),
        official_selection(&file)
    );
}

#[test]
fn vote_counts_in_projects_agree_with_the_votes_section() {
    for (case, file) in &reference_files() {
        let election = file.approval_election().expect("approval votes");
        let counts = election.approval_counts();
        for (project, counted) in file.instance().projects().iter().zip(counts) {
            let declared: u64 = project.metadata()["votes"].parse().expect("a number");
            assert_eq!(declared, counted, "{case}: project {}", project.id());
        }
        let declared_votes: usize = file
            .meta_value("num_votes")
            .expect("num_votes")
            .parse()
            .expect("a number");
        assert_eq!(election.ballot_count(), declared_votes, "{case}");
    }
}

fn reversed(election: &PbElection) -> PbElection {
    let mut copy = PbElection::new(election.instance().clone());
    for b in (0..election.ballot_count()).rev() {
        let ballot = election.ballot(b).expect("in range");
        let ids: Vec<&str> = ballot.iter().map(|p| p.as_str()).collect();
        copy.cast(&ids).expect("valid ballot");
    }
    copy
}

/// Every rule's line for one election, in the format of the expected outcomes.
fn actual_lines(election: &PbElection) -> String {
    let greedy = election
        .greedy(&GreedyRule::default())
        .expect("no tie order");
    let mes = |completion| election.equal_shares(&MesOptions { completion });
    format!(
        "greedy: {greedy}\nmes: {}\nmes_add1: {}\nmes_none: {}\n",
        mes(MesCompletion::Add1ThenGreedy).outcome(),
        mes(MesCompletion::Add1).outcome(),
        mes(MesCompletion::None).outcome(),
    )
}

#[test]
fn greedy_and_mes_match_pabutools() {
    let mut failures = Vec::new();
    for (file_name, expected) in expected_outcomes() {
        let Some(file) = load(&file_name) else {
            continue;
        };
        let actual = actual_lines(&file.approval_election().expect("approval votes"));
        if actual != expected {
            failures.push(format!(
                "{file_name}\n--- pabutools\n{expected}--- baraza\n{actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_reference_election_has_expected_outcomes() {
    // An election added to the reference folder must get its pabutools outcomes.
    let Some(dir) = support::reference_path("pb", "the pabulib elections") else {
        return;
    };
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .expect("reference folder lists")
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".pb"))
        .collect();
    found.sort();
    let mut expected: Vec<String> = expected_outcomes().into_iter().map(|(f, _)| f).collect();
    expected.sort();
    assert_eq!(
        found,
        expected,
        "{} against the expected outcomes",
        dir.display()
    );
}

#[test]
fn mes_is_feasible_deterministic_and_exhaustive() {
    for (case, file) in &reference_files() {
        let election = file.approval_election().expect("approval votes");
        let budget = file.instance().budget();
        let options = MesOptions::default();
        let outcome = election.equal_shares(&options);
        assert!(outcome.total_cost() <= budget, "{case}");
        assert_eq!(
            election.equal_shares(&options),
            outcome,
            "{case}: not repeatable"
        );
        assert_eq!(
            reversed(&election).equal_shares(&options),
            outcome,
            "{case}: depends on ballot order"
        );
        let left = budget - outcome.total_cost();
        let counts = election.approval_counts();
        for (project, votes) in file.instance().projects().iter().zip(counts) {
            let funded = outcome.outcome().contains(project.id().as_str());
            assert!(
                funded || votes == 0 || project.cost() > left,
                "{case}: {} fits in the {left} left but is not funded",
                project.id()
            );
        }
        let add1 = election.equal_shares(&MesOptions {
            completion: MesCompletion::Add1,
        });
        assert_eq!(
            &outcome.selected()[..add1.selected().len()],
            add1.selected(),
            "{case}: the fill must only add to Add1's outcome"
        );
    }
}

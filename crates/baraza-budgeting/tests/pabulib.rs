//! The pabulib `.pb` reader: sections, quoting, vote types, and every bad line reported with its
//! number.

use baraza_budgeting::ErrorCode;
use baraza_budgeting::pabulib::{self, PabulibBallot, PabulibErrorKind, PabulibErrors, VoteType};
use baraza_budgeting::{Amount, BallotKind, PbBallotError};

const GOOD: &str = "\
META
key;value
description;\"Łódź; a test\"
num_projects;3
num_votes;4
budget;1000.00
vote_type;approval
max_length;2
unit;Łódź
PROJECTS
project_id;cost;votes;name;selected
A1;600;3;\"Park \"\"Zielony\"\"; phase 1\";1
B2;500;2;Pool;0
C3;300;1;Lights;1
VOTES
voter_id;age;vote
v1;34;A1,B2
v2;51;A1, B2
v3;;C3
v4;29;A1
";

fn errors(text: &str) -> PabulibErrors {
    pabulib::parse_str(text).expect_err("the file is invalid")
}

/// (line, message) of every error.
fn lines(errors: &PabulibErrors) -> Vec<(u64, String)> {
    errors
        .errors()
        .iter()
        .map(|e| (e.line, e.kind.to_string()))
        .collect()
}

#[test]
fn a_good_file_parses_into_instance_meta_and_votes() {
    let file = pabulib::parse_str(GOOD).expect("valid");
    let instance = file.instance();
    assert_eq!(instance.budget(), 1000);
    assert_eq!(file.vote_type(), VoteType::Approval);
    assert_eq!(file.meta_value("description"), Some("Łódź; a test"));
    assert_eq!(file.meta_value("unit"), Some("Łódź"));
    assert_eq!(file.meta().len(), 7);
    let ids: Vec<&str> = instance
        .projects()
        .iter()
        .map(|p| p.id().as_str())
        .collect();
    assert_eq!(ids, ["A1", "B2", "C3"]);
    assert_eq!(instance.projects()[0].name(), "Park \"Zielony\"; phase 1");
    assert_eq!(instance.projects()[0].cost(), 600);
    assert_eq!(instance.projects()[0].metadata()["selected"], "1");
    assert_eq!(instance.projects()[2].metadata()["votes"], "1");
    assert_eq!(instance.ballot_rules().max_selections, Some(2));
    assert_eq!(instance.ballot_rules().kind, BallotKind::Approval);
    assert_eq!(file.voter_fields(), ["age"]);
    let votes = file.votes();
    assert_eq!(votes.len(), 4);
    assert_eq!(votes[1].voter_id(), "v2");
    assert_eq!(votes[1].ballot(), &PabulibBallot::Approval(vec![0, 1]));
    assert_eq!(votes[2].fields(), [""]);
    let election = file.approval_election().expect("approval");
    assert_eq!(election.approval_counts(), [3, 2, 1]);
}

#[test]
fn reading_from_a_bufread_gives_the_same_file() {
    let from_reader = pabulib::parse_reader(std::io::Cursor::new(GOOD.as_bytes())).expect("ok");
    assert_eq!(from_reader, pabulib::parse_str(GOOD).expect("ok"));
}

#[test]
fn windows_line_ends_and_a_byte_order_mark_are_accepted() {
    let crlf = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
    let file = pabulib::parse_str(&crlf).expect("valid");
    assert_eq!(file.instance().projects()[1].name(), "Pool");
    assert_eq!(file.votes().len(), 4);
}

#[test]
fn every_bad_line_is_reported_with_its_number() {
    let text = "\
META
key;value
budget;1000
vote_type;approval
num_votes;5
PROJECTS
project_id;cost;name
A;600;Park
B;12,5;Pool
A;100;Again
C;300
D,E;100;Comma
VOTES
voter_id;vote
1;A
2;Z
1;A,A
4;A;extra
";
    let found = lines(&errors(text));
    assert_eq!(
        found,
        [
            (5, "META says num_votes is 5, but the file has 4".to_owned()),
            (
                9,
                "cost \"12,5\" contains a comma; write amounts with a decimal point and no \
                 thousands separator (like 12.5 or 1000)"
                    .to_owned()
            ),
            (10, "project_id \"A\" is used twice".to_owned()),
            (
                11,
                "expected 3 fields like the PROJECTS header, found 2".to_owned()
            ),
            (
                12,
                "project_id \"D,E\" contains ','; ',', ';' and control characters are not allowed"
                    .to_owned()
            ),
            (
                16,
                "vote names project \"Z\", which is not in PROJECTS".to_owned()
            ),
            (17, "voter_id \"1\" is used twice".to_owned()),
            (
                17,
                "vote: project \"A\" is selected more than once".to_owned()
            ),
            (
                18,
                "expected 2 fields like the VOTES header, found 3".to_owned()
            ),
        ]
    );
    assert_eq!(errors(text).code(), ErrorCode::InvalidPabulibFile);
}

#[test]
fn ballot_rules_from_meta_are_enforced_per_line() {
    let text = "\
META
key;value
budget;1000
vote_type;approval
min_length;1
max_length;2
max_sum_cost;900
PROJECTS
project_id;cost
A;600
B;500
C;100
VOTES
voter_id;vote
1;A,B
2;
3;A,B,C
4;A,C
";
    let errors = errors(text);
    let kinds: Vec<(u64, &PabulibErrorKind)> =
        errors.errors().iter().map(|e| (e.line, &e.kind)).collect();
    assert_eq!(
        kinds,
        [
            (
                15,
                &PabulibErrorKind::Ballot(PbBallotError::OverBudget {
                    limit: Amount::new(900, 0),
                    total: Amount::new(1100, 0),
                })
            ),
            (
                16,
                &PabulibErrorKind::Ballot(PbBallotError::TooFewProjects { min: 1, given: 0 })
            ),
            (
                17,
                &PabulibErrorKind::Ballot(PbBallotError::TooManyProjects { max: 2, given: 3 })
            ),
            (
                17,
                &PabulibErrorKind::Ballot(PbBallotError::OverBudget {
                    limit: Amount::new(900, 0),
                    total: Amount::new(1200, 0),
                })
            ),
        ]
    );
}

#[test]
fn missing_and_misplaced_sections_are_reported() {
    let no_votes =
        "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\nA;5\n";
    assert_eq!(
        lines(&errors(no_votes)),
        [(8, "the VOTES section is missing".to_owned())]
    );

    let out_of_order = "PROJECTS\nproject_id;cost\nA;5\nMETA\nkey;value\nbudget;10\n";
    let found = lines(&errors(out_of_order));
    assert!(found.contains(&(
        4,
        "section META is out of place; sections are META, PROJECTS, VOTES, once each, in that order"
            .to_owned()
    )));

    let before = "hello;world\nMETA\nkey;value\n";
    assert_eq!(
        lines(&errors(before))[0],
        (1, "expected the section line META".to_owned())
    );
}

#[test]
fn required_meta_and_columns_are_reported() {
    let text = "META\nkey;value\nnum_projects;1\nPROJECTS\nproject_id;price\nA;5\nVOTES\nvote\nA\n";
    let found = lines(&errors(text));
    assert_eq!(
        found,
        [
            (5, "the PROJECTS header has no \"cost\" column".to_owned()),
            (7, "META has no \"budget\" entry".to_owned()),
            (7, "META has no \"vote_type\" entry".to_owned()),
            (8, "the VOTES header has no \"voter_id\" column".to_owned()),
        ]
    );
}

#[test]
fn unknown_vote_types_and_bad_numbers_are_reported() {
    let text = "META\nkey;value\nbudget;ten\nvote_type;quadratic\nPROJECTS\nproject_id;cost\nA;5\nVOTES\nvoter_id;vote\n1;A\n";
    assert_eq!(
        lines(&errors(text)),
        [
            (
                3,
                "budget \"ten\" is not a non-negative decimal number (digits with an optional \
                 decimal point, like 1500 or 0.9)"
                    .to_owned()
            ),
            (
                4,
                "vote_type \"quadratic\" is not approval, ordinal, cumulative, scoring or choose-1"
                    .to_owned()
            ),
        ]
    );
}

#[test]
fn invalid_utf8_is_reported_not_skipped() {
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("Pool").expect("present");
    bytes[at] = 0xff;
    let errors = pabulib::parse_reader(&bytes[..]).expect_err("invalid utf-8");
    let found = lines(&errors);
    assert!(
        found.contains(&(13, "unreadable: the line is not valid UTF-8".to_owned())),
        "{found:?}"
    );
    // The lost project's votes are reported too, not silently dropped.
    assert!(found.contains(&(
        17,
        "vote names project \"B2\", which is not in PROJECTS".to_owned()
    )));
}

fn with_votes(vote_type: &str, header: &str, rows: &str) -> String {
    format!(
        "META\nkey;value\nbudget;1000\nvote_type;{vote_type}\nPROJECTS\nproject_id;cost\nA;600\nB;500\nC;300\nVOTES\n{header}\n{rows}"
    )
}

#[test]
fn other_vote_types_parse_into_typed_ballots() {
    let ordinal =
        pabulib::parse_str(&with_votes("ordinal", "voter_id;vote", "1;C,A\n")).expect("valid");
    assert_eq!(
        ordinal.votes()[0].ballot(),
        &PabulibBallot::Ordinal(vec![2, 0])
    );

    let cumulative = pabulib::parse_str(&with_votes(
        "cumulative",
        "voter_id;vote;points",
        "1;A,B;3,7\n",
    ))
    .expect("valid");
    assert_eq!(
        cumulative.votes()[0].ballot(),
        &PabulibBallot::Cumulative(vec![(0, 3), (1, 7)])
    );

    let scoring = pabulib::parse_str(&with_votes(
        "scoring",
        "voter_id;vote;points",
        "1;B,C;-2,5\n",
    ))
    .expect("valid");
    assert_eq!(
        scoring.votes()[0].ballot(),
        &PabulibBallot::Scoring(vec![(1, -2), (2, 5)])
    );

    let choose =
        pabulib::parse_str(&with_votes("choose-1", "voter_id;vote", "1;B\n2;C\n")).expect("valid");
    assert_eq!(choose.votes()[1].ballot(), &PabulibBallot::ChooseOne(2));
    // A choice of one is an approval of one.
    assert_eq!(
        choose
            .approval_election()
            .expect("choose-1 is approval-like")
            .approval_counts(),
        [0, 1, 1]
    );
}

#[test]
fn approval_rules_refuse_other_vote_types_with_a_clear_error() {
    let ordinal =
        pabulib::parse_str(&with_votes("ordinal", "voter_id;vote", "1;C,A\n")).expect("valid");
    let error = ordinal.approval_election().expect_err("not approval");
    assert_eq!(
        error.to_string(),
        "the votes are ordinal; greedy and equal-shares outcomes need approval (or choose-1) votes"
    );
}

#[test]
fn typed_vote_errors_are_reported() {
    let text = with_votes("cumulative", "voter_id;vote;points", "1;A,B;3\n2;A;x\n");
    assert_eq!(
        lines(&errors(&text)),
        [
            (12, "vote lists 2 project(s) but points lists 1".to_owned()),
            (13, "points \"x\" is not a whole number".to_owned()),
        ]
    );
    let points_missing = with_votes("scoring", "voter_id;vote", "1;A\n");
    assert_eq!(
        lines(&errors(&points_missing)),
        [(11, "the VOTES header has no \"points\" column".to_owned())]
    );
    let choose = with_votes("choose-1", "voter_id;vote", "1;A,B\n");
    assert_eq!(
        lines(&errors(&choose)),
        [(
            12,
            "a choose-1 vote names exactly one project; this one names 2".to_owned()
        )]
    );
}

/// Regression: with Windows line ends the reader counted one line too few.
#[test]
fn line_numbers_count_windows_line_ends_and_blank_lines() {
    let text = "META\r\nkey;value\r\n\r\nbudget;100\r\nvote_type;approval\r\nPROJECTS\r\n\
                project_id;cost;name\r\nA;1;\"Quoted\"\r\nB;2;x;y\r\n";
    assert_eq!(
        lines(&errors(text)),
        [
            (
                9,
                "expected 3 fields like the PROJECTS header, found 4".to_owned()
            ),
            (10, "the VOTES section is missing".to_owned()),
        ]
    );
    let ok = format!(
        "{}VOTES\r\nvoter_id;vote\r\n1;A\r\n",
        &text[..text.find("B;2").expect("present")]
    );
    let file = pabulib::parse_str(&ok).expect("valid");
    assert_eq!(file.instance().projects()[0].name(), "Quoted");
}

/// pabulib files and pabutools accept costs like `0.9` and `1.09`; they are read exactly, in
/// hundredths here, and every amount of the instance uses that unit.
#[test]
fn decimal_amounts_are_read_exactly_in_one_minor_unit() {
    let text = "META\nkey;value\nbudget;4\nvote_type;approval\nmax_sum_cost;3.5\n\
                PROJECTS\nproject_id;cost\np0;1\np1;0.9\np2;2.000\np3;1.09\n\
                VOTES\nvoter_id;vote\n1;p0\n2;p1,p2\n";
    let file = pabulib::parse_str(text).expect("valid");
    let instance = file.instance();
    assert_eq!(instance.decimal_places(), 2);
    assert_eq!(instance.budget(), 400);
    assert_eq!(instance.ballot_rules().max_total_cost, Some(350));
    let costs: Vec<u64> = instance.projects().iter().map(|p| p.cost()).collect();
    assert_eq!(costs, [100, 90, 200, 109]);
    assert_eq!(instance.amount(costs[3]).to_string(), "1.09");
    let too_dear = pabulib::parse_str(&text.replace("2;p1,p2", "2;p1,p2,p3")).expect_err("over");
    assert_eq!(
        too_dear.to_string(),
        "line 15: vote: the selected projects cost 3.99 together; a ballot may spend at most 3.5"
    );
}

/// Regression: a project whose cost was refused used to bring one "not in PROJECTS" error per
/// vote naming it on top of its own; now the cost's line is the only one reported.
#[test]
fn a_refused_project_is_reported_once_not_once_per_vote() {
    let text = "META\nkey;value\nbudget;1000\nvote_type;approval\n\
                PROJECTS\nproject_id;cost\nA;1.2.3\nB;100\n\
                VOTES\nvoter_id;vote\n1;A\n2;A,B\n3;B\n4;A,Z\n";
    assert_eq!(
        lines(&errors(text)),
        [(
            7,
            "cost \"1.2.3\" is not a non-negative decimal number (digits with an optional \
             decimal point, like 1500 or 0.9)"
                .to_owned()
        )]
    );
}

#[test]
fn amounts_too_precise_or_too_large_for_64_bits_are_refused_at_their_line() {
    let precise = "META\nkey;value\nbudget;1000\nvote_type;approval\n\
                   PROJECTS\nproject_id;cost\nA;0.0000000001\nVOTES\nvoter_id;vote\n1;A\n";
    assert_eq!(
        lines(&errors(precise)),
        [(
            7,
            "cost \"0.0000000001\" has more than 9 decimal places after trailing zeros".to_owned()
        )]
    );
    // Whole, the budget fits in 64 bits; counted in tenths, as the cost 0.5 requires, it does not.
    let large = "META\nkey;value\nbudget;18446744073709551615\nvote_type;approval\n\
                 PROJECTS\nproject_id;cost\nA;0.5\nVOTES\nvoter_id;vote\n1;A\n";
    assert_eq!(
        lines(&errors(large)),
        [(
            3,
            "budget \"18446744073709551615\" is too large: amounts, counted in the smallest \
             decimal unit the file uses, must fit in 64 bits"
                .to_owned()
        )]
    );
}

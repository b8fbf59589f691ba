//! Ballot validation: each problem has its own `BallotError` and `ErrorCode`, every problem is
//! reported at once in a stable order, and valid ballots come out as typed `Ballot`s.

use baraza_core::v1::BallotSubmission;
use baraza_core::{
    BallotError, BallotErrors, ErrorCode, MAX_VOTER_TOKEN_LEN, MIN_VOTER_TOKEN_LEN, OffsetDateTime,
    Poll, PollNotOpen, VoterTokenError,
};
use serde_json::json;
use time::macros::datetime;

const VOTER: &str = "device-0123456789abcdef";
/// Inside the schedule of every poll below.
const NOW: OffsetDateTime = datetime!(2027-02-14 10:00 UTC);

/// A single-choice poll, open from 2027-01-01 (inclusive) to 2027-03-31 (exclusive).
fn single_choice_poll(status: &str) -> Poll {
    serde_json::from_value(json!({
        "slug": "water-tariffs-2027",
        "default_language": "en",
        "question": {"en": "How should water be charged from 2027?"},
        "kind": {"type": "single_choice"},
        "options": [
            {"id": "flat", "label": {"en": "One flat rate"}},
            {"id": "tiered", "label": {"en": "Pay more for heavy use"}},
            {"id": "free-basic", "label": {"en": "A free basic amount"}}
        ],
        "status": status,
        "opens_at": "2027-01-01T00:00:00Z",
        "closes_at": "2027-03-31T00:00:00Z"
    }))
    .expect("valid single-choice poll")
}

/// A poll where a ballot selects 2 to 3 of 5 options; always open.
fn multiple_choice_poll() -> Poll {
    serde_json::from_value(json!({
        "slug": "budget-2027",
        "default_language": "en",
        "question": {"en": "Which two or three should come first?"},
        "kind": {"type": "multiple_choice", "min_selections": 2, "max_selections": 3},
        "options": [
            {"id": "roads", "label": {"en": "Roads"}},
            {"id": "clinics", "label": {"en": "Clinics"}},
            {"id": "schools", "label": {"en": "Schools"}},
            {"id": "water", "label": {"en": "Water"}},
            {"id": "markets", "label": {"en": "Markets"}}
        ],
        "status": "open"
    }))
    .expect("valid multiple-choice poll")
}

fn submission(selections: &[&str], voter: &str) -> BallotSubmission {
    BallotSubmission {
        selections: selections.iter().map(|&s| s.to_owned()).collect(),
        ratings: Vec::new(),
        voter: voter.to_owned(),
        voucher: None,
    }
}

fn errors_of(poll: &Poll, selections: &[&str], voter: &str, now: OffsetDateTime) -> BallotErrors {
    poll.validate_ballot(selections, voter, now)
        .expect_err("the ballot is invalid")
}

fn selected(poll: &Poll, selections: &[&str]) -> Vec<String> {
    poll.validate_ballot(selections, VOTER, NOW)
        .expect("the ballot is valid")
        .selections()
        .iter()
        .map(|id| id.as_str().to_owned())
        .collect()
}

/// Asserts the ballot has exactly one problem, `expected`, with `code` on it and as the primary
/// code of the whole set.
fn assert_single_error(errors: &BallotErrors, expected: &BallotError, code: ErrorCode) {
    assert_eq!(errors.errors(), std::slice::from_ref(expected));
    assert_eq!(expected.code(), code);
    assert_eq!(errors.primary_code(), code);
    assert_eq!(errors.to_string(), expected.to_string());
}

// ---------------------------------------------------------------------------------------------
// Valid ballots
// ---------------------------------------------------------------------------------------------

#[test]
fn valid_single_choice_ballot_is_accepted() {
    let poll = single_choice_poll("open");
    let ballot = poll
        .validate_ballot(&["tiered"], VOTER, NOW)
        .expect("valid");
    assert_eq!(ballot.poll(), poll.slug());
    assert_eq!(ballot.voter().as_str(), VOTER);
    let ids: Vec<&str> = ballot.selections().iter().map(|id| id.as_str()).collect();
    assert_eq!(ids, ["tiered"]);
}

#[test]
fn valid_multiple_choice_ballot_keeps_the_citizens_order() {
    let poll = multiple_choice_poll();
    assert_eq!(
        selected(&poll, &["water", "roads", "schools"]),
        ["water", "roads", "schools"]
    );
}

#[test]
fn multiple_choice_accepts_exactly_the_minimum_and_exactly_the_maximum() {
    let poll = multiple_choice_poll();
    assert_eq!(selected(&poll, &["roads", "markets"]), ["roads", "markets"]);
    assert_eq!(
        selected(&poll, &["roads", "clinics", "markets"]),
        ["roads", "clinics", "markets"]
    );
}

#[test]
fn voter_tokens_of_boundary_length_and_every_allowed_character_are_accepted() {
    let poll = single_choice_poll("open");
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for voter in [
        "a".repeat(MIN_VOTER_TOKEN_LEN),
        "Z".repeat(MAX_VOTER_TOKEN_LEN),
        alphabet.to_owned(),
        "----____----____".to_owned(),
    ] {
        let ballot = poll
            .validate_ballot(&["flat"], &voter, NOW)
            .unwrap_or_else(|e| panic!("{voter:?} should be accepted: {e}"));
        assert_eq!(ballot.voter().as_str(), voter);
    }
}

// ---------------------------------------------------------------------------------------------
// One problem, one error, one code
// ---------------------------------------------------------------------------------------------

#[test]
fn selecting_an_option_the_poll_lacks_is_unknown_option() {
    let poll = single_choice_poll("open");
    let errors = errors_of(&poll, &["nationalise"], VOTER, NOW);
    let expected = BallotError::UnknownOption {
        id: "nationalise".into(),
    };
    assert_single_error(&errors, &expected, ErrorCode::UnknownOption);
    assert_eq!(errors.to_string(), "the poll has no option \"nationalise\"");
    assert_eq!(ErrorCode::UnknownOption.as_str(), "unknown_option");
}

#[test]
fn option_ids_are_matched_case_sensitively() {
    let poll = single_choice_poll("open");
    let errors = errors_of(&poll, &["Flat"], VOTER, NOW);
    assert_single_error(
        &errors,
        &BallotError::UnknownOption { id: "Flat".into() },
        ErrorCode::UnknownOption,
    );
}

#[test]
fn selecting_an_option_twice_is_duplicate_selection() {
    let poll = multiple_choice_poll();
    let errors = errors_of(&poll, &["roads", "clinics", "roads"], VOTER, NOW);
    let expected = BallotError::DuplicateSelection { id: "roads".into() };
    assert_single_error(&errors, &expected, ErrorCode::DuplicateSelection);
    assert_eq!(
        errors.to_string(),
        "option \"roads\" is selected more than once"
    );
    assert_eq!(
        ErrorCode::DuplicateSelection.as_str(),
        "duplicate_selection"
    );
}

#[test]
fn fewer_than_the_minimum_is_too_few_selections() {
    let poll = multiple_choice_poll();
    let errors = errors_of(&poll, &["roads"], VOTER, NOW);
    let expected = BallotError::TooFewSelections { min: 2, given: 1 };
    assert_single_error(&errors, &expected, ErrorCode::TooFewSelections);
    assert_eq!(
        errors.to_string(),
        "select at least 2 option(s); 1 selected"
    );
    assert_eq!(ErrorCode::TooFewSelections.as_str(), "too_few_selections");
}

#[test]
fn empty_single_choice_ballot_is_too_few_selections() {
    let poll = single_choice_poll("open");
    let errors = errors_of(&poll, &[], VOTER, NOW);
    assert_single_error(
        &errors,
        &BallotError::TooFewSelections { min: 1, given: 0 },
        ErrorCode::TooFewSelections,
    );
}

#[test]
fn more_than_the_maximum_is_too_many_selections() {
    let poll = multiple_choice_poll();
    let errors = errors_of(&poll, &["roads", "clinics", "schools", "water"], VOTER, NOW);
    let expected = BallotError::TooManySelections { max: 3, given: 4 };
    assert_single_error(&errors, &expected, ErrorCode::TooManySelections);
    assert_eq!(errors.to_string(), "select at most 3 option(s); 4 selected");
    assert_eq!(ErrorCode::TooManySelections.as_str(), "too_many_selections");
}

#[test]
fn two_options_on_a_single_choice_poll_is_too_many_selections() {
    let poll = single_choice_poll("open");
    let errors = errors_of(&poll, &["flat", "tiered"], VOTER, NOW);
    assert_single_error(
        &errors,
        &BallotError::TooManySelections { max: 1, given: 2 },
        ErrorCode::TooManySelections,
    );
}

#[test]
fn selection_count_includes_unknown_and_repeated_ids() {
    // The count rule looks at what was submitted, so a client that sends too many ids hears
    // about it even when some of them are also wrong (documented in `build_ballot`).
    let poll = single_choice_poll("open");
    let errors = errors_of(&poll, &["flat", "flat"], VOTER, NOW);
    assert_eq!(
        errors.errors(),
        [
            BallotError::DuplicateSelection { id: "flat".into() },
            BallotError::TooManySelections { max: 1, given: 2 },
        ]
    );
    let poll = multiple_choice_poll();
    let errors = errors_of(&poll, &["roads", "bridges"], VOTER, NOW);
    assert_eq!(
        errors.errors(),
        [BallotError::UnknownOption {
            id: "bridges".into()
        }],
        "two ids were submitted, so the minimum of two is met"
    );
}

#[test]
fn ballot_for_a_draft_poll_is_poll_not_open() {
    let poll = single_choice_poll("draft");
    let errors = errors_of(&poll, &["flat"], VOTER, NOW);
    assert_single_error(
        &errors,
        &BallotError::PollNotOpen(PollNotOpen::Draft),
        ErrorCode::PollNotOpen,
    );
    assert_eq!(errors.to_string(), "the poll is not published");
    assert_eq!(ErrorCode::PollNotOpen.as_str(), "poll_not_open");
}

#[test]
fn ballot_before_opening_is_poll_not_open() {
    let poll = single_choice_poll("open");
    let errors = errors_of(
        &poll,
        &["flat"],
        VOTER,
        datetime!(2026-12-31 23:59:59.999_999_999 UTC),
    );
    assert_single_error(
        &errors,
        &BallotError::PollNotOpen(PollNotOpen::NotYetOpen),
        ErrorCode::PollNotOpen,
    );
    assert_eq!(errors.to_string(), "the poll has not opened yet");
    assert!(
        poll.validate_ballot(&["flat"], VOTER, datetime!(2027-01-01 00:00 UTC))
            .is_ok(),
        "the opening instant itself accepts ballots"
    );
}

#[test]
fn ballot_at_or_after_closing_is_poll_not_open() {
    let poll = single_choice_poll("open");
    for now in [
        datetime!(2027-03-31 00:00 UTC),
        datetime!(2027-04-01 00:00 UTC),
    ] {
        let errors = errors_of(&poll, &["flat"], VOTER, now);
        assert_single_error(
            &errors,
            &BallotError::PollNotOpen(PollNotOpen::Closed),
            ErrorCode::PollNotOpen,
        );
        assert_eq!(errors.to_string(), "the poll is closed");
    }
}

#[test]
fn ballot_for_a_poll_closed_by_status_is_poll_not_open() {
    let poll = single_choice_poll("closed");
    let errors = errors_of(&poll, &["flat"], VOTER, NOW);
    assert_single_error(
        &errors,
        &BallotError::PollNotOpen(PollNotOpen::Closed),
        ErrorCode::PollNotOpen,
    );
}

#[test]
fn voter_token_shorter_than_minimum_is_invalid_voter_token() {
    let poll = single_choice_poll("open");
    for voter in ["", "x", &"a".repeat(MIN_VOTER_TOKEN_LEN - 1)] {
        let errors = errors_of(&poll, &["flat"], voter, NOW);
        assert_single_error(
            &errors,
            &BallotError::InvalidVoterToken(VoterTokenError),
            ErrorCode::InvalidVoterToken,
        );
    }
    assert_eq!(ErrorCode::InvalidVoterToken.as_str(), "invalid_voter_token");
}

#[test]
fn voter_token_longer_than_maximum_is_invalid_voter_token() {
    let poll = single_choice_poll("open");
    let errors = errors_of(&poll, &["flat"], &"a".repeat(MAX_VOTER_TOKEN_LEN + 1), NOW);
    assert_single_error(
        &errors,
        &BallotError::InvalidVoterToken(VoterTokenError),
        ErrorCode::InvalidVoterToken,
    );
    assert_eq!(
        errors.to_string(),
        "voter token must be 16 to 128 characters of A-Z, a-z, 0-9, '-' and '_'"
    );
}

#[test]
fn voter_token_with_disallowed_characters_is_invalid_voter_token() {
    let poll = single_choice_poll("open");
    for voter in [
        "device 0123456789ab",   // space
        "device.0123456789ab",   // dot
        "device/0123456789ab",   // slash
        "device=0123456789ab",   // base64 padding
        "dévice-0123456789ab",   // non-ASCII letter
        "device-0123456789ab\n", // trailing newline
        "ééééééééééééééééé",     // 17 characters, none allowed
    ] {
        let errors = errors_of(&poll, &["flat"], voter, NOW);
        assert_single_error(
            &errors,
            &BallotError::InvalidVoterToken(VoterTokenError),
            ErrorCode::InvalidVoterToken,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Several problems at once
// ---------------------------------------------------------------------------------------------

#[test]
fn every_problem_of_a_ballot_is_reported_most_fundamental_first() {
    let poll = multiple_choice_poll();
    let closed = single_choice_poll("closed");
    let errors = errors_of(&poll, &["roads", "bridges", "roads", "water"], "short", NOW);
    assert_eq!(
        errors.errors(),
        [
            BallotError::UnknownOption {
                id: "bridges".into()
            },
            BallotError::DuplicateSelection { id: "roads".into() },
            BallotError::TooManySelections { max: 3, given: 4 },
            BallotError::InvalidVoterToken(VoterTokenError),
        ]
    );
    assert_eq!(errors.primary_code(), ErrorCode::UnknownOption);

    let errors = errors_of(&closed, &["dams", "flat", "flat"], "bad token!", NOW);
    let codes: Vec<ErrorCode> = errors.errors().iter().map(BallotError::code).collect();
    assert_eq!(
        codes,
        [
            ErrorCode::PollNotOpen,
            ErrorCode::UnknownOption,
            ErrorCode::DuplicateSelection,
            ErrorCode::TooManySelections,
            ErrorCode::InvalidVoterToken,
        ]
    );
    assert_eq!(errors.primary_code(), ErrorCode::PollNotOpen);
    assert_eq!(
        errors.to_string(),
        "the poll is closed; the poll has no option \"dams\"; option \"flat\" is selected more \
         than once; select at most 1 option(s); 3 selected; voter token must be 16 to 128 \
         characters of A-Z, a-z, 0-9, '-' and '_'"
    );
}

#[test]
fn selection_problems_follow_the_order_of_submission() {
    let poll = multiple_choice_poll();
    let forward = errors_of(&poll, &["roads", "roads", "bridges"], VOTER, NOW);
    let backward = errors_of(&poll, &["bridges", "roads", "roads"], VOTER, NOW);
    assert_eq!(
        forward.errors(),
        [
            BallotError::DuplicateSelection { id: "roads".into() },
            BallotError::UnknownOption {
                id: "bridges".into()
            },
        ]
    );
    assert_eq!(
        backward.errors(),
        [
            BallotError::UnknownOption {
                id: "bridges".into()
            },
            BallotError::DuplicateSelection { id: "roads".into() },
        ]
    );
}

#[test]
fn every_unknown_and_every_repeated_id_is_reported() {
    let poll = multiple_choice_poll();
    let errors = errors_of(
        &poll,
        &["dams", "roads", "roads", "ports", "roads"],
        VOTER,
        NOW,
    );
    assert_eq!(
        errors.errors(),
        [
            BallotError::UnknownOption { id: "dams".into() },
            BallotError::DuplicateSelection { id: "roads".into() },
            BallotError::UnknownOption { id: "ports".into() },
            BallotError::DuplicateSelection { id: "roads".into() },
            BallotError::TooManySelections { max: 3, given: 5 },
        ]
    );
}

#[test]
fn not_open_poll_still_reports_the_ballots_own_problems() {
    let poll = single_choice_poll("draft");
    let errors = errors_of(&poll, &[], "", NOW);
    assert_eq!(
        errors.errors(),
        [
            BallotError::PollNotOpen(PollNotOpen::Draft),
            BallotError::TooFewSelections { min: 1, given: 0 },
            BallotError::InvalidVoterToken(VoterTokenError),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// check_ballot: contents only
// ---------------------------------------------------------------------------------------------

#[test]
fn check_ballot_accepts_a_valid_ballot_whatever_the_poll_phase() {
    let selections = vec!["tiered".to_owned()];
    for status in ["draft", "open", "closed"] {
        let poll = single_choice_poll(status);
        let ballot = poll.check_ballot(&selections, VOTER).unwrap_or_else(|e| {
            panic!("check_ballot ignores time and status ({status}), got: {e}")
        });
        assert_eq!(ballot.poll(), poll.slug());
        let ids: Vec<&str> = ballot.selections().iter().map(|id| id.as_str()).collect();
        assert_eq!(ids, ["tiered"]);
    }
}

#[test]
fn check_ballot_matches_validate_ballot_at_an_open_instant() {
    let open = single_choice_poll("open");
    let closed = single_choice_poll("closed");
    let valid = submission(&["free-basic"], VOTER);
    assert_eq!(
        closed.check_ballot(&valid.selections, &valid.voter),
        valid.validate(&open, NOW),
        "a ballot stored while the poll was open still reads back after it closed"
    );
}

#[test]
fn check_ballot_reports_content_problems_but_never_poll_not_open() {
    let poll = single_choice_poll("closed");
    let selections = vec!["dams".to_owned(), "flat".to_owned()];
    let errors = poll
        .check_ballot(&selections, "x")
        .expect_err("the contents are invalid");
    assert_eq!(
        errors.errors(),
        [
            BallotError::UnknownOption { id: "dams".into() },
            BallotError::TooManySelections { max: 1, given: 2 },
            BallotError::InvalidVoterToken(VoterTokenError),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Wire shape of a submission
// ---------------------------------------------------------------------------------------------

#[test]
fn submission_with_an_unknown_field_is_rejected() {
    let typo = json!({"selections": ["flat"], "voter": VOTER, "selection": ["tiered"]});
    assert!(serde_json::from_value::<BallotSubmission>(typo).is_err());
    let good = json!({"selections": ["flat"], "voter": VOTER});
    assert_eq!(
        serde_json::from_value::<BallotSubmission>(good).expect("valid shape"),
        submission(&["flat"], VOTER)
    );
}

//! Approval polls: the `{"type":"approval"}` kind, its ballots (any subset of the options, the
//! empty one included) and its tally (approvals, approval share, tied winners). Also guards the
//! JSON of the older kinds, which the server and the widget depend on.

use baraza_core::v1::PollView;
use baraza_core::{BallotError, ErrorCode, MAX_OPTIONS, OffsetDateTime, Poll, PollKind, PollTally};
use proptest::prelude::*;
use serde_json::json;

const NOW: OffsetDateTime = OffsetDateTime::UNIX_EPOCH;

fn approval_poll(option_count: usize) -> Poll {
    let options: Vec<_> = (0..option_count)
        .map(|i| json!({"id": format!("o{i}"), "label": {"en": format!("Option {i}")}}))
        .collect();
    serde_json::from_value(json!({
        "slug": "parks-2027",
        "default_language": "en",
        "question": {"en": "Which parks should be renovated?"},
        "kind": {"type": "approval"},
        "options": options,
        "status": "open"
    }))
    .expect("valid approval poll")
}

fn voter(n: usize) -> String {
    format!("voter-{n:016}")
}

#[test]
fn existing_kinds_keep_their_exact_json() {
    let single = r#"{"type":"single_choice"}"#;
    let multiple = r#"{"type":"multiple_choice","min_selections":1,"max_selections":3}"#;
    for text in [single, multiple] {
        let kind: PollKind = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&kind).unwrap(), text);
    }
    assert_eq!(
        serde_json::from_str::<PollKind>(single).unwrap(),
        PollKind::SingleChoice
    );
}

#[test]
fn approval_json_is_a_bare_type() {
    let kind: PollKind = serde_json::from_str(r#"{"type":"approval"}"#).unwrap();
    assert_eq!(kind, PollKind::Approval);
    assert!(kind.is_approval() && !kind.is_single_choice());
    assert_eq!(
        serde_json::to_string(&kind).unwrap(),
        r#"{"type":"approval"}"#
    );
    for bad in [
        r#"{"type":"approval","min_selections":1}"#,
        r#"{"type":"approval","min_selections":0,"max_selections":2}"#,
        r#"{"type":"approval","extra":true}"#,
    ] {
        let error = serde_json::from_str::<PollKind>(bad)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("approval takes no") || error.contains("unknown field"),
            "{bad}: {error}"
        );
    }
}

#[test]
fn selection_ranges_know_the_option_count() {
    let poll = approval_poll(4);
    assert_eq!(poll.selection_range(), (0, 4));
    assert_eq!(PollView::new(&poll, NOW).selection_range(), (0, 4));
    assert_eq!(PollKind::Approval.selection_range_for(7), (0, 7));
    // The kind alone gives the safe bound, documented on `PollKind::selection_range`.
    assert_eq!(
        PollKind::Approval.selection_range(),
        (0, MAX_OPTIONS as u32)
    );
    // The old kinds answer exactly as before, with or without the option count.
    assert_eq!(PollKind::SingleChoice.selection_range(), (1, 1));
    assert_eq!(PollKind::SingleChoice.selection_range_for(9), (1, 1));
    let multiple = PollKind::MultipleChoice {
        min_selections: 2,
        max_selections: 3,
    };
    assert_eq!(multiple.selection_range(), (2, 3));
    assert_eq!(multiple.selection_range_for(5), (2, 3));
}

#[test]
fn empty_some_and_all_options_are_valid_approval_ballots() {
    let poll = approval_poll(3);
    for selections in [&[][..], &["o1"], &["o2", "o0"], &["o0", "o1", "o2"]] {
        let ballot = poll
            .validate_ballot(selections, &voter(1), NOW)
            .unwrap_or_else(|e| panic!("{selections:?}: {e}"));
        assert_eq!(ballot.selections().len(), selections.len());
    }
}

#[test]
fn approval_ballots_reject_unknown_and_repeated_options() {
    let poll = approval_poll(3);
    let errors = poll
        .validate_ballot(&["o0", "o0", "o1", "o2"], &voter(1), NOW)
        .unwrap_err();
    assert_eq!(
        errors.errors(),
        [
            BallotError::DuplicateSelection { id: "o0".into() },
            BallotError::TooManySelections { max: 3, given: 4 },
        ]
    );
    let errors = poll.validate_ballot(&["o9"], &voter(1), NOW).unwrap_err();
    assert_eq!(errors.primary_code(), ErrorCode::UnknownOption);
}

/// Hand count: 5 ballots over parks a, b, c, d.
/// a: ballots 1, 2, 4 → 3 approvals, 3/5 = 60.0 %; b: 1, 3, 4 → 3, 60.0 %; c: 3 → 1, 20.0 %;
/// d: none → 0. Ballot 5 is empty and still counts in the 5. Winners: a and b, tied.
#[test]
fn worked_example_counts_shares_and_tied_winners() {
    let poll = approval_poll(4);
    let ballots = [
        &["o0", "o1"][..],
        &["o0"],
        &["o1", "o2"],
        &["o1", "o0"],
        &[],
    ];
    let mut running = PollTally::new(&poll);
    for (n, selections) in ballots.iter().enumerate() {
        let ballot = poll.validate_ballot(selections, &voter(n), NOW).unwrap();
        running.record(&ballot).unwrap();
    }
    assert_eq!(running.total_ballots(), 5);
    let rows: Vec<(u64, u32)> = running
        .options()
        .iter()
        .map(|o| (o.count, o.percent_tenths))
        .collect();
    assert_eq!(rows, [(3, 600), (3, 600), (1, 200), (0, 0)]);
    let winners: Vec<String> = running.leaders().iter().map(|id| id.to_string()).collect();
    assert_eq!(winners, ["o0", "o1"]);

    // One more approval for b breaks the tie.
    let extra = poll.validate_ballot(&["o1"], &voter(9), NOW).unwrap();
    running.record(&extra).unwrap();
    let winners: Vec<String> = running.leaders().iter().map(|id| id.to_string()).collect();
    assert_eq!(winners, ["o1"]);
}

#[test]
fn no_approvals_means_no_winner() {
    let poll = approval_poll(2);
    let empty = poll.validate_ballot::<&str>(&[], &voter(1), NOW).unwrap();
    let counted = PollTally::from_ballots(&poll, [&empty]).unwrap();
    assert_eq!(counted.total_ballots(), 1);
    assert!(counted.leaders().is_empty());
    assert!(PollTally::new(&poll).leaders().is_empty());
}

#[test]
fn stored_approval_counts_may_exceed_the_ballots_in_sum() {
    let poll = approval_poll(2);
    let a = poll.options()[0].id.clone();
    let b = poll.options()[1].id.clone();
    let rebuilt = PollTally::from_counts(&poll, 2, &[(a.clone(), 2), (b, 2)]).unwrap();
    assert_eq!(rebuilt.leaders().len(), 2);
    assert!(PollTally::from_counts(&poll, 2, &[(a, 3)]).is_err());
}

proptest! {
    /// Every subset is a valid ballot; approvals add up to the selections made; no option has
    /// more approvals than there are ballots; the leaders are exactly the options with the most.
    #[test]
    fn approval_counts_add_up(
        option_count in 2usize..=8,
        subsets in prop::collection::vec(prop::collection::vec(any::<bool>(), 8), 0..60),
    ) {
        let poll = approval_poll(option_count);
        let mut running = PollTally::new(&poll);
        let mut selections_made = 0u64;
        for (n, mask) in subsets.iter().enumerate() {
            let chosen: Vec<String> = (0..option_count)
                .filter(|&i| mask[i])
                .map(|i| format!("o{i}"))
                .collect();
            selections_made += chosen.len() as u64;
            let chosen: Vec<&str> = chosen.iter().map(String::as_str).collect();
            let ballot = poll.validate_ballot(&chosen, &voter(n), NOW).unwrap();
            running.record(&ballot).unwrap();
        }
        let options = running.options();
        prop_assert_eq!(running.total_ballots(), subsets.len() as u64);
        prop_assert_eq!(options.iter().map(|o| o.count).sum::<u64>(), selections_made);
        prop_assert!(options.iter().all(|o| o.count <= running.total_ballots()));
        prop_assert!(options.iter().all(|o| o.percent_tenths <= 1000));
        let most = options.iter().map(|o| o.count).max().unwrap_or(0);
        let expected: Vec<_> = options
            .iter()
            .filter(|o| most > 0 && o.count == most)
            .map(|o| o.id.clone())
            .collect();
        prop_assert_eq!(running.leaders(), expected);
    }
}

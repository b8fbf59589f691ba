//! Tallies: counts add up, percentages follow the documented rounding rule (largest remainder for
//! single choice, half up for multiple choice), and a tally only ever counts ballots of its own
//! poll. Property tests over random polls and ballots, then hand-computed examples.

use baraza_core::v1::{BallotSubmission, PollResults};
use baraza_core::{
    Ballot, LocalizedText, MAX_OPTIONS, MIN_OPTIONS, OffsetDateTime, OptionCount, OptionId, Poll,
    PollKind, PollOptionSpec, PollPhase, PollSpec, PollStatus, PollTally, Slug, TallyError,
};
use proptest::prelude::*;
use proptest::sample::subsequence;

const NOW: OffsetDateTime = OffsetDateTime::UNIX_EPOCH;

fn text(en: &str) -> LocalizedText {
    LocalizedText::new("en", en).expect("non-blank English text")
}

/// An open, unscheduled poll whose options are `ids`.
fn poll_with_ids(slug: &str, ids: &[String], kind: PollKind) -> Poll {
    let spec = PollSpec {
        slug: slug.to_owned(),
        default_language: "en".to_owned(),
        question: text("Which?"),
        kind,
        options: ids
            .iter()
            .map(|id| PollOptionSpec {
                id: id.clone(),
                label: text(id),
            })
            .collect(),
        status: PollStatus::Open,
        opens_at: None,
        closes_at: None,
    };
    Poll::try_from(spec).expect("generated poll is valid")
}

fn option_ids(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("option-{i}")).collect()
}

fn poll(slug: &str, option_count: usize, kind: PollKind) -> Poll {
    poll_with_ids(slug, &option_ids(option_count), kind)
}

fn voter(n: usize) -> String {
    format!("voter-{n:016}")
}

/// Validates a ballot selecting the options at `indices` (which must be valid for `poll`).
fn ballot(poll: &Poll, indices: &[usize], voter_number: usize) -> Ballot {
    let submission = BallotSubmission {
        selections: indices
            .iter()
            .map(|&i| poll.options()[i].id.as_str().to_owned())
            .collect(),
        ratings: Vec::new(),
        voter: voter(voter_number),
        voucher: None,
    };
    submission
        .validate(poll, NOW)
        .unwrap_or_else(|e| panic!("generated ballot {indices:?} should be valid: {e}"))
}

/// Ballots selecting options by index, one ballot per inner slice.
fn ballots(poll: &Poll, selections: &[Vec<usize>]) -> Vec<Ballot> {
    selections
        .iter()
        .enumerate()
        .map(|(n, indices)| ballot(poll, indices, n))
        .collect()
}

fn tally_of(poll: &Poll, selections: &[Vec<usize>]) -> PollTally {
    PollTally::from_ballots(poll, &ballots(poll, selections))
        .expect("every ballot belongs to the poll")
}

/// Single-choice ballots: `counts[i]` ballots for option `i`.
fn single_choice_counts(poll: &Poll, counts: &[usize]) -> PollTally {
    let selections: Vec<Vec<usize>> = counts
        .iter()
        .enumerate()
        .flat_map(|(option, &n)| std::iter::repeat_n(vec![option], n))
        .collect();
    tally_of(poll, &selections)
}

fn percents(options: &[OptionCount]) -> Vec<u32> {
    options.iter().map(|o| o.percent_tenths).collect()
}

fn counts(options: &[OptionCount]) -> Vec<u64> {
    options.iter().map(|o| o.count).collect()
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

fn kind_for(option_count: usize) -> impl Strategy<Value = PollKind> {
    let n = u32::try_from(option_count).expect("at most MAX_OPTIONS");
    prop_oneof![
        Just(PollKind::SingleChoice),
        Just(PollKind::Approval),
        (1..=n)
            .prop_flat_map(move |min| (Just(min), min..=n))
            .prop_map(
                |(min_selections, max_selections)| PollKind::MultipleChoice {
                    min_selections,
                    max_selections
                }
            ),
    ]
}

fn any_poll() -> impl Strategy<Value = Poll> {
    (MIN_OPTIONS..=MAX_OPTIONS)
        .prop_flat_map(|n| (Just(n), kind_for(n)))
        .prop_map(|(n, kind)| poll("consultation", n, kind))
}

fn single_choice_poll() -> impl Strategy<Value = Poll> {
    (MIN_OPTIONS..=MAX_OPTIONS).prop_map(|n| poll("consultation", n, PollKind::SingleChoice))
}

/// Multiple-choice and approval polls: both round each option's share independently.
fn multiple_choice_poll() -> impl Strategy<Value = Poll> {
    any_poll().prop_filter("multiple choice", |poll| !poll.kind().is_single_choice())
}

/// The option indices of one valid ballot for `poll`, in a random order.
fn selection_for(poll: &Poll) -> BoxedStrategy<Vec<usize>> {
    let n = poll.options().len();
    match poll.kind() {
        PollKind::SingleChoice => (0..n).prop_map(|i| vec![i]).boxed(),
        PollKind::MultipleChoice {
            min_selections,
            max_selections,
        } => {
            let size = min_selections as usize..=max_selections as usize;
            subsequence((0..n).collect::<Vec<_>>(), size)
                .prop_shuffle()
                .boxed()
        }
        PollKind::Approval => subsequence((0..n).collect::<Vec<_>>(), 0..=n)
            .prop_shuffle()
            .boxed(),
        // Score and ranked polls have their own tests (tests/score_poll.rs, tests/ranked_poll.rs).
        PollKind::Score { .. } | PollKind::Ranked => {
            unreachable!("these strategies make choice polls only")
        }
    }
}

/// A poll from `polls` and up to 300 valid ballots for it, as option indices.
fn with_selections(
    polls: impl Strategy<Value = Poll>,
    ballot_count: std::ops::Range<usize>,
) -> impl Strategy<Value = (Poll, Vec<Vec<usize>>)> {
    polls.prop_flat_map(move |poll| {
        let selections = proptest::collection::vec(selection_for(&poll), ballot_count.clone());
        (Just(poll), selections)
    })
}

fn poll_and_selections() -> impl Strategy<Value = (Poll, Vec<Vec<usize>>)> {
    with_selections(any_poll(), 0..300)
}

fn exact_counts(option_count: usize, selections: &[Vec<usize>]) -> Vec<u64> {
    let mut counts = vec![0; option_count];
    for indices in selections {
        for &i in indices {
            counts[i] += 1;
        }
    }
    counts
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn counts_add_up_to_ballots_or_selections((poll, selections) in poll_and_selections()) {
        let counted = tally_of(&poll, &selections);
        let options = counted.options();
        let total = selections.len() as u64;
        prop_assert_eq!(counted.total_ballots(), total);
        prop_assert_eq!(options.len(), poll.options().len());
        let sum: u64 = options.iter().map(|o| o.count).sum();
        if poll.kind().is_single_choice() {
            prop_assert_eq!(sum, total, "single choice: one count per ballot");
        } else {
            let selected: u64 = selections.iter().map(|s| s.len() as u64).sum();
            prop_assert_eq!(sum, selected, "multiple choice: one count per selection");
        }
        for option in &options {
            prop_assert!(option.count <= total, "{:?} counted more often than there are ballots", option);
        }
        prop_assert_eq!(counts(&options), exact_counts(poll.options().len(), &selections));
        let ids: Vec<&OptionId> = options.iter().map(|o| &o.id).collect();
        let poll_ids: Vec<&OptionId> = poll.options().iter().map(|o| &o.id).collect();
        prop_assert_eq!(ids, poll_ids, "counts come in the poll's option order");
    }

    #[test]
    fn single_choice_percentages_sum_to_exactly_one_thousand_tenths(
        (poll, selections) in with_selections(single_choice_poll(), 1..300)
    ) {
        let options = tally_of(&poll, &selections).options();
        let sum: u32 = options.iter().map(|o| o.percent_tenths).sum();
        prop_assert_eq!(sum, 1000, "{:?}", options);
    }

    #[test]
    fn single_choice_percentages_are_within_one_tenth_of_exact(
        (poll, selections) in with_selections(single_choice_poll(), 1..300)
    ) {
        let total = u128::try_from(selections.len()).expect("fits");
        for option in tally_of(&poll, &selections).options() {
            // exact tenths = count * 1000 / total; compare without division.
            let shown = u128::from(option.percent_tenths) * total;
            let exact = u128::from(option.count) * 1000;
            prop_assert!(shown.abs_diff(exact) < total, "{:?} of {} ballots", option, total);
        }
    }

    #[test]
    fn single_choice_percentages_follow_counts_and_break_ties_by_option_order(
        (poll, selections) in with_selections(single_choice_poll(), 1..300)
    ) {
        let options = tally_of(&poll, &selections).options();
        for (i, earlier) in options.iter().enumerate() {
            for later in &options[i + 1..] {
                if earlier.count > later.count {
                    prop_assert!(earlier.percent_tenths >= later.percent_tenths, "{:?} {:?}", earlier, later);
                } else if earlier.count < later.count {
                    prop_assert!(earlier.percent_tenths <= later.percent_tenths, "{:?} {:?}", earlier, later);
                } else {
                    prop_assert!(
                        earlier.percent_tenths == later.percent_tenths
                            || earlier.percent_tenths == later.percent_tenths + 1,
                        "equal counts: the earlier option gets the extra tenth: {:?} {:?}", earlier, later
                    );
                }
            }
        }
    }

    #[test]
    fn multiple_choice_percentages_are_within_half_a_tenth_of_exact(
        (poll, selections) in with_selections(multiple_choice_poll(), 1..300)
    ) {
        let total = u128::try_from(selections.len()).expect("fits");
        for option in tally_of(&poll, &selections).options() {
            // |shown - count * 1000 / total| <= 1/2, scaled by 2 * total.
            let shown = 2 * u128::from(option.percent_tenths) * total;
            let exact = 2 * u128::from(option.count) * 1000;
            prop_assert!(shown.abs_diff(exact) <= total, "{:?} of {} ballots", option, total);
            // Half up: an exact half goes up, never down.
            prop_assert!(shown + total > exact, "{:?} of {} ballots", option, total);
        }
    }

    #[test]
    fn no_ballots_means_zero_counts_and_zero_percent(poll in any_poll()) {
        let empty = PollTally::new(&poll);
        prop_assert_eq!(empty.total_ballots(), 0);
        for option in empty.options() {
            prop_assert_eq!((option.count, option.percent_tenths), (0, 0));
        }
    }

    #[test]
    fn ballot_of_another_poll_is_rejected_and_changes_nothing(
        (poll, selections, foreign) in poll_and_selections().prop_flat_map(|(poll, selections)| {
            let foreign = selection_for(&poll);
            (Just(poll), Just(selections), foreign)
        }),
    ) {
        let mut counted = tally_of(&poll, &selections);
        let before = counted.clone();
        // Same option ids and kind, different slug: only the poll identity differs, so the
        // foreign selection is valid for it.
        let ids: Vec<String> = poll.options().iter().map(|o| o.id.as_str().to_owned()).collect();
        let other = poll_with_ids("another-consultation", &ids, poll.kind());
        let stranger = ballot(&other, &foreign, 999_999);

        prop_assert_eq!(
            counted.record(&stranger),
            Err(TallyError::WrongPoll {
                tally_poll: poll.slug().clone(),
                ballot_poll: other.slug().clone(),
            })
        );
        prop_assert_eq!(&counted, &before, "a rejected ballot must not be counted");
        prop_assert_eq!(counted.options(), before.options());

        let mut with_stranger = ballots(&poll, &selections);
        with_stranger.insert(with_stranger.len() / 2, stranger);
        prop_assert!(
            matches!(PollTally::from_ballots(&poll, &with_stranger), Err(TallyError::WrongPoll { .. })),
            "PollTally::from_ballots fails on a foreign ballot"
        );
    }

    #[test]
    fn one_shot_tally_equals_recording_ballots_one_by_one((poll, selections) in poll_and_selections()) {
        let all = ballots(&poll, &selections);
        let mut streaming = PollTally::new(&poll);
        for ballot in &all {
            prop_assert_eq!(streaming.record(ballot), Ok(()));
        }
        prop_assert_eq!(PollTally::from_ballots(&poll, &all), Ok(streaming));
    }

    #[test]
    fn results_wire_form_mirrors_the_tally((poll, selections) in poll_and_selections()) {
        let counted = tally_of(&poll, &selections);
        let results = PollResults::new(&counted, PollPhase::Closed);
        prop_assert_eq!(&results.poll, poll.slug());
        prop_assert_eq!(results.phase, PollPhase::Closed);
        prop_assert_eq!(results.total_ballots, counted.total_ballots());
        let wire: Vec<(&str, u64, u32)> =
            results.options.iter().map(|o| (o.id.as_str(), o.count, o.percent_tenths)).collect();
        let options = counted.options();
        let core: Vec<(&str, u64, u32)> =
            options.iter().map(|o| (o.id.as_str(), o.count, o.percent_tenths)).collect();
        prop_assert_eq!(wire, core);
    }
}

// ---------------------------------------------------------------------------------------------
// Rejected ballots leave no trace
// ---------------------------------------------------------------------------------------------

#[test]
fn ballot_naming_an_option_the_tallied_poll_lacks_is_rejected_without_partial_counting() {
    // Same slug, but the definition the ballot was checked against had an extra option: the
    // known first selection must not be counted when the second one is rejected.
    let kind = PollKind::MultipleChoice {
        min_selections: 1,
        max_selections: 2,
    };
    let current = poll_with_ids("budget", &["roads".into(), "clinics".into()], kind);
    let older = poll_with_ids(
        "budget",
        &["roads".into(), "clinics".into(), "bridges".into()],
        kind,
    );
    let mut tally = tally_of(&current, &[vec![0], vec![0, 1]]);
    let before = tally.clone();
    let stale = ballot(&older, &[0, 2], 7);
    assert_eq!(
        tally.record(&stale),
        Err(TallyError::UnknownOption {
            poll: Slug::parse("budget").expect("valid slug"),
            id: OptionId::parse("bridges").expect("valid id"),
        })
    );
    assert_eq!(tally, before);
    assert_eq!(counts(&tally.options()), [2, 1]);
    assert_eq!(tally.total_ballots(), 2);
}

#[test]
fn wrong_poll_error_names_both_polls() {
    let water = poll("water", 2, PollKind::SingleChoice);
    let roads = poll("roads", 2, PollKind::SingleChoice);
    let mut tally = PollTally::new(&water);
    let error = tally
        .record(&ballot(&roads, &[0], 1))
        .expect_err("foreign ballot");
    assert_eq!(
        error.to_string(),
        "ballot for poll roads given to the tally of poll water"
    );
    assert_eq!(tally.total_ballots(), 0);
}

// ---------------------------------------------------------------------------------------------
// Hand-computed examples
// ---------------------------------------------------------------------------------------------

#[test]
fn three_equal_thirds_give_the_extra_tenth_to_the_first_option() {
    let poll = poll("thirds", 3, PollKind::SingleChoice);
    let options = single_choice_counts(&poll, &[1, 1, 1]).options();
    assert_eq!(counts(&options), [1, 1, 1]);
    assert_eq!(percents(&options), [334, 333, 333]);
}

#[test]
fn two_thirds_one_third_rounds_to_667_and_333() {
    let poll = poll("two-to-one", 2, PollKind::SingleChoice);
    assert_eq!(
        percents(&single_choice_counts(&poll, &[2, 1]).options()),
        [667, 333]
    );
    // The larger remainder wins even when it belongs to the later option.
    assert_eq!(
        percents(&single_choice_counts(&poll, &[1, 2]).options()),
        [333, 667]
    );
}

#[test]
fn six_equal_sixths_give_extra_tenths_to_the_first_four_options() {
    // 1000 / 6 = 166.67: floors sum to 996, four tenths go to the earliest options.
    let poll = poll("sixths", 6, PollKind::SingleChoice);
    assert_eq!(
        percents(&single_choice_counts(&poll, &[1; 6]).options()),
        [167, 167, 167, 167, 166, 166]
    );
}

#[test]
fn seven_equal_sevenths_leave_only_the_last_option_rounded_down() {
    // 1000 / 7 = 142.857: floors sum to 994, six tenths to hand out.
    let poll = poll("sevenths", 7, PollKind::SingleChoice);
    assert_eq!(
        percents(&single_choice_counts(&poll, &[1; 7]).options()),
        [143, 143, 143, 143, 143, 143, 142]
    );
}

#[test]
fn largest_remainder_prefers_the_bigger_fraction_over_option_order() {
    // Of 7 ballots: 1 -> 142.857, 2 -> 285.714, 4 -> 571.428. Floors 142 + 285 + 571 = 998;
    // the two largest remainders are .857 (first) and .714 (second).
    let poll = poll("fractions", 3, PollKind::SingleChoice);
    assert_eq!(
        percents(&single_choice_counts(&poll, &[1, 2, 4]).options()),
        [143, 286, 571]
    );
}

#[test]
fn single_choice_exact_halves_of_a_tenth_tie_and_go_to_the_earlier_option() {
    // Of 16 ballots: 1 -> 62.5, 15 -> 937.5; equal remainders, so the earlier option rounds up.
    let poll = poll("halves", 2, PollKind::SingleChoice);
    assert_eq!(
        percents(&single_choice_counts(&poll, &[1, 15]).options()),
        [63, 937]
    );
    assert_eq!(
        percents(&single_choice_counts(&poll, &[15, 1]).options()),
        [938, 62]
    );
}

#[test]
fn unanimous_and_zero_options_get_exactly_one_thousand_and_zero() {
    let poll = poll("unanimous", 4, PollKind::SingleChoice);
    let options = single_choice_counts(&poll, &[0, 5, 0, 0]).options();
    assert_eq!(percents(&options), [0, 1000, 0, 0]);
}

#[test]
fn multiple_choice_rounds_each_option_half_up_independently() {
    let kind = PollKind::MultipleChoice {
        min_selections: 1,
        max_selections: 2,
    };
    let poll = poll("halves-multi", 3, kind);
    // 16 ballots: option 0 chosen once (62.5 -> 63), option 1 fifteen times (937.5 -> 938),
    // option 2 never. Percentages of ballots, so the sum (1001) need not be 1000.
    let mut selections = vec![vec![0]];
    selections.extend(std::iter::repeat_n(vec![1], 15));
    let options = tally_of(&poll, &selections).options();
    assert_eq!(counts(&options), [1, 15, 0]);
    assert_eq!(percents(&options), [63, 938, 0]);
}

#[test]
fn multiple_choice_percentages_are_shares_of_ballots_and_may_exceed_one_hundred_percent() {
    let kind = PollKind::MultipleChoice {
        min_selections: 1,
        max_selections: 3,
    };
    let poll = poll("priorities", 3, kind);
    let options = tally_of(&poll, &[vec![0, 1], vec![1, 0], vec![2, 1]]).options();
    assert_eq!(counts(&options), [2, 3, 1]);
    // 2/3 -> 666.67 -> 667, 3/3 -> 1000, 1/3 -> 333.33 -> 333.
    assert_eq!(percents(&options), [667, 1000, 333]);
}

#[test]
fn multiple_choice_with_one_selection_each_is_not_rounded_like_single_choice() {
    // Three thirds: half-up gives 333 each (999 in all), where single choice would give 334.
    let kind = PollKind::MultipleChoice {
        min_selections: 1,
        max_selections: 1,
    };
    let poll = poll("thirds-multi", 3, kind);
    let options = tally_of(&poll, &[vec![0], vec![1], vec![2]]).options();
    assert_eq!(percents(&options), [333, 333, 333]);
}

#[test]
fn empty_tally_reports_zero_for_both_kinds() {
    for kind in [
        PollKind::SingleChoice,
        PollKind::MultipleChoice {
            min_selections: 1,
            max_selections: 2,
        },
    ] {
        let poll = poll("empty", 2, kind);
        let tally = PollTally::new(&poll);
        assert_eq!(tally.total_ballots(), 0);
        assert_eq!(percents(&tally.options()), [0, 0], "{kind:?}");
        assert_eq!(tally.poll(), poll.slug());
    }
}

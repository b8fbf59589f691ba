//! Score polls: a poll whose options are each rated on a small scale, answered with ratings
//! instead of selections, counted as distributions with a mean and a median per option.

use baraza_core::score::{RatingSubmission, Ratio};
use baraza_core::v1::{BallotSubmission, PollResults};
use baraza_core::{ErrorCode, OptionId, Poll, PollDefinitionError, PollKind, PollSpec, PollTally};
use time::OffsetDateTime;

const NOW: OffsetDateTime = OffsetDateTime::UNIX_EPOCH;

fn spec(kind: serde_json::Value) -> PollSpec {
    serde_json::from_value(serde_json::json!({
        "slug": "clinic-services",
        "default_language": "en",
        "question": {"en": "How good is each service at your clinic?"},
        "kind": kind,
        "options": [
            {"id": "waiting", "label": {"en": "Waiting time"}},
            {"id": "staff", "label": {"en": "Staff"}},
            {"id": "medicines", "label": {"en": "Medicines in stock"}}
        ],
        "status": "open"
    }))
    .expect("the spec is well formed")
}

fn poll(kind: serde_json::Value) -> Poll {
    Poll::try_from(spec(kind)).expect("the poll is valid")
}

fn five_stars() -> Poll {
    poll(serde_json::json!({"type": "score", "scale": {"min": 1, "max": 5}}))
}

fn rate(pairs: &[(&str, i64)]) -> Vec<RatingSubmission> {
    pairs
        .iter()
        .map(|&(option, score)| RatingSubmission {
            option: option.to_owned(),
            score,
        })
        .collect()
}

fn codes(poll: &Poll, ratings: &[(&str, i64)]) -> Vec<ErrorCode> {
    let errors = poll
        .validate_rated_ballot(&rate(ratings), "device-0123456789ab", NOW)
        .expect_err("the ballot is refused");
    errors.errors().iter().map(|e| e.code()).collect()
}

#[test]
fn a_score_kind_round_trips_through_json_and_defaults_require_all_to_false() {
    let stars = five_stars();
    let PollKind::Score { scale, require_all } = stars.kind() else {
        panic!("expected a score poll, got {:?}", stars.kind());
    };
    assert_eq!((scale.min(), scale.max(), require_all), (1, 5, false));
    assert_eq!(stars.selection_range(), (1, 3));
    let json = serde_json::to_value(&stars).expect("a poll serialises");
    assert_eq!(
        json["kind"],
        serde_json::json!({"type": "score", "scale": {"min": 1, "max": 5}})
    );
    let strict = poll(serde_json::json!(
        {"type": "score", "scale": {"min": 0, "max": 10}, "require_all": true}
    ));
    assert_eq!(strict.selection_range(), (3, 3));
}

#[test]
fn score_fields_belong_to_score_polls_only() {
    for kind in [
        serde_json::json!({"type": "score"}),
        serde_json::json!({"type": "score", "scale": {"min": 1, "max": 5}, "min_selections": 1}),
        serde_json::json!({"type": "single_choice", "scale": {"min": 1, "max": 5}}),
        serde_json::json!({"type": "approval", "require_all": true}),
        serde_json::json!({"type": "score", "scale": {"min": 5, "max": 1}}),
    ] {
        let parsed: Result<PollKind, _> = serde_json::from_value(kind.clone());
        assert!(parsed.is_err(), "{kind} should be refused");
    }
}

#[test]
fn a_scale_wider_than_eleven_points_is_refused_with_its_size() {
    let errors = Poll::try_from(spec(
        serde_json::json!({"type": "score", "scale": {"min": 0, "max": 100}}),
    ))
    .expect_err("0 to 100 is too wide for a phone");
    assert_eq!(
        errors.0,
        [PollDefinitionError::ScaleTooWide {
            min: 0,
            max: 100,
            points: 101
        }]
    );
    assert!(errors.to_string().contains("0 to 100 has 101"), "{errors}");
}

#[test]
fn rated_ballots_are_checked_like_score_questions() {
    let poll = five_stars();
    let ballot = poll
        .validate_rated_ballot(
            &rate(&[("staff", 4), ("waiting", 2)]),
            "device-0123456789ab",
            NOW,
        )
        .expect("a valid ballot");
    let ratings: Vec<(&str, i32)> = ballot.ratings().map(|(id, s)| (id.as_str(), s)).collect();
    assert_eq!(ratings, [("staff", 4), ("waiting", 2)]);

    assert_eq!(codes(&poll, &[("staff", 6)]), [ErrorCode::ScoreOutOfScale]);
    assert_eq!(codes(&poll, &[("staff", 0)]), [ErrorCode::ScoreOutOfScale]);
    assert_eq!(codes(&poll, &[("parking", 3)]), [ErrorCode::UnknownOption]);
    assert_eq!(
        codes(&poll, &[("staff", 3), ("staff", 4)]),
        [ErrorCode::DuplicateSelection]
    );
    assert_eq!(codes(&poll, &[]), [ErrorCode::TooFewSelections]);

    let strict = poll_requiring_all();
    assert_eq!(
        codes(&strict, &[("staff", 3)]),
        [ErrorCode::MissingRating, ErrorCode::MissingRating]
    );
}

fn poll_requiring_all() -> Poll {
    poll(serde_json::json!({"type": "score", "scale": {"min": 1, "max": 5}, "require_all": true}))
}

#[test]
fn the_wrong_ballot_shape_is_refused_for_either_kind() {
    let choice = poll(serde_json::json!({"type": "single_choice"}));
    let errors = choice
        .validate_rated_ballot(&rate(&[("staff", 4)]), "device-0123456789ab", NOW)
        .expect_err("a choice poll takes no ratings");
    assert_eq!(errors.primary_code(), ErrorCode::AnswerTypeMismatch);

    let errors = five_stars()
        .validate_ballot(&["staff"], "device-0123456789ab", NOW)
        .expect_err("a score poll takes no bare selections");
    assert_eq!(errors.primary_code(), ErrorCode::AnswerTypeMismatch);

    // Over the wire, the body's fields decide which check runs.
    let body: BallotSubmission = serde_json::from_str(
        r#"{"ratings": [{"option": "staff", "score": 5}], "voter": "device-0123456789ab"}"#,
    )
    .expect("a rated body parses");
    assert!(body.validate(&five_stars(), NOW).is_ok());
    assert_eq!(
        body.validate(&choice, NOW)
            .expect_err("ratings for a choice poll")
            .primary_code(),
        ErrorCode::AnswerTypeMismatch
    );
    let selections: BallotSubmission =
        serde_json::from_str(r#"{"selections": ["staff"], "voter": "device-0123456789ab"}"#)
            .expect("a choice body parses");
    assert_eq!(
        selections
            .validate(&five_stars(), NOW)
            .expect_err("selections for a score poll")
            .primary_code(),
        ErrorCode::AnswerTypeMismatch
    );
}

fn tally_of(poll: &Poll, ballots: &[&[(&str, i64)]]) -> PollTally {
    let mut tally = PollTally::new(poll);
    for (n, ratings) in ballots.iter().enumerate() {
        let voter = format!("voter-{n:012}");
        let ballot = poll
            .validate_rated_ballot(&rate(ratings), &voter, NOW)
            .expect("valid ballot");
        tally.record(&ballot).expect("the ballot fits the tally");
    }
    tally
}

#[test]
fn the_tally_keeps_each_options_distribution_mean_and_median() {
    let poll = five_stars();
    let tally = tally_of(
        &poll,
        &[
            &[("waiting", 2), ("staff", 5)],
            &[("waiting", 3)],
            &[("waiting", 3), ("staff", 4), ("medicines", 1)],
        ],
    );
    assert_eq!(tally.total_ballots(), 3);
    let counts: Vec<u64> = tally.options().iter().map(|o| o.count).collect();
    assert_eq!(counts, [3, 2, 1]);
    let scores = tally.option_scores().expect("a score poll has scores");
    assert_eq!(scores[0].mean, Some(Ratio::new(8, 3)));
    assert_eq!(scores[0].median, Some(Ratio::new(3, 1)));
    assert_eq!(scores[1].median, Some(Ratio::new(9, 2)));
    let waiting: Vec<u64> = scores[0].distribution.iter().map(|p| p.count).collect();
    assert_eq!(waiting, [0, 1, 2, 0, 0]);
    // The best mean leads: staff at 4.5.
    assert_eq!(tally.leaders(), [OptionId::parse("staff").expect("an id")]);

    let results = PollResults::new(&tally, poll.phase_at(NOW));
    let waiting = results.options[0]
        .scores
        .as_ref()
        .expect("score results carry scores");
    assert_eq!(waiting.mean_tenths, Some(27)); // 2.666… rounds to 2.7
    assert_eq!(waiting.median_tenths, Some(30));
    assert_eq!(waiting.distribution, [0, 1, 2, 0, 0]);
    let json = serde_json::to_value(&results).expect("results serialise");
    assert_eq!(json["options"][2]["scores"]["mean_tenths"], 10);
}

#[test]
fn choice_results_carry_no_scores_and_choice_tallies_refuse_rated_ballots() {
    let choice = poll(serde_json::json!({"type": "single_choice"}));
    let tally = PollTally::new(&choice);
    assert!(tally.option_scores().is_none());
    let json = serde_json::to_value(PollResults::new(&tally, choice.phase_at(NOW)))
        .expect("results serialise");
    assert!(json["options"][0].get("scores").is_none(), "{json}");

    let score_ballot = five_stars()
        .validate_rated_ballot(&rate(&[("staff", 4)]), "device-0123456789ab", NOW)
        .expect("valid");
    let mut tally = PollTally::new(&choice);
    assert!(tally.record(&score_ballot).is_err());
    assert_eq!(tally.total_ballots(), 0);
    let mut score_tally = PollTally::new(&five_stars());
    assert!(score_tally.record_indices(&[0]).is_err());
}

#[test]
fn stored_counts_rebuild_the_same_tally_and_inconsistent_ones_are_refused() {
    let poll = five_stars();
    let live = tally_of(&poll, &[&[("waiting", 2), ("staff", 5)], &[("waiting", 3)]]);
    let id = |s: &str| OptionId::parse(s).expect("an id");
    let rebuilt = PollTally::from_counts(&poll, 2, &[(id("waiting"), 2), (id("staff"), 1)])
        .and_then(|t| {
            t.with_score_counts(&[
                (id("waiting"), 2, 1),
                (id("waiting"), 3, 1),
                (id("staff"), 5, 1),
            ])
        })
        .expect("consistent counts");
    assert_eq!(rebuilt, live);

    let short = PollTally::from_counts(&poll, 2, &[(id("waiting"), 2)])
        .and_then(|t| t.with_score_counts(&[(id("waiting"), 2, 1)]));
    assert!(short.is_err(), "one rating missing from the distribution");
    let off_scale = PollTally::from_counts(&poll, 1, &[(id("waiting"), 1)])
        .and_then(|t| t.with_score_counts(&[(id("waiting"), 9, 1)]));
    assert!(off_scale.is_err(), "a score off the scale");
}

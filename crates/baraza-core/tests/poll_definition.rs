//! Poll definitions: every rule of `PollSpec` is enforced with its own error, every problem is
//! reported at once, good definitions survive a JSON round trip, and the life cycle
//! (`phase_at` / `check_open_at`) respects its boundaries.

use baraza_core::{
    DefinitionProblem, LanguageTagError, MAX_OPTIONS, MAX_SLUG_LEN, OffsetDateTime, Poll,
    PollDefinitionError, PollDefinitionErrors, PollKind, PollNotOpen, PollPhase, PollSpec,
    PollStatus, SlugError,
};
use serde_json::{Value, json};
use time::Duration;
use time::macros::datetime;

/// A valid single-choice definition in English and Swahili, scheduled for the first quarter of
/// 2027. Each test breaks exactly the rule it is about.
fn good_definition() -> Value {
    json!({
        "slug": "water-tariffs-2027",
        "default_language": "en",
        "question": {"en": "How should water be charged from 2027?", "sw": "Maji yatozwe vipi kuanzia 2027?"},
        "kind": {"type": "single_choice"},
        "options": [
            {"id": "flat", "label": {"en": "One flat rate", "sw": "Kiwango kimoja"}},
            {"id": "tiered", "label": {"en": "Pay more for heavy use", "sw": "Lipa zaidi ukitumia zaidi"}},
            {"id": "free-basic", "label": {"en": "A free basic amount", "sw": "Kiasi cha msingi bure"}}
        ],
        "status": "open",
        "opens_at": "2027-01-01T00:00:00Z",
        "closes_at": "2027-03-31T00:00:00Z"
    })
}

fn options_json(count: usize) -> Value {
    Value::Array(
        (0..count)
            .map(|i| json!({"id": format!("option-{i}"), "label": {"en": format!("Option {i}")}}))
            .collect(),
    )
}

fn poll_from(definition: Value) -> Poll {
    serde_json::from_value(definition).expect("the definition is valid")
}

/// The errors a definition produces, obtained through `PollSpec` + `Poll::try_from`.
///
/// Also checks that deserialising a `Poll` directly fails with exactly the same problems, so the
/// two entry points cannot drift apart.
fn definition_errors(definition: Value) -> Vec<PollDefinitionError> {
    let spec: PollSpec =
        serde_json::from_value(definition.clone()).expect("the JSON has the PollSpec shape");
    let errors: PollDefinitionErrors = Poll::try_from(spec).expect_err("the definition is invalid");
    assert!(
        !errors.0.is_empty(),
        "a rejected definition must name at least one problem"
    );

    let direct = serde_json::from_value::<Poll>(definition.clone())
        .expect_err("deserialising a Poll applies the same checks as Poll::try_from");
    assert_eq!(
        direct.to_string(),
        errors.to_string(),
        "Poll deserialisation reports the same problems as Poll::try_from"
    );

    let text = serde_json::to_string(&definition).expect("a Value serialises");
    let from_text = serde_json::from_str::<Poll>(&text)
        .expect_err("deserialising a Poll from text applies the checks too");
    assert!(
        from_text.to_string().starts_with(&errors.to_string()),
        "{from_text} should start with {errors}"
    );
    errors.0
}

// ---------------------------------------------------------------------------------------------
// One rule, one error
// ---------------------------------------------------------------------------------------------

#[test]
fn slug_with_upper_case_and_space_is_rejected_as_invalid_slug() {
    let mut definition = good_definition();
    definition["slug"] = json!("Water Tariffs");
    assert_eq!(
        definition_errors(definition),
        [PollDefinitionError::Definition(
            DefinitionProblem::InvalidSlug {
                slug: "Water Tariffs".into(),
                source: SlugError::InvalidCharacter { found: 'W' },
            }
        )]
    );
}

#[test]
fn slug_breaking_each_rule_names_that_rule() {
    let cases = [
        ("", SlugError::Empty),
        ("-water", SlugError::EdgeHyphen),
        ("water-", SlugError::EdgeHyphen),
        ("water/../admin", SlugError::InvalidCharacter { found: '/' }),
        (
            &*"a".repeat(MAX_SLUG_LEN + 1),
            SlugError::TooLong {
                len: MAX_SLUG_LEN + 1,
            },
        ),
    ];
    for (slug, source) in cases {
        let mut definition = good_definition();
        definition["slug"] = json!(slug);
        assert_eq!(
            definition_errors(definition),
            [PollDefinitionError::Definition(
                DefinitionProblem::InvalidSlug {
                    slug: slug.to_owned(),
                    source
                }
            )],
            "slug {slug:?}"
        );
    }
}

#[test]
fn malformed_default_language_is_rejected() {
    let mut definition = good_definition();
    definition["default_language"] = json!("en_GB");
    let errors = definition_errors(definition);
    assert_eq!(
        errors,
        [PollDefinitionError::Definition(
            DefinitionProblem::InvalidDefaultLanguage(LanguageTagError {
                tag: "en_GB".into()
            })
        )]
    );
    assert!(errors[0].to_string().starts_with("default_language: "));
}

#[test]
fn question_without_default_language_text_is_rejected() {
    let mut definition = good_definition();
    definition["default_language"] = json!("fr");
    definition["options"] = json!([
        {"id": "oui", "label": {"fr": "Oui", "en": "Yes"}},
        {"id": "non", "label": {"fr": "Non", "en": "No"}}
    ]);
    let errors = definition_errors(definition);
    assert_eq!(
        errors,
        [PollDefinitionError::Definition(
            DefinitionProblem::MissingDefaultLanguage {
                field: "question".into(),
                language: "fr".into()
            }
        )]
    );
    assert_eq!(
        errors[0].to_string(),
        "question has no text in the default language fr"
    );
}

#[test]
fn option_label_without_default_language_text_names_its_position() {
    let mut definition = good_definition();
    definition["options"][2]["label"] = json!({"sw": "Kiasi cha msingi bure"});
    assert_eq!(
        definition_errors(definition),
        [PollDefinitionError::Definition(
            DefinitionProblem::MissingDefaultLanguage {
                field: "options[2].label".into(),
                language: "en".into()
            }
        )]
    );
}

#[test]
fn default_language_is_matched_case_insensitively() {
    let mut definition = good_definition();
    definition["default_language"] = json!("EN");
    let poll = poll_from(definition);
    assert_eq!(poll.default_language().as_str(), "EN");
}

#[test]
fn fewer_than_two_options_is_rejected_with_the_count() {
    for count in [0, 1] {
        let mut definition = good_definition();
        definition["options"] = options_json(count);
        let errors = definition_errors(definition);
        assert_eq!(
            errors,
            [PollDefinitionError::OptionCount { count }],
            "{count} options"
        );
        assert_eq!(
            errors[0].to_string(),
            format!("a poll needs 2 to 20 options; this one has {count}")
        );
    }
}

#[test]
fn more_than_max_options_is_rejected_but_exactly_max_is_accepted() {
    let mut definition = good_definition();
    definition["options"] = options_json(MAX_OPTIONS + 1);
    assert_eq!(
        definition_errors(definition),
        [PollDefinitionError::OptionCount {
            count: MAX_OPTIONS + 1
        }]
    );

    let mut definition = good_definition();
    definition["options"] = options_json(MAX_OPTIONS);
    assert_eq!(poll_from(definition).options().len(), MAX_OPTIONS);
}

#[test]
fn option_id_that_is_not_url_safe_names_its_index_and_rule() {
    let mut definition = good_definition();
    definition["options"][1]["id"] = json!("Tiered");
    let errors = definition_errors(definition);
    assert_eq!(
        errors,
        [PollDefinitionError::Definition(
            DefinitionProblem::InvalidId {
                field: "options[1].id".into(),
                id: "Tiered".into(),
                source: SlugError::InvalidCharacter { found: 'T' },
            }
        )]
    );
    assert!(
        errors[0]
            .to_string()
            .starts_with("options[1].id \"Tiered\" "),
        "{}",
        errors[0]
    );
}

#[test]
fn repeated_option_id_is_rejected() {
    let mut definition = good_definition();
    definition["options"][2]["id"] = json!("flat");
    let errors = definition_errors(definition);
    assert_eq!(
        errors,
        [PollDefinitionError::Definition(
            DefinitionProblem::DuplicateId {
                field: "options[2].id".into(),
                id: "flat".into()
            }
        )]
    );
    assert_eq!(
        errors[0].to_string(),
        "options[2].id \"flat\" is used twice"
    );
}

#[test]
fn multiple_choice_minimum_of_zero_is_rejected() {
    let mut definition = good_definition();
    definition["kind"] =
        json!({"type": "multiple_choice", "min_selections": 0, "max_selections": 2});
    assert_eq!(
        definition_errors(definition),
        [PollDefinitionError::InvalidSelectionRange {
            min: 0,
            max: 2,
            options: 3
        }]
    );
}

#[test]
fn multiple_choice_minimum_above_maximum_is_rejected() {
    let mut definition = good_definition();
    definition["kind"] =
        json!({"type": "multiple_choice", "min_selections": 3, "max_selections": 2});
    assert_eq!(
        definition_errors(definition),
        [PollDefinitionError::InvalidSelectionRange {
            min: 3,
            max: 2,
            options: 3
        }]
    );
}

#[test]
fn multiple_choice_maximum_above_option_count_is_rejected() {
    let mut definition = good_definition();
    definition["kind"] =
        json!({"type": "multiple_choice", "min_selections": 1, "max_selections": 4});
    assert_eq!(
        definition_errors(definition),
        [PollDefinitionError::InvalidSelectionRange {
            min: 1,
            max: 4,
            options: 3
        }]
    );
}

#[test]
fn multiple_choice_bounds_at_their_limits_are_accepted() {
    for (min, max) in [(1, 1), (1, 3), (3, 3), (2, 2)] {
        let mut definition = good_definition();
        definition["kind"] =
            json!({"type": "multiple_choice", "min_selections": min, "max_selections": max});
        let poll = poll_from(definition);
        assert_eq!(poll.kind().selection_range(), (min, max));
        assert!(!poll.kind().is_single_choice());
    }
}

#[test]
fn closing_before_opening_is_rejected() {
    let mut definition = good_definition();
    definition["opens_at"] = json!("2027-03-31T00:00:00Z");
    definition["closes_at"] = json!("2027-01-01T00:00:00Z");
    let errors = definition_errors(definition);
    assert_eq!(errors, [PollDefinitionError::ClosesBeforeOpening]);
    assert_eq!(errors[0].to_string(), "closes_at must be after opens_at");
}

#[test]
fn closing_at_the_opening_instant_is_rejected() {
    let mut definition = good_definition();
    definition["opens_at"] = json!("2027-01-01T03:00:00+03:00");
    // The same instant, written in another offset.
    definition["closes_at"] = json!("2027-01-01T00:00:00Z");
    assert_eq!(
        definition_errors(definition),
        [PollDefinitionError::ClosesBeforeOpening]
    );
}

#[test]
fn schedule_with_only_one_end_is_accepted() {
    for (key, removed) in [("opens_at", "closes_at"), ("closes_at", "opens_at")] {
        let mut definition = good_definition();
        definition.as_object_mut().expect("object").remove(removed);
        let poll = poll_from(definition);
        assert_eq!(
            poll.opens_at().is_some(),
            key == "opens_at",
            "kept {key}, removed {removed}"
        );
        assert_eq!(poll.closes_at().is_some(), key == "closes_at");
    }
}

#[test]
fn unknown_field_in_definition_is_rejected() {
    // A typo must not silently drop part of the definition (here: the closing time).
    let mut definition = good_definition();
    let object = definition.as_object_mut().expect("object");
    let closes = object.remove("closes_at").expect("closes_at is set");
    object.insert("closes".into(), closes);
    let error = serde_json::from_value::<PollSpec>(definition.clone())
        .expect_err("unknown field is rejected");
    assert!(error.to_string().contains("closes"), "{error}");
    assert!(serde_json::from_value::<Poll>(definition).is_err());
}

#[test]
fn unknown_field_in_option_is_rejected() {
    let mut definition = good_definition();
    definition["options"][0]["description"] = json!("extra");
    assert!(serde_json::from_value::<PollSpec>(definition).is_err());
}

// ---------------------------------------------------------------------------------------------
// Every problem at once
// ---------------------------------------------------------------------------------------------

#[test]
fn every_problem_of_a_definition_is_reported_together_in_order() {
    let definition = json!({
        "slug": "Bad Slug",
        "default_language": "en",
        "question": {"sw": "Swali?"},
        "kind": {"type": "multiple_choice", "min_selections": 3, "max_selections": 2},
        "options": [
            {"id": "ok", "label": {"en": "Fine"}},
            {"id": "Not-Ok", "label": {"sw": "Hapana"}},
            {"id": "ok", "label": {"en": "Again"}}
        ],
        "status": "draft",
        "opens_at": "2027-01-01T00:00:00Z",
        "closes_at": "2027-01-01T00:00:00Z"
    });
    let mut errors = definition_errors(definition);
    assert_eq!(errors.len(), 7, "{errors:?}");
    // How many options the range is checked against when some ids are rejected is not what this
    // test is about: only that the range problem is reported, in its place.
    let range = errors.remove(5);
    assert!(
        matches!(
            range,
            PollDefinitionError::InvalidSelectionRange { min: 3, max: 2, .. }
        ),
        "{range:?}"
    );
    assert_eq!(
        errors,
        [
            PollDefinitionError::Definition(DefinitionProblem::InvalidSlug {
                slug: "Bad Slug".into(),
                source: SlugError::InvalidCharacter { found: 'B' },
            }),
            PollDefinitionError::Definition(DefinitionProblem::MissingDefaultLanguage {
                field: "question".into(),
                language: "en".into()
            }),
            PollDefinitionError::Definition(DefinitionProblem::MissingDefaultLanguage {
                field: "options[1].label".into(),
                language: "en".into()
            }),
            PollDefinitionError::Definition(DefinitionProblem::InvalidId {
                field: "options[1].id".into(),
                id: "Not-Ok".into(),
                source: SlugError::InvalidCharacter { found: 'N' },
            }),
            PollDefinitionError::Definition(DefinitionProblem::DuplicateId {
                field: "options[2].id".into(),
                id: "ok".into()
            }),
            PollDefinitionError::ClosesBeforeOpening,
        ]
    );
}

#[test]
fn invalid_default_language_and_option_count_are_reported_together() {
    let mut definition = good_definition();
    definition["default_language"] = json!("x");
    definition["options"] = options_json(1);
    definition["slug"] = json!("-bad");
    let errors = definition_errors(definition);
    assert_eq!(
        errors,
        [
            PollDefinitionError::Definition(DefinitionProblem::InvalidSlug {
                slug: "-bad".into(),
                source: SlugError::EdgeHyphen
            }),
            PollDefinitionError::Definition(DefinitionProblem::InvalidDefaultLanguage(
                LanguageTagError { tag: "x".into() }
            )),
            PollDefinitionError::OptionCount { count: 1 },
        ]
    );
}

#[test]
fn definition_errors_display_joins_every_message() {
    let mut definition = good_definition();
    definition["slug"] = json!("");
    definition["opens_at"] = json!("2027-04-01T00:00:00Z");
    let spec: PollSpec = serde_json::from_value(definition).expect("PollSpec shape");
    let errors = Poll::try_from(spec).expect_err("invalid");
    assert_eq!(
        errors.to_string(),
        "slug \"\" is empty; closes_at must be after opens_at"
    );
}

// ---------------------------------------------------------------------------------------------
// Round trip
// ---------------------------------------------------------------------------------------------

#[test]
fn good_definition_round_trips_through_json_unchanged() {
    let definition = good_definition();
    let poll = poll_from(definition.clone());
    let written = serde_json::to_value(&poll).expect("a poll serialises");
    assert_eq!(written, definition);
    let reread: Poll = serde_json::from_value(written).expect("what was written reads back");
    assert_eq!(reread, poll);
}

#[test]
fn multiple_choice_definition_without_schedule_round_trips_unchanged() {
    let definition = json!({
        "slug": "budget-2027",
        "default_language": "sw",
        "question": {"sw": "Vipaumbele vyako?", "en": "Your priorities?", "fr-CA": "Vos priorités?"},
        "kind": {"type": "multiple_choice", "min_selections": 1, "max_selections": 2},
        "options": [
            {"id": "roads", "label": {"sw": "Barabara"}},
            {"id": "clinics", "label": {"sw": "Zahanati"}},
            {"id": "schools", "label": {"sw": "Shule"}}
        ],
        "status": "draft"
    });
    let poll = poll_from(definition.clone());
    let written = serde_json::to_value(&poll).expect("a poll serialises");
    assert_eq!(written, definition, "absent opens_at/closes_at stay absent");
}

#[test]
fn round_trip_preserves_the_utc_offset_of_the_schedule() {
    let mut definition = good_definition();
    definition["opens_at"] = json!("2027-01-01T08:00:00+03:00");
    let poll = poll_from(definition.clone());
    assert_eq!(poll.opens_at(), Some(datetime!(2027-01-01 05:00 UTC)));
    assert_eq!(
        serde_json::to_value(&poll).expect("serialises")["opens_at"],
        json!("2027-01-01T08:00:00+03:00")
    );
}

#[test]
fn poll_converts_back_to_the_spec_it_was_checked_from() {
    let spec: PollSpec = serde_json::from_value(good_definition()).expect("PollSpec shape");
    let poll = Poll::try_from(spec.clone()).expect("valid");
    assert_eq!(PollSpec::from(poll), spec);
}

#[test]
fn getters_expose_the_checked_definition() {
    let poll = poll_from(good_definition());
    assert_eq!(poll.slug().as_str(), "water-tariffs-2027");
    assert_eq!(poll.default_language().as_str(), "en");
    assert_eq!(
        poll.question().get("sw"),
        Some("Maji yatozwe vipi kuanzia 2027?")
    );
    assert_eq!(poll.kind(), PollKind::SingleChoice);
    assert_eq!(poll.status(), PollStatus::Open);
    let ids: Vec<&str> = poll.options().iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["flat", "tiered", "free-basic"]);
    assert_eq!(poll.option_index("tiered"), Some(1));
    assert_eq!(poll.option_index("Tiered"), None);
    assert_eq!(poll.opens_at(), Some(datetime!(2027-01-01 00:00 UTC)));
    assert_eq!(poll.closes_at(), Some(datetime!(2027-03-31 00:00 UTC)));
}

// ---------------------------------------------------------------------------------------------
// Life cycle
// ---------------------------------------------------------------------------------------------

const OPENS: OffsetDateTime = datetime!(2027-01-01 00:00 UTC);
const CLOSES: OffsetDateTime = datetime!(2027-03-31 00:00 UTC);
const NANO: Duration = Duration::nanoseconds(1);

fn poll_with_status(status: &str) -> Poll {
    let mut definition = good_definition();
    definition["status"] = json!(status);
    poll_from(definition)
}

#[test]
fn open_poll_is_upcoming_until_the_opening_instant() {
    let poll = poll_with_status("open");
    for now in [datetime!(2026-06-01 12:00 UTC), OPENS - NANO] {
        assert_eq!(poll.phase_at(now), PollPhase::Upcoming, "{now}");
        assert_eq!(poll.check_open_at(now), Err(PollNotOpen::NotYetOpen));
    }
}

#[test]
fn opening_instant_is_inclusive() {
    let poll = poll_with_status("open");
    assert_eq!(poll.phase_at(OPENS), PollPhase::Open);
    assert_eq!(poll.check_open_at(OPENS), Ok(()));
}

#[test]
fn poll_is_open_until_just_before_the_closing_instant() {
    let poll = poll_with_status("open");
    for now in [OPENS + NANO, datetime!(2027-02-14 10:00 UTC), CLOSES - NANO] {
        assert_eq!(poll.phase_at(now), PollPhase::Open, "{now}");
        assert_eq!(poll.check_open_at(now), Ok(()));
    }
}

#[test]
fn closing_instant_is_exclusive() {
    let poll = poll_with_status("open");
    for now in [CLOSES, CLOSES + NANO, datetime!(2030-01-01 00:00 UTC)] {
        assert_eq!(poll.phase_at(now), PollPhase::Closed, "{now}");
        assert_eq!(poll.check_open_at(now), Err(PollNotOpen::Closed));
    }
}

#[test]
fn draft_poll_is_draft_at_every_instant() {
    let poll = poll_with_status("draft");
    for now in [OPENS - NANO, OPENS, datetime!(2027-02-14 10:00 UTC), CLOSES] {
        assert_eq!(poll.phase_at(now), PollPhase::Draft, "{now}");
        assert_eq!(poll.check_open_at(now), Err(PollNotOpen::Draft));
    }
}

#[test]
fn closed_status_closes_the_poll_even_inside_its_schedule() {
    let poll = poll_with_status("closed");
    for now in [OPENS - NANO, OPENS, datetime!(2027-02-14 10:00 UTC), CLOSES] {
        assert_eq!(poll.phase_at(now), PollPhase::Closed, "{now}");
        assert_eq!(poll.check_open_at(now), Err(PollNotOpen::Closed));
    }
}

#[test]
fn open_poll_without_schedule_is_always_open() {
    let mut definition = good_definition();
    let object = definition.as_object_mut().expect("object");
    object.remove("opens_at");
    object.remove("closes_at");
    let poll = poll_from(definition);
    for now in [
        OffsetDateTime::UNIX_EPOCH,
        OPENS,
        datetime!(9999-12-31 23:59:59 UTC),
    ] {
        assert_eq!(poll.phase_at(now), PollPhase::Open, "{now}");
    }
}

#[test]
fn schedule_boundaries_compare_instants_not_wall_clock_times() {
    let mut definition = good_definition();
    // 08:00 in Nairobi is 05:00 UTC.
    definition["opens_at"] = json!("2027-01-01T08:00:00+03:00");
    definition["closes_at"] = json!("2027-01-02T08:00:00+03:00");
    let poll = poll_from(definition);
    assert_eq!(
        poll.phase_at(datetime!(2027-01-01 05:00 UTC) - NANO),
        PollPhase::Upcoming
    );
    assert_eq!(
        poll.phase_at(datetime!(2027-01-01 05:00 UTC)),
        PollPhase::Open
    );
    assert_eq!(
        poll.phase_at(datetime!(2027-01-02 05:00 UTC)),
        PollPhase::Closed
    );
}

#[test]
fn not_open_reasons_have_specific_messages() {
    assert_eq!(PollNotOpen::Draft.to_string(), "the poll is not published");
    assert_eq!(
        PollNotOpen::NotYetOpen.to_string(),
        "the poll has not opened yet"
    );
    assert_eq!(PollNotOpen::Closed.to_string(), "the poll is closed");
}

#[test]
fn shared_problems_name_their_field_and_position() {
    let mut definition = good_definition();
    definition["slug"] = json!("Bad Slug");
    definition["options"][2]["label"] = json!({"sw": "Kiasi cha msingi bure"});
    definition["options"][1]["id"] = json!("flat");
    let errors = definition_errors(definition);
    let shared: Vec<(&str, Option<usize>)> = errors
        .iter()
        .map(|error| match error {
            PollDefinitionError::Definition(problem) => {
                (problem.field(), problem.index_in("options"))
            }
            other => panic!("not a shared problem: {other}"),
        })
        .collect();
    assert_eq!(
        shared,
        [
            ("slug", None),
            ("options[2].label", Some(2)),
            ("options[1].id", Some(1)),
        ]
    );
}

//! The JSON Schema of the v1 wire format (`schema/v1.schema.json`): the checked-in file matches
//! the types; real serialised values are valid against it; and a value is refused by the schema
//! exactly when serde refuses it.
//!
//! Runs with feature `schema`, which the crate's self dev-dependency turns on for every test
//! build, so plain `cargo test` runs it. To regenerate the file after an intended change:
//! `UPDATE_SCHEMA=1 cargo test -p baraza-core --test schema_v1`.

#![cfg(feature = "schema")]

use std::path::PathBuf;

use baraza_core::v1::{
    self, ApiError, BallotReceipt, BallotSubmission, ErrorBody, ErrorDetail, PollResults, PollView,
};
use baraza_core::{ErrorCode, Poll, PollTally};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use time::macros::datetime;

fn generated() -> String {
    let mut text =
        serde_json::to_string_pretty(&v1::json_schema().to_value()).expect("a schema serialises");
    text.push('\n');
    text
}

#[test]
fn checked_in_schema_matches_the_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(v1::SCHEMA_PATH);
    let fresh = generated();
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &fresh).expect("the schema file can be written");
        eprintln!("wrote {}", path.display());
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    let first_difference = current
        .lines()
        .zip(fresh.lines())
        .position(|(a, b)| a != b)
        .map_or_else(
            || current.lines().count().min(fresh.lines().count()) + 1,
            |i| i + 1,
        );
    assert!(
        current == fresh,
        "{} does not match the v1 types (first difference at line {first_difference}).\n\
         If the wire format change is intended, regenerate the file and commit it:\n\n    \
         UPDATE_SCHEMA=1 cargo test -p baraza-core --test schema_v1\n",
        path.display()
    );
}

#[test]
fn generation_is_deterministic_and_lists_every_v1_type() {
    assert_eq!(generated(), generated());
    let schema = v1::json_schema();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .expect("$defs");
    let names: Vec<&str> = defs.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "AnswerInput",
            "AnswerSubmission",
            "ApiError",
            "BallotReceipt",
            "BallotSubmission",
            "ChoiceResult",
            "CommentId",
            "CommentReceipt",
            "CommentStatus",
            "CommentSubmission",
            "ConsultationPhase",
            "ConsultationSectionView",
            "ConsultationView",
            "ErrorBody",
            "ErrorCode",
            "ErrorDetail",
            "FeedbackFormView",
            "FeedbackQuestionResults",
            "FeedbackReceipt",
            "FeedbackResponseSubmission",
            "FeedbackResults",
            "LanguageTag",
            "LocalizedText",
            "NpsScore",
            "OfficialResponse",
            "OptionId",
            "OptionResult",
            "OptionScoreResult",
            "OptionView",
            "Outcome",
            "OutcomeReport",
            "PollKind",
            "PollOptionSpec",
            "PollPhase",
            "PollResults",
            "PollView",
            "Proportion",
            "PublishedComment",
            "QuestionKindSpec",
            "QuestionSpec",
            "RatingSubmission",
            "Ratio",
            "Reaction",
            "ReactionReceipt",
            "ReactionSubmission",
            "RedactionCounts",
            "ReportReceipt",
            "ReportSubmission",
            "RoundResult",
            "RoundVotes",
            "SectionId",
            "SectionReport",
            "SectionSaid",
            "Slug",
            "Stance",
            "UsefulInput",
        ]
    );
}

fn validator(def: &str) -> jsonschema::Validator {
    let mut schema = v1::json_schema().to_value();
    schema["$ref"] = json!(format!("#/$defs/{def}"));
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn assert_valid(def: &str, value: &Value) {
    let validator = validator(def);
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{def} {value}:\n{}", errors.join("\n"));
}

fn poll() -> Poll {
    serde_json::from_value(json!({
        "slug": "water-tariffs-2027",
        "default_language": "en",
        "question": {"en": "Which tariffs?", "sw": "Ushuru upi?"},
        "kind": {"type": "multiple_choice", "min_selections": 1, "max_selections": 2},
        "options": [
            {"id": "flat", "label": {"en": "Flat", "sw": "Kimoja"}},
            {"id": "tiered", "label": {"en": "Tiered"}},
            {"id": "free-basic", "label": {"en": "Free basic water"}}
        ],
        "status": "open",
        "opens_at": "2027-01-01T00:00:00Z",
        "closes_at": "2027-03-31T00:00:00+03:00"
    }))
    .expect("a valid poll")
}

fn real_values() -> Vec<(&'static str, Value)> {
    let poll = poll();
    let now = datetime!(2027-01-15 09:30 UTC);
    let single: Poll = serde_json::from_value(json!({
        "slug": "p", "default_language": "sw", "question": {"sw": "Swali?"},
        "kind": {"type": "single_choice"}, "status": "closed",
        "options": [{"id": "a", "label": {"sw": "A"}}, {"id": "b", "label": {"sw": "B"}}]
    }))
    .expect("a valid poll");
    let approval: Poll = serde_json::from_value(json!({
        "slug": "parks", "default_language": "en", "question": {"en": "Which parks?"},
        "kind": {"type": "approval"}, "status": "open",
        "options": [{"id": "uhuru", "label": {"en": "Uhuru"}}, {"id": "central", "label": {"en": "Central"}}]
    }))
    .expect("a valid poll");
    let submission = BallotSubmission {
        selections: vec!["flat".into(), "tiered".into()],
        ratings: Vec::new(),
        voter: "a1b2c3d4e5f6a7b8".into(),
        voucher: None,
    };
    let mut tally = PollTally::new(&poll);
    tally
        .record(&submission.validate(&poll, now).expect("valid ballot"))
        .expect("same poll");
    let results = PollResults::new(&tally, poll.phase_at(now));
    let receipt = BallotReceipt {
        poll: poll.slug().clone(),
        results: results.clone(),
    };
    let error = ErrorBody {
        error: ApiError {
            code: ErrorCode::InvalidRequest,
            message: "2 problems".into(),
            details: vec![
                ErrorDetail {
                    code: ErrorCode::UnknownOption,
                    message: "no option \"x\"".into(),
                },
                ErrorDetail {
                    code: ErrorCode::TextTooLong,
                    message: "too long".into(),
                },
            ],
        },
    };
    let plain_error = ErrorBody {
        error: ApiError {
            code: ErrorCode::PollNotFound,
            message: "no poll".into(),
            details: vec![],
        },
    };
    let value = |v: &dyn erased::Ser| v.to_value();
    vec![
        ("PollView", value(&PollView::new(&poll, now))),
        ("PollView", value(&PollView::new(&single, now))),
        ("BallotSubmission", value(&submission)),
        ("PollResults", value(&results)),
        ("BallotReceipt", value(&receipt)),
        ("ErrorBody", value(&error)),
        ("ErrorBody", value(&plain_error)),
        ("PollView", value(&PollView::new(&approval, now))),
    ]
}

/// Serialising values of different types through one closure.
mod erased {
    pub(crate) trait Ser {
        fn to_value(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_value(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("wire types serialise")
        }
    }
}

#[test]
fn real_serialised_values_are_valid() {
    let values = real_values();
    assert!(values[0].1.get("opens_at").is_some(), "dates are exercised");
    assert!(values[1].1.get("opens_at").is_none(), "absent dates too");
    for (def, value) in &values {
        assert_valid(def, value);
    }
}

fn serde_accepts(def: &str, value: &Value) -> bool {
    fn ok<T: DeserializeOwned>(value: &Value) -> bool {
        serde_json::from_value::<T>(value.clone()).is_ok()
    }
    match def {
        "PollView" => ok::<PollView>(value),
        "BallotSubmission" => ok::<BallotSubmission>(value),
        "PollResults" => ok::<PollResults>(value),
        "BallotReceipt" => ok::<BallotReceipt>(value),
        "ErrorBody" => ok::<ErrorBody>(value),
        other => panic!("no deserialiser for {other}"),
    }
}

/// `base` with `pointer` set to `new` (or removed when `new` is `None`).
fn with(base: &Value, pointer: &str, new: Option<Value>) -> Value {
    let mut value = base.clone();
    let (parent, key) = pointer.rsplit_once('/').expect("a JSON pointer");
    let target = value.pointer_mut(parent).expect("pointer exists");
    match (target, new) {
        (Value::Object(map), Some(new)) => {
            map.insert(key.to_owned(), new);
        }
        (Value::Object(map), None) => {
            map.remove(key);
        }
        (Value::Array(items), Some(new)) => items[key.parse::<usize>().expect("index")] = new,
        (Value::Array(items), None) => {
            items.remove(key.parse::<usize>().expect("index"));
        }
        _ => panic!("{pointer} is not in an object or array"),
    }
    value
}

#[test]
fn schema_refuses_exactly_what_serde_refuses() {
    let values = real_values();
    let view = &values[0].1;
    let submission = &values[2].1;
    let results = &values[3].1;
    let error = &values[5].1;
    let cases: Vec<(&str, Value, bool)> = vec![
        // PollView: every rule of its parts.
        (
            "PollView",
            with(view, "/slug", Some(json!("Water Tariffs"))),
            false,
        ),
        ("PollView", with(view, "/slug", Some(json!("-edge"))), false),
        (
            "PollView",
            with(view, "/slug", Some(json!("a".repeat(65)))),
            false,
        ),
        (
            "PollView",
            with(view, "/slug", Some(json!("a".repeat(64)))),
            true,
        ),
        (
            "PollView",
            with(view, "/default_language", Some(json!("en_GB"))),
            false,
        ),
        (
            "PollView",
            with(view, "/default_language", Some(json!("zh-Hant-TW"))),
            true,
        ),
        ("PollView", with(view, "/question", Some(json!({}))), false),
        (
            "PollView",
            with(view, "/question", Some(json!({"en": "  "}))),
            false,
        ),
        (
            "PollView",
            with(view, "/question", Some(json!({"english": "Q"}))),
            true,
        ),
        (
            "PollView",
            with(view, "/question", Some(json!({"e": "Q"}))),
            false,
        ),
        (
            "PollView",
            with(view, "/question", Some(json!({"en": 3}))),
            false,
        ),
        ("PollView", with(view, "/question", None), false),
        (
            "PollView",
            with(view, "/kind", Some(json!({"type": "single_choice"}))),
            true,
        ),
        (
            "PollView",
            with(view, "/kind", Some(json!({"type": "approval"}))),
            true,
        ),
        (
            "PollView",
            with(
                view,
                "/kind",
                Some(json!({"type": "approval", "max_selections": 2})),
            ),
            false,
        ),
        (
            "PollView",
            with(
                view,
                "/kind",
                Some(json!({"type": "single_choice", "min_selections": 1})),
            ),
            false,
        ),
        (
            "PollView",
            with(
                view,
                "/kind",
                Some(json!({"type": "multiple_choice", "min_selections": 1})),
            ),
            false,
        ),
        (
            "PollView",
            with(view, "/kind", Some(json!({"type": "ranked_choice"}))),
            false,
        ),
        (
            "PollView",
            with(
                view,
                "/kind",
                Some(
                    json!({"type": "multiple_choice", "min_selections": 1, "max_selections": 2, "extra": 1}),
                ),
            ),
            false,
        ),
        (
            "PollView",
            with(
                view,
                "/kind",
                Some(json!({"type": "multiple_choice", "min_selections": -1, "max_selections": 2})),
            ),
            false,
        ),
        (
            "PollView",
            with(view, "/options/0/id", Some(json!("Flat"))),
            false,
        ),
        ("PollView", with(view, "/options/0/label", None), false),
        ("PollView", with(view, "/options", Some(json!([]))), true),
        (
            "PollView",
            with(view, "/phase", Some(json!("upcoming"))),
            true,
        ),
        (
            "PollView",
            with(view, "/phase", Some(json!("paused"))),
            false,
        ),
        (
            "PollView",
            with(view, "/opens_at", Some(json!("yesterday"))),
            false,
        ),
        ("PollView", with(view, "/opens_at", None), true),
        (
            "PollView",
            with(view, "/closes_at", Some(json!(null))),
            true,
        ),
        ("PollView", with(view, "/not_in_v1", Some(json!(1))), true),
        // BallotSubmission refuses unknown fields.
        (
            "BallotSubmission",
            with(submission, "/extra", Some(json!(true))),
            false,
        ),
        (
            "BallotSubmission",
            with(submission, "/selections", Some(json!("flat"))),
            false,
        ),
        ("BallotSubmission", with(submission, "/voter", None), false),
        (
            "BallotSubmission",
            with(submission, "/selections", Some(json!([]))),
            true,
        ),
        // Counts are unsigned.
        (
            "PollResults",
            with(results, "/total_ballots", Some(json!(-1))),
            false,
        ),
        (
            "PollResults",
            with(
                results,
                "/options/0/percent_tenths",
                Some(json!(4_294_967_296u64)),
            ),
            false,
        ),
        (
            "PollResults",
            with(results, "/options/0/count", Some(json!(1.5))),
            false,
        ),
        ("PollResults", with(results, "/phase", None), false),
        // Error codes are a closed list in v1 (clients must still tolerate new ones).
        (
            "ErrorBody",
            with(error, "/error/code", Some(json!("text_too_short"))),
            true,
        ),
        (
            "ErrorBody",
            with(error, "/error/code", Some(json!("no_such_code"))),
            false,
        ),
        ("ErrorBody", with(error, "/error/details", None), true),
        (
            "ErrorBody",
            with(error, "/error/details/0/message", None),
            false,
        ),
        ("ErrorBody", with(error, "/error/message", None), false),
    ];
    let mut mismatches = Vec::new();
    for (def, value, expected) in &cases {
        let by_serde = serde_accepts(def, value);
        let by_schema = validator(def).is_valid(value);
        if (by_serde, by_schema) != (*expected, *expected) {
            mismatches.push(format!(
                "{def}: expected {expected}, serde {by_serde}, schema {by_schema}: {value}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

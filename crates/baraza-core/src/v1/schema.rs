//! JSON Schema (draft 2020-12) of the v1 wire format, generated from the types (feature
//! `schema`).
//!
//! Most types derive [`JsonSchema`]; the types whose JSON is checked by a `TryFrom` or shaped by
//! hand get hand-written schemas here that say what the check says: [`Slug`] and [`OptionId`]
//! (pattern and length), [`LanguageTag`] (pattern), [`LocalizedText`] (an object keyed by
//! language tag, never empty, no blank text) and [`PollKind`] (the flat `{"type": …}` object,
//! one shape per kind). `tests/schema_v1.rs` validates real serialised values against the
//! document and checks that values serde refuses are refused by the schema too.
//!
//! What JSON Schema cannot say, and so is checked only by deserialisation: that two keys of a
//! [`LocalizedText`] differ only in case, that `min_selections <= max_selections`, and the
//! exact Unicode definition of "blank" (the schema's `\S` is ECMA-262 white space, which differs
//! from Rust's `White_Space` in U+0085 and U+FEFF).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings, json_schema};
use serde_json::{Map, Value, json};

pub(crate) use crate::schema::Rfc3339;
use crate::schema::sorted;

use super::{
    BallotReceipt, BallotSubmission, CommentReceipt, CommentSubmission, ConsultationView,
    ErrorBody, FeedbackFormView, FeedbackReceipt, FeedbackResponseSubmission, FeedbackResults,
    PollResults, PollView, ReactionReceipt, ReactionSubmission, ReportReceipt, ReportSubmission,
};
use crate::poll::PollKind;
use crate::slug::{MAX_SLUG_LEN, OptionId, Slug};
use crate::text::{LanguageTag, LocalizedText};

/// The file the checked-in schema lives in, relative to the crate root.
pub const SCHEMA_PATH: &str = "schema/v1.schema.json";

/// The whole v1 wire format as one JSON Schema document: every type under `$defs`, keys sorted
/// so the output is the same on every build.
///
/// ```
/// let schema = baraza_core::v1::json_schema();
/// let defs = schema.get("$defs").and_then(|d| d.as_object()).unwrap();
/// assert!(defs.contains_key("PollView") && defs.contains_key("PollKind"));
/// ```
pub fn json_schema() -> Schema {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    generator.subschema_for::<PollView>();
    generator.subschema_for::<BallotSubmission>();
    generator.subschema_for::<BallotReceipt>();
    generator.subschema_for::<PollResults>();
    generator.subschema_for::<FeedbackFormView>();
    generator.subschema_for::<FeedbackResponseSubmission>();
    generator.subschema_for::<FeedbackReceipt>();
    generator.subschema_for::<FeedbackResults>();
    generator.subschema_for::<ConsultationView>();
    generator.subschema_for::<CommentSubmission>();
    generator.subschema_for::<CommentReceipt>();
    generator.subschema_for::<ReactionSubmission>();
    generator.subschema_for::<ReactionReceipt>();
    generator.subschema_for::<ReportSubmission>();
    generator.subschema_for::<ReportReceipt>();
    generator.subschema_for::<ErrorBody>();
    let definitions = generator.take_definitions(true);
    let mut document = Map::new();
    document.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    document.insert("title".into(), json!("Baraza HTTP API, version 1"));
    document.insert(
        "description".into(),
        json!(
            "The JSON bodies of the Baraza v1 API. Success bodies: PollView \
             (GET /api/v1/polls/{slug}), BallotReceipt (201 answer to POST \
             /api/v1/polls/{slug}/ballots, whose body is a BallotSubmission), PollResults \
             (GET /api/v1/polls/{slug}/results), FeedbackFormView (GET \
             /api/v1/feedback/{slug}), FeedbackReceipt (201 answer to POST \
             /api/v1/feedback/{slug}/responses, whose body is a FeedbackResponseSubmission), \
             FeedbackResults (GET /api/v1/feedback/{slug}/results), ConsultationView (GET \
             /api/v1/consultations/{slug}), CommentReceipt, ReactionReceipt and ReportReceipt \
             (201 answers to POST /api/v1/consultations/{slug}/comments, \
             …/comments/{id}/reactions and …/comments/{id}/reports, whose bodies are a \
             CommentSubmission, ReactionSubmission and ReportSubmission). Every failure is an ErrorBody. Generated from \
             baraza-core's types by baraza_core::v1::json_schema; do not edit by hand."
        ),
    );
    document.insert("$defs".into(), Value::Object(definitions));
    Schema::from(sorted(document))
}

/// The pattern [`Slug::parse`] enforces (with `maxLength`).
const SLUG_PATTERN: &str = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";

/// The pattern [`LanguageTag::parse`] enforces.
const LANGUAGE_TAG_PATTERN: &str = "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$";

impl JsonSchema for Slug {
    fn schema_name() -> Cow<'static, str> {
        "Slug".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "baraza_core::Slug".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A URL-safe identifier: lower-case ASCII letters, digits and inner \
                hyphens, e.g. \"water-tariffs-2027\".",
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_SLUG_LEN,
            "pattern": SLUG_PATTERN,
        })
    }
}

impl JsonSchema for OptionId {
    fn schema_name() -> Cow<'static, str> {
        "OptionId".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "baraza_core::OptionId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The id of one option within a poll, with the rules of a Slug, \
                e.g. \"keep-flat-rate\".",
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_SLUG_LEN,
            "pattern": SLUG_PATTERN,
        })
    }
}

impl JsonSchema for LanguageTag {
    fn schema_name() -> Cow<'static, str> {
        "LanguageTag".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "baraza_core::LanguageTag".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A BCP 47 language tag such as \"en\", \"sw\" or \"fr-CA\", checked \
                for shape only; compared case-insensitively.",
            "type": "string",
            "pattern": LANGUAGE_TAG_PATTERN,
        })
    }
}

impl JsonSchema for LocalizedText {
    fn schema_name() -> Cow<'static, str> {
        "LocalizedText".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "baraza_core::LocalizedText".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Citizen-facing text in one or more languages, keyed by BCP 47 tag: \
                {\"en\": \"Yes\", \"sw\": \"Ndiyo\"}. Never empty; no text is blank; no two \
                keys differ only in case.",
            "type": "object",
            "minProperties": 1,
            "propertyNames": { "pattern": LANGUAGE_TAG_PATTERN },
            "additionalProperties": { "type": "string", "pattern": "\\S" },
        })
    }
}

impl JsonSchema for PollKind {
    fn schema_name() -> Cow<'static, str> {
        "PollKind".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "baraza_core::PollKind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let count = json!({
            "type": "integer",
            "format": "uint32",
            "minimum": 0,
            "maximum": u32::MAX,
        });
        json_schema!({
            "description": "How citizens answer a poll: {\"type\": \"single_choice\"}, \
                {\"type\": \"multiple_choice\", \"min_selections\": 1, \"max_selections\": 3} \
                (1 <= min_selections <= max_selections <= number of options), \
                {\"type\": \"approval\"} (any subset of the options, none included), \
                {\"type\": \"ranked\"} (one or more options in order of preference, counted by \
                instant-runoff) or \
                {\"type\": \"score\", \"scale\": {\"min\": 1, \"max\": 5}} (each option rated; \
                at most 11 points; \"require_all\": true to require every option).",
            "oneOf": [
                {
                    "description": "Exactly one option.",
                    "type": "object",
                    "properties": { "type": { "const": "single_choice" } },
                    "required": ["type"],
                    "additionalProperties": false,
                },
                {
                    "description": "One or more options in order of preference (instant-runoff).",
                    "type": "object",
                    "properties": { "type": { "const": "ranked" } },
                    "required": ["type"],
                    "additionalProperties": false,
                },
                {
                    "description": "Any subset of the options, from none to all of them.",
                    "type": "object",
                    "properties": { "type": { "const": "approval" } },
                    "required": ["type"],
                    "additionalProperties": false,
                },
                {
                    "description": "Between min_selections and max_selections options, inclusive.",
                    "type": "object",
                    "properties": {
                        "type": { "const": "multiple_choice" },
                        "min_selections": count,
                        "max_selections": count,
                    },
                    "required": ["type", "min_selections", "max_selections"],
                    "additionalProperties": false,
                },
                {
                    "description": "Each option rated on the scale; at least one option, every \
                        option when require_all is true.",
                    "type": "object",
                    "properties": {
                        "type": { "const": "score" },
                        "scale": {
                            "type": "object",
                            "properties": {
                                "min": { "type": "integer", "minimum": -100, "maximum": 100 },
                                "max": { "type": "integer", "minimum": -100, "maximum": 100 },
                            },
                            "required": ["min", "max"],
                            "additionalProperties": false,
                        },
                        "require_all": { "type": "boolean" },
                    },
                    "required": ["type", "scale"],
                    "additionalProperties": false,
                },
            ],
        })
    }
}

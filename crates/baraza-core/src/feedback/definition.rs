//! Form definitions: questions, their specs and the checks of a form.

#[allow(
    clippy::wildcard_imports,
    reason = "one module split in files: the imports and items of the parent are shared"
)]
use super::*;
use crate::definition::{
    DefinitionProblem, check_default_language, check_item_id, check_slug, report,
    require_default_language,
};
use crate::poll::check_options;

/// A feedback form as written by an official or stored: the unchecked shape of a
/// [`FeedbackForm`].
///
/// JSON: `{"slug": …, "default_language": "en", "title": {…}, "questions": [{"id": "useful",
/// "prompt": {…}, "required": true, "kind": {"type": "useful", "reasons": […],
/// "comment_max_len": 500}}, …]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FeedbackFormSpec {
    /// URL-safe identifier, see [`Slug`].
    pub slug: String,
    /// Language every citizen-facing text must have.
    pub default_language: String,
    /// The form's heading.
    pub title: LocalizedText,
    /// The questions, in display order.
    pub questions: Vec<QuestionSpec>,
}

/// One question of a [`FeedbackFormSpec`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QuestionSpec {
    /// Stable id, same rules as [`Slug`].
    pub id: String,
    /// The question as shown.
    pub prompt: LocalizedText,
    /// Whether every response must answer it (default `false`).
    #[serde(default)]
    pub required: bool,
    /// What kind of answer it takes.
    pub kind: QuestionKindSpec,
}

/// The unchecked kind of a question. JSON: `{"type": "csat"}`, `{"type": "nps"}`,
/// `{"type": "useful", "reasons": [...], "comment_max_len": 500}` (both optional),
/// `{"type": "single_choice", "options": [...]}`, `{"type": "free_text", "max_len": 1000}`.
///
/// Its JSON goes through a flat struct rather than serde's internally tagged enum, whose
/// generic input buffering costs the browser bundle several kilobytes (as for
/// [`PollKind`](crate::PollKind)); the JSON Schema still describes one shape per kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "QuestionKindFields", into = "QuestionKindFields")]
pub enum QuestionKindSpec {
    /// Yes/no, optional reasons for a "no", optional comment.
    Useful {
        /// "What went wrong" choices, offered with a "no".
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        reasons: Vec<PollOptionSpec>,
        /// The comment box's limit in characters; absent means no comment box.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment_max_len: Option<u32>,
    },
    /// 1–5 satisfaction. (An empty struct variant, not a unit one, so that serde rejects
    /// unknown fields such as `{"type": "csat", "max": 7}`.)
    Csat {},
    /// 0–10 likelihood to recommend.
    Nps {},
    /// One of the options.
    SingleChoice {
        /// The options, in display order.
        options: Vec<PollOptionSpec>,
    },
    /// Free text.
    FreeText {
        /// The limit in characters.
        max_len: u32,
    },
}

/// The unchecked kind of a question. JSON: `{"type": "csat"}`, `{"type": "nps"}`,
/// `{"type": "useful", "reasons": [...], "comment_max_len": 500}` (both optional),
/// `{"type": "single_choice", "options": [...]}`, `{"type": "free_text", "max_len": 1000}`.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[schemars(rename = "QuestionKindSpec")]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[expect(
    dead_code,
    reason = "describes the JSON Schema of QuestionKindSpec; never built"
)]
enum QuestionKindShape {
    /// Yes/no, optional reasons for a "no", optional comment.
    Useful {
        /// "What went wrong" choices, offered with a "no".
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        reasons: Vec<PollOptionSpec>,
        /// The comment box's limit in characters; absent means no comment box.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment_max_len: Option<u32>,
    },
    /// 1–5 satisfaction. (An empty struct variant, not a unit one, so that serde rejects
    /// unknown fields such as `{"type": "csat", "max": 7}`.)
    Csat {},
    /// 0–10 likelihood to recommend.
    Nps {},
    /// One of the options.
    SingleChoice {
        /// The options, in display order.
        options: Vec<PollOptionSpec>,
    },
    /// Free text.
    FreeText {
        /// The limit in characters.
        max_len: u32,
    },
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for QuestionKindSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "QuestionKindSpec".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        QuestionKindShape::json_schema(generator)
    }
}

/// The flat JSON shape of [`QuestionKindSpec`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionKindFields {
    #[serde(rename = "type")]
    name: QuestionKindName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reasons: Option<Vec<PollOptionSpec>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comment_max_len: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    options: Option<Vec<PollOptionSpec>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_len: Option<u32>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum QuestionKindName {
    Useful,
    Csat,
    Nps,
    SingleChoice,
    FreeText,
}

impl TryFrom<QuestionKindFields> for QuestionKindSpec {
    type Error = String;

    fn try_from(fields: QuestionKindFields) -> Result<Self, Self::Error> {
        let QuestionKindFields {
            name,
            reasons,
            comment_max_len,
            options,
            max_len,
        } = fields;
        let name_str = match name {
            QuestionKindName::Useful => "useful",
            QuestionKindName::Csat => "csat",
            QuestionKindName::Nps => "nps",
            QuestionKindName::SingleChoice => "single_choice",
            QuestionKindName::FreeText => "free_text",
        };
        let unexpected = |field: &str| format!("a {name_str} question takes no {field}");
        let refuse = |present: bool, field: &str| {
            if present {
                Err(unexpected(field))
            } else {
                Ok(())
            }
        };
        match name {
            QuestionKindName::Useful => {
                refuse(options.is_some(), "options")?;
                refuse(max_len.is_some(), "max_len")?;
                Ok(Self::Useful {
                    reasons: reasons.unwrap_or_default(),
                    comment_max_len,
                })
            }
            QuestionKindName::Csat | QuestionKindName::Nps => {
                refuse(reasons.is_some(), "reasons")?;
                refuse(comment_max_len.is_some(), "comment_max_len")?;
                refuse(options.is_some(), "options")?;
                refuse(max_len.is_some(), "max_len")?;
                Ok(if matches!(name, QuestionKindName::Csat) {
                    Self::Csat {}
                } else {
                    Self::Nps {}
                })
            }
            QuestionKindName::SingleChoice => {
                refuse(reasons.is_some(), "reasons")?;
                refuse(comment_max_len.is_some(), "comment_max_len")?;
                refuse(max_len.is_some(), "max_len")?;
                let options = options.ok_or("missing field `options`")?;
                Ok(Self::SingleChoice { options })
            }
            QuestionKindName::FreeText => {
                refuse(reasons.is_some(), "reasons")?;
                refuse(comment_max_len.is_some(), "comment_max_len")?;
                refuse(options.is_some(), "options")?;
                let max_len = max_len.ok_or("missing field `max_len`")?;
                Ok(Self::FreeText { max_len })
            }
        }
    }
}

impl From<QuestionKindSpec> for QuestionKindFields {
    fn from(kind: QuestionKindSpec) -> Self {
        let empty = |name| Self {
            name,
            reasons: None,
            comment_max_len: None,
            options: None,
            max_len: None,
        };
        match kind {
            QuestionKindSpec::Useful {
                reasons,
                comment_max_len,
            } => Self {
                reasons: (!reasons.is_empty()).then_some(reasons),
                comment_max_len,
                ..empty(QuestionKindName::Useful)
            },
            QuestionKindSpec::Csat {} => empty(QuestionKindName::Csat),
            QuestionKindSpec::Nps {} => empty(QuestionKindName::Nps),
            QuestionKindSpec::SingleChoice { options } => Self {
                options: Some(options),
                ..empty(QuestionKindName::SingleChoice)
            },
            QuestionKindSpec::FreeText { max_len } => Self {
                max_len: Some(max_len),
                ..empty(QuestionKindName::FreeText)
            },
        }
    }
}

/// A problem with a form definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormDefinitionError {
    /// A problem every instrument's definition can have: slug, default language, a text
    /// lacking it, a question or choice id malformed or used twice.
    #[error(transparent)]
    Definition(#[from] DefinitionProblem),
    /// No questions, or more than [`MAX_QUESTIONS`].
    #[error("a form needs 1 to {MAX_QUESTIONS} questions; this one has {count}")]
    QuestionCount {
        /// How many questions the definition has.
        count: usize,
    },
    /// A list of choices is too short or too long.
    #[error("{field} needs {min} to {max} choices; it has {count}")]
    ChoiceCount {
        /// Which list, e.g. `questions[2].options`.
        field: String,
        /// The fewest allowed.
        min: usize,
        /// The most allowed.
        max: usize,
        /// How many it has.
        count: usize,
    },
    /// A text limit is 0 or above [`MAX_TEXT_LIMIT`].
    #[error("{field} must be 1 to {MAX_TEXT_LIMIT} characters; got {value}")]
    TextLimit {
        /// Which limit, e.g. `questions[0].kind.max_len`.
        field: String,
        /// The value given.
        value: u32,
    },
}

/// Every problem found in a form definition (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormDefinitionErrors(pub Vec<FormDefinitionError>);

impl fmt::Display for FormDefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for FormDefinitionErrors {}

/// A checked question of a [`FeedbackForm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Stable id, unique within the form.
    pub id: Slug,
    /// The question as shown.
    pub prompt: LocalizedText,
    /// Whether every response must answer it.
    pub required: bool,
    /// What kind of answer it takes.
    pub kind: QuestionKind,
}

/// A checked question kind; see the module docs for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionKind {
    /// Yes/no, with optional reasons for a "no" and an optional comment.
    Useful {
        /// "What went wrong" choices (may be empty).
        reasons: Vec<PollOption>,
        /// The comment limit in characters, or `None` for no comment box.
        comment_max_len: Option<u32>,
    },
    /// 1–5 satisfaction.
    Csat,
    /// 0–10 likelihood to recommend.
    Nps,
    /// One of 2 to [`MAX_OPTIONS`] options.
    SingleChoice {
        /// The options, in display order.
        options: Vec<PollOption>,
    },
    /// Free text of at most `max_len` characters.
    FreeText {
        /// The limit in characters.
        max_len: u32,
    },
}

impl QuestionKind {
    /// The snake_case name of the kind, as in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Useful { .. } => "useful",
            Self::Csat => "csat",
            Self::Nps => "nps",
            Self::SingleChoice { .. } => "single_choice",
            Self::FreeText { .. } => "free_text",
        }
    }
}

/// A checked feedback form. Serialises to, and deserialises (with checks) from, the
/// [`FeedbackFormSpec`] shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "FeedbackFormSpec", into = "FeedbackFormSpec")]
pub struct FeedbackForm {
    pub(super) slug: Slug,
    default_language: LanguageTag,
    title: LocalizedText,
    pub(super) questions: Vec<Question>,
}

/// Checks a list of choices; `field` names the list in messages.
fn check_choices(
    field: &str,
    specs: Vec<PollOptionSpec>,
    (min, max): (usize, usize),
    language: Option<&LanguageTag>,
    errors: &mut Vec<FormDefinitionError>,
) -> Vec<PollOption> {
    if !(min..=max).contains(&specs.len()) {
        errors.push(FormDefinitionError::ChoiceCount {
            field: field.to_owned(),
            min,
            max,
            count: specs.len(),
        });
    }
    check_options(field, specs, language, errors)
}

fn check_limit(field: String, value: u32, errors: &mut Vec<FormDefinitionError>) {
    if !(1..=MAX_TEXT_LIMIT).contains(&value) {
        errors.push(FormDefinitionError::TextLimit { field, value });
    }
}

impl TryFrom<FeedbackFormSpec> for FeedbackForm {
    type Error = FormDefinitionErrors;

    fn try_from(spec: FeedbackFormSpec) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let slug = report(check_slug(&spec.slug), &mut errors);
        let language = report(check_default_language(spec.default_language), &mut errors);
        let title = require_default_language(language.as_ref(), || "title".to_owned(), &spec.title);
        report(title, &mut errors);
        if !(1..=MAX_QUESTIONS).contains(&spec.questions.len()) {
            errors.push(FormDefinitionError::QuestionCount {
                count: spec.questions.len(),
            });
        }
        let mut questions: Vec<Question> = Vec::with_capacity(spec.questions.len());
        for (index, question) in spec.questions.into_iter().enumerate() {
            let prompt = require_default_language(
                language.as_ref(),
                || format!("questions[{index}].prompt"),
                &question.prompt,
            );
            report(prompt, &mut errors);
            let kind = match question.kind {
                QuestionKindSpec::Useful {
                    reasons,
                    comment_max_len,
                } => {
                    let reasons = check_choices(
                        &format!("questions[{index}].kind.reasons"),
                        reasons,
                        (0, MAX_OPTIONS),
                        language.as_ref(),
                        &mut errors,
                    );
                    if let Some(limit) = comment_max_len {
                        check_limit(
                            format!("questions[{index}].kind.comment_max_len"),
                            limit,
                            &mut errors,
                        );
                    }
                    QuestionKind::Useful {
                        reasons,
                        comment_max_len,
                    }
                }
                QuestionKindSpec::Csat {} => QuestionKind::Csat,
                QuestionKindSpec::Nps {} => QuestionKind::Nps,
                QuestionKindSpec::SingleChoice { options } => QuestionKind::SingleChoice {
                    options: check_choices(
                        &format!("questions[{index}].kind.options"),
                        options,
                        (MIN_OPTIONS, MAX_OPTIONS),
                        language.as_ref(),
                        &mut errors,
                    ),
                },
                QuestionKindSpec::FreeText { max_len } => {
                    check_limit(
                        format!("questions[{index}].kind.max_len"),
                        max_len,
                        &mut errors,
                    );
                    QuestionKind::FreeText { max_len }
                }
            };
            let id = check_item_id(
                question.id,
                || format!("questions[{index}].id"),
                Slug::parse,
                |id| questions.iter().any(|q| &q.id == id),
            );
            if let Some(id) = report(id, &mut errors) {
                questions.push(Question {
                    id,
                    prompt: question.prompt,
                    required: question.required,
                    kind,
                });
            }
        }
        match (slug, language) {
            (Some(slug), Some(default_language)) if errors.is_empty() => Ok(Self {
                slug,
                default_language,
                title: spec.title,
                questions,
            }),
            _ => Err(FormDefinitionErrors(errors)),
        }
    }
}

fn choice_specs(choices: Vec<PollOption>) -> Vec<PollOptionSpec> {
    choices
        .into_iter()
        .map(|c| PollOptionSpec {
            id: c.id.as_str().to_owned(),
            label: c.label,
        })
        .collect()
}

impl From<FeedbackForm> for FeedbackFormSpec {
    fn from(form: FeedbackForm) -> Self {
        Self {
            slug: form.slug.into(),
            default_language: form.default_language.into(),
            title: form.title,
            questions: form
                .questions
                .into_iter()
                .map(|q| QuestionSpec {
                    id: q.id.into(),
                    prompt: q.prompt,
                    required: q.required,
                    kind: match q.kind {
                        QuestionKind::Useful {
                            reasons,
                            comment_max_len,
                        } => QuestionKindSpec::Useful {
                            reasons: choice_specs(reasons),
                            comment_max_len,
                        },
                        QuestionKind::Csat => QuestionKindSpec::Csat {},
                        QuestionKind::Nps => QuestionKindSpec::Nps {},
                        QuestionKind::SingleChoice { options } => QuestionKindSpec::SingleChoice {
                            options: choice_specs(options),
                        },
                        QuestionKind::FreeText { max_len } => {
                            QuestionKindSpec::FreeText { max_len }
                        }
                    },
                })
                .collect(),
        }
    }
}

impl FeedbackForm {
    /// The form's identifier.
    pub fn slug(&self) -> &Slug {
        &self.slug
    }

    /// The language every text is guaranteed to have.
    pub fn default_language(&self) -> &LanguageTag {
        &self.default_language
    }

    /// The form's heading.
    pub fn title(&self) -> &LocalizedText {
        &self.title
    }

    /// The questions, in display order.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id.as_str() == id)
    }
}

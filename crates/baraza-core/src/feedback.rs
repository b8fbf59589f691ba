//! Feedback forms: "Is this page useful?", CSAT, NPS, single choice and free text, with
//! validated responses and aggregates that carry confidence intervals.
//!
//! # Forms
//! A [`FeedbackForm`] is checked from a [`FeedbackFormSpec`] (every problem reported at once):
//! a slug, a default language that every text has, a title and 1 to [`MAX_QUESTIONS`]
//! questions with distinct slug-shaped ids. Question kinds ([`QuestionKind`]):
//!
//! * **useful** — "Is this page useful?" yes/no, the GOV.UK pattern. Optionally a list of
//!   "what went wrong" reasons (0 to [`MAX_OPTIONS`], any number may be
//!   picked, **only with a "no"**) and optionally a comment box of at most `comment_max_len`
//!   characters;
//! * **csat** — customer satisfaction on 1–5;
//! * **nps** — Net Promoter "how likely are you to recommend" on 0–10;
//! * **single_choice** — one of 2 to [`MAX_OPTIONS`] options;
//! * **free_text** — text of at most `max_len` characters (1 to [`MAX_TEXT_LIMIT`]).
//!
//! # Responses
//! [`FeedbackForm::validate_response`] turns a [`FeedbackSubmission`] into a
//! [`FeedbackResponse`] or reports every problem ([`ResponseErrors`]). A response carries, as
//! data, the [`PageKey`] of the page or service it is about and the instant it was submitted
//! (a parameter: the core reads no clock). It must answer at least one question, every
//! required one, each at most once, with an answer of the question's type. Text is counted in
//! Unicode scalar values and must not be blank.
//!
//! Free text is stored as given, after these checks. Removing personal data (redaction) is the
//! caller's job, done before calling this module, with the crate's text-safety tools where the
//! build has them; the core never interprets text as HTML.
//!
//! # Aggregates
//! [`FeedbackAggregate`] counts responses one at a time (streaming; memory does not grow with
//! the number of responses). Per question it keeps counts, and computes on demand:
//!
//! * **useful share**: the share of "yes" among yes/no answers, with a Wilson interval;
//! * **CSAT %**: the share of CSAT answers that are **4 or 5** ("satisfied" or "very
//!   satisfied", the usual top-two-box definition), times 100, with a Wilson interval; also the
//!   exact mean and median (rules in [`crate::score`]);
//! * **NPS**: promoters (9–10) minus detractors (0–6), as percentage points of all NPS answers
//!   (Reichheld, "The One Number You Need to Grow", *Harvard Business Review*, Dec. 2003), so
//!   it lies in −100..=100; with the interval described below; also the mean score;
//! * **single choice**: each option's count and share with a Wilson interval;
//! * **free text**: only the number of answers (texts are not summarised here).
//!
//! ## Intervals
//! The confidence level is a parameter, [`Confidence`], given as the standard normal quantile
//! `z`; the default is 95 % (`z = 1.959963984540054`).
//!
//! * Proportions use the **Wilson score interval** (E. B. Wilson, "Probable inference, the law
//!   of succession, and statistical inference", *JASA* 22, 1927; method 3 of R. G. Newcombe,
//!   "Two-sided confidence intervals for the single proportion: comparison of seven methods",
//!   *Statistics in Medicine* 17, 1998), without continuity correction. With `p = s/n`:
//!   centre `(p + z²/2n) / (1 + z²/n)`, half-width
//!   `z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)`. Unlike the Wald interval it stays inside 0..1
//!   and is sensible for small `n` and for 0 or `n` successes. See [`wilson_interval`].
//! * NPS uses the **variance-based (Wald) interval** of a mean of per-respondent scores +100
//!   (promoter), 0 (passive) and −100 (detractor): with shares `p` and `d` of promoters and
//!   detractors, `NPS = 100(p − d)`, `Var = 100²·(p + d − (p − d)²)`, interval
//!   `NPS ± z·√(Var/n)`, clipped to −100..=100. This is the common practitioners' interval
//!   discussed by B. Rocks, "Interval Estimation for the 'Net Promoter Score'", *The American
//!   Statistician* 70(4), 2016, who shows it is too narrow for small samples (it has zero
//!   width when every answer falls in one group). Treat intervals from fewer than about 30
//!   answers with caution. See [`nps_interval`].
//!
//! ## Grouping
//! [`PageGroups`] keeps one aggregate per page or service key. [`PeriodGroups`] keeps one per
//! period between caller-given boundaries `b0 < b1 < … < bk`: period `i` is the half-open
//! interval `[b(i), b(i+1))`; responses before `b0` or at/after `bk` are counted as outside,
//! never silently dropped. The caller chooses the boundaries (calendar months in its time
//! zone, weeks, a campaign), so the core needs no clock or calendar.
//!
//! ```
//! use baraza_core::feedback::{Confidence, FeedbackAggregate, FeedbackForm, FeedbackSubmission};
//! use time::macros::datetime;
//! let form: FeedbackForm = serde_json::from_str(r#"{
//!     "slug": "passport-page",
//!     "default_language": "en",
//!     "title": {"en": "Help us improve this page"},
//!     "questions": [
//!         {"id": "useful", "prompt": {"en": "Is this page useful?"}, "required": true,
//!          "kind": {"type": "useful", "reasons": [{"id": "outdated", "label": {"en": "It is out of date"}}]}},
//!         {"id": "nps", "prompt": {"en": "Would you recommend this service?"}, "kind": {"type": "nps"}}
//!     ]
//! }"#)?;
//! let mut aggregate = FeedbackAggregate::new(&form);
//! for body in [
//!     r#"{"page": "/passports/renew", "answers": [{"question": "useful", "answer": {"useful": {"useful": true}}},
//!                                                {"question": "nps", "answer": {"nps": 10}}]}"#,
//!     r#"{"page": "/passports/renew", "answers": [{"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["outdated"]}}},
//!                                                {"question": "nps", "answer": {"nps": 3}}]}"#,
//! ] {
//!     let submission: FeedbackSubmission = serde_json::from_str(body)?;
//!     let response = form.validate_response(&submission, datetime!(2027-05-02 08:00 UTC))?;
//!     aggregate.record(&response)?;
//! }
//! let useful = aggregate.useful("useful").unwrap();
//! assert_eq!((useful.yes, useful.no), (1, 1));
//! let share = useful.useful_share(Confidence::default()).unwrap();
//! assert_eq!(share.estimate, 0.5);
//! let nps = aggregate.nps("nps").unwrap().score(Confidence::default()).unwrap();
//! assert_eq!(nps.score.to_f64(), 0.0); // one promoter, one detractor
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;
use crate::poll::{MAX_OPTIONS, MIN_OPTIONS, PollOption, PollOptionSpec, write_joined};
use crate::score::{DistributionSummary, Ratio};
use crate::slug::{OptionId, Slug, SlugError};
use crate::text::{LanguageTag, LanguageTagError, LocalizedText};

/// The most questions a form may have.
pub const MAX_QUESTIONS: usize = 30;
/// The largest text limit a form may set, in characters (Unicode scalar values).
pub const MAX_TEXT_LIMIT: u32 = 10_000;
/// The longest page or service key, in characters.
pub const MAX_PAGE_KEY_LEN: usize = 512;

// ---------------------------------------------------------------------------------------------
// Confidence intervals
// ---------------------------------------------------------------------------------------------

/// A confidence level, held as the two-sided standard normal quantile `z`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Confidence {
    z: f64,
}

/// Why a `z` is not a usable confidence level.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("z must be a finite number above 0 and at most 10; got {z}")]
pub struct ConfidenceError {
    /// The rejected value.
    pub z: f64,
}

impl Confidence {
    /// 90 %: `z = 1.6448536269514722`.
    pub const NINETY: Self = Self {
        z: 1.644_853_626_951_472_2,
    };
    /// 95 %: `z = 1.959963984540054`, the default.
    pub const NINETY_FIVE: Self = Self {
        z: 1.959_963_984_540_054,
    };
    /// 99 %: `z = 2.5758293035489004`.
    pub const NINETY_NINE: Self = Self {
        z: 2.575_829_303_548_900_4,
    };

    /// A level given by its quantile `z` (e.g. 1.96); `0 < z <= 10`.
    pub fn from_z(z: f64) -> Result<Self, ConfidenceError> {
        if z.is_finite() && z > 0.0 && z <= 10.0 {
            Ok(Self { z })
        } else {
            Err(ConfidenceError { z })
        }
    }

    /// The quantile.
    pub fn z(self) -> f64 {
        self.z
    }
}

impl Default for Confidence {
    fn default() -> Self {
        Self::NINETY_FIVE
    }
}

impl TryFrom<f64> for Confidence {
    type Error = ConfidenceError;
    fn try_from(z: f64) -> Result<Self, Self::Error> {
        Self::from_z(z)
    }
}

impl From<Confidence> for f64 {
    fn from(confidence: Confidence) -> Self {
        confidence.z
    }
}

/// A proportion `successes / trials` with its Wilson score interval, all as fractions of 1
/// (multiply by 100 for percentages).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Proportion {
    /// Favourable answers.
    pub successes: u64,
    /// All answers.
    pub trials: u64,
    /// `successes / trials`.
    pub estimate: f64,
    /// Lower end of the interval (0 when there are no successes).
    pub low: f64,
    /// Upper end of the interval (1 when every answer is a success).
    pub high: f64,
}

/// The Wilson score interval for `successes` out of `trials` (formula in the module docs).
/// `None` when `trials` is 0 or `successes > trials`.
///
/// ```
/// use baraza_core::feedback::{wilson_interval, Confidence};
/// // Newcombe (1998), Table I: 81/263 gives 0.2553 to 0.3662.
/// let p = wilson_interval(81, 263, Confidence::NINETY_FIVE).unwrap();
/// assert_eq!((p.low * 1e4).round(), 2553.0);
/// assert_eq!((p.high * 1e4).round(), 3662.0);
/// ```
pub fn wilson_interval(successes: u64, trials: u64, confidence: Confidence) -> Option<Proportion> {
    if trials == 0 || successes > trials {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z = confidence.z;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At 0 and n successes the exact ends are 0 and 1; rounding must not move them.
    let low = if successes == 0 {
        0.0
    } else {
        (centre - half).clamp(0.0, 1.0)
    };
    let high = if successes == trials {
        1.0
    } else {
        (centre + half).clamp(0.0, 1.0)
    };
    Some(Proportion {
        successes,
        trials,
        estimate: p,
        low,
        high,
    })
}

/// A Net Promoter Score with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NpsScore {
    /// Answers 9–10.
    pub promoters: u64,
    /// Answers 7–8.
    pub passives: u64,
    /// Answers 0–6.
    pub detractors: u64,
    /// The exact score, `100 · (promoters − detractors) / answers`, in −100..=100.
    pub score: Ratio,
    /// Lower end of the interval, in points (at least −100).
    pub low: f64,
    /// Upper end of the interval, in points (at most 100).
    pub high: f64,
}

/// The NPS of these group sizes with its variance-based interval (formula in the module docs).
/// `None` when there are no answers.
///
/// ```
/// use baraza_core::feedback::{nps_interval, Confidence};
/// // 5 promoters, 3 passives, 2 detractors: NPS 30, Var = 100²(0.7 − 0.3²) = 6100,
/// // half-width 1.96 · √(6100/10) ≈ 48.4.
/// let nps = nps_interval(5, 3, 2, Confidence::NINETY_FIVE).unwrap();
/// assert_eq!(nps.score.to_f64(), 30.0);
/// assert!((nps.low - (30.0 - 48.407)).abs() < 1e-3 && (nps.high - 78.407).abs() < 1e-3);
/// ```
pub fn nps_interval(
    promoters: u64,
    passives: u64,
    detractors: u64,
    confidence: Confidence,
) -> Option<NpsScore> {
    let total = promoters.checked_add(passives)?.checked_add(detractors)?;
    if total == 0 {
        return None;
    }
    let n = total as f64;
    let p = promoters as f64 / n;
    let d = detractors as f64 / n;
    let variance = (10_000.0 * (p + d - (p - d) * (p - d))).max(0.0);
    let half = confidence.z * (variance / n).sqrt();
    let score = Ratio::new(
        100 * (i128::from(promoters) - i128::from(detractors)),
        total,
    );
    let centre = score.to_f64();
    Some(NpsScore {
        promoters,
        passives,
        detractors,
        score,
        low: (centre - half).clamp(-100.0, 100.0),
        high: (centre + half).clamp(-100.0, 100.0),
    })
}

// ---------------------------------------------------------------------------------------------
// Form definitions
// ---------------------------------------------------------------------------------------------

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
    /// The slug is not URL-safe.
    #[error("slug {slug:?} {source}")]
    InvalidSlug {
        /// The rejected slug.
        slug: String,
        /// Which rule it breaks.
        source: SlugError,
    },
    /// The default language is not a language tag.
    #[error("default_language: {0}")]
    InvalidDefaultLanguage(LanguageTagError),
    /// A text lacks the default language.
    #[error("{field} has no text in the default language {language}")]
    MissingDefaultLanguage {
        /// Which text, e.g. `questions[1].prompt`.
        field: String,
        /// The default language.
        language: String,
    },
    /// No questions, or more than [`MAX_QUESTIONS`].
    #[error("a form needs 1 to {MAX_QUESTIONS} questions; this one has {count}")]
    QuestionCount {
        /// How many questions the definition has.
        count: usize,
    },
    /// A question id is not URL-safe.
    #[error("questions[{index}].id {id:?} {source}")]
    InvalidQuestionId {
        /// Position of the question.
        index: usize,
        /// The rejected id.
        id: String,
        /// Which rule it breaks.
        source: SlugError,
    },
    /// Two questions share an id.
    #[error("question id {id:?} is used twice")]
    DuplicateQuestionId {
        /// The repeated id.
        id: String,
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
    /// A choice id is not URL-safe.
    #[error("{field} {id:?} {source}")]
    InvalidChoiceId {
        /// Which id, e.g. `questions[2].options[0].id`.
        field: String,
        /// The rejected id.
        id: String,
        /// Which rule it breaks.
        source: SlugError,
    },
    /// Two choices of one question share an id.
    #[error("{field}: choice id {id:?} is used twice")]
    DuplicateChoiceId {
        /// Which list.
        field: String,
        /// The repeated id.
        id: String,
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
    slug: Slug,
    default_language: LanguageTag,
    title: LocalizedText,
    questions: Vec<Question>,
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
    let mut choices: Vec<PollOption> = Vec::with_capacity(specs.len());
    for (index, spec) in specs.into_iter().enumerate() {
        if let Some(language) = language
            && !spec.label.has(language)
        {
            errors.push(FormDefinitionError::MissingDefaultLanguage {
                field: format!("{field}[{index}].label"),
                language: language.to_string(),
            });
        }
        match OptionId::parse(spec.id.clone()) {
            Ok(id) if choices.iter().any(|c| c.id == id) => {
                errors.push(FormDefinitionError::DuplicateChoiceId {
                    field: field.to_owned(),
                    id: spec.id,
                });
            }
            Ok(id) => choices.push(PollOption {
                id,
                label: spec.label,
            }),
            Err(source) => errors.push(FormDefinitionError::InvalidChoiceId {
                field: format!("{field}[{index}].id"),
                id: spec.id,
                source,
            }),
        }
    }
    choices
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
        let slug = Slug::parse(spec.slug.clone())
            .map_err(|source| {
                errors.push(FormDefinitionError::InvalidSlug {
                    slug: spec.slug,
                    source,
                })
            })
            .ok();
        let language = LanguageTag::parse(spec.default_language)
            .map_err(|e| errors.push(FormDefinitionError::InvalidDefaultLanguage(e)))
            .ok();
        let missing = |field: String, text: &LocalizedText| {
            language
                .as_ref()
                .filter(|language| !text.has(language))
                .map(|language| FormDefinitionError::MissingDefaultLanguage {
                    field,
                    language: language.to_string(),
                })
        };
        errors.extend(missing("title".to_owned(), &spec.title));
        if !(1..=MAX_QUESTIONS).contains(&spec.questions.len()) {
            errors.push(FormDefinitionError::QuestionCount {
                count: spec.questions.len(),
            });
        }
        let mut questions: Vec<Question> = Vec::with_capacity(spec.questions.len());
        for (index, question) in spec.questions.into_iter().enumerate() {
            errors.extend(missing(
                format!("questions[{index}].prompt"),
                &question.prompt,
            ));
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
            match Slug::parse(question.id.clone()) {
                Ok(id) if questions.iter().any(|q| q.id == id) => {
                    errors.push(FormDefinitionError::DuplicateQuestionId { id: question.id });
                }
                Ok(id) => questions.push(Question {
                    id,
                    prompt: question.prompt,
                    required: question.required,
                    kind,
                }),
                Err(source) => errors.push(FormDefinitionError::InvalidQuestionId {
                    index,
                    id: question.id,
                    source,
                }),
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

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// The page or service a response is about: a URL path such as `/passports/renew`, or a
/// service name such as `passport-renewal`. 1 to [`MAX_PAGE_KEY_LEN`] characters, no control
/// characters, no leading or trailing whitespace. Compared exactly (the caller normalises
/// URLs, e.g. drops query strings, before making keys).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PageKey(String);

/// Why a string is not a [`PageKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "page must be 1 to {MAX_PAGE_KEY_LEN} characters without control characters or surrounding whitespace"
)]
pub struct PageKeyError;

impl PageKey {
    /// Checks `key` and wraps it.
    pub fn parse(key: impl Into<String>) -> Result<Self, PageKeyError> {
        let key = key.into();
        let length = key.chars().count();
        if (1..=MAX_PAGE_KEY_LEN).contains(&length)
            && !key.chars().any(char::is_control)
            && key.trim() == key
        {
            Ok(Self(key))
        } else {
            Err(PageKeyError)
        }
    }

    /// The key as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PageKey {
    type Error = PageKeyError;
    fn try_from(key: String) -> Result<Self, Self::Error> {
        Self::parse(key)
    }
}

impl From<PageKey> for String {
    fn from(key: PageKey) -> Self {
        key.0
    }
}

impl std::borrow::Borrow<str> for PageKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A response as submitted, unchecked.
///
/// JSON: `{"page": "/passports/renew", "answers": [{"question": "useful", "answer":
/// {"useful": {"useful": false, "reasons": ["outdated"], "comment": "…"}}}, {"question":
/// "csat", "answer": {"csat": 4}}, {"question": "nps", "answer": {"nps": 9}}, {"question":
/// "topic", "answer": {"choice": "fees"}}, {"question": "more", "answer": {"text": "…"}}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FeedbackSubmission {
    /// The page or service key, see [`PageKey`].
    pub page: String,
    /// The answers, at most one per question.
    pub answers: Vec<AnswerSubmission>,
}

/// One answer of a [`FeedbackSubmission`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerSubmission {
    /// The question's id.
    pub question: String,
    /// The answer.
    pub answer: AnswerInput,
}

/// An unchecked answer, tagged by kind: `{"useful": {...}}`, `{"csat": 4}`, `{"nps": 9}`,
/// `{"choice": "id"}` or `{"text": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnswerInput {
    /// For a `useful` question.
    Useful(UsefulInput),
    /// For a `csat` question: 1–5.
    Csat(i64),
    /// For an `nps` question: 0–10.
    Nps(i64),
    /// For a `single_choice` question: the option's id.
    Choice(String),
    /// For a `free_text` question.
    Text(String),
}

impl AnswerInput {
    fn kind_name(&self) -> &'static str {
        match self {
            Self::Useful(_) => "useful",
            Self::Csat(_) => "csat",
            Self::Nps(_) => "nps",
            Self::Choice(_) => "single_choice",
            Self::Text(_) => "free_text",
        }
    }
}

/// The answer to a `useful` question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UsefulInput {
    /// Yes (`true`) or no.
    pub useful: bool,
    /// Ids of "what went wrong" reasons; only with a "no".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// The comment, if the question has a comment box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A checked answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The question answered.
    pub question: Slug,
    /// The answer.
    pub value: AnswerValue,
}

/// The checked value of an [`Answer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    /// To a `useful` question.
    Useful {
        /// Yes or no.
        useful: bool,
        /// Reasons (only with a "no"), distinct, in the order given.
        reasons: Vec<OptionId>,
        /// The comment, if any.
        comment: Option<String>,
    },
    /// To a `csat` question: 1–5.
    Csat(u8),
    /// To an `nps` question: 0–10.
    Nps(u8),
    /// To a `single_choice` question.
    Choice(OptionId),
    /// To a `free_text` question.
    Text(String),
}

/// A valid response: built only by [`FeedbackForm::validate_response`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackResponse {
    form: Slug,
    page: PageKey,
    submitted_at: OffsetDateTime,
    answers: Vec<Answer>,
}

impl FeedbackResponse {
    /// The form answered.
    pub fn form(&self) -> &Slug {
        &self.form
    }

    /// The page or service the response is about.
    pub fn page(&self) -> &PageKey {
        &self.page
    }

    /// When it was submitted (as given to [`FeedbackForm::validate_response`]).
    pub fn submitted_at(&self) -> OffsetDateTime {
        self.submitted_at
    }

    /// The answers, in the order given.
    pub fn answers(&self) -> &[Answer] {
        &self.answers
    }
}

/// One problem with a response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// The page key is malformed.
    #[error(transparent)]
    InvalidPageKey(#[from] PageKeyError),
    /// An answer names a question the form does not have.
    #[error("the form has no question {question:?}")]
    UnknownQuestion {
        /// The id as submitted.
        question: String,
    },
    /// A question is answered twice.
    #[error("question {question:?} is answered more than once")]
    DuplicateAnswer {
        /// The question.
        question: String,
    },
    /// An answer is of another kind than its question.
    #[error("question {question:?} takes a {expected} answer, not {given}")]
    WrongAnswerType {
        /// The question.
        question: String,
        /// The question's kind.
        expected: &'static str,
        /// The answer's kind.
        given: &'static str,
    },
    /// A rating is off its scale.
    #[error("question {question:?} takes {min} to {max}; got {value}")]
    OutOfRange {
        /// The question.
        question: String,
        /// The rating given.
        value: i64,
        /// Lowest allowed.
        min: u8,
        /// Highest allowed.
        max: u8,
    },
    /// A choice or reason names no option of the question.
    #[error("question {question:?} has no choice {id:?}")]
    UnknownChoice {
        /// The question.
        question: String,
        /// The id as submitted.
        id: String,
    },
    /// A reason is given twice.
    #[error("question {question:?}: reason {id:?} is given more than once")]
    DuplicateReason {
        /// The question.
        question: String,
        /// The repeated id.
        id: String,
    },
    /// Reasons are given with a "yes".
    #[error("question {question:?}: reasons go with a \"no\" only")]
    ReasonsWithYes {
        /// The question.
        question: String,
    },
    /// A comment is given where the question has no comment box.
    #[error("question {question:?} takes no comment")]
    CommentNotAsked {
        /// The question.
        question: String,
    },
    /// A text is over its limit.
    #[error("question {question:?}: the text is {length} characters; the limit is {max}")]
    TextTooLong {
        /// The question.
        question: String,
        /// The text's length in characters.
        length: usize,
        /// The limit.
        max: u32,
    },
    /// A text is empty or only whitespace.
    #[error("question {question:?}: the text is blank")]
    BlankText {
        /// The question.
        question: String,
    },
    /// A required question is not answered.
    #[error("question {question:?} must be answered")]
    MissingAnswer {
        /// The question.
        question: String,
    },
    /// The response answers nothing.
    #[error("a response must answer at least one question")]
    NoAnswers,
}

impl ResponseError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidPageKey(_) => ErrorCode::InvalidPageKey,
            Self::UnknownQuestion { .. } => ErrorCode::UnknownQuestion,
            Self::DuplicateAnswer { .. } => ErrorCode::DuplicateAnswer,
            Self::WrongAnswerType { .. } => ErrorCode::AnswerTypeMismatch,
            Self::OutOfRange { .. } => ErrorCode::AnswerOutOfRange,
            Self::UnknownChoice { .. } => ErrorCode::UnknownOption,
            Self::DuplicateReason { .. } => ErrorCode::DuplicateSelection,
            Self::ReasonsWithYes { .. } | Self::CommentNotAsked { .. } => {
                ErrorCode::AnswerPartNotAsked
            }
            Self::TextTooLong { .. } => ErrorCode::TextTooLong,
            Self::BlankText { .. } => ErrorCode::BlankText,
            Self::MissingAnswer { .. } | Self::NoAnswers => ErrorCode::MissingAnswer,
        }
    }
}

/// Every problem found in a response, in a stable order (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseErrors(Vec<ResponseError>);

impl ResponseErrors {
    /// The problems: the page key, then each answer in the order given, then unanswered
    /// required questions in form order.
    pub fn errors(&self) -> &[ResponseError] {
        &self.0
    }

    /// The first problem's code.
    pub fn primary_code(&self) -> ErrorCode {
        self.0
            .first()
            .map_or(ErrorCode::InvalidRequest, ResponseError::code)
    }
}

impl fmt::Display for ResponseErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for ResponseErrors {}

/// Checks a text against a limit; `None` when it breaks a rule (the error is pushed).
fn check_text(
    question: &str,
    text: &str,
    max: u32,
    errors: &mut Vec<ResponseError>,
) -> Option<String> {
    let length = text.chars().count();
    if text.trim().is_empty() {
        errors.push(ResponseError::BlankText {
            question: question.to_owned(),
        });
        None
    } else if length > max as usize {
        errors.push(ResponseError::TextTooLong {
            question: question.to_owned(),
            length,
            max,
        });
        None
    } else {
        Some(text.to_owned())
    }
}

fn check_rating(
    question: &str,
    value: i64,
    (min, max): (u8, u8),
    errors: &mut Vec<ResponseError>,
) -> Option<u8> {
    match u8::try_from(value) {
        Ok(v) if (min..=max).contains(&v) => Some(v),
        _ => {
            errors.push(ResponseError::OutOfRange {
                question: question.to_owned(),
                value,
                min,
                max,
            });
            None
        }
    }
}

fn find_choice<'a>(choices: &'a [PollOption], id: &str) -> Option<&'a PollOption> {
    choices.iter().find(|c| c.id.as_str() == id)
}

impl FeedbackForm {
    /// Checks `submission` against this form and reports every problem; `submitted_at` is
    /// recorded on the response (the core reads no clock).
    pub fn validate_response(
        &self,
        submission: &FeedbackSubmission,
        submitted_at: OffsetDateTime,
    ) -> Result<FeedbackResponse, ResponseErrors> {
        let mut errors = Vec::new();
        let page = PageKey::parse(submission.page.as_str())
            .map_err(|e| errors.push(e.into()))
            .ok();
        let mut answers: Vec<Answer> = Vec::with_capacity(submission.answers.len());
        let mut answered: Vec<&str> = Vec::with_capacity(submission.answers.len());
        for submitted in &submission.answers {
            let id = submitted.question.as_str();
            let Some(question) = self.question(id) else {
                errors.push(ResponseError::UnknownQuestion {
                    question: id.to_owned(),
                });
                continue;
            };
            if answered.contains(&id) {
                errors.push(ResponseError::DuplicateAnswer {
                    question: id.to_owned(),
                });
                continue;
            }
            answered.push(id);
            if let Some(value) = self.check_answer(question, &submitted.answer, &mut errors) {
                answers.push(Answer {
                    question: question.id.clone(),
                    value,
                });
            }
        }
        for question in &self.questions {
            if question.required && !answered.contains(&question.id.as_str()) {
                errors.push(ResponseError::MissingAnswer {
                    question: question.id.as_str().to_owned(),
                });
            }
        }
        if submission.answers.is_empty() && errors.is_empty() {
            errors.push(ResponseError::NoAnswers);
        }
        match page {
            Some(page) if errors.is_empty() => Ok(FeedbackResponse {
                form: self.slug.clone(),
                page,
                submitted_at,
                answers,
            }),
            _ => Err(ResponseErrors(errors)),
        }
    }

    fn check_answer(
        &self,
        question: &Question,
        answer: &AnswerInput,
        errors: &mut Vec<ResponseError>,
    ) -> Option<AnswerValue> {
        let id = question.id.as_str();
        let before = errors.len();
        let value = match (&question.kind, answer) {
            (
                QuestionKind::Useful {
                    reasons: offered,
                    comment_max_len,
                },
                AnswerInput::Useful(input),
            ) => {
                if input.useful && !input.reasons.is_empty() {
                    errors.push(ResponseError::ReasonsWithYes {
                        question: id.to_owned(),
                    });
                }
                let mut reasons: Vec<OptionId> = Vec::with_capacity(input.reasons.len());
                for reason in &input.reasons {
                    match find_choice(offered, reason) {
                        None => errors.push(ResponseError::UnknownChoice {
                            question: id.to_owned(),
                            id: reason.clone(),
                        }),
                        Some(choice) if reasons.contains(&choice.id) => {
                            errors.push(ResponseError::DuplicateReason {
                                question: id.to_owned(),
                                id: reason.clone(),
                            })
                        }
                        Some(choice) => reasons.push(choice.id.clone()),
                    }
                }
                let comment = match (&input.comment, comment_max_len) {
                    (None, _) => None,
                    (Some(_), None) => {
                        errors.push(ResponseError::CommentNotAsked {
                            question: id.to_owned(),
                        });
                        None
                    }
                    (Some(text), Some(max)) => check_text(id, text, *max, errors),
                };
                AnswerValue::Useful {
                    useful: input.useful,
                    reasons,
                    comment,
                }
            }
            (QuestionKind::Csat, AnswerInput::Csat(value)) => {
                AnswerValue::Csat(check_rating(id, *value, (1, 5), errors)?)
            }
            (QuestionKind::Nps, AnswerInput::Nps(value)) => {
                AnswerValue::Nps(check_rating(id, *value, (0, 10), errors)?)
            }
            (QuestionKind::SingleChoice { options }, AnswerInput::Choice(choice)) => {
                match find_choice(options, choice) {
                    Some(option) => AnswerValue::Choice(option.id.clone()),
                    None => {
                        errors.push(ResponseError::UnknownChoice {
                            question: id.to_owned(),
                            id: choice.clone(),
                        });
                        return None;
                    }
                }
            }
            (QuestionKind::FreeText { max_len }, AnswerInput::Text(text)) => {
                AnswerValue::Text(check_text(id, text, *max_len, errors)?)
            }
            (kind, answer) => {
                errors.push(ResponseError::WrongAnswerType {
                    question: id.to_owned(),
                    expected: kind.name(),
                    given: answer.kind_name(),
                });
                return None;
            }
        };
        (errors.len() == before).then_some(value)
    }
}

// ---------------------------------------------------------------------------------------------
// Aggregates
// ---------------------------------------------------------------------------------------------

/// A count for one choice or reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChoiceCount {
    /// The choice.
    pub id: OptionId,
    /// How many answers picked it.
    pub count: u64,
}

/// Counts for a `useful` question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UsefulCounts {
    /// "Yes" answers.
    pub yes: u64,
    /// "No" answers.
    pub no: u64,
    /// How often each reason was given, in the question's order.
    pub reasons: Vec<ChoiceCount>,
    /// Answers with a comment.
    pub comments: u64,
}

impl UsefulCounts {
    /// The share of "yes" among all yes/no answers with its Wilson interval; `None` without
    /// answers.
    pub fn useful_share(&self, confidence: Confidence) -> Option<Proportion> {
        wilson_interval(self.yes, self.yes.saturating_add(self.no), confidence)
    }
}

/// Counts for a `csat` question: `distribution[i]` answers scored `i + 1`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CsatCounts {
    /// Answers per score 1–5.
    pub distribution: [u64; 5],
}

impl CsatCounts {
    /// All answers.
    pub fn count(&self) -> u64 {
        self.distribution.iter().sum()
    }

    /// Answers of 4 or 5.
    pub fn satisfied(&self) -> u64 {
        self.distribution[3] + self.distribution[4]
    }

    /// The CSAT share (answers of 4 or 5 over all answers) with its Wilson interval; CSAT %
    /// is this times 100. `None` without answers.
    pub fn csat(&self, confidence: Confidence) -> Option<Proportion> {
        wilson_interval(self.satisfied(), self.count(), confidence)
    }

    /// The exact mean score; `None` without answers.
    pub fn mean(&self) -> Option<Ratio> {
        DistributionSummary::of(1, &self.distribution).mean
    }

    /// The exact median score (midpoint rule of [`crate::score`]); `None` without answers.
    pub fn median(&self) -> Option<Ratio> {
        DistributionSummary::of(1, &self.distribution).median
    }
}

/// Counts for an `nps` question: `distribution[i]` answers scored `i`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NpsCounts {
    /// Answers per score 0–10.
    pub distribution: [u64; 11],
}

impl NpsCounts {
    /// All answers.
    pub fn count(&self) -> u64 {
        self.distribution.iter().sum()
    }

    /// Answers of 9 or 10.
    pub fn promoters(&self) -> u64 {
        self.distribution[9..].iter().sum()
    }

    /// Answers of 7 or 8.
    pub fn passives(&self) -> u64 {
        self.distribution[7..9].iter().sum()
    }

    /// Answers of 0 to 6.
    pub fn detractors(&self) -> u64 {
        self.distribution[..7].iter().sum()
    }

    /// The NPS with its interval; `None` without answers.
    pub fn score(&self, confidence: Confidence) -> Option<NpsScore> {
        nps_interval(
            self.promoters(),
            self.passives(),
            self.detractors(),
            confidence,
        )
    }

    /// The exact mean score; `None` without answers.
    pub fn mean(&self) -> Option<Ratio> {
        DistributionSummary::of(0, &self.distribution).mean
    }
}

/// Counts for a `single_choice` question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChoiceCounts {
    /// Each option's count, in the question's order.
    pub options: Vec<ChoiceCount>,
}

impl ChoiceCounts {
    /// All answers.
    pub fn count(&self) -> u64 {
        self.options.iter().map(|o| o.count).sum()
    }

    /// The share of the option with this id among all answers, with its Wilson interval;
    /// `None` for an unknown option or without answers.
    pub fn share(&self, id: &str, confidence: Confidence) -> Option<Proportion> {
        let option = self.options.iter().find(|o| o.id.as_str() == id)?;
        wilson_interval(option.count, self.count(), confidence)
    }
}

/// The counts of one question, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionCounts {
    /// A `useful` question.
    Useful(UsefulCounts),
    /// A `csat` question.
    Csat(CsatCounts),
    /// An `nps` question.
    Nps(NpsCounts),
    /// A `single_choice` question.
    SingleChoice(ChoiceCounts),
    /// A `free_text` question (only the number answered is kept).
    FreeText,
}

/// The aggregate of one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QuestionAggregate {
    /// The question.
    pub id: Slug,
    /// Responses that answered it.
    pub answered: u64,
    /// The counts for its kind.
    pub counts: QuestionCounts,
}

/// A response that cannot go into this aggregate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FeedbackTallyError {
    /// The response was validated against another form.
    #[error("response to form {response_form} given to the aggregate of form {aggregate_form}")]
    WrongForm {
        /// The aggregate's form.
        aggregate_form: Slug,
        /// The response's form.
        response_form: Slug,
    },
    /// The response does not fit this form's questions (the form changed since).
    #[error("the answer to question {question} does not fit form {form}")]
    AnswerDoesNotFit {
        /// The form.
        form: Slug,
        /// The question.
        question: Slug,
    },
}

/// Running counts of the responses to one form; add responses with
/// [`FeedbackAggregate::record`]. Serialises for publication; it is built only by counting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeedbackAggregate {
    form: Slug,
    responses: u64,
    questions: Vec<QuestionAggregate>,
}

fn zero_counts(choices: &[PollOption]) -> Vec<ChoiceCount> {
    choices
        .iter()
        .map(|c| ChoiceCount {
            id: c.id.clone(),
            count: 0,
        })
        .collect()
}

/// The position of `id` in `counts`.
fn position(counts: &[ChoiceCount], id: &OptionId) -> Option<usize> {
    counts.iter().position(|c| c.id == *id)
}

impl FeedbackAggregate {
    /// An empty aggregate for `form`.
    pub fn new(form: &FeedbackForm) -> Self {
        let questions = form
            .questions
            .iter()
            .map(|q| QuestionAggregate {
                id: q.id.clone(),
                answered: 0,
                counts: match &q.kind {
                    QuestionKind::Useful { reasons, .. } => QuestionCounts::Useful(UsefulCounts {
                        yes: 0,
                        no: 0,
                        reasons: zero_counts(reasons),
                        comments: 0,
                    }),
                    QuestionKind::Csat => QuestionCounts::Csat(CsatCounts::default()),
                    QuestionKind::Nps => QuestionCounts::Nps(NpsCounts::default()),
                    QuestionKind::SingleChoice { options } => {
                        QuestionCounts::SingleChoice(ChoiceCounts {
                            options: zero_counts(options),
                        })
                    }
                    QuestionKind::FreeText { .. } => QuestionCounts::FreeText,
                },
            })
            .collect();
        Self {
            form: form.slug.clone(),
            responses: 0,
            questions,
        }
    }

    /// Adds one response. Nothing is counted if it is rejected.
    pub fn record(&mut self, response: &FeedbackResponse) -> Result<(), FeedbackTallyError> {
        let slots = self.plan(response)?;
        self.apply(response, slots);
        Ok(())
    }

    /// Checks every answer of `response` against this aggregate and says where each goes, so
    /// that a rejected response changes nothing.
    fn plan(
        &self,
        response: &FeedbackResponse,
    ) -> Result<Vec<(usize, Vec<usize>)>, FeedbackTallyError> {
        if response.form != self.form {
            return Err(FeedbackTallyError::WrongForm {
                aggregate_form: self.form.clone(),
                response_form: response.form.clone(),
            });
        }
        response
            .answers
            .iter()
            .map(|answer| {
                self.slot_for(answer)
                    .ok_or_else(|| FeedbackTallyError::AnswerDoesNotFit {
                        form: self.form.clone(),
                        question: answer.question.clone(),
                    })
            })
            .collect()
    }

    fn apply(&mut self, response: &FeedbackResponse, slots: Vec<(usize, Vec<usize>)>) {
        for (answer, (index, positions)) in response.answers.iter().zip(slots) {
            let aggregate = &mut self.questions[index];
            aggregate.answered += 1;
            match (&mut aggregate.counts, &answer.value) {
                (
                    QuestionCounts::Useful(counts),
                    AnswerValue::Useful {
                        useful, comment, ..
                    },
                ) => {
                    if *useful {
                        counts.yes += 1;
                    } else {
                        counts.no += 1;
                    }
                    for position in positions {
                        counts.reasons[position].count += 1;
                    }
                    counts.comments += u64::from(comment.is_some());
                }
                (QuestionCounts::Csat(counts), AnswerValue::Csat(score)) => {
                    counts.distribution[usize::from(*score - 1)] += 1;
                }
                (QuestionCounts::Nps(counts), AnswerValue::Nps(score)) => {
                    counts.distribution[usize::from(*score)] += 1;
                }
                (QuestionCounts::SingleChoice(counts), AnswerValue::Choice(_)) => {
                    for position in positions {
                        counts.options[position].count += 1;
                    }
                }
                _ => {}
            }
        }
        self.responses += 1;
    }

    /// Where an answer goes: the question's index and the positions of its choices or
    /// reasons; `None` when it does not fit.
    fn slot_for(&self, answer: &Answer) -> Option<(usize, Vec<usize>)> {
        let index = self
            .questions
            .iter()
            .position(|q| q.id == answer.question)?;
        let positions = match (&self.questions[index].counts, &answer.value) {
            (QuestionCounts::Useful(counts), AnswerValue::Useful { reasons, .. }) => reasons
                .iter()
                .map(|r| position(&counts.reasons, r))
                .collect::<Option<Vec<_>>>()?,
            (QuestionCounts::Csat(_), AnswerValue::Csat(score)) if (1..=5).contains(score) => {
                Vec::new()
            }
            (QuestionCounts::Nps(_), AnswerValue::Nps(score)) if *score <= 10 => Vec::new(),
            (QuestionCounts::SingleChoice(counts), AnswerValue::Choice(id)) => {
                vec![position(&counts.options, id)?]
            }
            (QuestionCounts::FreeText, AnswerValue::Text(_)) => Vec::new(),
            _ => return None,
        };
        Some((index, positions))
    }

    /// The form counted.
    pub fn form(&self) -> &Slug {
        &self.form
    }

    /// Responses recorded.
    pub fn responses(&self) -> u64 {
        self.responses
    }

    /// Per-question aggregates, in form order.
    pub fn questions(&self) -> &[QuestionAggregate] {
        &self.questions
    }

    /// The aggregate of the question with this id.
    pub fn question(&self, id: &str) -> Option<&QuestionAggregate> {
        self.questions.iter().find(|q| q.id.as_str() == id)
    }

    /// The counts of a `useful` question; `None` if there is no such question of that kind.
    pub fn useful(&self, id: &str) -> Option<&UsefulCounts> {
        match &self.question(id)?.counts {
            QuestionCounts::Useful(counts) => Some(counts),
            _ => None,
        }
    }

    /// The counts of a `csat` question; `None` if there is no such question of that kind.
    pub fn csat(&self, id: &str) -> Option<&CsatCounts> {
        match &self.question(id)?.counts {
            QuestionCounts::Csat(counts) => Some(counts),
            _ => None,
        }
    }

    /// The counts of an `nps` question; `None` if there is no such question of that kind.
    pub fn nps(&self, id: &str) -> Option<&NpsCounts> {
        match &self.question(id)?.counts {
            QuestionCounts::Nps(counts) => Some(counts),
            _ => None,
        }
    }

    /// The counts of a `single_choice` question; `None` if there is no such question of that
    /// kind.
    pub fn single_choice(&self, id: &str) -> Option<&ChoiceCounts> {
        match &self.question(id)?.counts {
            QuestionCounts::SingleChoice(counts) => Some(counts),
            _ => None,
        }
    }
}

/// One aggregate per page or service key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageGroups {
    empty: FeedbackAggregate,
    groups: BTreeMap<PageKey, FeedbackAggregate>,
}

impl PageGroups {
    /// No groups yet, for `form`.
    pub fn new(form: &FeedbackForm) -> Self {
        Self {
            empty: FeedbackAggregate::new(form),
            groups: BTreeMap::new(),
        }
    }

    /// Adds a response to its page's aggregate. Nothing is counted if it is rejected.
    pub fn record(&mut self, response: &FeedbackResponse) -> Result<(), FeedbackTallyError> {
        // Check against the empty aggregate first so a rejected response creates no group.
        let slots = self.empty.plan(response)?;
        self.groups
            .entry(response.page.clone())
            .or_insert_with(|| self.empty.clone())
            .apply(response, slots);
        Ok(())
    }

    /// The aggregates by page key, in key order (pages without responses are absent).
    pub fn groups(&self) -> &BTreeMap<PageKey, FeedbackAggregate> {
        &self.groups
    }

    /// The aggregate of one page, if it has responses.
    pub fn get(&self, page: &str) -> Option<&FeedbackAggregate> {
        self.groups.get(page)
    }
}

/// Why period boundaries are unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PeriodBoundariesError {
    /// Fewer than two boundaries make no period.
    #[error("give at least 2 period boundaries; got {count}")]
    TooFew {
        /// How many were given.
        count: usize,
    },
    /// The boundaries must strictly increase.
    #[error("period boundary {index} is not after boundary {}", index - 1)]
    NotIncreasing {
        /// Position of the first boundary that is not after its predecessor.
        index: usize,
    },
}

/// One period of a [`PeriodGroups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period<'a> {
    /// Start of the period (inclusive).
    pub start: OffsetDateTime,
    /// End of the period (exclusive).
    pub end: OffsetDateTime,
    /// The responses submitted in `[start, end)`.
    pub aggregate: &'a FeedbackAggregate,
}

/// One aggregate per period between caller-given boundaries (rules in the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodGroups {
    boundaries: Vec<OffsetDateTime>,
    periods: Vec<FeedbackAggregate>,
    before: u64,
    after: u64,
}

impl PeriodGroups {
    /// Periods `[b0, b1), [b1, b2), …` for `form`; the boundaries must strictly increase.
    pub fn new(
        form: &FeedbackForm,
        boundaries: Vec<OffsetDateTime>,
    ) -> Result<Self, PeriodBoundariesError> {
        if boundaries.len() < 2 {
            return Err(PeriodBoundariesError::TooFew {
                count: boundaries.len(),
            });
        }
        if let Some(index) = (1..boundaries.len()).find(|&i| boundaries[i] <= boundaries[i - 1]) {
            return Err(PeriodBoundariesError::NotIncreasing { index });
        }
        Ok(Self {
            periods: vec![FeedbackAggregate::new(form); boundaries.len() - 1],
            boundaries,
            before: 0,
            after: 0,
        })
    }

    /// Adds a response to the aggregate of the period it was submitted in, or to the count of
    /// responses outside every period. Nothing is counted if it is rejected.
    pub fn record(&mut self, response: &FeedbackResponse) -> Result<(), FeedbackTallyError> {
        // Every period aggregate has the same form and questions; check against the first, so
        // a response outside every period is checked too.
        let slots = match self.periods.first() {
            Some(first) => first.plan(response)?,
            None => Vec::new(),
        };
        let at = response.submitted_at;
        // Number of boundaries at or before `at`: 0 means before the first.
        let passed = self.boundaries.partition_point(|&b| b <= at);
        match passed {
            0 => self.before += 1,
            n if n == self.boundaries.len() => self.after += 1,
            n => self.periods[n - 1].apply(response, slots),
        }
        Ok(())
    }

    /// The periods in time order.
    pub fn periods(&self) -> impl Iterator<Item = Period<'_>> {
        self.boundaries
            .windows(2)
            .zip(&self.periods)
            .map(|(bounds, aggregate)| Period {
                start: bounds[0],
                end: bounds[1],
                aggregate,
            })
    }

    /// Responses submitted before the first boundary.
    pub fn before_first(&self) -> u64 {
        self.before
    }

    /// Responses submitted at or after the last boundary.
    pub fn at_or_after_last(&self) -> u64 {
        self.after
    }
}

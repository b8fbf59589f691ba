//! Feedback forms on the wire: the form as citizens see it, a response, its receipt and the
//! results.
//!
//! | request | success body |
//! |---|---|
//! | `GET /api/v1/feedback/{slug}` | [`FeedbackFormView`] |
//! | `POST /api/v1/feedback/{slug}/responses` with [`FeedbackResponseSubmission`] | `201` [`FeedbackReceipt`] |
//! | `GET /api/v1/feedback/{slug}/results` | [`FeedbackResults`] |

use serde::{Deserialize, Serialize};

use crate::feedback::{
    AnswerSubmission, Confidence, FeedbackAggregate, FeedbackForm, FeedbackFormSpec, NpsScore,
    Proportion, QuestionCounts, QuestionSpec,
};
use crate::slug::{OptionId, Slug};
use crate::text::{LanguageTag, LocalizedText};
use crate::text_safety::RedactionCounts;

/// A feedback form as citizens see it: `GET /api/v1/feedback/{slug}`. The questions have the
/// shape of the form definition ([`QuestionSpec`]).
///
/// ```json
/// {"slug": "water-page-feedback", "default_language": "en",
///  "title": {"en": "Help us improve this page"},
///  "questions": [{"id": "useful", "prompt": {"en": "Is this page useful?"}, "required": true,
///                 "kind": {"type": "useful", "reasons": […], "comment_max_len": 500}},
///                {"id": "satisfaction", "prompt": {…}, "required": false, "kind": {"type": "csat"}}]}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeedbackFormView {
    /// The form's identifier.
    pub slug: Slug,
    /// The language every text has.
    pub default_language: LanguageTag,
    /// The form's heading.
    pub title: LocalizedText,
    /// The questions, in display order.
    pub questions: Vec<QuestionSpec>,
}

impl FeedbackFormView {
    /// The citizen-facing view of `form`.
    pub fn new(form: &FeedbackForm) -> Self {
        let spec = FeedbackFormSpec::from(form.clone());
        Self {
            slug: form.slug().clone(),
            default_language: form.default_language().clone(),
            title: spec.title,
            questions: spec.questions,
        }
    }
}

/// A citizen's feedback: the body of `POST /api/v1/feedback/{slug}/responses`.
///
/// ```json
/// {"page_path": "/water/tariffs", "page_title": "Water tariffs",
///  "answers": [{"question": "useful", "answer": {"useful": {"useful": false,
///               "reasons": ["outdated"], "comment": "The fees table is from 2019"}}}]}
/// ```
///
/// `page_path` is the path of the page the form sits on; a query string or fragment is cut off
/// by the server before anything is stored. `honeypot` is a field people never see: a client
/// sends it empty or leaves it out, and a response that fills it is answered as if stored and
/// then dropped. Unknown fields are rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FeedbackResponseSubmission {
    /// The page's path, e.g. `/water/tariffs`.
    pub page_path: String,
    /// The page's title, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_title: Option<String>,
    /// The answers, at most one per question.
    pub answers: Vec<AnswerSubmission>,
    /// The anti-spam field that people leave empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honeypot: Option<String>,
}

/// The answer to an accepted response (`201 Created`), sent once it is durably stored. It says
/// what was removed from the free text before storing it.
///
/// ```json
/// {"form": "water-page-feedback", "personal_details_removed": 1,
///  "redactions": {"email": 1, "phone": 0, "card": 0, "id": 0}}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeedbackReceipt {
    /// The form answered.
    pub form: Slug,
    /// How many personal details (e-mail addresses, phone numbers, card and ID numbers) were
    /// replaced by placeholders in the free text.
    pub personal_details_removed: u64,
    /// The same, by kind.
    pub redactions: RedactionCounts,
}

/// The results of a form: `GET /api/v1/feedback/{slug}/results`. Shares and their intervals
/// are fractions of 1 with 95 % Wilson intervals; the NPS is in points with the interval
/// described in [`crate::feedback`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeedbackResults {
    /// The form counted.
    pub form: Slug,
    /// Responses counted.
    pub responses: u64,
    /// Per question, in the form's order.
    pub questions: Vec<FeedbackQuestionResults>,
}

/// The results of one question, tagged by kind: `{"type": "csat", "id": "satisfaction",
/// "answered": 12, …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedbackQuestionResults {
    /// "Is this page useful?"
    Useful {
        /// The question.
        id: Slug,
        /// Responses that answered it.
        answered: u64,
        /// "Yes" answers.
        yes: u64,
        /// "No" answers.
        no: u64,
        /// The share of "yes"; absent without answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        useful_share: Option<Proportion>,
        /// How often each "what went wrong" reason was given, with its share of the "no"s.
        reasons: Vec<ChoiceResult>,
        /// Answers with a comment.
        comments: u64,
    },
    /// Satisfaction 1–5.
    Csat {
        /// The question.
        id: Slug,
        /// Responses that answered it.
        answered: u64,
        /// Answers per score 1–5.
        distribution: [u64; 5],
        /// The CSAT share (answers of 4 or 5); CSAT % is 100 times its estimate. Absent
        /// without answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        csat: Option<Proportion>,
    },
    /// Likelihood to recommend 0–10.
    Nps {
        /// The question.
        id: Slug,
        /// Responses that answered it.
        answered: u64,
        /// Answers per score 0–10.
        distribution: [u64; 11],
        /// The Net Promoter Score; absent without answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nps: Option<NpsScore>,
    },
    /// One of several options.
    SingleChoice {
        /// The question.
        id: Slug,
        /// Responses that answered it.
        answered: u64,
        /// Each option's count and share.
        options: Vec<ChoiceResult>,
    },
    /// Free text: only how many answered (texts are read by officials, not published here).
    FreeText {
        /// The question.
        id: Slug,
        /// Responses that answered it.
        answered: u64,
    },
}

/// One option's or reason's count: `{"id": "outdated", "count": 3, "share": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChoiceResult {
    /// The option or reason.
    pub id: OptionId,
    /// How many answers picked it.
    pub count: u64,
    /// Its share of the answers that could pick it; absent without answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Proportion>,
}

impl FeedbackResults {
    /// The wire form of `aggregate`, with intervals at `confidence`.
    pub fn new(aggregate: &FeedbackAggregate, confidence: Confidence) -> Self {
        let choices = |counts: &[crate::feedback::ChoiceCount], of: u64| {
            counts
                .iter()
                .map(|c| ChoiceResult {
                    id: c.id.clone(),
                    count: c.count,
                    share: crate::feedback::wilson_interval(c.count, of, confidence),
                })
                .collect()
        };
        let questions = aggregate
            .questions()
            .iter()
            .map(|question| {
                let (id, answered) = (question.id.clone(), question.answered);
                match &question.counts {
                    QuestionCounts::Useful(counts) => FeedbackQuestionResults::Useful {
                        id,
                        answered,
                        yes: counts.yes,
                        no: counts.no,
                        useful_share: counts.useful_share(confidence),
                        reasons: choices(&counts.reasons, counts.no),
                        comments: counts.comments,
                    },
                    QuestionCounts::Csat(counts) => FeedbackQuestionResults::Csat {
                        id,
                        answered,
                        distribution: counts.distribution,
                        csat: counts.csat(confidence),
                    },
                    QuestionCounts::Nps(counts) => FeedbackQuestionResults::Nps {
                        id,
                        answered,
                        distribution: counts.distribution,
                        nps: counts.score(confidence),
                    },
                    QuestionCounts::SingleChoice(counts) => FeedbackQuestionResults::SingleChoice {
                        id,
                        answered,
                        options: choices(&counts.options, counts.count()),
                    },
                    QuestionCounts::FreeText => FeedbackQuestionResults::FreeText { id, answered },
                }
            })
            .collect();
        Self {
            form: aggregate.form().clone(),
            responses: aggregate.responses(),
            questions,
        }
    }
}

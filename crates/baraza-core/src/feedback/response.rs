//! Responses: answers checked against a form.

#[allow(
    clippy::wildcard_imports,
    reason = "one module split in files: the imports and items of the parent are shared"
)]
use super::*;

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
    pub(super) form: Slug,
    pub(super) page: PageKey,
    pub(super) submitted_at: OffsetDateTime,
    pub(super) answers: Vec<Answer>,
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

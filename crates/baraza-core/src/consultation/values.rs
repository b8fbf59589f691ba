//! Small value types: ids and texts of sections, comments and participants.

#[allow(
    clippy::wildcard_imports,
    reason = "one module split in files: the imports and items of the parent are shared"
)]
use super::*;

/// The stable id of a section, with the rules of [`Slug`] (e.g. `fares`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct SectionId(Slug);

impl SectionId {
    /// Checks `text` and wraps it.
    pub fn parse(text: impl Into<String>) -> Result<Self, SlugError> {
        Slug::parse(text).map(Self)
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for SectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who acts: an opaque id from the caller's sign-in or device system, 1 to
/// [`MAX_PARTICIPANT_ID_LEN`] printable ASCII characters without spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ParticipantId(String);

/// Why a string is not a [`ParticipantId`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "participant id must be 1 to {MAX_PARTICIPANT_ID_LEN} printable ASCII characters without spaces"
)]
pub struct ParticipantIdError;

impl ParticipantId {
    /// Checks `id` and wraps it.
    pub fn parse(id: impl Into<String>) -> Result<Self, ParticipantIdError> {
        let id = id.into();
        if (1..=MAX_PARTICIPANT_ID_LEN).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_graphic())
        {
            Ok(Self(id))
        } else {
            Err(ParticipantIdError)
        }
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ParticipantId {
    type Error = ParticipantIdError;
    fn try_from(id: String) -> Result<Self, Self::Error> {
        Self::parse(id)
    }
}

impl From<ParticipantId> for String {
    fn from(id: ParticipantId) -> Self {
        id.0
    }
}

/// A comment's number within its consultation, assigned in order from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct CommentId(pub u64);

impl fmt::Display for CommentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The text of a comment or reply: not blank, no control characters other than `\n`, `\r` and
/// `\t`, at most a given number of characters (Unicode scalar values). Stored as given;
/// redaction of personal data is the caller's job (see the module docs).
///
/// Deserialising checks the rules against [`MAX_COMMENT_LIMIT`]; a [`Consultation`] read back
/// from storage checks its own, possibly lower, limit as well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommentText(String);

impl TryFrom<String> for CommentText {
    type Error = CommentTextError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(text, MAX_COMMENT_LIMIT)
    }
}

impl From<CommentText> for String {
    fn from(text: CommentText) -> Self {
        text.0
    }
}

/// Why a text is not a valid [`CommentText`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommentTextError {
    /// Empty or only whitespace.
    #[error("the comment is blank")]
    Blank,
    /// Over the limit.
    #[error("the comment is {length} characters; the limit is {max}")]
    TooLong {
        /// The text's length in characters.
        length: usize,
        /// The limit.
        max: u32,
    },
    /// Contains a control character other than a line break or tab.
    #[error("the comment contains the control character U+{code:04X}")]
    ControlCharacter {
        /// The first offending character's code point.
        code: u32,
    },
}

impl CommentText {
    /// Checks `text` against the rules and the limit `max_len` (in characters).
    pub fn parse(text: impl Into<String>, max_len: u32) -> Result<Self, CommentTextError> {
        let text = text.into();
        if text.trim().is_empty() {
            return Err(CommentTextError::Blank);
        }
        if let Some(c) = text
            .chars()
            .find(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(CommentTextError::ControlCharacter { code: u32::from(c) });
        }
        let length = text.chars().count();
        if length > max_len as usize {
            return Err(CommentTextError::TooLong {
                length,
                max: max_len,
            });
        }
        Ok(Self(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a top-level comment stands on its section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// For the proposal.
    Support,
    /// Against the proposal.
    Oppose,
    /// Neither, or mixed.
    Neutral,
    /// Asks a question.
    Question,
}

/// A participant's reaction to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    /// Agrees with the comment.
    Agree,
    /// Disagrees with the comment.
    Disagree,
}

/// Why a moderator rejected a comment. Codes are stable and translated by clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RejectionReason {
    /// Advertising or bulk posting.
    Spam,
    /// Abusive, hateful or threatening.
    Offensive,
    /// Reveals personal data about someone.
    PersonalData,
    /// Not about the section.
    OffTopic,
    /// Repeats another comment.
    Duplicate,
    /// Breaks the law (e.g. defamation, incitement).
    Unlawful,
    /// Another reason, recorded outside the core.
    Other,
}

/// A comment's moderation state. JSON: `{"state": "pending"}`,
/// `{"state": "rejected", "reason": "spam"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ModerationState {
    /// Waiting for a moderator; not shown.
    Pending,
    /// Shown to the public.
    Published,
    /// Refused, finally; not shown.
    Rejected {
        /// Why.
        reason: RejectionReason,
    },
    /// Withdrawn from view after reports or by a moderator, pending review; not shown.
    Hidden,
}

impl ModerationState {
    /// Whether the public sees the comment.
    pub fn is_published(self) -> bool {
        matches!(self, Self::Published)
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Published => "published",
            Self::Rejected { .. } => "rejected",
            Self::Hidden => "hidden",
        }
    }
}

/// A moderator's step; allowed steps are in the module docs' table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ModerationAction {
    /// Show a pending comment.
    Publish,
    /// Refuse a comment for good.
    Reject {
        /// Why.
        reason: RejectionReason,
    },
    /// Withdraw a published comment from view for review.
    Hide,
    /// Show a hidden comment again, clearing its reports.
    Restore,
}

impl ModerationAction {
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::Reject { .. } => "reject",
            Self::Hide => "hide",
            Self::Restore => "restore",
        }
    }

    /// The state after this step from `from`, or `None` when the step is not allowed.
    pub fn apply_to(self, from: ModerationState) -> Option<ModerationState> {
        use ModerationState as S;
        match (from, self) {
            (S::Pending, Self::Publish) | (S::Hidden, Self::Restore) => Some(S::Published),
            (S::Pending | S::Published | S::Hidden, Self::Reject { reason }) => {
                Some(S::Rejected { reason })
            }
            (S::Published, Self::Hide) => Some(S::Hidden),
            _ => None,
        }
    }
}

//! Settings and errors.

#[allow(
    clippy::wildcard_imports,
    reason = "one module split in files: the imports and items of the parent are shared"
)]
use super::*;

/// Per-consultation rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsultationSettings {
    /// Distinct reports that hide a published comment (at least 1; default 3).
    pub hide_after_reports: u32,
    /// The longest comment, in characters (1 to [`MAX_COMMENT_LIMIT`]; default 5,000).
    pub max_comment_len: u32,
    /// Whether new comments wait for a moderator (default `true`) or are published at once.
    pub premoderation: bool,
}

impl Default for ConsultationSettings {
    fn default() -> Self {
        Self {
            hide_after_reports: 3,
            max_comment_len: 5_000,
            premoderation: true,
        }
    }
}

/// Why an operation on a consultation was refused. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsultationError {
    /// The action is not allowed in the current phase.
    #[error("cannot {action} while the consultation is {phase}")]
    WrongPhase {
        /// What was attempted.
        action: Action,
        /// The phase it was attempted in.
        phase: ConsultationPhase,
    },
    /// A lifecycle instant is earlier than the previous one.
    #[error("{action} at {now} is before the consultation's previous step at {previous}")]
    TimeBeforePreviousStep {
        /// What was attempted.
        action: Action,
        /// The instant given.
        now: OffsetDateTime,
        /// The previous step's instant.
        previous: OffsetDateTime,
    },
    /// A consultation cannot open without sections.
    #[error("a consultation needs at least one section to open")]
    NoSections,
    /// Too many sections.
    #[error("a consultation may have at most {MAX_SECTIONS} sections")]
    TooManySections,
    /// A problem every instrument's definition can have: slug, default language, a text
    /// lacking it, a section id malformed or used twice.
    #[error(transparent)]
    Definition(#[from] DefinitionProblem),
    /// A settings value is out of range.
    #[error("{field} must be {rule}; got {value}")]
    InvalidSetting {
        /// The setting.
        field: &'static str,
        /// The allowed range.
        rule: &'static str,
        /// The value given.
        value: u32,
    },
    /// No section has that id.
    #[error("there is no section {id:?}")]
    SectionNotFound {
        /// The id.
        id: String,
    },
    /// A section position is past the end.
    #[error("position {position} is past the last section ({count} sections)")]
    PositionOutOfRange {
        /// The position given (0-based).
        position: usize,
        /// The number of sections.
        count: usize,
    },
    /// No comment has that id.
    #[error("there is no comment {id}")]
    CommentNotFound {
        /// The id.
        id: CommentId,
    },
    /// The comment is a reply; replies are one level deep.
    #[error("comment {parent} is a reply and cannot be replied to")]
    ReplyToReply {
        /// The reply that was to be answered.
        parent: CommentId,
    },
    /// The comment is not published.
    #[error("comment {id} is not published")]
    CommentNotPublished {
        /// The id.
        id: CommentId,
    },
    /// The participant has reported this comment already.
    #[error("comment {id} has already been reported by this participant")]
    AlreadyReported {
        /// The id.
        id: CommentId,
    },
    /// The moderation step is not allowed from the comment's state.
    #[error("cannot {action} comment {id}: it is {from}")]
    InvalidModeration {
        /// The comment.
        id: CommentId,
        /// The step's name.
        action: &'static str,
        /// The state's name.
        from: &'static str,
    },
    /// The comment text breaks a rule.
    #[error(transparent)]
    InvalidText(#[from] CommentTextError),
    /// A stored consultation is inconsistent (only when deserialising).
    #[error("{0}")]
    InconsistentRecord(String),
}

impl ConsultationError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::WrongPhase { .. } => ErrorCode::ConsultationWrongPhase,
            Self::SectionNotFound { .. } => ErrorCode::SectionNotFound,
            // Sections are the only list with ids in a consultation.
            Self::Definition(DefinitionProblem::DuplicateId { .. }) => ErrorCode::DuplicateSection,
            Self::CommentNotFound { .. } => ErrorCode::CommentNotFound,
            Self::ReplyToReply { .. } => ErrorCode::ReplyToReply,
            Self::CommentNotPublished { .. } => ErrorCode::CommentNotPublished,
            Self::AlreadyReported { .. } => ErrorCode::AlreadyReported,
            Self::InvalidModeration { .. } => ErrorCode::InvalidModeration,
            Self::InvalidText(CommentTextError::Blank) => ErrorCode::BlankText,
            Self::InvalidText(CommentTextError::TooLong { .. }) => ErrorCode::TextTooLong,
            Self::InvalidText(_)
            | Self::TimeBeforePreviousStep { .. }
            | Self::NoSections
            | Self::TooManySections
            | Self::Definition(_)
            | Self::InvalidSetting { .. }
            | Self::PositionOutOfRange { .. }
            | Self::InconsistentRecord(_) => ErrorCode::InvalidRequest,
        }
    }
}

/// Every problem found when creating a consultation (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationErrors(pub Vec<ConsultationError>);

impl fmt::Display for ConsultationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for ConsultationErrors {}

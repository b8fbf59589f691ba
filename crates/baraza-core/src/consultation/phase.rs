//! Phases and actions: which action each phase of the life cycle allows.

#[allow(
    clippy::wildcard_imports,
    reason = "one module split in files: the imports and items of the parent are shared"
)]
use super::*;

/// Where a consultation is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsultationPhase {
    /// Being written; invisible to the public.
    Draft,
    /// Taking comments.
    Open,
    /// No longer taking comments; officials respond.
    Closed,
    /// The outcome is published; the record is final.
    OutcomePublished,
}

impl ConsultationPhase {
    /// Whether `action` is allowed in this phase: the table in the module docs.
    pub fn allows(self, action: Action) -> bool {
        use Action as A;
        use ConsultationPhase as P;
        match action {
            A::EditDocument | A::Open => self == P::Draft,
            A::Close | A::Comment | A::Reply | A::React => self == P::Open,
            A::Report | A::RejectOrHide => self != P::Draft,
            A::PublishOrRestore => matches!(self, P::Open | P::Closed),
            A::Respond | A::PublishOutcome => self == P::Closed,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
            Self::OutcomePublished => "outcome_published",
        }
    }
}

impl fmt::Display for ConsultationPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What someone tries to do, as judged by [`ConsultationPhase::allows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Change the title or add, edit, remove or move sections.
    EditDocument,
    /// Open the consultation.
    Open,
    /// Close the consultation.
    Close,
    /// Post a top-level comment.
    Comment,
    /// Reply to a comment.
    Reply,
    /// React to a comment, or withdraw a reaction.
    React,
    /// Report a comment.
    Report,
    /// Moderation that shows content: publish or restore.
    PublishOrRestore,
    /// Moderation that removes content: reject or hide.
    RejectOrHide,
    /// Give an official response to a section.
    Respond,
    /// Publish the outcome.
    PublishOutcome,
}

impl Action {
    fn describe(self) -> &'static str {
        match self {
            Self::EditDocument => "edit the document",
            Self::Open => "open the consultation",
            Self::Close => "close the consultation",
            Self::Comment => "comment",
            Self::Reply => "reply",
            Self::React => "react to comments",
            Self::Report => "report comments",
            Self::PublishOrRestore => "publish or restore comments",
            Self::RejectOrHide => "reject or hide comments",
            Self::Respond => "give official responses",
            Self::PublishOutcome => "publish the outcome",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

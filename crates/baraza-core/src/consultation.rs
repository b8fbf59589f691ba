//! Consultations: a public body publishes a document of numbered sections, citizens comment on
//! each section, moderators keep the discussion lawful, officials answer, and the body
//! publishes what it did — "we asked, you said, we did" (the UK Government Digital Service
//! pattern for consultation outcomes, also used by Decidim and CONSUL).
//!
//! # The document
//! A [`Consultation`] holds [`Section`]s with stable slug-shaped [`SectionId`]s and localised
//! titles and texts ([`LocalizedText`], always including the default language). Sections are
//! numbered by position, from 1; ids never change, numbers follow the order.
//!
//! # Life cycle
//! `draft → open → closed → outcome_published`, forward only, each step by an explicit method
//! that takes the instant as a parameter (the core reads no clock) and refuses an instant
//! earlier than the previous step. What may happen in each [`ConsultationPhase`] is one table,
//! [`ConsultationPhase::allows`], enforced by every method with a typed
//! [`ConsultationError::WrongPhase`]:
//!
//! | action | draft | open | closed | outcome published |
//! |---|---|---|---|---|
//! | edit title and sections | ✓ | | | |
//! | open (needs ≥ 1 section) | ✓ | | | |
//! | close | | ✓ | | |
//! | comment, reply | | ✓ | | |
//! | react (agree/disagree), withdraw a reaction | | ✓ | | |
//! | report a comment | | ✓ | ✓ | ✓ |
//! | moderate: publish, restore | | ✓ | ✓ | |
//! | moderate: reject, hide | | ✓ | ✓ | ✓ |
//! | official response to a section | | | ✓ | |
//! | publish the outcome (once) | | | ✓ | |
//!
//! Removing content (reject, hide, reports) stays possible forever, because unlawful or
//! personal content must be removable whenever it is found; adding to what the public sees
//! (publishing, restoring) stops with the outcome, so the published "you said" figures do not
//! change afterwards.
//!
//! # Comments
//! A top-level comment is on one section and carries a [`Stance`] (support, oppose, neutral,
//! question). **Replies are one level deep**: a reply answers a top-level comment, has no
//! stance, and cannot itself be replied to ([`ConsultationError::ReplyToReply`]). Replies,
//! reactions and reports need a published target.
//!
//! Comment text is a [`CommentText`]: not blank, no control characters other than line breaks
//! and tabs, at most the consultation's [`ConsultationSettings::max_comment_len`] characters.
//! It is stored as given. Removing personal data (redaction) is the caller's responsibility
//! and must happen before the text reaches this module; the core never interprets text as
//! HTML.
//!
//! # Reactions
//! Each participant has at most one reaction per comment, agree or disagree; reacting again
//! replaces the earlier reaction, and it can be withdrawn.
//!
//! # Moderation
//! Each comment is in one [`ModerationState`]. New comments start `pending` when
//! [`ConsultationSettings::premoderation`] is on (the default), otherwise `published`.
//! Moderator steps ([`ModerationAction`]):
//!
//! | from \ action | publish | reject(reason) | hide | restore |
//! |---|---|---|---|---|
//! | pending | published | rejected | – | – |
//! | published | – | rejected | hidden | – |
//! | hidden | – | rejected | – | published (reports cleared) |
//! | rejected | – | – | – | – |
//!
//! Rejection is final and carries a [`RejectionReason`]; a rejected comment is never published
//! again. Citizens' reports: one per participant per comment, on published comments only; when
//! a comment reaches [`ConsultationSettings::hide_after_reports`] distinct reports it becomes
//! `hidden` until a moderator restores (clearing its reports) or rejects it.
//!
//! # Outcome
//! After closing, officials may give one [`OfficialResponse`] per section (replaceable until
//! the outcome is published), then publish the [`Outcome`] once. [`Consultation::outcome_report`]
//! assembles "we asked" (the sections), "you said" (counts of **published** comments by stance,
//! replies and reactions; pending, rejected and hidden ones are never counted) and "we did"
//! (the official responses and the outcome).
//!
//! # Storage
//! A `Consultation` serialises to JSON and deserialises with every invariant re-checked
//! ([`ConsultationRecord`] lists the checks), so storage can keep it as one document.
//!
//! ```
//! use baraza_core::consultation::*;
//! use baraza_core::LocalizedText;
//! use time::macros::datetime;
//! let en = |s: &str| LocalizedText::new("en", s).unwrap();
//! let mut c = Consultation::new("bus-lanes", "en", en("Bus lanes on Moi Avenue"), ConsultationSettings::default())?;
//! c.add_section("route", en("The route"), en("Buses would run from…"))?;
//! c.open(datetime!(2027-01-10 08:00 UTC))?;
//! let amina = ParticipantId::parse("amina")?;
//! let id = c.comment("route", &amina, Stance::Support, "Faster journeys to work.", datetime!(2027-01-11 09:00 UTC))?;
//! c.moderate(id, ModerationAction::Publish, datetime!(2027-01-11 10:00 UTC))?;
//! c.close(datetime!(2027-02-10 00:00 UTC))?;
//! // No more comments once closed:
//! let late = c.comment("route", &amina, Stance::Oppose, "Too late?", datetime!(2027-02-11 00:00 UTC));
//! assert!(matches!(late, Err(ConsultationError::WrongPhase { .. })));
//! c.respond("route", en("We will build the lanes in 2028."), datetime!(2027-03-01 00:00 UTC))?;
//! c.publish_outcome(en("The lanes go ahead."), datetime!(2027-03-02 00:00 UTC))?;
//! let report = c.outcome_report();
//! assert_eq!(report.sections[0].you_said.support, 1);
//! assert!(report.sections[0].we_did.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;
use crate::poll::write_joined;
use crate::slug::{Slug, SlugError};
use crate::text::{LanguageTag, LanguageTagError, LocalizedText};

/// The most sections a consultation may have.
pub const MAX_SECTIONS: usize = 200;
/// The largest comment limit a consultation may set, in characters.
pub const MAX_COMMENT_LIMIT: u32 = 20_000;
/// The longest participant id, in characters.
pub const MAX_PARTICIPANT_ID_LEN: usize = 128;

// ---------------------------------------------------------------------------------------------
// Small value types
// ---------------------------------------------------------------------------------------------

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

    fn name(self) -> &'static str {
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
    fn name(self) -> &'static str {
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

// ---------------------------------------------------------------------------------------------
// Phases and actions
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Settings and errors
// ---------------------------------------------------------------------------------------------

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
        /// Which text.
        field: String,
        /// The default language.
        language: String,
    },
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
    /// A section id is not URL-safe.
    #[error("section id {id:?} {source}")]
    InvalidSectionId {
        /// The rejected id.
        id: String,
        /// Which rule it breaks.
        source: SlugError,
    },
    /// A section with that id exists already.
    #[error("section {id:?} exists already")]
    DuplicateSection {
        /// The id.
        id: String,
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
            Self::DuplicateSection { .. } => ErrorCode::DuplicateSection,
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
            | Self::InvalidSlug { .. }
            | Self::InvalidDefaultLanguage(_)
            | Self::MissingDefaultLanguage { .. }
            | Self::InvalidSetting { .. }
            | Self::InvalidSectionId { .. }
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

// ---------------------------------------------------------------------------------------------
// The document and its records
// ---------------------------------------------------------------------------------------------

/// One section of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Section {
    id: SectionId,
    title: LocalizedText,
    text: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    official_response: Option<OfficialResponse>,
}

impl Section {
    /// The stable id.
    pub fn id(&self) -> &SectionId {
        &self.id
    }

    /// The heading.
    pub fn title(&self) -> &LocalizedText {
        &self.title
    }

    /// The body.
    pub fn text(&self) -> &LocalizedText {
        &self.text
    }

    /// The official response, once given.
    pub fn official_response(&self) -> Option<&OfficialResponse> {
        self.official_response.as_ref()
    }
}

/// An official's answer to what was said about a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OfficialResponse {
    /// The answer.
    pub text: LocalizedText,
    /// When it was given.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Rfc3339"))]
    pub responded_at: OffsetDateTime,
}

/// What the public body did: the "we did" of the whole consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The summary of decisions.
    pub summary: LocalizedText,
    /// When it was published.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Rfc3339"))]
    pub published_at: OffsetDateTime,
}

/// A comment or reply with its moderation state, reports and reactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Comment {
    id: CommentId,
    section: SectionId,
    author: ParticipantId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<CommentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stance: Option<Stance>,
    text: CommentText,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Rfc3339"))]
    created_at: OffsetDateTime,
    state: ModerationState,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    moderated_at: Option<OffsetDateTime>,
    reports: BTreeSet<ParticipantId>,
    reactions: BTreeMap<ParticipantId, Reaction>,
}

impl Comment {
    /// The comment's id.
    pub fn id(&self) -> CommentId {
        self.id
    }

    /// The section commented on (a reply's is its parent's).
    pub fn section(&self) -> &SectionId {
        &self.section
    }

    /// Who wrote it.
    pub fn author(&self) -> &ParticipantId {
        &self.author
    }

    /// The comment replied to, for a reply.
    pub fn parent(&self) -> Option<CommentId> {
        self.parent
    }

    /// The stance of a top-level comment; `None` for a reply.
    pub fn stance(&self) -> Option<Stance> {
        self.stance
    }

    /// The text.
    pub fn text(&self) -> &CommentText {
        &self.text
    }

    /// When it was posted.
    pub fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }

    /// Its moderation state.
    pub fn state(&self) -> ModerationState {
        self.state
    }

    /// When a moderator last changed its state, if ever (automatic hiding does not count).
    pub fn moderated_at(&self) -> Option<OffsetDateTime> {
        self.moderated_at
    }

    /// Distinct participants who reported it since it was last restored.
    pub fn report_count(&self) -> usize {
        self.reports.len()
    }

    /// Agree reactions.
    pub fn agrees(&self) -> u64 {
        self.count_reactions(Reaction::Agree)
    }

    /// Disagree reactions.
    pub fn disagrees(&self) -> u64 {
        self.count_reactions(Reaction::Disagree)
    }

    /// The reaction of `participant`, if any.
    pub fn reaction_of(&self, participant: &ParticipantId) -> Option<Reaction> {
        self.reactions.get(participant).copied()
    }

    fn count_reactions(&self, kind: Reaction) -> u64 {
        self.reactions.values().filter(|&&r| r == kind).count() as u64
    }
}

/// A consultation: document, comments, moderation, responses and outcome, with the life-cycle
/// rules of the module docs enforced by every method.
///
/// It serialises to JSON for storage and deserialises with every invariant re-checked (see
/// [`ConsultationRecord`]), so a stored consultation that was edited by hand into an
/// impossible state is refused with every problem listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "ConsultationRecord")]
pub struct Consultation {
    slug: Slug,
    default_language: LanguageTag,
    title: LocalizedText,
    settings: ConsultationSettings,
    phase: ConsultationPhase,
    sections: Vec<Section>,
    comments: Vec<Comment>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    opened_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    closed_at: Option<OffsetDateTime>,
    outcome: Option<Outcome>,
}

impl Consultation {
    /// A new consultation in draft, with no sections. Reports every problem with the slug, the
    /// language, the title and the settings at once.
    pub fn new(
        slug: &str,
        default_language: &str,
        title: LocalizedText,
        settings: ConsultationSettings,
    ) -> Result<Self, ConsultationErrors> {
        let mut errors = Vec::new();
        let slug = Slug::parse(slug)
            .map_err(|source| {
                errors.push(ConsultationError::InvalidSlug {
                    slug: slug.to_owned(),
                    source,
                })
            })
            .ok();
        let language = LanguageTag::parse(default_language)
            .map_err(|e| errors.push(ConsultationError::InvalidDefaultLanguage(e)))
            .ok();
        if let Some(language) = &language
            && !title.has(language)
        {
            errors.push(ConsultationError::MissingDefaultLanguage {
                field: "title".to_owned(),
                language: language.to_string(),
            });
        }
        if settings.hide_after_reports == 0 {
            errors.push(ConsultationError::InvalidSetting {
                field: "hide_after_reports",
                rule: "at least 1",
                value: 0,
            });
        }
        if !(1..=MAX_COMMENT_LIMIT).contains(&settings.max_comment_len) {
            errors.push(ConsultationError::InvalidSetting {
                field: "max_comment_len",
                rule: "1 to 20000",
                value: settings.max_comment_len,
            });
        }
        match (slug, language) {
            (Some(slug), Some(default_language)) if errors.is_empty() => Ok(Self {
                slug,
                default_language,
                title,
                settings,
                phase: ConsultationPhase::Draft,
                sections: Vec::new(),
                comments: Vec::new(),
                opened_at: None,
                closed_at: None,
                outcome: None,
            }),
            _ => Err(ConsultationErrors(errors)),
        }
    }

    // --- getters -------------------------------------------------------------------------

    /// The consultation's identifier.
    pub fn slug(&self) -> &Slug {
        &self.slug
    }

    /// The language every text is guaranteed to have.
    pub fn default_language(&self) -> &LanguageTag {
        &self.default_language
    }

    /// The title.
    pub fn title(&self) -> &LocalizedText {
        &self.title
    }

    /// The rules in force.
    pub fn settings(&self) -> ConsultationSettings {
        self.settings
    }

    /// The current phase.
    pub fn phase(&self) -> ConsultationPhase {
        self.phase
    }

    /// The sections in document order; section `i` is numbered `i + 1`.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id.as_str() == id)
    }

    /// The number of the section with this id (1-based position).
    pub fn section_number(&self, id: &str) -> Option<usize> {
        self.section_index(id).map(|i| i + 1)
    }

    /// Every comment and reply in posting order, whatever its state (moderators' view).
    pub fn comments(&self) -> &[Comment] {
        &self.comments
    }

    /// The comment with this id.
    pub fn comment_by_id(&self, id: CommentId) -> Option<&Comment> {
        self.comment_index(id).map(|i| &self.comments[i])
    }

    /// The published comments and replies in posting order (the public's view).
    pub fn published_comments(&self) -> impl Iterator<Item = &Comment> {
        self.comments.iter().filter(|c| c.state.is_published())
    }

    /// When the consultation opened.
    pub fn opened_at(&self) -> Option<OffsetDateTime> {
        self.opened_at
    }

    /// When the consultation closed.
    pub fn closed_at(&self) -> Option<OffsetDateTime> {
        self.closed_at
    }

    /// The outcome, once published.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    // --- helpers -------------------------------------------------------------------------

    fn require(&self, action: Action) -> Result<(), ConsultationError> {
        if self.phase.allows(action) {
            Ok(())
        } else {
            Err(ConsultationError::WrongPhase {
                action,
                phase: self.phase,
            })
        }
    }

    fn require_not_before(
        action: Action,
        now: OffsetDateTime,
        previous: Option<OffsetDateTime>,
    ) -> Result<(), ConsultationError> {
        match previous {
            Some(previous) if now < previous => Err(ConsultationError::TimeBeforePreviousStep {
                action,
                now,
                previous,
            }),
            _ => Ok(()),
        }
    }

    fn require_language(
        &self,
        field: String,
        text: &LocalizedText,
    ) -> Result<(), ConsultationError> {
        if text.has(&self.default_language) {
            Ok(())
        } else {
            Err(ConsultationError::MissingDefaultLanguage {
                field,
                language: self.default_language.to_string(),
            })
        }
    }

    fn section_index(&self, id: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.id.as_str() == id)
    }

    fn existing_section(&self, id: &str) -> Result<usize, ConsultationError> {
        self.section_index(id)
            .ok_or_else(|| ConsultationError::SectionNotFound { id: id.to_owned() })
    }

    fn comment_index(&self, id: CommentId) -> Option<usize> {
        // Ids are assigned in order from 1, so the id is the position plus one.
        let index = usize::try_from(id.0.checked_sub(1)?).ok()?;
        (index < self.comments.len()).then_some(index)
    }

    fn existing_comment(&self, id: CommentId) -> Result<usize, ConsultationError> {
        self.comment_index(id)
            .ok_or(ConsultationError::CommentNotFound { id })
    }

    fn published_comment(&self, id: CommentId) -> Result<usize, ConsultationError> {
        let index = self.existing_comment(id)?;
        if self.comments[index].state.is_published() {
            Ok(index)
        } else {
            Err(ConsultationError::CommentNotPublished { id })
        }
    }

    fn initial_state(&self) -> ModerationState {
        if self.settings.premoderation {
            ModerationState::Pending
        } else {
            ModerationState::Published
        }
    }

    fn push_comment(
        &mut self,
        section: SectionId,
        author: &ParticipantId,
        parent: Option<CommentId>,
        stance: Option<Stance>,
        text: CommentText,
        now: OffsetDateTime,
    ) -> CommentId {
        let id = CommentId(self.comments.len() as u64 + 1);
        self.comments.push(Comment {
            id,
            section,
            author: author.clone(),
            parent,
            stance,
            text,
            created_at: now,
            state: self.initial_state(),
            moderated_at: None,
            reports: BTreeSet::new(),
            reactions: BTreeMap::new(),
        });
        id
    }

    // --- draft: the document -------------------------------------------------------------

    /// Replaces the title (draft only).
    pub fn set_title(&mut self, title: LocalizedText) -> Result<(), ConsultationError> {
        self.require(Action::EditDocument)?;
        self.require_language("title".to_owned(), &title)?;
        self.title = title;
        Ok(())
    }

    /// Appends a section (draft only). Its number is its position.
    pub fn add_section(
        &mut self,
        id: &str,
        title: LocalizedText,
        text: LocalizedText,
    ) -> Result<(), ConsultationError> {
        self.require(Action::EditDocument)?;
        let section_id =
            SectionId::parse(id).map_err(|source| ConsultationError::InvalidSectionId {
                id: id.to_owned(),
                source,
            })?;
        if self.section_index(id).is_some() {
            return Err(ConsultationError::DuplicateSection { id: id.to_owned() });
        }
        if self.sections.len() >= MAX_SECTIONS {
            return Err(ConsultationError::TooManySections);
        }
        self.require_language(format!("section {id} title"), &title)?;
        self.require_language(format!("section {id} text"), &text)?;
        self.sections.push(Section {
            id: section_id,
            title,
            text,
            official_response: None,
        });
        Ok(())
    }

    /// Replaces a section's title and text (draft only); its id stays.
    pub fn edit_section(
        &mut self,
        id: &str,
        title: LocalizedText,
        text: LocalizedText,
    ) -> Result<(), ConsultationError> {
        self.require(Action::EditDocument)?;
        let index = self.existing_section(id)?;
        self.require_language(format!("section {id} title"), &title)?;
        self.require_language(format!("section {id} text"), &text)?;
        let section = &mut self.sections[index];
        section.title = title;
        section.text = text;
        Ok(())
    }

    /// Removes a section (draft only); later sections are renumbered.
    pub fn remove_section(&mut self, id: &str) -> Result<(), ConsultationError> {
        self.require(Action::EditDocument)?;
        let index = self.existing_section(id)?;
        self.sections.remove(index);
        Ok(())
    }

    /// Moves a section to 0-based `position` (draft only); sections are renumbered.
    pub fn move_section(&mut self, id: &str, position: usize) -> Result<(), ConsultationError> {
        self.require(Action::EditDocument)?;
        let index = self.existing_section(id)?;
        if position >= self.sections.len() {
            return Err(ConsultationError::PositionOutOfRange {
                position,
                count: self.sections.len(),
            });
        }
        let section = self.sections.remove(index);
        self.sections.insert(position, section);
        Ok(())
    }

    // --- life cycle ----------------------------------------------------------------------

    /// Draft → open, at `now`. Needs at least one section.
    pub fn open(&mut self, now: OffsetDateTime) -> Result<(), ConsultationError> {
        self.require(Action::Open)?;
        if self.sections.is_empty() {
            return Err(ConsultationError::NoSections);
        }
        self.phase = ConsultationPhase::Open;
        self.opened_at = Some(now);
        Ok(())
    }

    /// Open → closed, at `now` (not before opening).
    pub fn close(&mut self, now: OffsetDateTime) -> Result<(), ConsultationError> {
        self.require(Action::Close)?;
        Self::require_not_before(Action::Close, now, self.opened_at)?;
        self.phase = ConsultationPhase::Closed;
        self.closed_at = Some(now);
        Ok(())
    }

    /// Closed → outcome published, at `now` (not before closing); once only.
    pub fn publish_outcome(
        &mut self,
        summary: LocalizedText,
        now: OffsetDateTime,
    ) -> Result<(), ConsultationError> {
        self.require(Action::PublishOutcome)?;
        Self::require_not_before(Action::PublishOutcome, now, self.closed_at)?;
        self.require_language("outcome summary".to_owned(), &summary)?;
        self.outcome = Some(Outcome {
            summary,
            published_at: now,
        });
        self.phase = ConsultationPhase::OutcomePublished;
        Ok(())
    }

    // --- open: participation -------------------------------------------------------------

    /// Posts a top-level comment on a section (open only). Returns its id; it starts pending
    /// or published depending on [`ConsultationSettings::premoderation`].
    pub fn comment(
        &mut self,
        section: &str,
        author: &ParticipantId,
        stance: Stance,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<CommentId, ConsultationError> {
        self.require(Action::Comment)?;
        Self::require_not_before(Action::Comment, now, self.opened_at)?;
        let index = self.existing_section(section)?;
        let text = CommentText::parse(text, self.settings.max_comment_len)?;
        let section = self.sections[index].id.clone();
        Ok(self.push_comment(section, author, None, Some(stance), text, now))
    }

    /// Replies to a published top-level comment (open only). Returns the reply's id.
    pub fn reply(
        &mut self,
        parent: CommentId,
        author: &ParticipantId,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<CommentId, ConsultationError> {
        self.require(Action::Reply)?;
        Self::require_not_before(Action::Reply, now, self.opened_at)?;
        let index = self.existing_comment(parent)?;
        if self.comments[index].parent.is_some() {
            return Err(ConsultationError::ReplyToReply { parent });
        }
        self.published_comment(parent)?;
        let text = CommentText::parse(text, self.settings.max_comment_len)?;
        let section = self.comments[index].section.clone();
        Ok(self.push_comment(section, author, Some(parent), None, text, now))
    }

    /// Sets `participant`'s reaction to a published comment (open only), replacing any
    /// earlier one, which is returned.
    pub fn react(
        &mut self,
        comment: CommentId,
        participant: &ParticipantId,
        reaction: Reaction,
    ) -> Result<Option<Reaction>, ConsultationError> {
        self.require(Action::React)?;
        let index = self.published_comment(comment)?;
        Ok(self.comments[index]
            .reactions
            .insert(participant.clone(), reaction))
    }

    /// Withdraws `participant`'s reaction to a published comment (open only), returning it.
    pub fn withdraw_reaction(
        &mut self,
        comment: CommentId,
        participant: &ParticipantId,
    ) -> Result<Option<Reaction>, ConsultationError> {
        self.require(Action::React)?;
        let index = self.published_comment(comment)?;
        Ok(self.comments[index].reactions.remove(participant))
    }

    /// Reports a published comment on behalf of `participant` (any phase after draft). Returns
    /// the comment's state afterwards: `hidden` once it has
    /// [`ConsultationSettings::hide_after_reports`] distinct reports.
    pub fn report(
        &mut self,
        comment: CommentId,
        participant: &ParticipantId,
    ) -> Result<ModerationState, ConsultationError> {
        self.require(Action::Report)?;
        let index = self.published_comment(comment)?;
        let threshold = self.settings.hide_after_reports as usize;
        let target = &mut self.comments[index];
        if !target.reports.insert(participant.clone()) {
            return Err(ConsultationError::AlreadyReported { id: comment });
        }
        if target.reports.len() >= threshold {
            target.state = ModerationState::Hidden;
        }
        Ok(target.state)
    }

    /// Applies a moderator's step to a comment at `now` (phases in the module docs' table).
    /// Returns the new state.
    pub fn moderate(
        &mut self,
        comment: CommentId,
        action: ModerationAction,
        now: OffsetDateTime,
    ) -> Result<ModerationState, ConsultationError> {
        self.require(match action {
            ModerationAction::Publish | ModerationAction::Restore => Action::PublishOrRestore,
            ModerationAction::Reject { .. } | ModerationAction::Hide => Action::RejectOrHide,
        })?;
        let index = self.existing_comment(comment)?;
        let target = &mut self.comments[index];
        let next = action
            .apply_to(target.state)
            .ok_or(ConsultationError::InvalidModeration {
                id: comment,
                action: action.name(),
                from: target.state.name(),
            })?;
        if action == ModerationAction::Restore {
            target.reports.clear();
        }
        target.state = next;
        target.moderated_at = Some(now);
        Ok(next)
    }

    // --- closed: responses ---------------------------------------------------------------

    /// Gives, or replaces, the official response to a section (closed only).
    pub fn respond(
        &mut self,
        section: &str,
        text: LocalizedText,
        now: OffsetDateTime,
    ) -> Result<(), ConsultationError> {
        self.require(Action::Respond)?;
        Self::require_not_before(Action::Respond, now, self.closed_at)?;
        let index = self.existing_section(section)?;
        self.require_language(format!("official response to section {section}"), &text)?;
        self.sections[index].official_response = Some(OfficialResponse {
            text,
            responded_at: now,
        });
        Ok(())
    }

    // --- reporting -----------------------------------------------------------------------

    /// "We asked, you said, we did": per section, what was asked, what published comments
    /// said and what officials answered, plus the outcome. Available in every phase (as a
    /// preview before the outcome); only published comments are counted.
    pub fn outcome_report(&self) -> OutcomeReport {
        let sections = self
            .sections
            .iter()
            .enumerate()
            .map(|(index, section)| {
                let mut said = YouSaid::default();
                for comment in self
                    .published_comments()
                    .filter(|c| c.section == section.id)
                {
                    match comment.stance {
                        Some(Stance::Support) => said.support += 1,
                        Some(Stance::Oppose) => said.oppose += 1,
                        Some(Stance::Neutral) => said.neutral += 1,
                        Some(Stance::Question) => said.question += 1,
                        None => said.replies += 1,
                    }
                    said.agrees += comment.agrees();
                    said.disagrees += comment.disagrees();
                    if comment.parent.is_none() {
                        said.participants.insert(comment.author.clone());
                    }
                }
                SectionReport {
                    number: index + 1,
                    id: section.id.clone(),
                    we_asked: section.title.clone(),
                    you_said: SectionSaid {
                        support: said.support,
                        oppose: said.oppose,
                        neutral: said.neutral,
                        question: said.question,
                        replies: said.replies,
                        agrees: said.agrees,
                        disagrees: said.disagrees,
                        commenters: said.participants.len() as u64,
                    },
                    we_did: section.official_response.clone(),
                }
            })
            .collect();
        OutcomeReport {
            consultation: self.slug.clone(),
            phase: self.phase,
            sections,
            outcome: self.outcome.clone(),
        }
    }
}

#[derive(Default)]
struct YouSaid {
    support: u64,
    oppose: u64,
    neutral: u64,
    question: u64,
    replies: u64,
    agrees: u64,
    disagrees: u64,
    participants: BTreeSet<ParticipantId>,
}

/// The "we asked, you said, we did" summary of a consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OutcomeReport {
    /// The consultation.
    pub consultation: Slug,
    /// Its phase when the report was made.
    pub phase: ConsultationPhase,
    /// One entry per section, in document order.
    pub sections: Vec<SectionReport>,
    /// The outcome, once published.
    pub outcome: Option<Outcome>,
}

/// One section of an [`OutcomeReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SectionReport {
    /// The section's number (1-based).
    pub number: usize,
    /// The section's id.
    pub id: SectionId,
    /// We asked: the section's title.
    pub we_asked: LocalizedText,
    /// You said: counts over published comments.
    pub you_said: SectionSaid,
    /// We did: the official response, if given.
    pub we_did: Option<OfficialResponse>,
}

/// Counts over the published comments of one section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SectionSaid {
    /// Top-level comments in support.
    pub support: u64,
    /// Top-level comments against.
    pub oppose: u64,
    /// Neutral top-level comments.
    pub neutral: u64,
    /// Questions.
    pub question: u64,
    /// Replies.
    pub replies: u64,
    /// Agree reactions on its published comments and replies.
    pub agrees: u64,
    /// Disagree reactions on its published comments and replies.
    pub disagrees: u64,
    /// Distinct authors of published top-level comments.
    pub commenters: u64,
}

// ---------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------

/// The stored JSON shape of a [`Consultation`], as it serialises; deserialising a
/// `Consultation` goes through this record and [`Consultation::try_from`], which checks:
/// slug, language, title and settings as [`Consultation::new`] does; sections (at most
/// [`MAX_SECTIONS`], distinct ids, default-language texts, official responses only once
/// closed); the phase against the instants (`opened_at` from open on, `closed_at` from closed
/// on, an outcome exactly when published, in time order, at least one section once open);
/// and comments (none in draft, ids 1, 2, 3… in order, known sections, a stance exactly on
/// top-level comments, replies to an earlier top-level comment of the same section, texts
/// within the consultation's limit).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsultationRecord {
    slug: String,
    default_language: String,
    title: LocalizedText,
    settings: ConsultationSettings,
    phase: ConsultationPhase,
    sections: Vec<Section>,
    comments: Vec<Comment>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    opened_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    closed_at: Option<OffsetDateTime>,
    #[serde(default)]
    outcome: Option<Outcome>,
}

impl TryFrom<ConsultationRecord> for Consultation {
    type Error = ConsultationErrors;

    fn try_from(record: ConsultationRecord) -> Result<Self, Self::Error> {
        use ConsultationPhase as P;
        let mut consultation = Self::new(
            &record.slug,
            &record.default_language,
            record.title,
            record.settings,
        )?;
        let mut errors = Vec::new();
        let mut problem = |text: String| errors.push(ConsultationError::InconsistentRecord(text));
        let phase = record.phase;

        if record.sections.len() > MAX_SECTIONS {
            problem(format!(
                "a consultation may have at most {MAX_SECTIONS} sections"
            ));
        }
        if phase != P::Draft && record.sections.is_empty() {
            problem(format!(
                "a consultation that is {phase} needs at least one section"
            ));
        }
        let language = consultation.default_language.clone();
        for (index, section) in record.sections.iter().enumerate() {
            let id = section.id.as_str();
            if record.sections[..index].iter().any(|s| s.id == section.id) {
                problem(format!("section {id:?} appears twice"));
            }
            let texts = [
                ("title", Some(&section.title)),
                ("text", Some(&section.text)),
            ];
            let response = section.official_response.as_ref().map(|r| &r.text);
            for (field, text) in texts.into_iter().chain([("official response", response)]) {
                if let Some(text) = text
                    && !text.has(&language)
                {
                    problem(format!(
                        "section {id:?} {field} has no text in the default language {language}"
                    ));
                }
            }
            if section.official_response.is_some() && phase < P::Closed {
                problem(format!(
                    "section {id:?} has an official response, but the consultation is {phase}"
                ));
            }
        }

        match (phase >= P::Open, record.opened_at) {
            (true, None) => problem(format!("a consultation that is {phase} needs opened_at")),
            (false, Some(_)) => problem("a draft has no opened_at".to_owned()),
            _ => {}
        }
        match (phase >= P::Closed, record.closed_at) {
            (true, None) => problem(format!("a consultation that is {phase} needs closed_at")),
            (false, Some(_)) => problem(format!("a consultation that is {phase} has no closed_at")),
            _ => {}
        }
        match (phase == P::OutcomePublished, &record.outcome) {
            (true, None) => problem("a published outcome is missing".to_owned()),
            (false, Some(_)) => problem(format!("a consultation that is {phase} has no outcome")),
            _ => {}
        }
        let instants = [
            record.opened_at,
            record.closed_at,
            record.outcome.as_ref().map(|o| o.published_at),
        ];
        if instants
            .windows(2)
            .any(|w| matches!(w, [Some(a), Some(b)] if b < a))
        {
            problem(
                "opened_at, closed_at and the outcome's published_at must be in time order"
                    .to_owned(),
            );
        }
        if let Some(outcome) = &record.outcome
            && !outcome.summary.has(&language)
        {
            problem(format!(
                "the outcome summary has no text in the default language {language}"
            ));
        }

        if phase == P::Draft && !record.comments.is_empty() {
            problem("a draft has no comments".to_owned());
        }
        let max_len = consultation.settings.max_comment_len as usize;
        for (index, comment) in record.comments.iter().enumerate() {
            let id = comment.id;
            if id.0 != index as u64 + 1 {
                problem(format!(
                    "comment {id} is at position {}; ids run 1, 2, 3… in order",
                    index + 1
                ));
            }
            if !record.sections.iter().any(|s| s.id == comment.section) {
                problem(format!(
                    "comment {id} is on unknown section {:?}",
                    comment.section.as_str()
                ));
            }
            match (comment.parent, comment.stance) {
                (None, None) => problem(format!("comment {id} is top-level but has no stance")),
                (Some(_), Some(_)) => problem(format!("reply {id} has a stance")),
                (None, Some(_)) => {}
                (Some(parent), None) => {
                    let earlier = &record.comments[..index];
                    match earlier.iter().find(|c| c.id == parent) {
                        None => problem(format!(
                            "reply {id} answers comment {parent}, which does not come before it"
                        )),
                        Some(p) if p.parent.is_some() => {
                            problem(format!("reply {id} answers reply {parent}"))
                        }
                        Some(p) if p.section != comment.section => problem(format!(
                            "reply {id} is on another section than comment {parent}"
                        )),
                        Some(_) => {}
                    }
                }
            }
            let length = comment.text.as_str().chars().count();
            if length > max_len {
                problem(format!(
                    "comment {id} is {length} characters; the limit is {max_len}"
                ));
            }
        }

        if !errors.is_empty() {
            return Err(ConsultationErrors(errors));
        }
        consultation.phase = phase;
        consultation.sections = record.sections;
        consultation.comments = record.comments;
        consultation.opened_at = record.opened_at;
        consultation.closed_at = record.closed_at;
        consultation.outcome = record.outcome;
        Ok(consultation)
    }
}

//! Consultations on the wire: the document with its published discussion, a comment or reply,
//! a reaction, a report, and their receipts.
//!
//! | request | success body |
//! |---|---|
//! | `GET /api/v1/consultations/{slug}` | [`ConsultationView`] |
//! | `POST /api/v1/consultations/{slug}/comments` with [`CommentSubmission`] | `201` [`CommentReceipt`] |
//! | `POST /api/v1/consultations/{slug}/comments/{id}/reactions` with [`ReactionSubmission`] | `201` [`ReactionReceipt`] |
//! | `POST /api/v1/consultations/{slug}/comments/{id}/reports` with [`ReportSubmission`] | `201` [`ReportReceipt`] |
//!
//! Only published comments are ever shown; a new comment waits for a moderator (its receipt
//! says `"status": "pending"`) unless the consultation publishes at once. Authors are never
//! shown: a comment carries no device token or name, only `official` when the public body
//! itself answered.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::consultation::{
    Comment, CommentId, Consultation, ConsultationPhase, ModerationState, OfficialResponse,
    OutcomeReport, Reaction, SectionId, Stance,
};
use crate::slug::Slug;
use crate::text::{LanguageTag, LocalizedText};
use crate::text_safety::RedactionCounts;

/// A consultation as citizens see it: `GET /api/v1/consultations/{slug}`.
///
/// ```json
/// {"slug": "water-act-2027", "default_language": "en", "title": {"en": "Draft Water Act 2027"},
///  "phase": "open", "opened_at": "2026-11-01T00:00:00Z", "closed_at": null,
///  "max_comment_len": 2000,
///  "sections": [{"id": "tariffs", "number": 1, "title": {"en": "Tariffs"}, "text": {"en": "…"},
///                "comments": [{"id": 1, "stance": "support", "text": "…", "created_at": "…",
///                              "agrees": 3, "disagrees": 1, "official": false, "replies": []}],
///                "official_response": null}],
///  "outcome": null}
/// ```
///
/// `outcome` is present once the consultation has closed: "we asked, you said, we did" per
/// section, with the public body's summary once published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConsultationView {
    /// The consultation's identifier.
    pub slug: Slug,
    /// The language every text has.
    pub default_language: LanguageTag,
    /// The document's title.
    pub title: LocalizedText,
    /// Where it is in its life cycle; comments, replies and reactions only while `open`.
    pub phase: ConsultationPhase,
    /// When it opened.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    pub opened_at: Option<OffsetDateTime>,
    /// When it closed, once closed.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    pub closed_at: Option<OffsetDateTime>,
    /// The longest comment accepted, in characters.
    pub max_comment_len: u32,
    /// The document's sections in order, each with its published discussion.
    pub sections: Vec<ConsultationSectionView>,
    /// "We asked, you said, we did", once closed.
    pub outcome: Option<OutcomeReport>,
}

/// One section with its published comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConsultationSectionView {
    /// The stable id, used to comment on it.
    pub id: SectionId,
    /// Its number in the document, from 1.
    pub number: usize,
    /// The heading.
    pub title: LocalizedText,
    /// The body.
    pub text: LocalizedText,
    /// Published top-level comments, oldest first, each with its published replies.
    pub comments: Vec<PublishedComment>,
    /// The public body's response to the section, once given (after closing).
    pub official_response: Option<OfficialResponse>,
}

/// A published comment or reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublishedComment {
    /// Its id, to reply, react or report.
    pub id: CommentId,
    /// The stance of a top-level comment; `null` for a reply.
    pub stance: Option<Stance>,
    /// The text, personal details already replaced by placeholders. Plain text, never HTML.
    pub text: String,
    /// When it was posted.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Rfc3339"))]
    pub created_at: OffsetDateTime,
    /// Agree reactions.
    pub agrees: u64,
    /// Disagree reactions.
    pub disagrees: u64,
    /// Whether the public body wrote it (an official response to a comment).
    pub official: bool,
    /// Published replies, oldest first; always empty on a reply (one level deep).
    pub replies: Vec<PublishedComment>,
}

impl ConsultationView {
    /// The public view of `consultation`: published comments only; `is_official` says which
    /// comments the public body wrote.
    pub fn new(consultation: &Consultation, is_official: impl Fn(CommentId) -> bool) -> Self {
        let as_view = |comment: &Comment, replies: Vec<PublishedComment>| PublishedComment {
            id: comment.id(),
            stance: comment.stance(),
            text: comment.text().as_str().to_owned(),
            created_at: comment.created_at(),
            agrees: comment.agrees(),
            disagrees: comment.disagrees(),
            official: is_official(comment.id()),
            replies,
        };
        let sections = consultation
            .sections()
            .iter()
            .enumerate()
            .map(|(index, section)| ConsultationSectionView {
                id: section.id().clone(),
                number: index + 1,
                title: section.title().clone(),
                text: section.text().clone(),
                comments: published_on(consultation, section.id(), None)
                    .map(|comment| {
                        let replies = published_on(consultation, section.id(), Some(comment.id()))
                            .map(|reply| as_view(reply, Vec::new()))
                            .collect();
                        as_view(comment, replies)
                    })
                    .collect(),
                official_response: section.official_response().cloned(),
            })
            .collect();
        Self {
            slug: consultation.slug().clone(),
            default_language: consultation.default_language().clone(),
            title: consultation.title().clone(),
            phase: consultation.phase(),
            opened_at: consultation.opened_at(),
            closed_at: consultation.closed_at(),
            max_comment_len: consultation.settings().max_comment_len,
            sections,
            outcome: (consultation.phase() >= ConsultationPhase::Closed)
                .then(|| consultation.outcome_report()),
        }
    }
}

/// The published comments on `section` answering `parent` (`None`: the top-level ones).
fn published_on<'a>(
    consultation: &'a Consultation,
    section: &'a SectionId,
    parent: Option<CommentId>,
) -> impl Iterator<Item = &'a Comment> + 'a {
    consultation
        .published_comments()
        .filter(move |c| c.section() == section && c.parent() == parent)
}

/// A comment or a reply: the body of `POST /api/v1/consultations/{slug}/comments`.
///
/// ```json
/// {"section": "tariffs", "stance": "oppose", "text": "The lifeline block is too small.",
///  "voter": "a1b2c3d4e5f6a7b8"}
/// {"parent": 4, "text": "Agreed, for large households.", "voter": "a1b2c3d4e5f6a7b8"}
/// ```
///
/// A top-level comment names its `section` and `stance`; a reply names the published top-level
/// comment it answers as `parent` and has neither. `voter` is the device's token (as for
/// ballots). Personal details in `text` are replaced before anything is stored. `honeypot` is
/// a field people never see; a comment that fills it is answered as if stored and dropped.
/// Unknown fields are rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CommentSubmission {
    /// The section commented on (top-level comments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Where the comment stands (top-level comments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stance: Option<Stance>,
    /// The comment answered (replies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<CommentId>,
    /// The text.
    pub text: String,
    /// The device's token.
    pub voter: String,
    /// The anti-spam field that people leave empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honeypot: Option<String>,
}

/// Where a comment stands in moderation, as its author may learn it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommentStatus {
    /// Waiting for a moderator; not shown yet.
    Pending,
    /// Shown to the public.
    Published,
    /// Refused by a moderator.
    Rejected,
    /// Withdrawn from view for review.
    Hidden,
}

impl From<ModerationState> for CommentStatus {
    fn from(state: ModerationState) -> Self {
        match state {
            ModerationState::Pending => Self::Pending,
            ModerationState::Published => Self::Published,
            ModerationState::Rejected { .. } => Self::Rejected,
            ModerationState::Hidden => Self::Hidden,
        }
    }
}

/// The answer to an accepted comment (`201 Created`), sent once it is durably stored.
///
/// ```json
/// {"consultation": "water-act-2027", "id": 7, "status": "pending",
///  "personal_details_removed": 1, "redactions": {"email": 0, "phone": 1, "card": 0, "id": 0}}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CommentReceipt {
    /// The consultation commented on.
    pub consultation: Slug,
    /// The new comment's id.
    pub id: CommentId,
    /// `pending` while it waits for a moderator.
    pub status: CommentStatus,
    /// How many personal details were replaced by placeholders in the text.
    pub personal_details_removed: u64,
    /// The same, by kind.
    pub redactions: RedactionCounts,
}

/// A reaction: the body of `POST /api/v1/consultations/{slug}/comments/{id}/reactions`, e.g.
/// `{"reaction": "agree", "voter": "a1b2c3d4e5f6a7b8"}`. One reaction per device and comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReactionSubmission {
    /// Agree or disagree.
    pub reaction: Reaction,
    /// The device's token.
    pub voter: String,
}

/// The answer to an accepted reaction (`201 Created`): the comment's counts including it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReactionReceipt {
    /// The comment reacted to.
    pub comment: CommentId,
    /// Agree reactions now.
    pub agrees: u64,
    /// Disagree reactions now.
    pub disagrees: u64,
}

/// A report of a comment to the moderators: the body of
/// `POST /api/v1/consultations/{slug}/comments/{id}/reports`, e.g.
/// `{"voter": "a1b2c3d4e5f6a7b8"}`. One report per device and comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportSubmission {
    /// The device's token.
    pub voter: String,
}

/// The answer to an accepted report (`201 Created`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReportReceipt {
    /// The comment reported.
    pub comment: CommentId,
}

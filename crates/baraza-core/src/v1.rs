//! Version 1 of the HTTP wire format, shared by the server and the widgets.
//!
//! Every type here is a public API: fields are added only as optional, never renamed or removed
//! within `v1`. JSON shapes, by endpoint:
//!
//! | request | success body |
//! |---|---|
//! | `GET /api/v1/polls/{slug}` | [`PollView`] |
//! | `POST /api/v1/polls/{slug}/ballots` with [`BallotSubmission`] | `201` [`BallotReceipt`] |
//! | `GET /api/v1/polls/{slug}/results` | [`PollResults`] |
//!
//! Every failure is an [`ErrorBody`]: `{"error": {"code": "…", "message": "…"}}`, with
//! `details` listing every problem when there is more than one.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;
use crate::poll::{Poll, PollKind, PollPhase};
use crate::slug::{OptionId, Slug};
use crate::tally::PollTally;
use crate::text::{LanguageTag, LocalizedText};

/// A poll as citizens see it: `GET /api/v1/polls/{slug}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollView {
    /// The poll's identifier.
    pub slug: Slug,
    /// The language every text has.
    pub default_language: LanguageTag,
    /// The question, in every language available.
    pub question: LocalizedText,
    /// How to answer.
    pub kind: PollKind,
    /// The options in display order.
    pub options: Vec<OptionView>,
    /// Where the poll stands at the time of the response (never `draft`: drafts are not found).
    pub phase: PollPhase,
    /// When ballots start being accepted, if scheduled.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub opens_at: Option<OffsetDateTime>,
    /// When ballots stop being accepted, if scheduled.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub closes_at: Option<OffsetDateTime>,
}

/// One option of a [`PollView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionView {
    /// The id to put in [`BallotSubmission::selections`].
    pub id: OptionId,
    /// The option's text in every language available.
    pub label: LocalizedText,
}

impl PollView {
    /// The citizen-facing view of `poll` at instant `now`.
    pub fn new(poll: &Poll, now: OffsetDateTime) -> Self {
        Self {
            slug: poll.slug().clone(),
            default_language: poll.default_language().clone(),
            question: poll.question().clone(),
            kind: poll.kind(),
            options: poll
                .options()
                .iter()
                .map(|o| OptionView {
                    id: o.id.clone(),
                    label: o.label.clone(),
                })
                .collect(),
            phase: poll.phase_at(now),
            opens_at: poll.opens_at(),
            closes_at: poll.closes_at(),
        }
    }

    /// The inclusive range of how many options a ballot selects, knowing this poll's options:
    /// `(0, number of options)` for approval; see [`Poll::selection_range`].
    pub fn selection_range(&self) -> (u32, u32) {
        self.kind.selection_range_for(self.options.len())
    }
}

/// A citizen's answer: the body of `POST /api/v1/polls/{slug}/ballots`.
///
/// Unknown fields are rejected, so a typo cannot silently drop part of a ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotSubmission {
    /// Ids of the selected options.
    pub selections: Vec<String>,
    /// The device's [`VoterToken`](crate::VoterToken).
    pub voter: String,
}

/// The answer to an accepted ballot (`201 Created`), sent only once the ballot is durably
/// stored. It carries the results so the widget can show them without another request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotReceipt {
    /// The poll voted in.
    pub poll: Slug,
    /// Results including this ballot.
    pub results: PollResults,
}

/// Current results: `GET /api/v1/polls/{slug}/results`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollResults {
    /// The poll counted.
    pub poll: Slug,
    /// Where the poll stands at the time of the response.
    pub phase: PollPhase,
    /// Ballots counted.
    pub total_ballots: u64,
    /// Per-option counts in display order.
    pub options: Vec<OptionResult>,
}

/// One option's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionResult {
    /// The option.
    pub id: OptionId,
    /// Ballots that selected it.
    pub count: u64,
    /// Share of all ballots in tenths of a percent; rounding rule in [`crate::tally`](mod@crate::tally).
    pub percent_tenths: u32,
}

impl PollResults {
    /// The wire form of `tally`, for a poll currently in `phase`.
    pub fn new(tally: &PollTally, phase: PollPhase) -> Self {
        Self {
            poll: tally.poll().clone(),
            phase,
            total_ballots: tally.total_ballots(),
            options: tally
                .options()
                .into_iter()
                .map(|o| OptionResult {
                    id: o.id,
                    count: o.count,
                    percent_tenths: o.percent_tenths,
                })
                .collect(),
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ApiError,
}

/// An error: a stable code for programs and an English message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// What to branch on.
    pub code: ErrorCode,
    /// A specific, human-readable explanation (English; clients translate by code).
    pub message: String,
    /// Every individual problem, when a request had several.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

/// One problem within an [`ApiError`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// The problem's code.
    pub code: ErrorCode,
    /// The problem, in English.
    pub message: String,
}

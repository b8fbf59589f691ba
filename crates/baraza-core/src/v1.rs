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
//! | `GET /api/v1/feedback/{slug}` | [`FeedbackFormView`] |
//! | `POST /api/v1/feedback/{slug}/responses` with [`FeedbackResponseSubmission`] | `201` [`FeedbackReceipt`] |
//! | `GET /api/v1/feedback/{slug}/results` | [`FeedbackResults`] |
//! | `GET /api/v1/consultations/{slug}` | [`ConsultationView`] |
//! | `POST /api/v1/consultations/{slug}/comments` with [`CommentSubmission`] | `201` [`CommentReceipt`] |
//! | `POST /api/v1/consultations/{slug}/comments/{id}/reactions` with [`ReactionSubmission`] | `201` [`ReactionReceipt`] |
//! | `POST /api/v1/consultations/{slug}/comments/{id}/reports` with [`ReportSubmission`] | `201` [`ReportReceipt`] |
//!
//! Every failure is an [`ErrorBody`]: `{"error": {"code": "…", "message": "…"}}`, with
//! `details` listing every problem when there is more than one.
//!
//! The shapes of the types inside: [`Slug`] and [`OptionId`]
//! are strings such as `"water-tariffs-2027"`; [`LanguageTag`] a string such as `"sw-KE"`;
//! [`LocalizedText`] an object `{"en": "Water", "sw": "Maji"}`; [`PollKind`] an object
//! `{"type": "single_choice"}` or `{"type": "multiple_choice", "min_selections": 1,
//! "max_selections": 3}`; [`PollPhase`] one of `"draft"`, `"upcoming"`, `"open"`, `"closed"`;
//! [`ErrorCode`] a snake_case string such as `"poll_not_open"`.
//!
//! ## JSON Schema
//!
//! With the cargo feature `schema`, `v1::json_schema()` returns a JSON Schema (draft 2020-12)
//! document of every v1 type under `$defs`, generated from these types with `schemars`. Its
//! output is checked in at `crates/baraza-core/schema/v1.schema.json`, and a test fails when the
//! two drift apart (regenerate with `UPDATE_SCHEMA=1 cargo test -p baraza-core --test
//! schema_v1`). The feature is off by default so the browser bundle never carries schemars.
//! The instruments (score questions, feedback forms, consultations, ranked counts, budgeting,
//! statements, suppression, redaction counts) have their own document,
//! `crates/baraza-core/schema/instruments.schema.json`, from `schema::instruments_json_schema()`
//! (regenerate with `UPDATE_SCHEMA=1 cargo test -p baraza-core --test schema_instruments`); the
//! `schema` module's docs describe both.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;
use crate::poll::{Poll, PollKind, PollPhase};
use crate::score::RatingSubmission;
use crate::slug::{OptionId, Slug};
use crate::tally::PollTally;
use crate::text::{LanguageTag, LocalizedText};

mod consultation;
mod feedback;
#[cfg(feature = "schema")]
mod schema;
pub use consultation::{
    CommentReceipt, CommentStatus, CommentSubmission, ConsultationSectionView, ConsultationView,
    PublishedComment, ReactionReceipt, ReactionSubmission, ReportReceipt, ReportSubmission,
};
pub use feedback::{
    ChoiceResult, FeedbackFormView, FeedbackQuestionResults, FeedbackReceipt,
    FeedbackResponseSubmission, FeedbackResults,
};
#[cfg(feature = "schema")]
pub use schema::{SCHEMA_PATH, json_schema};

/// A poll as citizens see it: `GET /api/v1/polls/{slug}`.
///
/// ```json
/// {"slug": "water-tariffs-2027", "default_language": "en",
///  "question": {"en": "How should water be charged?", "sw": "Maji yatozwe vipi?"},
///  "kind": {"type": "single_choice"},
///  "options": [{"id": "flat", "label": {"en": "One flat rate", "sw": "Kiwango kimoja"}},
///              {"id": "tiered", "label": {"en": "Pay more for heavy use"}}],
///  "phase": "open", "opens_at": "2027-01-01T00:00:00Z", "closes_at": "2027-03-31T00:00:00Z"}
/// ```
///
/// `opens_at` and `closes_at` (RFC 3339) are left out when not scheduled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    #[cfg_attr(feature = "schema", schemars(with = "Option<schema::Rfc3339>"))]
    pub opens_at: Option<OffsetDateTime>,
    /// When ballots stop being accepted, if scheduled.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<schema::Rfc3339>"))]
    pub closes_at: Option<OffsetDateTime>,
    /// Whether a ballot counts only with one of the poll's voucher codes (handed out at a
    /// service counter or by SMS) in [`BallotSubmission::voucher`]. Left out when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub voucher_required: bool,
}

/// One option of a [`PollView`]: `{"id": "flat", "label": {"en": "One flat rate"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
            voucher_required: false,
        }
    }

    /// The same view saying whether a ballot needs a voucher code (a server setting of the
    /// poll, not part of its definition).
    #[must_use]
    pub fn with_voucher_required(mut self, required: bool) -> Self {
        self.voucher_required = required;
        self
    }

    /// The inclusive range of how many options a ballot selects, knowing this poll's options:
    /// `(0, number of options)` for approval; see [`Poll::selection_range`].
    pub fn selection_range(&self) -> (u32, u32) {
        self.kind.selection_range_for(self.options.len())
    }
}

/// A citizen's answer: the body of `POST /api/v1/polls/{slug}/ballots`.
///
/// ```json
/// {"selections": ["tiered"], "voter": "a1b2c3d4e5f6a7b8"}
/// ```
///
/// A score poll is answered with ratings instead of selections:
///
/// ```json
/// {"ratings": [{"option": "staff", "score": 4}], "voter": "a1b2c3d4e5f6a7b8"}
/// ```
///
/// Unknown fields are rejected, so a typo cannot silently drop part of a ballot, and a body
/// with neither `selections` nor `ratings` is refused as malformed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "BallotFields")]
pub struct BallotSubmission {
    /// Ids of the selected options (choice polls; empty for a score poll).
    pub selections: Vec<String>,
    /// One score per rated option (score polls).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<RatingSubmission>,
    /// The device's [`VoterToken`](crate::VoterToken).
    pub voter: String,
    /// A voucher code (`K7Q-94M`), for a poll whose [`PollView::voucher_required`] is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<String>,
}

/// The JSON shape of a [`BallotSubmission`] as read: either list may be missing, not both.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "BallotSubmission"))]
#[serde(deny_unknown_fields)]
struct BallotFields {
    /// Ids of the selected options (choice polls).
    #[serde(default)]
    selections: Option<Vec<String>>,
    /// One score per rated option (score polls).
    #[serde(default)]
    ratings: Option<Vec<RatingSubmission>>,
    /// The device's [`VoterToken`](crate::VoterToken).
    voter: String,
    /// A voucher code (`K7Q-94M`), for a poll whose [`PollView::voucher_required`] is set.
    #[serde(default)]
    voucher: Option<String>,
}

impl TryFrom<BallotFields> for BallotSubmission {
    type Error = &'static str;
    fn try_from(fields: BallotFields) -> Result<Self, Self::Error> {
        match (&fields.selections, &fields.ratings) {
            (None, None) => {
                return Err(
                    "a ballot needs `selections` (choice polls) or `ratings` (score polls)",
                );
            }
            // Without this, `{"ratings": []}` would read as an empty choice ballot.
            (None, Some(ratings)) if ratings.is_empty() => {
                return Err("`ratings` is empty: rate at least one option");
            }
            _ => {}
        }
        Ok(Self {
            selections: fields.selections.unwrap_or_default(),
            ratings: fields.ratings.unwrap_or_default(),
            voter: fields.voter,
            voucher: fields.voucher,
        })
    }
}

impl BallotSubmission {
    /// Checks this body against `poll` at instant `now`: [`Poll::validate_rated_ballot`] on
    /// its ratings for a score poll (or any poll, when only ratings are given, which a choice
    /// poll refuses), otherwise [`Poll::validate_ballot`] on its selections; then the voter
    /// token. The wire shape stops here; the domain sees plain values.
    ///
    /// ```
    /// # use baraza_core::{Poll, v1::BallotSubmission};
    /// # let poll: Poll = serde_json::from_str(r#"{"slug":"p","default_language":"en",
    /// #   "question":{"en":"Q?"},"kind":{"type":"single_choice"},"status":"open",
    /// #   "options":[{"id":"a","label":{"en":"A"}},{"id":"b","label":{"en":"B"}}]}"#).unwrap();
    /// let body: BallotSubmission =
    ///     serde_json::from_str(r#"{"selections": ["b"], "voter": "device-0123456789ab"}"#)?;
    /// let ballot = body.validate(&poll, time::OffsetDateTime::UNIX_EPOCH)?;
    /// assert_eq!(ballot.selections()[0].as_str(), "b");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(
        &self,
        poll: &Poll,
        now: OffsetDateTime,
    ) -> Result<crate::Ballot, crate::BallotErrors> {
        // Each path reports a ballot of the wrong shape for the poll's kind as such.
        let rated = match poll.kind() {
            PollKind::Score { .. } => self.selections.is_empty(),
            _ => !self.ratings.is_empty(),
        };
        if rated {
            poll.validate_rated_ballot(&self.ratings, &self.voter, now)
        } else {
            poll.validate_ballot(&self.selections, &self.voter, now)
        }
    }
}

/// The answer to an accepted ballot (`201 Created`), sent only once the ballot is durably
/// stored. It carries the results so the widget can show them without another request.
///
/// ```json
/// {"poll": "water-tariffs-2027", "results": {"poll": "water-tariffs-2027", "phase": "open", …}}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BallotReceipt {
    /// The poll voted in.
    pub poll: Slug,
    /// Results including this ballot.
    pub results: PollResults,
}

/// Current results: `GET /api/v1/polls/{slug}/results`.
///
/// ```json
/// {"poll": "water-tariffs-2027", "phase": "open", "total_ballots": 3,
///  "options": [{"id": "flat", "count": 1, "percent_tenths": 333},
///              {"id": "tiered", "count": 2, "percent_tenths": 667}]}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PollResults {
    /// A ranked poll's instant-runoff count, round by round; absent for the other kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<Vec<RoundResult>>,
    /// The poll counted.
    pub poll: Slug,
    /// Where the poll stands at the time of the response.
    pub phase: PollPhase,
    /// Ballots counted.
    pub total_ballots: u64,
    /// Per-option counts in display order.
    pub options: Vec<OptionResult>,
}

/// One option's result: `{"id": "tiered", "count": 2, "percent_tenths": 667}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OptionResult {
    /// The option.
    pub id: OptionId,
    /// Ballots that selected it.
    pub count: u64,
    /// Share of all ballots in tenths of a percent; rounding rule in [`crate::tally`](mod@crate::tally).
    pub percent_tenths: u32,
    /// A score poll's ratings of the option; absent for the choice kinds (where `count` is the
    /// ballots that selected it; in a score poll, the ballots that rated it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<OptionScoreResult>,
}

/// One round of a ranked poll's instant-runoff count:
/// `{"round": 1, "votes": [{"id": "a", "votes": 4}, …], "exhausted": 0, "elected": [],
/// "eliminated": ["c"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoundResult {
    /// 1 for the first round.
    pub round: u32,
    /// The votes of every option still in the count this round, in option order.
    pub votes: Vec<RoundVotes>,
    /// Ballots whose ranked options are all out of the count, so far.
    pub exhausted: u64,
    /// The option elected in this round (the winner, in the last round).
    pub elected: Vec<OptionId>,
    /// The options eliminated in this round; their ballots count for their next choice in the
    /// next round.
    pub eliminated: Vec<OptionId>,
}

/// An option's votes in one round of a ranked count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoundVotes {
    /// The option.
    pub id: OptionId,
    /// The ballots counting for it this round.
    pub votes: u64,
}

/// How one option of a score poll was rated:
/// `{"mean_tenths": 37, "median_tenths": 40, "distribution": [1, 0, 2, 5, 3]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OptionScoreResult {
    /// The mean score in tenths (37 is 3.7), rounded half away from zero; absent when nobody
    /// rated the option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_tenths: Option<i64>,
    /// The median score in tenths (the midpoint of the two middle ratings for an even count);
    /// absent when nobody rated the option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_tenths: Option<i64>,
    /// The ratings at each point of the scale, from its lowest score to its highest.
    pub distribution: Vec<u64>,
}

impl PollResults {
    /// The wire form of `tally`, for a poll currently in `phase`.
    pub fn new(tally: &PollTally, phase: PollPhase) -> Self {
        let tenths = |ratio: Option<crate::score::Ratio>| {
            ratio.map(|r| i64::try_from(r.round_half_away(1)).unwrap_or(i64::MAX))
        };
        let mut scores = tally.option_scores().map(Vec::into_iter);
        Self {
            // Without the `ranked` feature (the browser bundle) there is no count to give.
            #[cfg(feature = "ranked")]
            rounds: tally
                .ranked_count()
                .and_then(Result::ok)
                .map(|count| rounds_of(&count, tally)),
            #[cfg(not(feature = "ranked"))]
            rounds: None,
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
                    scores: scores.as_mut().and_then(Iterator::next).map(|rated| {
                        OptionScoreResult {
                            mean_tenths: tenths(rated.mean),
                            median_tenths: tenths(rated.median),
                            distribution: rated.distribution.iter().map(|p| p.count).collect(),
                        }
                    }),
                })
                .collect(),
        }
    }
}

/// The wire form of a ranked count's rounds: candidates are the poll's options, in order.
#[cfg(feature = "ranked")]
fn rounds_of(count: &crate::ranked::Tabulation, tally: &PollTally) -> Vec<RoundResult> {
    let options: Vec<OptionId> = tally.options().into_iter().map(|o| o.id).collect();
    let id = |candidate: crate::ranked::CandidateId| options.get(candidate.index()).cloned();
    count
        .rounds()
        .iter()
        .map(|round| RoundResult {
            round: round.number,
            votes: round
                .tallies
                .iter()
                .filter_map(|t| {
                    id(t.candidate).map(|id| RoundVotes {
                        id,
                        votes: t.votes.floor(),
                    })
                })
                .collect(),
            exhausted: round.exhausted.total().floor(),
            elected: round.elected.iter().filter_map(|&c| id(c)).collect(),
            eliminated: round.eliminated.iter().filter_map(|&c| id(c)).collect(),
        })
        .collect()
}

/// The body of every error response.
///
/// ```json
/// {"error": {"code": "invalid_request", "message": "2 problems with the ballot",
///            "details": [{"code": "unknown_option", "message": "no option \"x\""},
///                        {"code": "too_many_selections", "message": "at most 2 options"}]}}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ApiError,
}

/// An error: a stable code for programs and an English message for people,
/// `{"code": "poll_not_found", "message": "no poll has slug \"x\""}`; `details` is left out
/// when empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiError {
    /// What to branch on.
    pub code: ErrorCode,
    /// A specific, human-readable explanation (English; clients translate by code).
    pub message: String,
    /// Every individual problem, when a request had several.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

/// One problem within an [`ApiError`]: `{"code": "unknown_option", "message": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    /// The problem's code.
    pub code: ErrorCode,
    /// The problem, in English.
    pub message: String,
}

//! Stable error codes shared by the core, the HTTP API and the widgets.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code, serialised as a snake_case string.
///
/// Codes are part of the v1 API: clients (the widgets among them) branch on them and translate
/// them for citizens, so a code is never renamed or reused. New codes may be added, hence
/// `#[non_exhaustive]`; a client that meets an unknown code falls back to the error's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request body is not valid JSON.
    MalformedJson,
    /// The body is JSON but not of the expected shape (missing or unknown fields, wrong types).
    InvalidRequest,
    /// The request's `Content-Type` is not `application/json`.
    UnsupportedMediaType,
    /// The request body is larger than the endpoint accepts.
    PayloadTooLarge,
    /// No poll has that slug (drafts are reported as not found too).
    PollNotFound,
    /// The poll does not accept ballots now: not yet open, or closed.
    PollNotOpen,
    /// A selection names an option the poll does not have.
    UnknownOption,
    /// The same option is selected twice.
    DuplicateSelection,
    /// Fewer options are selected than the poll requires.
    TooFewSelections,
    /// More options are selected than the poll allows.
    TooManySelections,
    /// The voter token is missing or malformed.
    InvalidVoterToken,
    /// This voter token has already cast a ballot in this poll.
    AlreadyVoted,
    /// A statement's text is blank.
    StatementBlank,
    /// A statement's text is longer than the limit.
    StatementTooLong,
    /// A statement's text contains a control character (line break, tab, …).
    StatementControlCharacter,
    /// A statement with this id already exists in the conversation.
    DuplicateStatement,
    /// The conversation has no statement with this id.
    UnknownStatement,
    /// The statement was rejected by moderation and takes no votes.
    StatementRejected,
    /// Too few participants, statements or distinct opinions to compute opinion groups yet.
    NotEnoughVotes,
    /// No such endpoint or file.
    NotFound,
    /// The HTTP method is not allowed on this endpoint.
    MethodNotAllowed,
    /// Something failed on the server; the details are in the server log, not in the response.
    Internal,
    /// The server is taking more submissions than it can store right now; nothing was stored.
    /// Try again after the number of seconds in the `Retry-After` header.
    ServerBusy,
    /// The `Idempotency-Key` header is empty, too long, or not printable ASCII.
    InvalidIdempotencyKey,
    /// This `Idempotency-Key` was already used for a different request body on this endpoint.
    IdempotencyKeyReused,
    /// A request with this `Idempotency-Key` is still being handled; try again shortly.
    RequestInProgress,
    /// A score lies outside the question's scale.
    ScoreOutOfScale,
    /// An option is left unrated where every option must be rated.
    MissingRating,
    /// The page or service key of a feedback response is missing or malformed.
    InvalidPageKey,
    /// An answer names a question the form does not have.
    UnknownQuestion,
    /// The same question is answered twice.
    DuplicateAnswer,
    /// An answer is of another type than its question (e.g. text for a rating).
    AnswerTypeMismatch,
    /// A required question is not answered, or a response answers nothing.
    MissingAnswer,
    /// A rating lies outside its question's range (CSAT 1–5, NPS 0–10).
    AnswerOutOfRange,
    /// An answer carries a part its question does not ask for (a reason with a "yes", a comment where there is no comment box).
    AnswerPartNotAsked,
    /// A free text is longer than allowed.
    TextTooLong,
    /// A free text is empty or only whitespace.
    BlankText,
    /// The participant id is missing or malformed.
    InvalidParticipant,
    /// The action is not allowed in the consultation's current phase (e.g. a comment after closing).
    ConsultationWrongPhase,
    /// No section of the consultation has that id.
    SectionNotFound,
    /// No comment of the consultation has that id.
    CommentNotFound,
    /// Replies are one level deep: a reply cannot be replied to.
    ReplyToReply,
    /// The comment is not published, so it cannot be replied to, reacted to or reported.
    CommentNotPublished,
    /// This participant has already reported this comment.
    AlreadyReported,
    /// The moderation step is not allowed from the comment's current state (e.g. publishing a rejected comment).
    InvalidModeration,
    /// A section with that id already exists.
    DuplicateSection,
    /// A citizen's free text is shorter than required (but not empty: that is `blank_text`).
    TextTooShort,
    /// A ranked ballot names a candidate the contest does not have.
    UnknownCandidate,
    /// A ranked ballot is malformed: a candidate marked twice at one rank, or too many ranks.
    InvalidRanking,
    /// A candidate list is invalid: empty, blank or repeated names, or a bad write-ins label.
    InvalidCandidates,
    /// Uploaded CSV cannot be read: empty lines, invalid UTF-8, or an empty overvote mark.
    MalformedCsv,
    /// A count cannot be made with these settings (e.g. more seats than candidates).
    InvalidCountRules,
    /// A participatory-budgeting ballot names a project the instance does not have.
    UnknownProject,
    /// The projects on a participatory-budgeting ballot cost more together than a ballot may
    /// spend (the budget for knapsack ballots, or the instance's cap).
    BallotOverBudget,
    /// A pabulib `.pb` file cannot be used; the error lists every bad line.
    InvalidPabulibFile,
    /// The request took longer than the server allows (a slow upload or a slow answer); sending
    /// it again may succeed.
    RequestTimeout,
    /// No feedback form has that slug.
    FeedbackFormNotFound,
    /// The page title sent with a feedback response is too long or contains control characters.
    InvalidPageTitle,
    /// The admin API needs a valid bearer token (`Authorization: Bearer …`), and none was given
    /// or the one given is unknown or revoked.
    Unauthorized,
    /// The caller is known but their role does not allow this action.
    Forbidden,
    /// Another instrument already uses this slug; slugs are unique across the server.
    SlugTaken,
    /// A poll definition breaks a rule (slug, languages, options, selection range, schedule);
    /// `details` lists every problem.
    InvalidPollDefinition,
    /// A feedback form definition breaks a rule (slug, languages, questions, choices, limits);
    /// `details` lists every problem.
    InvalidFeedbackFormDefinition,
    /// No consultation has that slug (drafts are reported as not found too).
    ConsultationNotFound,
    /// This device has already reacted to this comment; one reaction per device and comment.
    AlreadyReacted,
    /// The poll counts only answers carrying one of its voucher codes, and none was given.
    VoucherRequired,
    /// The voucher code given is not one of the poll's codes (or is not a code at all).
    VoucherUnknown,
    /// The voucher code given has already been used; each code counts once.
    VoucherUsed,
    /// Too many wrong voucher codes came from this sender for this poll lately; answers are
    /// refused without looking at the code until the window ends (an hour).
    TooManyVoucherAttempts,
    /// The server has no SMS gateway to send messages through (Kannel's sendsms is not
    /// configured); nothing was sent or stored.
    SmsNotConfigured,
}

impl ErrorCode {
    /// The snake_case string form, as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed_json",
            Self::InvalidRequest => "invalid_request",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge => "payload_too_large",
            Self::PollNotFound => "poll_not_found",
            Self::PollNotOpen => "poll_not_open",
            Self::UnknownOption => "unknown_option",
            Self::DuplicateSelection => "duplicate_selection",
            Self::TooFewSelections => "too_few_selections",
            Self::TooManySelections => "too_many_selections",
            Self::InvalidVoterToken => "invalid_voter_token",
            Self::AlreadyVoted => "already_voted",
            Self::StatementBlank => "statement_blank",
            Self::StatementTooLong => "statement_too_long",
            Self::StatementControlCharacter => "statement_control_character",
            Self::DuplicateStatement => "duplicate_statement",
            Self::UnknownStatement => "unknown_statement",
            Self::StatementRejected => "statement_rejected",
            Self::NotEnoughVotes => "not_enough_votes",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Internal => "internal",
            Self::ServerBusy => "server_busy",
            Self::InvalidIdempotencyKey => "invalid_idempotency_key",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::RequestInProgress => "request_in_progress",
            Self::ScoreOutOfScale => "score_out_of_scale",
            Self::MissingRating => "missing_rating",
            Self::InvalidPageKey => "invalid_page_key",
            Self::UnknownQuestion => "unknown_question",
            Self::DuplicateAnswer => "duplicate_answer",
            Self::AnswerTypeMismatch => "answer_type_mismatch",
            Self::MissingAnswer => "missing_answer",
            Self::AnswerOutOfRange => "answer_out_of_range",
            Self::AnswerPartNotAsked => "answer_part_not_asked",
            Self::TextTooLong => "text_too_long",
            Self::BlankText => "blank_text",
            Self::InvalidParticipant => "invalid_participant",
            Self::ConsultationWrongPhase => "consultation_wrong_phase",
            Self::SectionNotFound => "section_not_found",
            Self::CommentNotFound => "comment_not_found",
            Self::ReplyToReply => "reply_to_reply",
            Self::CommentNotPublished => "comment_not_published",
            Self::AlreadyReported => "already_reported",
            Self::InvalidModeration => "invalid_moderation",
            Self::DuplicateSection => "duplicate_section",
            Self::TextTooShort => "text_too_short",
            Self::UnknownCandidate => "unknown_candidate",
            Self::InvalidRanking => "invalid_ranking",
            Self::InvalidCandidates => "invalid_candidates",
            Self::MalformedCsv => "malformed_csv",
            Self::InvalidCountRules => "invalid_count_rules",
            Self::UnknownProject => "unknown_project",
            Self::BallotOverBudget => "ballot_over_budget",
            Self::InvalidPabulibFile => "invalid_pabulib_file",
            Self::RequestTimeout => "request_timeout",
            Self::FeedbackFormNotFound => "feedback_form_not_found",
            Self::InvalidPageTitle => "invalid_page_title",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::SlugTaken => "slug_taken",
            Self::InvalidPollDefinition => "invalid_poll_definition",
            Self::InvalidFeedbackFormDefinition => "invalid_feedback_form_definition",
            Self::ConsultationNotFound => "consultation_not_found",
            Self::AlreadyReacted => "already_reacted",
            Self::VoucherRequired => "voucher_required",
            Self::VoucherUnknown => "voucher_unknown",
            Self::VoucherUsed => "voucher_used",
            Self::TooManyVoucherAttempts => "too_many_voucher_attempts",
            Self::SmsNotConfigured => "sms_not_configured",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The ranked-choice crate's codes are a subset of these, with the same strings.
#[cfg(feature = "ranked")]
impl From<baraza_ranked::ErrorCode> for ErrorCode {
    fn from(code: baraza_ranked::ErrorCode) -> Self {
        use baraza_ranked::ErrorCode as Ranked;
        match code {
            Ranked::InvalidRequest => Self::InvalidRequest,
            Ranked::UnknownCandidate => Self::UnknownCandidate,
            Ranked::InvalidRanking => Self::InvalidRanking,
            Ranked::InvalidCandidates => Self::InvalidCandidates,
            Ranked::MalformedCsv => Self::MalformedCsv,
            Ranked::InvalidCountRules => Self::InvalidCountRules,
            // A code added to baraza-ranked but not yet here: the request was not usable.
            _ => Self::InvalidRequest,
        }
    }
}

/// The budgeting crate's codes are a subset of these, with the same strings.
#[cfg(feature = "budgeting")]
impl From<baraza_budgeting::ErrorCode> for ErrorCode {
    fn from(code: baraza_budgeting::ErrorCode) -> Self {
        use baraza_budgeting::ErrorCode as Budgeting;
        match code {
            Budgeting::InvalidRequest => Self::InvalidRequest,
            Budgeting::DuplicateSelection => Self::DuplicateSelection,
            Budgeting::TooFewSelections => Self::TooFewSelections,
            Budgeting::TooManySelections => Self::TooManySelections,
            Budgeting::UnknownProject => Self::UnknownProject,
            Budgeting::BallotOverBudget => Self::BallotOverBudget,
            Budgeting::InvalidPabulibFile => Self::InvalidPabulibFile,
            // A code added to baraza-budgeting but not yet here: the request was not usable.
            _ => Self::InvalidRequest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_matches_serde() {
        for code in [
            ErrorCode::MalformedJson,
            ErrorCode::InvalidRequest,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::PayloadTooLarge,
            ErrorCode::ServerBusy,
            ErrorCode::InvalidIdempotencyKey,
            ErrorCode::IdempotencyKeyReused,
            ErrorCode::RequestInProgress,
            ErrorCode::PollNotFound,
            ErrorCode::PollNotOpen,
            ErrorCode::UnknownOption,
            ErrorCode::DuplicateSelection,
            ErrorCode::TooFewSelections,
            ErrorCode::TooManySelections,
            ErrorCode::InvalidVoterToken,
            ErrorCode::AlreadyVoted,
            ErrorCode::StatementBlank,
            ErrorCode::StatementTooLong,
            ErrorCode::StatementControlCharacter,
            ErrorCode::DuplicateStatement,
            ErrorCode::UnknownStatement,
            ErrorCode::StatementRejected,
            ErrorCode::NotEnoughVotes,
            ErrorCode::NotFound,
            ErrorCode::MethodNotAllowed,
            ErrorCode::Internal,
            ErrorCode::ScoreOutOfScale,
            ErrorCode::MissingRating,
            ErrorCode::InvalidPageKey,
            ErrorCode::UnknownQuestion,
            ErrorCode::DuplicateAnswer,
            ErrorCode::AnswerTypeMismatch,
            ErrorCode::MissingAnswer,
            ErrorCode::AnswerOutOfRange,
            ErrorCode::AnswerPartNotAsked,
            ErrorCode::TextTooLong,
            ErrorCode::BlankText,
            ErrorCode::InvalidParticipant,
            ErrorCode::ConsultationWrongPhase,
            ErrorCode::SectionNotFound,
            ErrorCode::CommentNotFound,
            ErrorCode::ReplyToReply,
            ErrorCode::CommentNotPublished,
            ErrorCode::AlreadyReported,
            ErrorCode::InvalidModeration,
            ErrorCode::DuplicateSection,
            ErrorCode::TextTooShort,
            ErrorCode::UnknownCandidate,
            ErrorCode::InvalidRanking,
            ErrorCode::InvalidCandidates,
            ErrorCode::MalformedCsv,
            ErrorCode::InvalidCountRules,
            ErrorCode::UnknownProject,
            ErrorCode::BallotOverBudget,
            ErrorCode::InvalidPabulibFile,
            ErrorCode::RequestTimeout,
            ErrorCode::FeedbackFormNotFound,
            ErrorCode::InvalidPageTitle,
            ErrorCode::Unauthorized,
            ErrorCode::Forbidden,
            ErrorCode::SlugTaken,
            ErrorCode::InvalidPollDefinition,
            ErrorCode::InvalidFeedbackFormDefinition,
            ErrorCode::ConsultationNotFound,
            ErrorCode::AlreadyReacted,
            ErrorCode::VoucherRequired,
            ErrorCode::VoucherUnknown,
            ErrorCode::VoucherUsed,
            ErrorCode::TooManyVoucherAttempts,
            ErrorCode::SmsNotConfigured,
        ] {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{code}\""));
        }
    }

    /// The small crates' codes convert to the code with the same string, so a client sees
    /// the same code whichever crate reported the problem.
    #[test]
    fn subset_codes_keep_their_strings() {
        #[cfg(feature = "ranked")]
        for code in baraza_ranked::ErrorCode::ALL {
            assert_eq!(ErrorCode::from(code).as_str(), code.as_str());
        }
        #[cfg(feature = "budgeting")]
        for code in baraza_budgeting::ErrorCode::ALL {
            assert_eq!(ErrorCode::from(code).as_str(), code.as_str());
        }
    }
}

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
    /// No such endpoint or file.
    NotFound,
    /// The HTTP method is not allowed on this endpoint.
    MethodNotAllowed,
    /// Something failed on the server; the details are in the server log, not in the response.
    Internal,
    /// A citizen's free text is longer than allowed once cleaned and redacted.
    TextTooLong,
    /// A citizen's free text is empty (or all blank), or shorter than required.
    TextTooShort,
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
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Internal => "internal",
            Self::TextTooLong => "text_too_long",
            Self::TextTooShort => "text_too_short",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
            ErrorCode::PollNotFound,
            ErrorCode::PollNotOpen,
            ErrorCode::UnknownOption,
            ErrorCode::DuplicateSelection,
            ErrorCode::TooFewSelections,
            ErrorCode::TooManySelections,
            ErrorCode::InvalidVoterToken,
            ErrorCode::AlreadyVoted,
            ErrorCode::NotFound,
            ErrorCode::MethodNotAllowed,
            ErrorCode::Internal,
            ErrorCode::TextTooLong,
            ErrorCode::TextTooShort,
        ] {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{code}\""));
        }
    }
}

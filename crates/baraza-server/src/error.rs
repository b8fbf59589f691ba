//! The one error type of the HTTP layer, and the extractors that report a bad body or path with it.

use axum::extract::path::ErrorKind;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::{Extension, Json};
use baraza_core::v1::{ApiError, ErrorBody, ErrorDetail};
use baraza_core::{BallotErrors, ErrorCode};
use serde::de::DeserializeOwned;

use crate::storage::SubmitError;

/// An error that becomes a `{"error": {...}}` response.
#[derive(Debug)]
pub enum AppError {
    /// The client's fault: a 4xx with a code and a message meant for the client.
    Client {
        /// The HTTP status.
        status: StatusCode,
        /// The error's body.
        error: ApiError,
    },
    /// Not now: a `503` (busy) or `409` (the same request still under way) with `Retry-After`;
    /// nothing was stored.
    RetryLater {
        /// The HTTP status.
        status: StatusCode,
        /// Seconds the client should wait before trying again.
        retry_after_seconds: u32,
        /// The error's body.
        error: ApiError,
    },
    /// No valid credentials: a `401` with `WWW-Authenticate: Bearer` (RFC 6750), which says
    /// `error="invalid_token"` when a token was given but is unknown or revoked.
    Unauthenticated {
        /// Whether a token was presented.
        token_given: bool,
        /// The error's body.
        error: ApiError,
    },
    /// Our fault: logged in full, answered with a generic 500.
    Internal(anyhow::Error),
}

impl AppError {
    /// A client error with one code.
    pub fn client(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Client {
            status,
            error: ApiError {
                code,
                message: message.into(),
                details: Vec::new(),
            },
        }
    }

    /// No poll by that slug (or a draft, which citizens must not learn exists).
    pub fn poll_not_found(slug: &str) -> Self {
        Self::client(
            StatusCode::NOT_FOUND,
            ErrorCode::PollNotFound,
            format!("there is no poll {}", quoted_excerpt(slug)),
        )
    }
}

impl From<SubmitError> for AppError {
    /// The write path's refusals. `AlreadyParticipated` is instrument-specific and should be
    /// mapped by the route (polls say `already_voted`); this is the fallback.
    fn from(error: SubmitError) -> Self {
        match error {
            SubmitError::AlreadyParticipated => Self::client(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyVoted,
                "this device has already taken part",
            ),
            SubmitError::VoucherUnknown => Self::client(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::VoucherUnknown,
                "this voucher code is not one of the poll's codes; check it and send it again",
            ),
            SubmitError::VoucherUsed => Self::client(
                StatusCode::CONFLICT,
                ErrorCode::VoucherUsed,
                "this voucher code has already been used; each code counts once",
            ),
            SubmitError::Overloaded => Self::RetryLater {
                status: StatusCode::SERVICE_UNAVAILABLE,
                retry_after_seconds: 1,
                error: ApiError {
                    code: ErrorCode::ServerBusy,
                    message: "the server is busy and stored nothing; try again in a second".into(),
                    details: Vec::new(),
                },
            },
            SubmitError::Unconfirmed(waited) => {
                tracing::warn!(?waited, "a write was not confirmed in time");
                Self::RetryLater {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    retry_after_seconds: 2,
                    error: ApiError {
                        code: ErrorCode::ServerBusy,
                        message: "the server is busy and could not confirm that your answer was \
                                  stored; sending it again is safe"
                            .into(),
                        details: Vec::new(),
                    },
                }
            }
            SubmitError::Database(cause) => Self::Internal(cause),
        }
    }
}

/// How many characters of a client's input an error message quotes.
const EXCERPT_CHARS: usize = 64;

/// Client input quoted for an error message: at most [`EXCERPT_CHARS`] characters, with `…`
/// after a cut, in Rust string syntax (quotes, control characters escaped).
///
/// An error message must not hand back whatever a client sent: a 5,000-character slug would
/// come back whole, inflating responses and logs, and reflecting attacker-chosen text.
pub(crate) fn quoted_excerpt(input: &str) -> String {
    match input.char_indices().nth(EXCERPT_CHARS) {
        None => format!("{input:?}"),
        Some((cut, _)) => format!("{:?}", format!("{}…", &input[..cut])),
    }
}

/// Longest message from a library's rejection text that is passed on to the client (serde's
/// messages quote field names and values from the body).
const MAX_REJECTION_MESSAGE_CHARS: usize = 200;

/// A library's rejection text, cut to [`MAX_REJECTION_MESSAGE_CHARS`].
fn bounded(message: String) -> String {
    match message.char_indices().nth(MAX_REJECTION_MESSAGE_CHARS) {
        None => message,
        Some((cut, _)) => format!("{}…", &message[..cut]),
    }
}

impl From<BallotErrors> for AppError {
    fn from(errors: BallotErrors) -> Self {
        let code = errors.primary_code();
        // A closed poll is a conflict with the poll's state; every other problem is in the ballot.
        let status = if code == ErrorCode::PollNotOpen {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let details = if errors.errors().len() > 1 {
            errors
                .errors()
                .iter()
                .map(|e| ErrorDetail {
                    code: e.code(),
                    message: e.to_string(),
                })
                .collect()
        } else {
            Vec::new()
        };
        Self::Client {
            status,
            error: ApiError {
                code,
                message: errors.to_string(),
                details,
            },
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        Self::Internal(error)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            Self::Client { status, error } => (status, Json(ErrorBody { error })).into_response(),
            Self::RetryLater {
                status,
                retry_after_seconds,
                error,
            } => (
                status,
                [(header::RETRY_AFTER, retry_after_seconds.to_string())],
                Json(ErrorBody { error }),
            )
                .into_response(),
            Self::Unauthenticated { token_given, error } => {
                let challenge = if token_given {
                    r#"Bearer realm="baraza", error="invalid_token""#
                } else {
                    r#"Bearer realm="baraza""#
                };
                (
                    StatusCode::UNAUTHORIZED,
                    [(header::WWW_AUTHENTICATE, challenge)],
                    Json(ErrorBody { error }),
                )
                    .into_response()
            }
            Self::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "internal error");
                let error = ApiError {
                    code: ErrorCode::Internal,
                    message: "the server failed; the problem has been logged".into(),
                    details: Vec::new(),
                };
                (StatusCode::INTERNAL_SERVER_ERROR, Json(ErrorBody { error })).into_response()
            }
        }
    }
}

/// The body limit of the route handling a request, in bytes: put on the route by
/// [`with_body_limit`] beside axum's own limit, so that the `413` of [`ApiJson`] states the
/// limit of the route that refused the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyLimit(pub(crate) usize);

/// `route` with a body limit of `bytes`: larger bodies are refused with `413 payload_too_large`
/// naming this limit.
pub(crate) fn with_body_limit<S>(route: MethodRouter<S>, bytes: usize) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    route
        .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(bytes))
        .layer::<_, std::convert::Infallible>(Extension(BodyLimit(bytes)))
}

/// Like [`axum::Json`], but a body it cannot read becomes an [`AppError`] in the API's envelope.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let limit = request.extensions().get::<BodyLimit>().copied();
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection, limit)),
        }
    }
}

fn json_rejection(rejection: JsonRejection, limit: Option<BodyLimit>) -> AppError {
    let (status, code, message) = match &rejection {
        JsonRejection::MissingJsonContentType(_) => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the body as JSON with the header Content-Type: application/json".to_owned(),
        ),
        JsonRejection::JsonSyntaxError(e) => (
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedJson,
            bounded(format!("the body is not valid JSON: {}", e.body_text())),
        ),
        JsonRejection::JsonDataError(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidRequest,
            bounded(e.body_text()),
        ),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => (
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            match limit {
                Some(BodyLimit(bytes)) => {
                    format!("the body is larger than the {bytes} bytes this endpoint accepts")
                }
                None => "the body is larger than this endpoint accepts".to_owned(),
            },
        ),
        other => (
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
            bounded(other.body_text()),
        ),
    };
    AppError::client(status, code, message)
}

/// Like [`axum::extract::Path`], but a path it cannot decode (`%FF` is not UTF-8) becomes an
/// [`AppError`] in the API's envelope instead of axum's plain-text answer.
#[derive(Debug)]
pub(crate) struct ApiPath<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(path_rejection(rejection)),
        }
    }
}

fn path_rejection(rejection: PathRejection) -> AppError {
    // A 5xx here is a route and its extractor disagreeing: our bug, not the client's.
    if rejection.status().is_server_error() {
        return AppError::Internal(anyhow::anyhow!(
            "path extraction failed: {}",
            rejection.body_text()
        ));
    }
    let message = match &rejection {
        PathRejection::FailedToDeserializePathParams(failure) => match failure.kind() {
            ErrorKind::InvalidUtf8InPathParam { key } => format!(
                "the URL's {key} is not valid UTF-8 once percent-decoded (%FF and the like)"
            ),
            ErrorKind::ParseError { value, .. }
            | ErrorKind::ParseErrorAtIndex { value, .. }
            | ErrorKind::ParseErrorAtKey { value, .. }
            | ErrorKind::DeserializeError { value, .. } => {
                format!("the URL part {} is not valid here", quoted_excerpt(value))
            }
            _ => bounded(failure.body_text()),
        },
        other => bounded(other.body_text()),
    };
    AppError::client(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_excerpt_keeps_short_input_whole_and_cuts_long_input() {
        assert_eq!(quoted_excerpt("water"), r#""water""#);
        assert_eq!(quoted_excerpt("a\nb"), r#""a\nb""#);
        let exactly = "x".repeat(EXCERPT_CHARS);
        assert_eq!(quoted_excerpt(&exactly), format!("{exactly:?}"));

        let long = "y".repeat(5_000);
        let quoted = quoted_excerpt(&long);
        assert_eq!(quoted, format!("\"{}…\"", "y".repeat(EXCERPT_CHARS)));
    }

    #[test]
    fn quoted_excerpt_cuts_between_characters_not_bytes() {
        let multibyte = "ü🌊".repeat(100);
        let quoted = quoted_excerpt(&multibyte);
        assert_eq!(quoted.chars().count(), EXCERPT_CHARS + 3, "{quoted}");
        assert!(quoted.ends_with("…\""), "{quoted}");
    }
}

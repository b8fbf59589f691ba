//! `Idempotency-Key` on every `POST` of the API: a request resent with the same key is counted
//! once and answered with the first answer.
//!
//! Why: a citizen on a phone with a failing connection does not know whether a submission
//! arrived; the widget (and its offline queue) resends it with the key it gave the first time.
//! The rules, as in the IETF `Idempotency-Key` draft and the APIs that use it:
//! - The key is 1 to [`MAX_KEY_CHARS`] printable ASCII characters; anything else is
//!   `400 invalid_idempotency_key`.
//! - A key names one request on one path: the same key with another body is
//!   `422 idempotency_key_reused`; the same key on another path is another request.
//! - The first *definitive* answer (2xx, and 4xx other than 408 and 429) is kept for 24 hours and
//!   replayed byte for byte, with `Idempotent-Replayed: true`. Answers that invite a retry (408,
//!   429, 5xx) are not kept, so the retry runs for real.
//! - While the first request is still being handled by this server, a second one with the same
//!   key gets `409 request_in_progress` with `Retry-After: 1`.
//!
//! Limit, documented in the README: the answer is recorded after the submission's own commit, not
//! in the same transaction. If the server dies between the two, the retry runs again; for a
//! ballot that means `409 already_voted` rather than the first receipt — still counted once.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use baraza_core::ErrorCode;
use sha2::{Digest as _, Sha256};

use crate::AppState;
use crate::error::AppError;
use crate::storage::RecordedResponse;

/// The request header.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on a replayed answer.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// Longest key accepted.
pub const MAX_KEY_CHARS: usize = 255;
/// Largest request or response body buffered here. Every API route's own limit is far smaller,
/// so a larger body is refused by the route anyway; this only bounds what is buffered first.
const MAX_BUFFERED_BYTES: usize = 1024 * 1024;

/// Keys whose first request this server is handling right now.
#[derive(Debug, Default)]
pub(crate) struct InFlightKeys(Mutex<HashSet<(String, String)>>);

/// Removes its key from [`InFlightKeys`] when the request is done, however it ends.
struct InFlight {
    keys: Arc<InFlightKeys>,
    entry: (String, String),
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.keys
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.entry);
    }
}

impl InFlightKeys {
    fn enter(self: &Arc<Self>, key: &str, path: &str) -> Option<InFlight> {
        let entry = (key.to_owned(), path.to_owned());
        let fresh = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(entry.clone());
        fresh.then(|| InFlight {
            keys: Arc::clone(self),
            entry,
        })
    }
}

/// Whether `key` is an acceptable idempotency key.
fn is_valid_key(key: &str) -> bool {
    (1..=MAX_KEY_CHARS).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Whether an answer settles the request, so a retry must get it again.
fn is_definitive(status: StatusCode) -> bool {
    status.is_success()
        || (status.is_client_error()
            && status != StatusCode::REQUEST_TIMEOUT
            && status != StatusCode::TOO_MANY_REQUESTS)
}

/// The middleware (on every route; it acts on `POST /api/…` with the header only).
pub(crate) async fn honour_idempotency_key(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST || !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(&IDEMPOTENCY_KEY) else {
        return next.run(request).await;
    };
    let key = match key.to_str() {
        Ok(key) if is_valid_key(key) => key.to_owned(),
        _ => {
            return AppError::client(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidIdempotencyKey,
                format!(
                    "the Idempotency-Key header must be 1 to {MAX_KEY_CHARS} printable ASCII characters"
                ),
            )
            .into_response();
        }
    };
    match replay_or_run(&state, key, request, next).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn replay_or_run(
    state: &AppState,
    key: String,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let path = request.uri().path().to_owned();
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, MAX_BUFFERED_BYTES).await.map_err(|_| {
        AppError::client(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("the body is larger than the {MAX_BUFFERED_BYTES} bytes any endpoint accepts"),
        )
    })?;
    let request_hash = sha256_hex(&body);
    if let Some(recorded) = state
        .database
        .recorded_response(&key, &path, state.now())
        .await?
    {
        return replayed(recorded, &request_hash);
    }
    let Some(_in_flight) = state.database.in_flight_keys().enter(&key, &path) else {
        return Err(AppError::RetryLater {
            retry_after_seconds: 1,
            status: StatusCode::CONFLICT,
            error: baraza_core::v1::ApiError {
                code: ErrorCode::RequestInProgress,
                message: "a request with this Idempotency-Key is still being handled; try again in a second"
                    .into(),
                details: Vec::new(),
            },
        });
    };
    // Another server (or this one, a moment ago) may have finished it meanwhile.
    if let Some(recorded) = state
        .database
        .recorded_response(&key, &path, state.now())
        .await?
    {
        return replayed(recorded, &request_hash);
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    if !is_definitive(response.status()) {
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, MAX_BUFFERED_BYTES)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read an API response: {e}"))?;
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    if let Ok(text) = std::str::from_utf8(&body) {
        let recorded = RecordedResponse {
            request_hash,
            status: parts.status.as_u16(),
            content_type,
            body: text.to_owned(),
        };
        // The submission is stored already; failing to record its answer must not turn it into
        // an error for the citizen. The retry then runs again (see the module docs).
        if let Err(error) = state
            .database
            .record_response(&key, &path, &recorded, state.now())
            .await
        {
            tracing::error!(
                error = format!("{error:#}"),
                "cannot record an idempotent answer"
            );
        }
    }
    Ok(Response::from_parts(parts, Body::from(body)))
}

fn replayed(recorded: RecordedResponse, request_hash: &str) -> Result<Response, AppError> {
    if recorded.request_hash != request_hash {
        return Err(AppError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::IdempotencyKeyReused,
            "this Idempotency-Key was already used for a different request; use a new key for a new request",
        ));
    }
    let status = StatusCode::from_u16(recorded.status)
        .map_err(|e| anyhow::anyhow!("a recorded answer has a bad status: {e}"))?;
    let content_type = HeaderValue::from_str(&recorded.content_type)
        .map_err(|e| anyhow::anyhow!("a recorded answer has a bad content type: {e}"))?;
    let mut response = (status, recorded.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_one_to_255_printable_ascii_characters() {
        assert!(is_valid_key("0f8b7c3e-5a1d-4c2b-9e7f-1a2b3c4d5e6f"));
        assert!(is_valid_key(&"k".repeat(MAX_KEY_CHARS)));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key(&"k".repeat(MAX_KEY_CHARS + 1)));
        assert!(!is_valid_key("has space"));
        assert!(!is_valid_key("ключ"));
    }

    #[test]
    fn retryable_answers_are_not_kept() {
        assert!(is_definitive(StatusCode::CREATED));
        assert!(is_definitive(StatusCode::CONFLICT));
        assert!(is_definitive(StatusCode::UNPROCESSABLE_ENTITY));
        assert!(!is_definitive(StatusCode::REQUEST_TIMEOUT));
        assert!(!is_definitive(StatusCode::TOO_MANY_REQUESTS));
        assert!(!is_definitive(StatusCode::SERVICE_UNAVAILABLE));
        assert!(!is_definitive(StatusCode::INTERNAL_SERVER_ERROR));
    }

    #[test]
    fn body_hash_is_sha256_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

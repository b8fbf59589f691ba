//! The public JSON API, version 1: one file per instrument, routes wired in [`crate::app`].

use axum::http::StatusCode;
use baraza_core::ErrorCode;
use baraza_core::text_safety::{CitizenText, RedactionCounts, TextLimits};

use crate::error::AppError;

pub(crate) mod consultations;
pub(crate) mod feedback;
pub(crate) mod polls;

/// Any other path under `/api`.
pub(crate) async fn api_not_found() -> AppError {
    AppError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such API endpoint",
    )
}

/// A known API path with the wrong method.
pub(crate) async fn method_not_allowed() -> AppError {
    AppError::client(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "this endpoint does not take that method",
    )
}

/// Free text with personal details replaced, and what was replaced. Length and blankness are
/// the instrument's rules, checked by the core afterwards on the redacted text, so no limit is
/// applied here.
pub(crate) fn redacted(raw: &str, removed: &mut RedactionCounts) -> String {
    let unbounded = TextLimits::new(0, usize::MAX).unwrap_or_default();
    match CitizenText::new(raw, unbounded) {
        Ok(text) => {
            let counts = text.redactions();
            removed.email += counts.email;
            removed.phone += counts.phone;
            removed.card += counts.card;
            removed.id += counts.id;
            text.into_string()
        }
        // Only reachable with limits the text breaks, which these are not; never keep the raw
        // text: the core then refuses an empty answer as blank.
        Err(_) => String::new(),
    }
}

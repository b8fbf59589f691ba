//! The public JSON API, version 1: one file per instrument, routes wired in [`crate::app`].

use axum::http::StatusCode;
use baraza_core::ErrorCode;

use crate::error::AppError;

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

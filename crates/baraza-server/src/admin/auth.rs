//! Who is calling the admin API: the bearer token of `Authorization: Bearer …`, checked against
//! the digests of unrevoked tokens.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use baraza_core::ErrorCode;
use baraza_core::v1::ApiError;

use super::secrets;
use crate::AppState;
use crate::error::AppError;
use crate::storage::TokenCaller;

/// A caller of the admin API with a valid token: its organisation and role.
///
/// Extracting it refuses with `401 unauthorized` (and `WWW-Authenticate: Bearer`) when the
/// header is missing, malformed, or names no valid token.
#[derive(Debug, Clone)]
pub(crate) struct ApiCaller(pub(crate) TokenCaller);

/// Longest `Authorization` value looked at; a real one is ~80 characters.
const MAX_AUTHORIZATION_CHARS: usize = 512;

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(unauthenticated(
                false,
                "this endpoint needs an admin API token: send the header \
                 Authorization: Bearer TOKEN (an admin makes tokens with `baraza admin create-token`)",
            ));
        };
        let token = value
            .to_str()
            .ok()
            .filter(|value| value.len() <= MAX_AUTHORIZATION_CHARS)
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty());
        let Some(token) = token else {
            return Err(unauthenticated(
                true,
                "the Authorization header must be `Bearer TOKEN`",
            ));
        };
        match state.database.token_caller(&secrets::digest(token)).await? {
            Some(caller) => Ok(Self(caller)),
            None => Err(unauthenticated(
                true,
                "this token is not valid: it is unknown, revoked, or its creator has left the organisation",
            )),
        }
    }
}

fn unauthenticated(token_given: bool, message: &str) -> AppError {
    AppError::Unauthenticated {
        token_given,
        error: ApiError {
            code: ErrorCode::Unauthorized,
            message: message.to_owned(),
            details: Vec::new(),
        },
    }
}

/// `403 forbidden`: the caller's role does not allow `action`.
pub(crate) fn forbidden(caller: &TokenCaller, action: &str) -> AppError {
    AppError::client(
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
        format!(
            "this token acts as {} of {}, which may not {action}",
            caller.role, caller.organisation
        ),
    )
}

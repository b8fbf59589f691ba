//! The admin site's own account page: any signed-in member changes their password.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/account/password` | any member | the form |
//! | `POST /admin/account/password` | any member | `303` back with a notice; `422` with problems |
//!
//! The current password must be given (a session left open on a shared computer cannot take
//! the account over), and wrong ones count with sign-in's failures (`429` past the limit); the new one follows the sign-up rule (12 to 256 characters) and is typed
//! twice. On success the account's other sessions end — anywhere else it was signed in — and an
//! audit row is written (`account.password`). Passwords are hashed (argon2id) off the async
//! threads and never logged.

use askama::Template;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form};
use serde::Deserialize;

use super::language::SiteTexts;
use super::poll_form::FieldError;
use super::secrets::{self, WeakPassword};
use super::settings_page::settings_texts;
use super::settings_texts::SettingsTexts;
use super::site::{
    FAILURE_WINDOW, SiteResult, failure_keys, go_on, page, require_form_session, require_session,
    throttled_until, too_many_attempts,
};
use super::texts::Texts;
use crate::AppState;
use crate::storage::{Actor, AuditEntry, StaffSession};

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordPage<'a> {
    t: &'a Texts,
    s: &'a SettingsTexts,
    email: &'a str,
    csrf_token: &'a str,
    errors: Vec<FieldError>,
    notice: Option<&'a str>,
}

impl PasswordPage<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }
}

fn render(
    status: StatusCode,
    t: &Texts,
    session: &StaffSession,
    errors: Vec<FieldError>,
    notice: Option<&str>,
) -> SiteResult {
    page(
        status,
        &PasswordPage {
            t,
            s: settings_texts(t),
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            errors,
            notice,
        },
    )
}

/// The page's query: whether the password was just changed.
#[derive(Deserialize)]
pub(crate) struct PasswordQuery {
    #[serde(default)]
    done: String,
}

/// `GET /admin/account/password`
pub(crate) async fn password_form(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Query(query): Query<PasswordQuery>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let notice = (query.done == "changed").then_some(settings_texts(t).password_changed_notice);
    render(StatusCode::OK, t, &session, Vec::new(), notice)
}

/// The form's fields.
#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/account/password`
pub(crate) async fn change_password(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> SiteResult {
    let session = go_on!(require_form_session(&state, &headers, &form.csrf_token, t).await?);
    let s = settings_texts(t);
    let problem = |field: &str, message: &str| {
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            t,
            &session,
            vec![FieldError {
                field: field.to_owned(),
                message: message.to_owned(),
            }],
            None,
        )
    };
    // Wrong current passwords count with sign-in's: a session left open cannot be used to
    // guess the password at leisure.
    let now = state.now();
    let (account_key, address_key) = failure_keys(&state, &session.email, peer, &headers);
    if let Some(retry_at) = throttled_until(&state, &account_key, &address_key, now).await? {
        return too_many_attempts(t, retry_at, now);
    }
    let Some(account) = state.database.staff_user(&session.email).await? else {
        return problem("current", s.current_password_wrong);
    };
    let (typed, stored) = (form.current.clone(), account.password_hash.clone());
    let matches =
        tokio::task::spawn_blocking(move || secrets::verify_password(&typed, &stored)).await?;
    if !matches {
        state
            .database
            .record_sign_in_failure(&account_key, &address_key, now, now - FAILURE_WINDOW)
            .await?;
        return problem("current", s.current_password_wrong);
    }
    match secrets::check_new_password(&form.new) {
        Err(WeakPassword::TooShort(_)) => return problem("new", s.new_password_too_short),
        Err(WeakPassword::TooLong) => return problem("new", s.new_password_too_long),
        Ok(()) => {}
    }
    if form.confirm != form.new {
        return problem("confirm", s.confirm_mismatch);
    }
    let new = form.new.clone();
    let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&new)).await??;
    let audit = AuditEntry::new(
        None,
        Actor::User(session.user_id),
        "account.password",
        format!("user:{}", session.user_id),
        state.now(),
    );
    state
        .database
        .change_password(session.user_id, &hash, &session.csrf_token, &audit)
        .await?;
    tracing::info!(user = session.user_id, "password changed on the admin site");
    Ok(Redirect::to("/admin/account/password?done=changed").into_response())
}

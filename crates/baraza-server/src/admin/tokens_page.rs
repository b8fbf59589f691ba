//! The admin site's admin API tokens of an organisation (admins only): list them, make one
//! (shown once, on the answer to the form, never in a URL or a log), revoke one.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/organisations/{org}/tokens` | admin | the list and the form |
//! | `POST /admin/organisations/{org}/tokens` | admin | `201` the list with the new token |
//! | `POST /admin/organisations/{org}/tokens/{id}/revoke` | admin | `303` to the list |
//!
//! A token acts with its maker's role in the organisation, and stops working when revoked or
//! when its maker leaves the organisation. Making and revoking write audit rows.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::consultation_pages::{Posted, shown_instant};
use super::language::SiteTexts;
use super::secrets;
use super::settings_page::{admin_of, settings_texts};
use super::settings_texts::SettingsTexts;
use super::site::{SiteResult, go_on, not_found, page, require_form_session, require_session};
use super::texts::Texts;
use crate::AppState;
use crate::storage::{Actor, AuditEntry, Membership, StaffSession};

struct TokenRow {
    id: i64,
    created_by: String,
    created: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage<'a> {
    t: &'a Texts,
    s: &'a SettingsTexts,
    email: &'a str,
    csrf_token: &'a str,
    organisation: &'a str,
    tokens: Vec<TokenRow>,
    new_token: Option<&'a str>,
    notice: Option<&'a str>,
}

async fn render(
    state: &AppState,
    status: StatusCode,
    t: &Texts,
    session: &StaffSession,
    member: &Membership,
    new_token: Option<&str>,
    notice: Option<&str>,
) -> SiteResult {
    let tokens = state
        .database
        .organisation_tokens(&member.organisation)
        .await?
        .into_iter()
        .map(|token| TokenRow {
            id: token.id,
            created_by: token.created_by,
            created: shown_instant(token.created_at),
            revoked: token.revoked_at.is_some(),
        })
        .collect();
    page(
        status,
        &TokensPage {
            t,
            s: settings_texts(t),
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            organisation: member.organisation.as_str(),
            tokens,
            new_token,
            notice,
        },
    )
}

/// The tokens page's query: whether a token was just revoked.
#[derive(Deserialize)]
pub(crate) struct TokensQuery {
    #[serde(default)]
    done: String,
}

/// `GET /admin/organisations/{organisation}/tokens`
pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    Query(query): Query<TokensQuery>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let member = go_on!(admin_of(&state, &session, &organisation, t).await?);
    let notice = (query.done == "revoked").then_some(settings_texts(t).revoked_notice);
    render(&state, StatusCode::OK, t, &session, &member, None, notice).await
}

/// `POST /admin/organisations/{organisation}/tokens`
pub(crate) async fn create_token(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> SiteResult {
    let posted = Posted(pairs);
    let session =
        go_on!(require_form_session(&state, &headers, posted.field("csrf_token"), t).await?);
    let member = go_on!(admin_of(&state, &session, &organisation, t).await?);
    let token = secrets::new_api_token();
    let id = state
        .database
        .create_api_token(
            &member.organisation,
            session.user_id,
            &secrets::digest(&token),
            Actor::User(session.user_id),
            state.now(),
        )
        .await?;
    tracing::info!(
        token = id,
        user = session.user_id,
        "admin API token made on the admin site"
    );
    // Answered, not redirected: the token appears once, in this page, and in no URL.
    render(
        &state,
        StatusCode::CREATED,
        t,
        &session,
        &member,
        Some(&token),
        None,
    )
    .await
}

/// `POST /admin/organisations/{organisation}/tokens/{id}/revoke`
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path((organisation, id)): Path<(String, i64)>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> SiteResult {
    let posted = Posted(pairs);
    let session =
        go_on!(require_form_session(&state, &headers, posted.field("csrf_token"), t).await?);
    let member = go_on!(admin_of(&state, &session, &organisation, t).await?);
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "token.revoke",
        format!("token:{id}"),
        state.now(),
    );
    if !state
        .database
        .revoke_api_token(&member.organisation, id, &audit)
        .await?
    {
        return not_found(t);
    }
    Ok(Redirect::to(&format!(
        "/admin/organisations/{}/tokens?done=revoked",
        member.organisation
    ))
    .into_response())
}

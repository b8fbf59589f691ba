//! The admin site's organisation settings (admins only): the name staff see and the websites
//! allowed to embed the organisation's instruments.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET`/`POST /admin/organisations/{org}/settings` | admin | the form; saved (`303`) |
//!
//! The allowed origins drive CORS on the public API for the organisation's instruments (see
//! `app::organisation_origins`): listed origins only, or the server-wide list when none is
//! given. The static widget bundle stays public. A form with problems comes back `422` with
//! each beside its field; saving writes an audit row and takes effect at once.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use baraza_core::Slug;
use serde::Deserialize;

use super::consultation_pages::Posted;
use super::language::SiteTexts;
use super::poll_form::FieldError;
use super::settings_texts::SettingsTexts;
use super::site::{
    SiteError, SiteResult, go_on, membership, not_found, page, require_form_session,
    require_session, role_refused,
};
use super::texts::{Language, Texts};
use crate::AppState;
use crate::storage::{Actor, AuditEntry, Membership, OrganisationSettings, Role, StaffSession};

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage<'a> {
    t: &'a Texts,
    s: &'a SettingsTexts,
    email: &'a str,
    csrf_token: &'a str,
    organisation: &'a str,
    name: &'a str,
    origins: &'a str,
    notice: Option<&'a str>,
    errors: Vec<FieldError>,
}

impl SettingsPage<'_> {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }
}

pub(crate) fn settings_texts(t: &Texts) -> &'static SettingsTexts {
    Language::from_tag_exact(t.lang)
        .unwrap_or(Language::En)
        .settings_texts()
}

/// The member's membership of `organisation` when they are its admin; otherwise the response
/// refusing them (`404` for a stranger, `403` for another role).
pub(crate) async fn admin_of(
    state: &AppState,
    session: &StaffSession,
    organisation: &str,
    t: &Texts,
) -> Result<Result<Membership, Response>, SiteError> {
    let Ok(organisation) = Slug::parse(organisation) else {
        return Ok(Err(not_found(t)?));
    };
    match membership(state, session, &organisation).await? {
        None => Ok(Err(not_found(t)?)),
        Some(member) if member.role != Role::Admin => Ok(Err(role_refused(t)?)),
        Some(member) => Ok(Ok(member)),
    }
}

/// Checks the typed origins, one per line: each must be `http(s)://host[:port]`.
fn parse_origins(typed: &str, s: &SettingsTexts) -> Result<Vec<String>, String> {
    let mut origins = Vec::new();
    for line in typed.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let origin = line.trim_end_matches('/');
        match crate::AllowedOrigins::parse(origin) {
            Ok(crate::AllowedOrigins::List(list)) if list.len() == 1 => {
                if !origins.iter().any(|known| known == origin) {
                    origins.push(origin.to_owned());
                }
            }
            _ => {
                let shown: String = line.chars().take(64).collect();
                return Err(format!("{} {shown}", s.origin_invalid));
            }
        }
    }
    Ok(origins)
}

/// The settings page's query: whether it was just saved.
#[derive(Deserialize)]
pub(crate) struct SettingsQuery {
    #[serde(default)]
    done: String,
}

/// `GET /admin/organisations/{organisation}/settings`
pub(crate) async fn settings_form(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    Query(query): Query<SettingsQuery>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let member = go_on!(admin_of(&state, &session, &organisation, t).await?);
    let Some(settings) = state
        .database
        .organisation_settings(&member.organisation)
        .await?
    else {
        return not_found(t);
    };
    let s = settings_texts(t);
    page(
        StatusCode::OK,
        &SettingsPage {
            t,
            s,
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            organisation: member.organisation.as_str(),
            name: &settings.name,
            origins: &settings.allowed_origins.join("\n"),
            notice: (query.done == "saved").then_some(s.saved_notice),
            errors: Vec::new(),
        },
    )
}

/// `POST /admin/organisations/{organisation}/settings`
pub(crate) async fn save_settings(
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
    let s = settings_texts(t);
    let name = posted.field("name").trim();
    let typed_origins = posted.field("allowed_origins");
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(FieldError {
            field: "name".to_owned(),
            message: s.name_missing.to_owned(),
        });
    }
    let origins = parse_origins(typed_origins, s).unwrap_or_else(|message| {
        errors.push(FieldError {
            field: "allowed_origins".to_owned(),
            message,
        });
        Vec::new()
    });
    if !errors.is_empty() {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SettingsPage {
                t,
                s,
                email: session.email.as_str(),
                csrf_token: &session.csrf_token,
                organisation: member.organisation.as_str(),
                name,
                origins: typed_origins,
                notice: None,
                errors,
            },
        );
    }
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "organisation.settings",
        member.organisation.as_str(),
        state.now(),
    );
    state
        .database
        .update_organisation_settings(
            &member.organisation,
            &OrganisationSettings {
                name: name.to_owned(),
                allowed_origins: origins,
            },
            &audit,
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/admin/organisations/{}/settings?done=saved",
        member.organisation
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_one_per_line_without_paths_or_wildcards() {
        let s = Language::En.settings_texts();
        assert_eq!(
            parse_origins(
                "https://water.go.ke\n\n  http://127.0.0.1:8081/ \nhttps://water.go.ke",
                s
            ),
            Ok(vec![
                "https://water.go.ke".to_owned(),
                "http://127.0.0.1:8081".to_owned()
            ])
        );
        for bad in [
            "*",
            "water.go.ke",
            "https://water.go.ke/page",
            "ftp://x.example",
        ] {
            let error = parse_origins(bad, s).expect_err(bad);
            assert!(error.ends_with(bad), "{error}");
        }
    }
}

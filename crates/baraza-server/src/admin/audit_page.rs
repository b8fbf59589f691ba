//! The audit log page: who did what, when, in one organisation, newest first, a page at a
//! time. Only the organisation's administrators may read it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use baraza_core::Slug;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;

use super::language::SiteTexts;
use super::site::{SiteResult, membership, not_found, page, require_session, role_refused};
use super::texts::Texts;
use crate::AppState;
use crate::storage::Role;

/// Entries on one page of the audit log.
pub(crate) const AUDIT_PAGE_SIZE: u32 = 50;

#[derive(Deserialize)]
pub(crate) struct AuditQuery {
    /// The page, from 0 (newest).
    #[serde(default)]
    page: u32,
}

struct AuditRow {
    when: String,
    who: String,
    what: String,
    target: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditLogPage<'a> {
    t: &'a Texts,
    email: &'a str,
    csrf_token: &'a str,
    organisation: &'a str,
    organisation_name: &'a str,
    rows: Vec<AuditRow>,
    newer_page: Option<u32>,
    older_page: Option<u32>,
}

/// `GET /admin/organisations/{organisation}/audit?page=N`
pub(crate) async fn audit_log(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    Query(query): Query<AuditQuery>,
    headers: HeaderMap,
) -> SiteResult {
    let session = match require_session(&state, &headers).await? {
        Ok(session) => session,
        Err(stop) => return Ok(stop),
    };
    let Ok(organisation) = Slug::parse(organisation) else {
        return not_found(t);
    };
    let Some(member) = membership(&state, &session, &organisation).await? else {
        return not_found(t);
    };
    if member.role != Role::Admin {
        return role_refused(t);
    }
    let found = state
        .database
        .audit_page(&organisation, query.page, AUDIT_PAGE_SIZE)
        .await?;
    let mut emails: HashMap<i64, Option<String>> = HashMap::new();
    let mut rows = Vec::with_capacity(found.entries.len());
    for entry in found.entries {
        let who = match entry.actor.split_once(':') {
            Some(("user", id)) => match id.parse::<i64>() {
                Ok(id) => {
                    let email = match emails.get(&id) {
                        Some(known) => known.clone(),
                        None => {
                            let found = state.database.staff_email(id).await?;
                            emails.insert(id, found.clone());
                            found
                        }
                    };
                    match email {
                        Some(email) => email,
                        None => format!("{} {id}", t.actor_removed_user),
                    }
                }
                Err(_) => entry.actor.clone(),
            },
            Some(("token", id)) => format!("{} {id}", t.actor_token),
            _ if entry.actor == "cli" => t.actor_command_line.to_owned(),
            _ => entry.actor.clone(),
        };
        let when = entry
            .at
            .to_offset(time::UtcOffset::UTC)
            .format(&Rfc3339)?
            .replace('T', " ")
            .trim_end_matches('Z')
            .to_owned();
        rows.push(AuditRow {
            when,
            who,
            what: entry.action,
            target: entry.target,
        });
    }
    page(
        StatusCode::OK,
        &AuditLogPage {
            t,
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            organisation: organisation.as_str(),
            organisation_name: &member.organisation_name,
            rows,
            newer_page: query.page.checked_sub(1),
            older_page: found.has_older.then_some(query.page + 1),
        },
    )
}

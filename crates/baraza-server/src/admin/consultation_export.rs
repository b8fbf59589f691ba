//! A consultation's comments as CSV and JSON for analysts, editors and admins, on the admin
//! site and through the admin API.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/consultations/{slug}/export.csv` | analyst, editor, admin (site) | CSV |
//! | `GET /admin/consultations/{slug}/export.json` | analyst, editor, admin (site) | JSON |
//! | `GET /api/v1/admin/consultations/{slug}/export.csv` | analyst, editor, admin (token) | CSV |
//! | `GET /api/v1/admin/consultations/{slug}/export.json` | analyst, editor, admin (token) | JSON |
//!
//! Every comment and reply, in every moderation state, oldest first. Columns (CSV) and fields
//! (JSON objects): `comment_id`, `section`, `reply_to`, `stance`, `state`, `rejection_reason`,
//! `official`, `created_at`, `moderated_at` (UTC, RFC 3339), `agrees`, `disagrees`, `reports`,
//! `text`; in JSON absent values are `null` and counts and flags are numbers and booleans. No
//! device token is exported; texts were redacted when they were posted, and in CSV a cell a
//! spreadsheet would read as a formula is prefixed with `'`. A consultation of another
//! organisation (or a demo one) answers `404`. Audited as `consultation.export_csv` /
//! `consultation.export_json`.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use baraza_core::Slug;
use baraza_core::consultation::ModerationState;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use super::auth::{ApiCaller, forbidden};
use super::consultation_pages::member_consultation;
use super::export::{self, Format};
use super::language::SiteTexts;
use super::site::{SiteResult, go_on, not_found, require_session, role_refused};
use crate::AppState;
use crate::error::{ApiPath, AppError};
use crate::storage::{Actor, AuditEntry, StoredConsultation};

/// One exported comment (fields in the module docs).
#[derive(Debug, Serialize)]
struct ExportedComment {
    comment_id: u64,
    section: String,
    reply_to: Option<u64>,
    stance: Option<String>,
    state: &'static str,
    rejection_reason: Option<String>,
    official: bool,
    created_at: String,
    moderated_at: Option<String>,
    agrees: u64,
    disagrees: u64,
    reports: u64,
    text: String,
}

fn rows(stored: &StoredConsultation) -> anyhow::Result<Vec<ExportedComment>> {
    stored
        .consultation
        .comments()
        .iter()
        .map(|comment| {
            let (state, rejection_reason) = match comment.state() {
                ModerationState::Pending => ("pending", None),
                ModerationState::Published => ("published", None),
                ModerationState::Hidden => ("hidden", None),
                ModerationState::Rejected { reason } => {
                    ("rejected", Some(crate::storage::wire_name(&reason)?))
                }
            };
            Ok(ExportedComment {
                comment_id: comment.id().0,
                section: comment.section().as_str().to_owned(),
                reply_to: comment.parent().map(|parent| parent.0),
                stance: comment
                    .stance()
                    .map(|s| crate::storage::wire_name(&s))
                    .transpose()?,
                state,
                rejection_reason,
                official: stored.is_official(comment.id()),
                created_at: comment.created_at().format(&Rfc3339)?,
                moderated_at: comment
                    .moderated_at()
                    .map(|at| at.format(&Rfc3339))
                    .transpose()?,
                agrees: comment.agrees(),
                disagrees: comment.disagrees(),
                reports: u64::try_from(comment.report_count())?,
                text: comment.text().as_str().to_owned(),
            })
        })
        .collect()
}

fn csv(rows: &[ExportedComment]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record([
        "comment_id",
        "section",
        "reply_to",
        "stance",
        "state",
        "rejection_reason",
        "official",
        "created_at",
        "moderated_at",
        "agrees",
        "disagrees",
        "reports",
        "text",
    ])?;
    for row in rows {
        writer.write_record([
            row.comment_id.to_string(),
            row.section.clone(),
            row.reply_to.map(|id| id.to_string()).unwrap_or_default(),
            row.stance.clone().unwrap_or_default(),
            row.state.to_owned(),
            row.rejection_reason.clone().unwrap_or_default(),
            row.official.to_string(),
            row.created_at.clone(),
            row.moderated_at.clone().unwrap_or_default(),
            row.agrees.to_string(),
            row.disagrees.to_string(),
            row.reports.to_string(),
            super::feedback_export::safe_cell(&row.text),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("cannot finish the CSV: {error}"))
}

/// The download of `stored`'s comments in `format`, audited as `actor` of `organisation`.
async fn download(
    state: &AppState,
    stored: &StoredConsultation,
    organisation: &Slug,
    actor: Actor,
    format: Format,
) -> anyhow::Result<Response> {
    let slug = stored.consultation.slug();
    let action = format.action("consultation");
    state
        .database
        .audit(&AuditEntry::new(
            Some(organisation),
            actor,
            &action,
            slug.as_str(),
            state.now(),
        ))
        .await?;
    let rows = rows(stored)?;
    let body = match format {
        Format::Csv => csv(&rows)?,
        Format::Json => {
            let mut body = serde_json::to_vec(&rows)?;
            body.push(b'\n');
            body
        }
    };
    let file_name = format!("{slug}-comments.{}", format.extension());
    Ok(export::download(
        Body::from(body),
        format.content_type(),
        &file_name,
    ))
}

async fn site_download(
    state: &AppState,
    t: &'static super::texts::Texts,
    headers: &HeaderMap,
    slug: &str,
    format: Format,
) -> SiteResult {
    let session = go_on!(require_session(state, headers).await?);
    let Some((stored, member)) = member_consultation(state, &session, slug).await? else {
        return not_found(t);
    };
    if !member.role.may_export() {
        return role_refused(t);
    }
    Ok(download(
        state,
        &stored,
        &member.organisation,
        Actor::User(session.user_id),
        format,
    )
    .await?)
}

/// `GET /admin/consultations/{slug}/export.csv`
pub(crate) async fn export_comments_csv(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    site_download(&state, t, &headers, &slug, Format::Csv).await
}

/// `GET /admin/consultations/{slug}/export.json`
pub(crate) async fn export_comments_json(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    site_download(&state, t, &headers, &slug, Format::Json).await
}

async fn api_download(
    state: &AppState,
    caller: &crate::storage::TokenCaller,
    slug: &str,
    format: Format,
) -> Result<Response, AppError> {
    let not_found = || crate::api::consultations::consultation_not_found(slug);
    let parsed = Slug::parse(slug).map_err(|_| not_found())?;
    let stored = state
        .database
        .consultation(&parsed)
        .await?
        .filter(|stored| stored.organisation.as_deref() == Some(caller.organisation.as_str()))
        .ok_or_else(not_found)?;
    if !caller.role.may_export() {
        return Err(forbidden(caller, "download comments"));
    }
    Ok(download(
        state,
        &stored,
        &caller.organisation,
        Actor::Token(caller.token_id),
        format,
    )
    .await?)
}

/// `GET /api/v1/admin/consultations/{slug}/export.csv`
pub(crate) async fn api_csv(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Response, AppError> {
    api_download(&state, &caller, &slug, Format::Csv).await
}

/// `GET /api/v1/admin/consultations/{slug}/export.json`
pub(crate) async fn api_json(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Response, AppError> {
    api_download(&state, &caller, &slug, Format::Json).await
}

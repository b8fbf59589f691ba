//! A consultation's comments as a CSV download for analysts, editors and admins (the route
//! table is in `consultation_pages`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use baraza_core::consultation::ModerationState;

use super::consultation_pages::member_consultation;
use super::language::SiteTexts;
use super::site::{SiteError, SiteResult, go_on, not_found, require_session, role_refused};
use crate::AppState;
use crate::storage::{Actor, AuditEntry};

/// `GET /admin/consultations/{slug}/export.csv` (analyst, editor, admin): every comment and
/// reply, in every moderation state, oldest first. Columns: `comment_id`, `section`,
/// `reply_to`, `stance`, `state`, `rejection_reason`, `official`, `created_at`,
/// `moderated_at` (UTC, RFC 3339), `agrees`, `disagrees`, `reports`, `text`. No device token
/// is exported; texts were redacted when they were posted, and a cell a spreadsheet would read
/// as a formula is prefixed with `'`. Audited as `consultation.export_csv`.
pub(crate) async fn export_comments_csv(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    use time::format_description::well_known::Rfc3339;

    let session = go_on!(require_session(&state, &headers).await?);
    let Some((stored, member)) = member_consultation(&state, &session, &slug).await? else {
        return not_found(t);
    };
    if !member.role.may_export() {
        return role_refused(t);
    }
    let consultation = &stored.consultation;
    state
        .database
        .audit(&AuditEntry::new(
            Some(&member.organisation),
            Actor::User(session.user_id),
            "consultation.export_csv",
            consultation.slug().as_str(),
            state.now(),
        ))
        .await?;
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
    for comment in consultation.comments() {
        let (state_name, reason) = match comment.state() {
            ModerationState::Pending => ("pending", String::new()),
            ModerationState::Published => ("published", String::new()),
            ModerationState::Hidden => ("hidden", String::new()),
            ModerationState::Rejected { reason } => {
                ("rejected", crate::storage::wire_name(&reason)?)
            }
        };
        writer.write_record([
            comment.id().to_string(),
            comment.section().as_str().to_owned(),
            comment.parent().map(|p| p.to_string()).unwrap_or_default(),
            comment
                .stance()
                .map(|s| crate::storage::wire_name(&s))
                .transpose()?
                .unwrap_or_default(),
            state_name.to_owned(),
            reason,
            stored.is_official(comment.id()).to_string(),
            comment.created_at().format(&Rfc3339)?,
            comment
                .moderated_at()
                .map(|at| at.format(&Rfc3339))
                .transpose()?
                .unwrap_or_default(),
            comment.agrees().to_string(),
            comment.disagrees().to_string(),
            comment.report_count().to_string(),
            super::feedback_export::safe_cell(comment.text().as_str()),
        ])?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| SiteError::from(anyhow::anyhow!("cannot finish the CSV: {error}")))?;
    let disposition = format!(
        "attachment; filename=\"{}-comments.csv\"",
        consultation.slug()
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

//! A feedback form's responses as CSV and JSON, for the admin site and the admin API.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/feedback/{slug}/export.csv` | analyst, editor, admin (site) | CSV |
//! | `GET /admin/feedback/{slug}/export.json` | analyst, editor, admin (site) | JSON |
//! | `GET /api/v1/admin/feedback-forms/{slug}/export.csv` | analyst, editor, admin (token) | CSV |
//! | `GET /api/v1/admin/feedback-forms/{slug}/export.json` | analyst, editor, admin (token) | JSON |
//!
//! One row (CSV) or object (JSON) per response, oldest first. CSV columns: `submitted_at` (UTC,
//! RFC 3339), `page_path`, `page_title`, `channel` (`web`, `sms`, `ussd`), then per question in
//! the form's order — `useful` questions give `{id}` (`yes`/`no`), `{id}_reasons` (reason ids
//! joined by `;`) and `{id}_comment`; other kinds give `{id}` (the score, the choice's id or the
//! text). Cells a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
//! carriage return) are prefixed with `'`. JSON: `[{"submitted_at", "page_path", "page_title",
//! "channel", "answers": {"{id}": …}}]`, each answer in the public API's shape (`{"useful":
//! {"useful": false, "reasons": […], "comment": "…"}}`, `{"csat": 4}`, `{"choice": "id"}`,
//! `{"text": "…"}`). Free text was redacted when it was received, so neither carries personal
//! details a citizen typed. A form of another organisation (or a demo form) answers `404`;
//! every download writes an audit row (`feedback.export_csv`, `feedback.export_json`).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use baraza_core::Slug;
use baraza_core::feedback::{AnswerInput, FeedbackForm, QuestionKind};
use time::format_description::well_known::Rfc3339;

use super::auth::{ApiCaller, forbidden};
use super::export::{self, Format};
use super::feedback_pages::member_form;
use super::language::SiteTexts;
use super::site::{SiteResult, go_on, not_found, require_session, role_refused};
use crate::AppState;
use crate::error::{ApiPath, AppError};
use crate::storage::{Actor, AuditEntry, StaffSession, StoredFeedbackResponse, TokenCaller};

/// A cell a spreadsheet cannot take for a formula.
pub(crate) fn safe_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Every response of `form` as CSV (columns in the module docs).
fn responses_csv(
    form: &FeedbackForm,
    responses: &[StoredFeedbackResponse],
) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header = vec![
        "submitted_at".to_owned(),
        "page_path".to_owned(),
        "page_title".to_owned(),
        "channel".to_owned(),
    ];
    for question in form.questions() {
        let id = question.id.as_str();
        header.push(id.to_owned());
        if matches!(question.kind, QuestionKind::Useful { .. }) {
            header.push(format!("{id}_reasons"));
            header.push(format!("{id}_comment"));
        }
    }
    writer.write_record(&header)?;
    for response in responses {
        let mut row = vec![
            response.submitted_at.format(&Rfc3339)?,
            safe_cell(&response.page_path),
            safe_cell(response.page_title.as_deref().unwrap_or_default()),
            response.channel.clone(),
        ];
        for question in form.questions() {
            let answer = response
                .answers
                .iter()
                .find(|a| a.question == question.id.as_str())
                .map(|a| &a.answer);
            match (answer, &question.kind) {
                (Some(AnswerInput::Useful(useful)), _) => {
                    row.push(if useful.useful { "yes" } else { "no" }.to_owned());
                    row.push(useful.reasons.join(";"));
                    row.push(safe_cell(useful.comment.as_deref().unwrap_or_default()));
                }
                (None, QuestionKind::Useful { .. }) => {
                    row.extend([String::new(), String::new(), String::new()]);
                }
                (Some(AnswerInput::Csat(score) | AnswerInput::Nps(score)), _) => {
                    row.push(score.to_string());
                }
                (Some(AnswerInput::Choice(id)), _) => row.push(id.clone()),
                (Some(AnswerInput::Text(text)), _) => row.push(safe_cell(text)),
                (None, _) => row.push(String::new()),
            }
        }
        writer.write_record(&row)?;
    }
    writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("cannot finish the CSV: {error}"))
}

/// Every response as JSON (shape in the module docs).
fn responses_json(responses: &[StoredFeedbackResponse]) -> anyhow::Result<Vec<u8>> {
    let mut rows = Vec::with_capacity(responses.len());
    for response in responses {
        let answers: serde_json::Map<String, serde_json::Value> = response
            .answers
            .iter()
            .map(|a| Ok((a.question.clone(), serde_json::to_value(&a.answer)?)))
            .collect::<anyhow::Result<_>>()?;
        rows.push(serde_json::json!({
            "submitted_at": response.submitted_at.format(&Rfc3339)?,
            "page_path": response.page_path,
            "page_title": response.page_title,
            "channel": response.channel,
            "answers": answers,
        }));
    }
    let mut body = serde_json::to_vec(&rows)?;
    body.push(b'\n');
    Ok(body)
}

/// The download of `form`'s responses in `format`, audited as `actor`.
async fn download(
    state: &AppState,
    form: &FeedbackForm,
    organisation: &Slug,
    actor: Actor,
    format: Format,
) -> anyhow::Result<Response> {
    state
        .database
        .audit(&AuditEntry::new(
            Some(organisation),
            actor,
            &format.action("feedback"),
            form.slug().as_str(),
            state.now(),
        ))
        .await?;
    let responses = state.database.feedback_responses(form.slug()).await?;
    let body = match format {
        Format::Csv => responses_csv(form, &responses)?,
        Format::Json => responses_json(&responses)?,
    };
    let file_name = format!("{}-responses.{}", form.slug(), format.extension());
    Ok(export::download(
        Body::from(body),
        format.content_type(),
        &file_name,
    ))
}

/// The form and the member's organisation when they may download it (site).
async fn site_download(
    state: &AppState,
    t: &'static super::texts::Texts,
    session: &StaffSession,
    slug: &str,
    format: Format,
) -> SiteResult {
    let Some((form, member)) = member_form(state, session, slug).await? else {
        return not_found(t);
    };
    if !member.role.may_export() {
        return role_refused(t);
    }
    Ok(download(
        state,
        &form,
        &member.organisation,
        Actor::User(session.user_id),
        format,
    )
    .await?)
}

/// `GET /admin/feedback/{slug}/export.csv`
pub(crate) async fn site_csv(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    site_download(&state, t, &session, &slug, Format::Csv).await
}

/// `GET /admin/feedback/{slug}/export.json`
pub(crate) async fn site_json(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    site_download(&state, t, &session, &slug, Format::Json).await
}

/// The form when the token's organisation owns it and its role may download.
async fn api_download(
    state: &AppState,
    caller: &TokenCaller,
    slug: &str,
    format: Format,
) -> Result<Response, AppError> {
    let not_found = || crate::api::feedback::form_not_found(slug);
    let parsed = Slug::parse(slug).map_err(|_| not_found())?;
    match state.database.feedback_form_organisation(&parsed).await? {
        Some(Some(owner)) if owner == caller.organisation => {}
        _ => return Err(not_found()),
    }
    if !caller.role.may_export() {
        return Err(forbidden(caller, "download responses"));
    }
    let form = state
        .database
        .feedback_form(&parsed)
        .await?
        .ok_or_else(not_found)?;
    Ok(download(
        state,
        &form,
        &caller.organisation,
        Actor::Token(caller.token_id),
        format,
    )
    .await?)
}

/// `GET /api/v1/admin/feedback-forms/{slug}/export.csv`
pub(crate) async fn api_csv(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Response, AppError> {
    api_download(&state, &caller, &slug, Format::Csv).await
}

/// `GET /api/v1/admin/feedback-forms/{slug}/export.json`
pub(crate) async fn api_json(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Response, AppError> {
    api_download(&state, &caller, &slug, Format::Json).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_other_text_kept() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("-1"), "'-1");
        assert_eq!(safe_cell("Kiosk 4"), "Kiosk 4");
    }
}

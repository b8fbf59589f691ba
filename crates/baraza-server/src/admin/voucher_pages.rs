//! The admin site's voucher codes of a poll: how many exist and are spent, and a form that
//! generates more and downloads them, once, as CSV.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/polls/{slug}/vouchers` | editor, admin | counts and the form |
//! | `POST /admin/polls/{slug}/vouchers` | editor, admin | `200 text/csv` download; `422` with problems |
//! | `POST /admin/polls/{slug}/vouchers/sms` | editor, admin | `303` back with the count sent; `422` with problems |
//!
//! The download is the only time the codes exist in the clear: the server stores keyed hashes
//! (see [`crate::vouchers`]), and the response is `no-store`. Codes sent by SMS (one new code
//! per phone, through Kannel's sendsms, when the server is configured for it) exist in the
//! clear only in the messages; the numbers typed are used to send and forgotten. Every
//! generation writes an audit row (`poll.vouchers`, `poll.vouchers_sms`); the codes and
//! numbers are never logged.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse as _, Redirect};
use baraza_core::{Poll, PollPhase};
use serde::Deserialize;

use super::channel_texts::ChannelTexts;
use super::language::SiteTexts;
use super::poll_form::FieldError;
use super::poll_pages::member_poll;
use super::site::{
    SiteError, SiteResult, Stop, go_on, message, not_found, page, require_form_session,
    require_session, role_refused,
};
use super::texts::Texts;
use crate::AppState;
use crate::channels::phone::PhoneNumber;
use crate::storage::{Actor, AuditEntry, Membership, StaffSession};
use crate::vouchers::{self, MAX_CODES_PER_BATCH, MAX_PHONES_PER_SMS_BATCH};

/// The voucher page.
#[derive(Template)]
#[template(path = "admin/vouchers.html")]
struct VouchersPage<'a> {
    t: &'a Texts,
    ct: &'a ChannelTexts,
    email: &'a str,
    csrf_token: &'a str,
    slug: &'a str,
    question: String,
    organisation_name: &'a str,
    errors: Vec<FieldError>,
    total: u64,
    used: u64,
    count: &'a str,
    count_error: Option<&'a str>,
    /// Whether the server can send codes by SMS (Kannel's sendsms is configured).
    sms_available: bool,
    phones: &'a str,
    phones_error: Option<&'a str>,
    notice: Option<String>,
}

/// What the page's two forms show: what was typed, and its problem.
#[derive(Default)]
struct Typed<'a> {
    count: &'a str,
    count_error: Option<&'a str>,
    phones: &'a str,
    phones_error: Option<String>,
}

/// The poll and membership when the member may generate codes for it, else the answer.
async fn generating(
    state: &AppState,
    t: &'static Texts,
    session: &StaffSession,
    slug: &str,
) -> Result<Result<(std::sync::Arc<Poll>, Membership), Stop>, SiteError> {
    let Some((poll, member)) = member_poll(state, session, slug).await? else {
        return Ok(Err(not_found(t)?));
    };
    if !member.role.may_author() {
        return Ok(Err(role_refused(t)?));
    }
    let ct = ChannelTexts::for_site(t);
    let back = format!("/admin/polls/{}", poll.slug());
    if state.channels().is_none() {
        return Ok(Err(message(
            StatusCode::SERVICE_UNAVAILABLE,
            t,
            ct.no_secret_title,
            ct.no_secret_body,
            &back,
            ct.back_to_poll,
        )?));
    }
    if poll.phase_at(state.now()) == PollPhase::Closed {
        return Ok(Err(message(
            StatusCode::CONFLICT,
            t,
            ct.closed_title,
            ct.closed_body,
            &back,
            ct.back_to_poll,
        )?));
    }
    Ok(Ok((poll, member)))
}

#[expect(
    clippy::too_many_arguments,
    reason = "one page, its session, poll, the forms' state and a notice"
)]
async fn render(
    state: &AppState,
    status: StatusCode,
    t: &Texts,
    session: &StaffSession,
    poll: &Poll,
    member: &Membership,
    typed: Typed<'_>,
    notice: Option<String>,
) -> SiteResult {
    let counts = state.database.voucher_counts(poll.slug()).await?;
    let problem = |field: &str, message: &str| FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    };
    let errors = typed
        .count_error
        .map(|message| problem("count", message))
        .into_iter()
        .chain(
            typed
                .phones_error
                .as_deref()
                .map(|message| problem("phones", message)),
        )
        .collect();
    page(
        status,
        &VouchersPage {
            t,
            ct: ChannelTexts::for_site(t),
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            slug: poll.slug().as_str(),
            question: poll
                .question()
                .resolve(&[t.lang], poll.default_language())
                .to_owned(),
            organisation_name: &member.organisation_name,
            errors,
            total: counts.total,
            used: counts.used,
            count: typed.count,
            count_error: typed.count_error,
            sms_available: state.outgoing_sms().is_some(),
            phones: typed.phones,
            phones_error: typed.phones_error.as_deref(),
            notice,
        },
    )
}

/// The voucher page's query: how many codes the last SMS batch sent and failed.
#[derive(Deserialize)]
pub(crate) struct SentQuery {
    sent: Option<usize>,
    failed: Option<usize>,
}

/// `GET /admin/polls/{slug}/vouchers`
pub(crate) async fn vouchers_page(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    Query(query): Query<SentQuery>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let (poll, member) = go_on!(generating(&state, t, &session, &slug).await?);
    let notice = query.sent.map(|sent| {
        ChannelTexts::for_site(t)
            .sent_notice
            .replace("{sent}", &sent.to_string())
            .replace("{failed}", &query.failed.unwrap_or_default().to_string())
    });
    render(
        &state,
        StatusCode::OK,
        t,
        &session,
        &poll,
        &member,
        Typed::default(),
        notice,
    )
    .await
}

/// The generation form.
#[derive(Deserialize)]
pub(crate) struct GenerateForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    count: String,
}

/// `POST /admin/polls/{slug}/vouchers`: the new codes as a CSV download.
pub(crate) async fn generate_vouchers(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<GenerateForm>,
) -> SiteResult {
    let session = go_on!(require_form_session(&state, &headers, &form.csrf_token, t).await?);
    let (poll, member) = go_on!(generating(&state, t, &session, &slug).await?);
    let Some(count) = parse_count(&form.count) else {
        let ct = ChannelTexts::for_site(t);
        return render(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            t,
            &session,
            &poll,
            &member,
            Typed {
                count: &form.count,
                count_error: Some(ct.count_invalid),
                ..Typed::default()
            },
            None,
        )
        .await;
    };
    let Some(settings) = state.channels() else {
        return not_found(t);
    };
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "poll.vouchers",
        poll.slug().as_str(),
        state.now(),
    );
    let codes = vouchers::issue(
        &state.database,
        &settings.phone_key,
        poll.slug(),
        count,
        &audit,
    )
    .await?;
    tracing::info!(poll = %poll.slug(), user = session.user_id, count = codes.len(), "voucher codes generated on the admin site");
    Ok(super::export::download(
        axum::body::Body::from(vouchers::csv(poll.slug(), &codes)),
        "text/csv; charset=utf-8",
        &format!("{}-vouchers.csv", poll.slug()),
    ))
}

/// The SMS form.
#[derive(Deserialize)]
pub(crate) struct SendForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    phones: String,
}

/// The numbers typed, one a line (blank lines skipped), or what is wrong with them.
fn read_phones(
    typed: &str,
    country_code: Option<&str>,
    ct: &ChannelTexts,
) -> Result<Vec<PhoneNumber>, String> {
    let lines: Vec<(usize, &str)> = typed
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(ct.phones_empty.to_owned());
    }
    if lines.len() > MAX_PHONES_PER_SMS_BATCH {
        return Err(ct.phones_too_many.to_owned());
    }
    lines
        .into_iter()
        .map(|(number, line)| {
            PhoneNumber::parse(line, country_code)
                .map_err(|_| ct.phone_invalid.replace("{line}", &number.to_string()))
        })
        .collect()
}

/// `POST /admin/polls/{slug}/vouchers/sms`: one new code to each phone typed, then back to the
/// page with how many were sent.
pub(crate) async fn send_vouchers_by_sms(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<SendForm>,
) -> SiteResult {
    let session = go_on!(require_form_session(&state, &headers, &form.csrf_token, t).await?);
    let (poll, member) = go_on!(generating(&state, t, &session, &slug).await?);
    let ct = ChannelTexts::for_site(t);
    let (Some(settings), Some(sendsms)) = (state.channels(), state.outgoing_sms()) else {
        return message(
            StatusCode::SERVICE_UNAVAILABLE,
            t,
            ct.sms_heading,
            ct.sms_unavailable,
            &format!("/admin/polls/{}/vouchers", poll.slug()),
            ct.vouchers_heading,
        );
    };
    let phones = match read_phones(&form.phones, settings.country_code.as_deref(), ct) {
        Ok(phones) => phones,
        Err(problem) => {
            return render(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                t,
                &session,
                &poll,
                &member,
                Typed {
                    phones: &form.phones,
                    phones_error: Some(problem),
                    ..Typed::default()
                },
                None,
            )
            .await;
        }
    };
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "poll.vouchers_sms",
        poll.slug().as_str(),
        state.now(),
    );
    let outcome =
        vouchers::send_by_sms(&state, sendsms, &settings.phone_key, &poll, &phones, &audit).await?;
    Ok(Redirect::to(&format!(
        "/admin/polls/{}/vouchers?sent={}&failed={}",
        poll.slug(),
        outcome.sent,
        outcome.failed
    ))
    .into_response())
}

/// A count of codes to generate: a whole number from 1 to [`MAX_CODES_PER_BATCH`].
pub(crate) fn parse_count(typed: &str) -> Option<u32> {
    typed
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|count| (1..=MAX_CODES_PER_BATCH).contains(count))
}

//! The admin site's voucher codes of a poll: how many exist and are spent, and a form that
//! generates more and downloads them, once, as CSV.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/polls/{slug}/vouchers` | editor, admin | counts and the form |
//! | `POST /admin/polls/{slug}/vouchers` | editor, admin | `200 text/csv` download; `422` with problems |
//!
//! The download is the only time the codes exist in the clear: the server stores keyed hashes
//! (see [`crate::vouchers`]), and the response is `no-store`. Every generation writes an audit
//! row (`poll.vouchers`); the codes themselves are never logged.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
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
use crate::storage::{Actor, AuditEntry, Membership, StaffSession};
use crate::vouchers::{self, MAX_CODES_PER_BATCH};

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
    reason = "one page, its session, poll and the form's state"
)]
async fn render(
    state: &AppState,
    status: StatusCode,
    t: &Texts,
    session: &StaffSession,
    poll: &Poll,
    member: &Membership,
    count: &str,
    count_error: Option<&str>,
) -> SiteResult {
    let counts = state.database.voucher_counts(poll.slug()).await?;
    let errors = count_error
        .map(|message| {
            vec![FieldError {
                field: "count".to_owned(),
                message: message.to_owned(),
            }]
        })
        .unwrap_or_default();
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
            count,
            count_error,
        },
    )
}

/// `GET /admin/polls/{slug}/vouchers`
pub(crate) async fn vouchers_page(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let (poll, member) = go_on!(generating(&state, t, &session, &slug).await?);
    render(
        &state,
        StatusCode::OK,
        t,
        &session,
        &poll,
        &member,
        "",
        None,
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
            &form.count,
            Some(ct.count_invalid),
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

/// A count of codes to generate: a whole number from 1 to [`MAX_CODES_PER_BATCH`].
pub(crate) fn parse_count(typed: &str) -> Option<u32> {
    typed
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|count| (1..=MAX_CODES_PER_BATCH).contains(count))
}

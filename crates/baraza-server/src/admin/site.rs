//! The admin site's front door: sign-in, sessions, sign-out and the dashboard, rendered on the
//! server with askama (works with JavaScript off; no inline script or style, so the strict
//! Content-Security-Policy holds).
//!
//! Security, in the order a request meets it:
//! - Every POST must come from this site: its `Origin` (or, without one, its `Referer`) must
//!   name the host the request was sent to, else `403`. That refuses cross-site form posts
//!   even before the session cookie's `SameSite=Lax` is considered.
//! - Forms of a signed-in session carry the session's CSRF token, compared in constant time.
//! - Sign-in is throttled: after [`MAX_FAILURES`] failures within [`FAILURE_WINDOW`] for one
//!   account (the e-mail typed) or one client address, further attempts get `429` with the
//!   time to try again, and the password is not even checked.
//! - A wrong password and an unknown e-mail get the same page, after the same argon2 work.
//! - The session cookie is `HttpOnly`, `SameSite=Lax`, `Path=/admin`, and `Secure` when the
//!   deployment is served over HTTPS (`--hsts`) or a proxy says so (`X-Forwarded-Proto`);
//!   sessions end after [`SESSION_LIFETIME`] or on sign-out. The database keeps only the
//!   SHA-256 of the cookie's token.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::language::SiteTexts;
use super::poll_form::FieldError;
use super::secrets;
use super::texts::Texts;
use crate::AppState;
use crate::storage::{Actor, AuditEntry, FailureKey, Membership, StaffEmail, StaffSession};

/// Answers with `$stop` (a redirect or a refusal) when a check says the request cannot go on.
macro_rules! go_on {
    ($checked:expr) => {
        match $checked {
            Ok(value) => value,
            Err(stop) => return Ok(stop),
        }
    };
}
pub(crate) use go_on;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "baraza_session";
/// How long a session lasts: one working day.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);
/// Failed sign-ins allowed per account and per address within [`FAILURE_WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// The window over which failed sign-ins are counted.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);

/// Settings of the admin site.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SiteSettings {
    /// Whether the deployment is reached over HTTPS, so cookies must be `Secure`.
    pub(crate) https: bool,
}

/// A failure that is the server's: logged, answered with a plain page.
#[derive(Debug)]
pub(crate) struct SiteError(anyhow::Error);

impl<E: Into<anyhow::Error>> From<E> for SiteError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

impl IntoResponse for SiteError {
    fn into_response(self) -> Response {
        tracing::error!(error = format!("{:#}", self.0), "admin site error");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CACHE_CONTROL, "no-store")],
            axum::response::Html(
                "<!doctype html><html lang=\"en\"><title>Server error</title>\
                 <h1>Sorry, the server failed</h1><p>The problem has been logged. Try again later.</p></html>",
            ),
        )
            .into_response()
    }
}

pub(crate) type SiteResult = Result<Response, SiteError>;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage<'a> {
    t: &'a Texts,
    email: &'a str,
    errors: Vec<FieldError>,
    email_error: Option<&'static str>,
    password_error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "admin/message.html")]
struct MessagePage<'a> {
    t: &'a Texts,
    heading: &'a str,
    body: &'a str,
    link_href: &'a str,
    link_text: &'a str,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard<'a> {
    t: &'a Texts,
    c: &'a super::consultation_texts::ConsultationTexts,
    f: &'a super::feedback_texts::FeedbackTexts,
    s: &'a super::settings_texts::SettingsTexts,
    email: &'a str,
    csrf_token: &'a str,
    organisations: Vec<OrganisationRow>,
}

struct OrganisationRow {
    slug: String,
    name: String,
    role: &'static str,
    may_author: bool,
    may_read_audit: bool,
    may_moderate: bool,
    polls: Vec<PollRow>,
    consultations: Vec<ConsultationRow>,
    feedback_forms: Vec<FeedbackRow>,
}

struct FeedbackRow {
    slug: String,
    title: String,
    responses: u64,
}

struct ConsultationRow {
    slug: String,
    title: String,
    phase: &'static str,
    /// Published comments and replies.
    comments: usize,
    /// Comments waiting for a first decision.
    waiting: usize,
}

struct PollRow {
    slug: String,
    question: String,
    phase: &'static str,
    ballots: u64,
}

/// An HTML page with `status`; admin pages are personal, so never cached.
pub(crate) fn page(status: StatusCode, template: &impl Template) -> SiteResult {
    let html = template.render()?;
    Ok((
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::response::Html(html),
    )
        .into_response())
}

fn login_page(
    status: StatusCode,
    t: &Texts,
    email: &str,
    email_error: Option<&'static str>,
    password_error: Option<&'static str>,
) -> SiteResult {
    let mut errors = Vec::new();
    if let Some(message) = email_error {
        errors.push(FieldError {
            field: "email".to_owned(),
            message: message.to_owned(),
        });
    }
    if let Some(message) = password_error {
        errors.push(FieldError {
            field: "password".to_owned(),
            message: message.to_owned(),
        });
    }
    page(
        status,
        &LoginPage {
            t,
            email,
            errors,
            email_error,
            password_error,
        },
    )
}

/// `403`: a cross-site post, or a form without this session's token.
fn refused(t: &Texts) -> SiteResult {
    page(
        StatusCode::FORBIDDEN,
        &MessagePage {
            t,
            heading: t.refused_title,
            body: t.refused_body,
            link_href: "/admin/login",
            link_text: t.back_to_sign_in,
        },
    )
}

/// The session cookie's token, if the request has one.
fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// A page saying a request was refused or pointed nowhere, with a link onwards.
pub(crate) fn message(
    status: StatusCode,
    t: &Texts,
    heading: &str,
    body: &str,
    link_href: &str,
    link_text: &str,
) -> SiteResult {
    page(
        status,
        &MessagePage {
            t,
            heading,
            body,
            link_href,
            link_text,
        },
    )
}

/// `403`: the member's role does not allow the action; nothing was changed.
pub(crate) fn role_refused(t: &Texts) -> SiteResult {
    message(
        StatusCode::FORBIDDEN,
        t,
        t.forbidden_title,
        t.forbidden_body,
        "/admin/",
        t.back_to_dashboard,
    )
}

/// `404`: nothing here, or something of an organisation the member does not belong to (the
/// two look the same, so nothing is learnt about other organisations).
pub(crate) fn not_found(t: &Texts) -> SiteResult {
    message(
        StatusCode::NOT_FOUND,
        t,
        t.not_found_title,
        t.not_found_body,
        "/admin/",
        t.back_to_dashboard,
    )
}

/// Why a request of the admin site cannot go on: answer with this response instead.
pub(crate) type Stop = Response;

/// The signed-in session, or a `303` to the sign-in page.
pub(crate) async fn require_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Result<StaffSession, Stop>, SiteError> {
    Ok(match current_session(state, headers).await? {
        Some((_, session)) => Ok(session),
        None => Err(Redirect::to("/admin/login").into_response()),
    })
}

/// For a state-changing request: the form must come from this site and carry the session's
/// CSRF token; otherwise `403` (or the sign-in page without a session).
pub(crate) async fn require_form_session(
    state: &AppState,
    headers: &HeaderMap,
    csrf_token: &str,
    t: &Texts,
) -> Result<Result<StaffSession, Stop>, SiteError> {
    if !same_origin(headers) {
        return Ok(Err(refused(t)?));
    }
    let session = match require_session(state, headers).await? {
        Ok(session) => session,
        Err(stop) => return Ok(Err(stop)),
    };
    if !secrets::same_secret(csrf_token, &session.csrf_token) {
        return Ok(Err(refused(t)?));
    }
    Ok(Ok(session))
}

/// The member's membership of `organisation`, if any.
pub(crate) async fn membership(
    state: &AppState,
    session: &StaffSession,
    organisation: &baraza_core::Slug,
) -> anyhow::Result<Option<Membership>> {
    Ok(state
        .database
        .memberships(session.user_id)
        .await?
        .into_iter()
        .find(|membership| &membership.organisation == organisation))
}

/// The signed-in session of this request, with the digest it is stored under.
async fn current_session(
    state: &AppState,
    headers: &HeaderMap,
) -> anyhow::Result<Option<(String, StaffSession)>> {
    let Some(token) = session_token(headers) else {
        return Ok(None);
    };
    let digest = secrets::digest(token);
    Ok(state
        .database
        .session(&digest, state.now())
        .await?
        .map(|session| (digest, session)))
}

/// Whether a state-changing request comes from a page of this site: its `Origin` (or its
/// `Referer`, for browsers that send no `Origin`) names the host it was sent to. Requests
/// with neither are refused: every browser in use sends one of them on a form post.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let Some(host) = text(header::HOST) else {
        return false;
    };
    let source = text(header::ORIGIN)
        .filter(|origin| *origin != "null")
        .or_else(|| text(header::REFERER));
    source
        .and_then(|url| url.split_once("://"))
        .and_then(|(_, rest)| rest.split(['/', '?', '#']).next())
        .is_some_and(|authority| authority.eq_ignore_ascii_case(host))
}

/// Whether cookies must be `Secure` for this request.
pub(crate) fn over_https(settings: SiteSettings, headers: &HeaderMap) -> bool {
    settings.https
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

fn session_cookie(token: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/admin; Max-Age={max_age_seconds}{secure}"
    )
}

/// `GET /admin/`: the dashboard, or `303` to the sign-in page.
pub(crate) async fn dashboard(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    headers: HeaderMap,
) -> SiteResult {
    let Some((_, session)) = current_session(&state, &headers).await? else {
        return Ok(Redirect::to("/admin/login").into_response());
    };
    let now = state.now();
    let c = super::consultation_pages::consultation_texts(t);
    let language =
        super::texts::Language::from_tag_exact(t.lang).unwrap_or(super::texts::Language::En);
    let f = language.feedback_texts();
    let s = language.settings_texts();
    let mut organisations = Vec::new();
    for membership in state.database.memberships(session.user_id).await? {
        let mut polls = Vec::new();
        for slug in state
            .database
            .organisation_polls(&membership.organisation)
            .await?
        {
            let Some(poll) = state.database.poll(&slug).await? else {
                continue;
            };
            let ballots = state.database.tally(&poll)?.total_ballots();
            polls.push(PollRow {
                slug: slug.as_str().to_owned(),
                question: poll
                    .question()
                    .get(poll.default_language().as_str())
                    .unwrap_or_default()
                    .to_owned(),
                phase: t.phase(poll.phase_at(now)),
                ballots,
            });
        }
        let mut consultations = Vec::new();
        for slug in state
            .database
            .organisation_consultations(&membership.organisation)
            .await?
        {
            let Some(stored) = state.database.consultation(&slug).await? else {
                continue;
            };
            let consultation = &stored.consultation;
            consultations.push(ConsultationRow {
                slug: slug.as_str().to_owned(),
                title: consultation
                    .title()
                    .resolve(&[t.lang], consultation.default_language())
                    .to_owned(),
                phase: c.phase(consultation.phase()),
                comments: consultation.published_comments().count(),
                waiting: consultation
                    .comments()
                    .iter()
                    .filter(|comment| {
                        comment.state() == baraza_core::consultation::ModerationState::Pending
                    })
                    .count(),
            });
        }
        let mut feedback_forms = Vec::new();
        for slug in state
            .database
            .organisation_feedback_forms(&membership.organisation)
            .await?
        {
            let Some(form) = state.database.feedback_form(&slug).await? else {
                continue;
            };
            feedback_forms.push(FeedbackRow {
                slug: slug.as_str().to_owned(),
                title: form
                    .title()
                    .resolve(&[t.lang], form.default_language())
                    .to_owned(),
                responses: state.database.feedback_response_count(&slug).await?,
            });
        }
        organisations.push(OrganisationRow {
            slug: membership.organisation.as_str().to_owned(),
            name: membership.organisation_name,
            role: t.role(membership.role),
            may_author: membership.role.may_author(),
            may_read_audit: membership.role == crate::storage::Role::Admin,
            may_moderate: membership.role.may_moderate(),
            polls,
            consultations,
            feedback_forms,
        });
    }
    page(
        StatusCode::OK,
        &Dashboard {
            t,
            c,
            f,
            s,
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            organisations,
        },
    )
}

/// `GET /admin/login`
pub(crate) async fn login_form(SiteTexts(t): SiteTexts) -> SiteResult {
    login_page(StatusCode::OK, t, "", None, None)
}

/// The sign-in form's fields; missing ones read as empty and are reported as such.
#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /admin/login`
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    Extension(settings): Extension<SiteSettings>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    SiteTexts(t): SiteTexts,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> SiteResult {
    if !same_origin(&headers) {
        return refused(t);
    }
    let typed = form.email.trim();
    let email = StaffEmail::parse(typed);
    let email_error = match &email {
        _ if typed.is_empty() => Some(t.email_missing),
        Err(_) => Some(t.email_invalid),
        Ok(_) => None,
    };
    let password_error = form.password.is_empty().then_some(t.password_missing);
    let Ok(email) = email else {
        return login_page(StatusCode::OK, t, typed, email_error, password_error);
    };
    if password_error.is_some() {
        return login_page(StatusCode::OK, t, typed, None, password_error);
    }

    let now = state.now();
    // Keyed by digests, so the throttling table holds no e-mail address or IP address.
    let (account_key, address_key) = failure_keys(&state, &email, peer, &headers);
    if let Some(retry_at) = throttled_until(&state, &account_key, &address_key, now).await? {
        return too_many_attempts(t, retry_at, now);
    }

    let user = state.database.staff_user(&email).await?;
    let stored = user.as_ref().map_or_else(
        || secrets::decoy_password_hash().to_owned(),
        |user| user.password_hash.clone(),
    );
    let password = form.password;
    let matches =
        tokio::task::spawn_blocking(move || secrets::verify_password(&password, &stored)).await?;
    let Some(user) = user.filter(|_| matches) else {
        state
            .database
            .record_sign_in_failure(&account_key, &address_key, now, now - FAILURE_WINDOW)
            .await?;
        // No e-mail or address in the log: the event is enough to notice an attack.
        tracing::info!("a sign-in to the admin site was refused");
        return login_page(StatusCode::OK, t, typed, Some(t.credentials_wrong), None);
    };

    let token = secrets::random_token();
    let csrf_token = secrets::random_token();
    let expires_at = now + SESSION_LIFETIME;
    state
        .database
        .create_session(
            &secrets::digest(&token),
            user.id,
            &csrf_token,
            now,
            expires_at,
        )
        .await?;
    state
        .database
        .audit(&AuditEntry::new(
            None,
            Actor::User(user.id),
            "session.sign_in",
            format!("user:{}", user.id),
            now,
        ))
        .await?;
    tracing::info!(user = user.id, "signed in to the admin site");
    let cookie = session_cookie(
        &token,
        SESSION_LIFETIME.whole_seconds(),
        over_https(settings, &headers),
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/admin/")).into_response())
}

/// The keys of wrong passwords for `email` from the client of this request (through
/// `--trusted-proxies`): digests, so the throttling table holds no e-mail or IP address.
pub(super) fn failure_keys(
    state: &AppState,
    email: &StaffEmail,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: &HeaderMap,
) -> (String, String) {
    let account_key = secrets::digest(&format!("account:{}", email.as_str()));
    let address = peer.map_or_else(
        || "unknown".to_owned(),
        |Extension(ConnectInfo(a))| state.client_address(a.ip(), headers).to_string(),
    );
    (account_key, secrets::digest(&format!("address:{address}")))
}

/// When signing in is allowed again, if it is not now: [`MAX_FAILURES`] failures within
/// [`FAILURE_WINDOW`] for the account or for the address.
pub(super) async fn throttled_until(
    state: &AppState,
    account_key: &str,
    address_key: &str,
    now: OffsetDateTime,
) -> anyhow::Result<Option<OffsetDateTime>> {
    let mut until = None;
    for (kind, key) in [
        (FailureKey::Account, account_key),
        (FailureKey::Address, address_key),
    ] {
        let recent = state
            .database
            .recent_sign_in_failures(kind, key, now - FAILURE_WINDOW, MAX_FAILURES as i64)
            .await?;
        // The oldest of the last MAX_FAILURES failures: once it leaves the window, fewer
        // than MAX_FAILURES remain.
        if let Some(oldest) = recent.get(MAX_FAILURES - 1) {
            let free_at = *oldest + FAILURE_WINDOW;
            if free_at > now && until.is_none_or(|until| free_at > until) {
                until = Some(free_at);
            }
        }
    }
    Ok(until)
}

pub(super) fn too_many_attempts(
    t: &Texts,
    retry_at: OffsetDateTime,
    now: OffsetDateTime,
) -> SiteResult {
    let when = retry_at.format(&Rfc3339)?;
    let body = format!("{} {when} (UTC).", t.throttled_body);
    let mut response = page(
        StatusCode::TOO_MANY_REQUESTS,
        &MessagePage {
            t,
            heading: t.throttled_title,
            body: &body,
            link_href: "/admin/login",
            link_text: t.back_to_sign_in,
        },
    )?;
    let seconds = (retry_at - now).whole_seconds().max(1);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    Ok(response)
}

/// A form of a signed-in page: only its CSRF token.
#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /admin/logout`
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    Extension(settings): Extension<SiteSettings>,
    SiteTexts(t): SiteTexts,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> SiteResult {
    if !same_origin(&headers) {
        return refused(t);
    }
    let Some((digest, session)) = current_session(&state, &headers).await? else {
        return Ok(Redirect::to("/admin/login").into_response());
    };
    if !secrets::same_secret(&form.csrf_token, &session.csrf_token) {
        return refused(t);
    }
    state.database.end_session(&digest).await?;
    state
        .database
        .audit(&AuditEntry::new(
            None,
            Actor::User(session.user_id),
            "session.sign_out",
            format!("user:{}", session.user_id),
            state.now(),
        ))
        .await?;
    let cookie = session_cookie("", 0, over_https(settings, &headers));
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/admin/login")).into_response())
}

/// `GET /admin/static/admin.css`: the site's one stylesheet.
pub(crate) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../static/admin.css"),
    )
        .into_response()
}

/// `GET /admin/static/admin.js`: the site's one script, a progressive enhancement (the copy
/// buttons); every page works without it.
pub(crate) async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../static/admin.js"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn same_origin_compares_origin_or_referer_with_host() {
        let host = ("host", "admin.water.go.ke");
        assert!(same_origin(&headers(&[
            host,
            ("origin", "https://admin.water.go.ke")
        ])));
        assert!(same_origin(&headers(&[
            host,
            ("referer", "https://admin.water.go.ke/admin/login?x")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "https://admin.water.go.ke.evil.example")
        ])));
        assert!(!same_origin(&headers(&[host, ("origin", "null")])));
        assert!(!same_origin(&headers(&[host])));
        assert!(!same_origin(&headers(&[(
            "origin",
            "https://admin.water.go.ke"
        )])));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let map = headers(&[("cookie", "theme=dark; baraza_session=abc123; lang=sw")]);
        assert_eq!(session_token(&map), Some("abc123"));
        assert_eq!(
            session_token(&headers(&[("cookie", "baraza_session=")])),
            None
        );
        assert_eq!(session_token(&HeaderMap::new()), None);
    }
}

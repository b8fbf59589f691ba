//! The staff side: the admin API (`/api/v1/admin/…`, JSON, bearer tokens) and the admin site
//! (`/admin/…`, server-rendered HTML, session cookies).
//!
//! - [`secrets`]: argon2id password hashes, random tokens and their SHA-256 digests.
//! - [`accounts`]: staff accounts and tokens made by `baraza admin …` on the command line.
//! - `auth`: the bearer-token extractor of the admin API.
//! - `polls`, `export`: the admin API's poll endpoints and streamed ballot exports;
//!   `feedback_api`: its feedback-form endpoints.
//! - `site`: the admin site's sign-in, sessions, sign-out and dashboard; `texts`: its words
//!   in en, fr and sw, `language`: which of them a request gets.
//! - `poll_authoring`, `poll_form`: the poll form (create, edit drafts); `poll_pages`, `chart`:
//!   opening, closing, results (SVG chart and table), downloads, embed code and preview; `audit_page`: the audit log.
//! - `consultation_authoring`, `consultation_form`: the consultation form (create, edit
//!   drafts); `consultation_pages`: opening, closing, comments by state, official answers,
//!   section responses and the outcome, embed code and preview; `moderation`: the
//!   organisation's moderation queue with bulk steps; `consultation_texts`: their words.
//! - `settings_page`: an organisation's name and the websites allowed to embed its
//!   instruments (admins); `tokens_page`: the organisation's admin API tokens, made (shown
//!   once) and revoked (admins); `staff_page`: its members and their roles, added, changed
//!   and removed (admins); `account_page`: a member changes their own password;
//!   `settings_texts`: their words.
//! - `feedback_pages`: a feedback form's results (intervals, eight-week trend) and embed code;
//!   `feedback_export`: its responses as CSV and JSON (site and API); `feedback_texts`: their
//!   words.
//! - `channel_settings`, `channel_texts`: a poll's or feedback form's SMS keyword and USSD
//!   service code and a poll's voucher rule, and those pages' words; `channels_api`: a poll's
//!   channels through the admin API; `voucher_pages`, `voucher_api`: generating voucher codes
//!   (site and API), downloaded once as CSV or sent to phones through Kannel's sendsms.
//!
//! Invariants:
//! - Every request is scoped to one organisation (the token's, or the signed-in member's);
//!   another organisation's instrument answers exactly as a missing one does (`404`).
//! - Every staff action that changes something or takes data away (create, export, sign-in,
//!   sign-out, tokens, roles) writes an audit-log row: who, what, when.
//! - Passwords and tokens are never logged, stored or echoed in the clear: only PHC strings and
//!   SHA-256 digests reach the database, and no tracing field carries them.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{get, post};

use crate::AppState;
use crate::error::BodyLimit;

mod account_page;
pub mod accounts;
mod audit_page;
mod auth;
mod channel_settings;
mod channel_texts;
mod channels_api;
mod chart;
mod consultation_authoring;
mod consultation_export;
mod consultation_form;
mod consultation_pages;
mod consultation_texts;
mod export;
mod feedback_api;
mod feedback_export;
mod feedback_pages;
mod feedback_texts;
mod language;
mod moderation;
mod poll_authoring;
mod poll_form;
mod poll_pages;
mod polls;
pub mod secrets;
mod settings_page;
mod settings_texts;
mod site;
mod staff_page;
mod texts;
mod tokens_page;
mod voucher_api;
mod voucher_pages;

pub use site::{FAILURE_WINDOW, MAX_FAILURES, SESSION_COOKIE, SESSION_LIFETIME};

/// Largest form the admin site accepts: the poll form with every option a poll may have,
/// labelled in three languages (non-ASCII letters take three times their size once
/// URL-encoded), as much as the admin API takes as JSON.
const MAX_FORM_BODY_BYTES: usize = 64 * 1024;

/// The admin site's routes. `https`: the deployment is reached over HTTPS (cookies `Secure`).
pub(crate) fn site_routes(https: bool) -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/", get(site::dashboard))
        .route("/admin/login", get(site::login_form).post(site::sign_in))
        .route("/admin/logout", post(site::sign_out))
        .route("/admin/static/admin.css", get(site::stylesheet))
        .route("/admin/static/admin.js", get(site::script))
        .route(
            "/admin/organisations/{organisation}/polls/new",
            get(poll_authoring::new_poll_form).post(poll_authoring::create_poll),
        )
        .route(
            "/admin/organisations/{organisation}/consultations/new",
            get(consultation_authoring::new_consultation_form)
                .post(consultation_authoring::create_consultation),
        )
        .route(
            "/admin/organisations/{organisation}/moderation",
            get(moderation::moderation_queue),
        )
        .route(
            "/admin/consultations/{slug}",
            get(consultation_pages::show_consultation),
        )
        .route("/admin/feedback/{slug}", get(feedback_pages::show_feedback))
        .route(
            "/admin/feedback/{slug}/channels",
            get(channel_settings::feedback_channels_form)
                .post(channel_settings::save_feedback_channels),
        )
        .route(
            "/admin/feedback/{slug}/export.csv",
            get(feedback_export::site_csv),
        )
        .route(
            "/admin/feedback/{slug}/export.json",
            get(feedback_export::site_json),
        )
        .route(
            "/admin/consultations/{slug}/edit",
            get(consultation_authoring::edit_consultation_form)
                .post(consultation_authoring::update_consultation),
        )
        .route(
            "/admin/consultations/{slug}/open",
            post(consultation_pages::open_consultation),
        )
        .route(
            "/admin/consultations/{slug}/close",
            post(consultation_pages::close_consultation),
        )
        .route(
            "/admin/consultations/{slug}/moderate",
            post(moderation::moderate),
        )
        .route(
            "/admin/consultations/{slug}/comments/{id}/answer",
            post(consultation_pages::answer_comment),
        )
        .route(
            "/admin/consultations/{slug}/sections/{section}/response",
            post(consultation_pages::respond_to_section),
        )
        .route(
            "/admin/consultations/{slug}/outcome",
            post(consultation_pages::publish_outcome),
        )
        .route(
            "/admin/consultations/{slug}/export.csv",
            get(consultation_export::export_comments_csv),
        )
        .route(
            "/admin/consultations/{slug}/export.json",
            get(consultation_export::export_comments_json),
        )
        .route(
            "/admin/consultations/{slug}/preview",
            get(consultation_pages::preview_consultation),
        )
        .route(
            "/admin/organisations/{organisation}/settings",
            get(settings_page::settings_form).post(settings_page::save_settings),
        )
        .route(
            "/admin/organisations/{organisation}/tokens",
            get(tokens_page::list_tokens).post(tokens_page::create_token),
        )
        .route(
            "/admin/organisations/{organisation}/tokens/{id}/revoke",
            post(tokens_page::revoke_token),
        )
        .route(
            "/admin/account/password",
            get(account_page::password_form).post(account_page::change_password),
        )
        .route(
            "/admin/organisations/{organisation}/staff",
            get(staff_page::list_staff).post(staff_page::add_member),
        )
        .route(
            "/admin/organisations/{organisation}/staff/{user}/role",
            post(staff_page::change_role),
        )
        .route(
            "/admin/organisations/{organisation}/staff/{user}/remove",
            post(staff_page::remove_member),
        )
        .route(
            "/admin/organisations/{organisation}/audit",
            get(audit_page::audit_log),
        )
        .route("/admin/polls/{slug}", get(poll_pages::show_poll))
        .route(
            "/admin/polls/{slug}/edit",
            get(poll_authoring::edit_poll_form).post(poll_authoring::update_poll),
        )
        .route(
            "/admin/polls/{slug}/channels",
            get(channel_settings::channels_form).post(channel_settings::save_channels),
        )
        .route(
            "/admin/polls/{slug}/vouchers",
            get(voucher_pages::vouchers_page).post(voucher_pages::generate_vouchers),
        )
        .route(
            "/admin/polls/{slug}/vouchers/sms",
            post(voucher_pages::send_vouchers_by_sms),
        )
        .route("/admin/polls/{slug}/open", post(poll_pages::open_poll))
        .route("/admin/polls/{slug}/close", post(poll_pages::close_poll))
        .route("/admin/polls/{slug}/preview", get(poll_pages::preview_poll))
        .route(
            "/admin/polls/{slug}/export.csv",
            get(poll_pages::export_csv),
        )
        .route(
            "/admin/polls/{slug}/export.json",
            get(poll_pages::export_json),
        )
        .layer(axum::middleware::from_fn(language::choose_language))
        .layer(DefaultBodyLimit::max(MAX_FORM_BODY_BYTES))
        .layer(axum::Extension(site::SiteSettings { https }))
}

/// The admin API's routes.
pub(crate) fn api_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/admin/polls",
            get(polls::list_polls).post(polls::create_poll).layer((
                DefaultBodyLimit::max(polls::MAX_POLL_BODY_BYTES),
                axum::Extension(BodyLimit(polls::MAX_POLL_BODY_BYTES)),
            )),
        )
        .route("/api/v1/admin/polls/{slug}", get(polls::get_poll))
        .route(
            "/api/v1/admin/feedback-forms",
            get(feedback_api::list_forms)
                .post(feedback_api::create_form)
                .layer((
                    DefaultBodyLimit::max(feedback_api::MAX_FORM_BODY_BYTES),
                    axum::Extension(BodyLimit(feedback_api::MAX_FORM_BODY_BYTES)),
                )),
        )
        .route(
            "/api/v1/admin/polls/{slug}/vouchers",
            get(voucher_api::voucher_summary).post(voucher_api::generate_vouchers),
        )
        .route(
            "/api/v1/admin/consultations/{slug}/export.csv",
            get(consultation_export::api_csv),
        )
        .route(
            "/api/v1/admin/consultations/{slug}/export.json",
            get(consultation_export::api_json),
        )
        .route(
            "/api/v1/admin/feedback-forms/{slug}/export.csv",
            get(feedback_export::api_csv),
        )
        .route(
            "/api/v1/admin/feedback-forms/{slug}/export.json",
            get(feedback_export::api_json),
        )
        .route(
            "/api/v1/admin/polls/{slug}/channels",
            get(channels_api::get_channels).put(channels_api::put_channels),
        )
        .route(
            "/api/v1/admin/polls/{slug}/vouchers/sms",
            post(voucher_api::send_vouchers_by_sms),
        )
        .route(
            "/api/v1/admin/polls/{slug}/export.csv",
            get(export::export_csv),
        )
        .route(
            "/api/v1/admin/polls/{slug}/export.json",
            get(export::export_json),
        )
}

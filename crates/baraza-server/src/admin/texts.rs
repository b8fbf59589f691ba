//! The admin site's words, one value per language, so that templates hold no prose.
//!
//! Only English exists in this first slice. French and Swahili are added as two more
//! `Texts` constants and a branch in [`texts_for`] choosing by the `Accept-Language` header
//! (or a staff member's setting); the templates do not change.

use axum::http::HeaderMap;

/// Every text of the admin site in one language.
#[derive(Debug)]
pub(crate) struct Texts {
    /// The language's tag, for `<html lang>`.
    pub(crate) lang: &'static str,
    pub(crate) site_name: &'static str,
    pub(crate) skip_to_content: &'static str,
    pub(crate) error_prefix: &'static str,
    pub(crate) error_summary_title: &'static str,
    pub(crate) sign_in_title: &'static str,
    pub(crate) email_label: &'static str,
    pub(crate) password_label: &'static str,
    pub(crate) sign_in_button: &'static str,
    pub(crate) email_missing: &'static str,
    pub(crate) email_invalid: &'static str,
    pub(crate) password_missing: &'static str,
    /// Said for an unknown e-mail and a wrong password alike.
    pub(crate) credentials_wrong: &'static str,
    pub(crate) throttled_title: &'static str,
    /// Followed by the time (UTC) after which signing in is possible again.
    pub(crate) throttled_body: &'static str,
    pub(crate) refused_title: &'static str,
    pub(crate) refused_body: &'static str,
    pub(crate) back_to_sign_in: &'static str,
    pub(crate) dashboard_title: &'static str,
    pub(crate) signed_in_as: &'static str,
    pub(crate) sign_out_button: &'static str,
    pub(crate) no_organisation: &'static str,
    pub(crate) your_role: &'static str,
    pub(crate) no_polls: &'static str,
    pub(crate) polls_caption: &'static str,
    pub(crate) poll_column: &'static str,
    pub(crate) phase_column: &'static str,
    pub(crate) ballots_column: &'static str,
}

/// English.
pub(crate) const EN: Texts = Texts {
    lang: "en",
    site_name: "Baraza administration",
    skip_to_content: "Skip to main content",
    error_prefix: "Error:",
    error_summary_title: "There is a problem",
    sign_in_title: "Sign in",
    email_label: "Email address",
    password_label: "Password",
    sign_in_button: "Sign in",
    email_missing: "Enter your email address",
    email_invalid: "Enter an email address in the correct format, like name@example.org",
    password_missing: "Enter your password",
    credentials_wrong: "Enter a correct email address and password",
    throttled_title: "Too many attempts to sign in",
    throttled_body: "There have been too many failed attempts to sign in. You can try again after",
    refused_title: "This request was refused",
    refused_body: "The form was not sent from this site, or your session has changed. Go back, reload the page and try again.",
    back_to_sign_in: "Go to the sign-in page",
    dashboard_title: "Your organisations",
    signed_in_as: "Signed in as",
    sign_out_button: "Sign out",
    no_organisation: "Your account does not belong to any organisation yet. Ask an administrator to add you.",
    your_role: "Your role:",
    no_polls: "This organisation has no polls yet.",
    polls_caption: "Polls",
    poll_column: "Poll",
    phase_column: "Phase",
    ballots_column: "Ballots",
};

/// The texts for a request. English for now; see the module docs for adding languages.
pub(crate) fn texts_for(_headers: &HeaderMap) -> &'static Texts {
    &EN
}

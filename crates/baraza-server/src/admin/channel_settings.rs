//! The admin site's phone-channel settings of a poll — its SMS keyword, its USSD service code and
//! whether an answer needs a voucher code — and of a feedback form (keyword and code only:
//! feedback is anonymous, so it has no vouchers).
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/polls/{slug}/channels` | editor, admin | the form |
//! | `POST /admin/polls/{slug}/channels` | editor, admin | `303` to the poll page; `422` with problems |
//! | `GET /admin/feedback/{slug}/channels` | editor, admin | the same form for a feedback form, without vouchers |
//! | `POST /admin/feedback/{slug}/channels` | editor, admin | `303` to the form's page; `422` with problems |
//!
//! Rules, each reported beside its field: a keyword is 2 to 20 letters or digits starting with
//! a letter (stored upper case, since citizens type it any way), not `HELP` or `STOP` (kept by
//! mobile networks), and no other poll's or form's; a service code is `*`, numbers separated by
//! `*`, and `#`, and no other poll's or form's; the voucher rule changes only while the poll takes no answers yet
//! (draft or upcoming), so every counted answer met the same rule. A closed poll's channels do
//! not change (`409`). Every save writes an audit row (`poll.channels`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use baraza_core::feedback::FeedbackForm;
use baraza_core::{Poll, PollPhase};
use serde::Deserialize;

use super::channel_texts::ChannelTexts;
use super::feedback_pages::member_form;
use super::language::SiteTexts;
use super::poll_form::FieldError;
use super::poll_pages::member_poll;
use super::site::{
    SiteResult, go_on, message, not_found, page, require_form_session, require_session,
    role_refused,
};
use super::texts::Texts;
use crate::AppState;
use crate::storage::{
    Actor, AuditEntry, FeedbackFormChannels, Membership, PollChannels, SetChannelsError,
    StaffSession,
};

/// Keywords that mobile networks answer themselves (opt-out and help), so a poll cannot use them.
const RESERVED_KEYWORDS: [&str; 2] = ["HELP", "STOP"];
/// The longest keyword: short enough to type on a keypad and to quote in replies.
const MAX_KEYWORD_CHARS: usize = 20;
/// The longest service code networks route (`*384*55#` is 8).
const MAX_SERVICE_CODE_CHARS: usize = 20;

/// Why a typed keyword is refused.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum KeywordProblem {
    Format,
    Reserved,
}

/// The keyword typed, upper case; `None` (SMS off) when empty.
pub(super) fn parse_keyword(typed: &str) -> Result<Option<String>, KeywordProblem> {
    let keyword = typed.trim().to_ascii_uppercase();
    if keyword.is_empty() {
        return Ok(None);
    }
    let mut chars = keyword.chars();
    let well_formed = (2..=MAX_KEYWORD_CHARS).contains(&keyword.len())
        && chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !well_formed {
        return Err(KeywordProblem::Format);
    }
    if RESERVED_KEYWORDS.contains(&keyword.as_str()) {
        return Err(KeywordProblem::Reserved);
    }
    Ok(Some(keyword))
}

/// The service code typed, spaces removed; `None` (USSD off) when empty; `Err` when it is not
/// `*`, numbers separated by `*`, and `#`.
pub(super) fn parse_service_code(typed: &str) -> Result<Option<String>, ()> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() {
        return Ok(None);
    }
    let numbers = code
        .strip_prefix('*')
        .and_then(|rest| rest.strip_suffix('#'))
        .ok_or(())?;
    let well_formed = code.len() <= MAX_SERVICE_CODE_CHARS
        && numbers
            .split('*')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
    if well_formed { Ok(Some(code)) } else { Err(()) }
}

/// Whether the poll takes no answers yet, so its voucher rule may still change.
pub(super) fn before_opening(poll: &Poll, now: time::OffsetDateTime) -> bool {
    matches!(poll.phase_at(now), PollPhase::Draft | PollPhase::Upcoming)
}

/// The channel settings form.
#[derive(Template)]
#[template(path = "admin/channels.html")]
struct ChannelsPage<'a> {
    t: &'a Texts,
    ct: &'a ChannelTexts,
    email: &'a str,
    csrf_token: &'a str,
    /// The instrument's question or title.
    caption: String,
    intro: &'a str,
    /// The instrument's admin page; the form posts to its `/channels`.
    back_href: String,
    back_label: &'a str,
    /// Whether the voucher rule is shown (polls; feedback is anonymous).
    vouchers: bool,
    organisation_name: &'a str,
    errors: Vec<FieldError>,
    sms_keyword: &'a str,
    ussd_service_code: &'a str,
    voucher_required: bool,
    voucher_locked: bool,
}

impl ChannelsPage<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }
}

/// What the form shows: the stored settings, or what was typed with its problems.
struct Shown<'a> {
    sms_keyword: &'a str,
    ussd_service_code: &'a str,
    voucher_required: bool,
    errors: Vec<FieldError>,
}

fn render(
    status: StatusCode,
    t: &Texts,
    session: &StaffSession,
    poll: &Poll,
    member: &Membership,
    locked: bool,
    shown: Shown<'_>,
) -> SiteResult {
    page(
        status,
        &ChannelsPage {
            t,
            ct: ChannelTexts::for_site(t),
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            caption: poll
                .question()
                .resolve(&[t.lang], poll.default_language())
                .to_owned(),
            intro: ChannelTexts::for_site(t).intro,
            back_href: format!("/admin/polls/{}", poll.slug()),
            back_label: ChannelTexts::for_site(t).back_to_poll,
            vouchers: true,
            organisation_name: &member.organisation_name,
            errors: shown.errors,
            sms_keyword: shown.sms_keyword,
            ussd_service_code: shown.ussd_service_code,
            voucher_required: shown.voucher_required,
            voucher_locked: locked,
        },
    )
}

/// The poll and membership when the member may change its channels, else the answer to give.
async fn editable(
    state: &AppState,
    t: &'static Texts,
    session: &StaffSession,
    slug: &str,
) -> Result<
    Result<(std::sync::Arc<Poll>, Membership), axum::response::Response>,
    super::site::SiteError,
> {
    let Some((poll, member)) = member_poll(state, session, slug).await? else {
        return Ok(Err(not_found(t)?));
    };
    if !member.role.may_author() {
        return Ok(Err(role_refused(t)?));
    }
    if poll.phase_at(state.now()) == PollPhase::Closed {
        let ct = ChannelTexts::for_site(t);
        let back = format!("/admin/polls/{}", poll.slug());
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

/// `GET /admin/polls/{slug}/channels`
pub(crate) async fn channels_form(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let (poll, member) = go_on!(editable(&state, t, &session, &slug).await?);
    let stored = state.database.poll_channels(poll.slug()).await?;
    let locked = !before_opening(&poll, state.now());
    render(
        StatusCode::OK,
        t,
        &session,
        &poll,
        &member,
        locked,
        Shown {
            sms_keyword: stored.sms_keyword.as_deref().unwrap_or_default(),
            ussd_service_code: stored.ussd_service_code.as_deref().unwrap_or_default(),
            voucher_required: stored.voucher_required,
            errors: Vec::new(),
        },
    )
}

/// The form's fields; an unchecked box is absent.
#[derive(Deserialize)]
pub(crate) struct ChannelsForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    sms_keyword: String,
    #[serde(default)]
    ussd_service_code: String,
    #[serde(default)]
    voucher_required: Option<String>,
}

/// `POST /admin/polls/{slug}/channels`
pub(crate) async fn save_channels(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ChannelsForm>,
) -> SiteResult {
    let session = go_on!(require_form_session(&state, &headers, &form.csrf_token, t).await?);
    let (poll, member) = go_on!(editable(&state, t, &session, &slug).await?);
    let ct = ChannelTexts::for_site(t);
    let now = state.now();
    let stored = state.database.poll_channels(poll.slug()).await?;
    let locked = !before_opening(&poll, now);
    let voucher_required = form.voucher_required.is_some();

    let (keyword, code, mut errors) = read_fields(&form, ct);
    if locked && voucher_required != stored.voucher_required {
        errors.push(field_error("voucher_required", ct.voucher_after_opening));
    }
    let shown = |errors| Shown {
        sms_keyword: &form.sms_keyword,
        ussd_service_code: &form.ussd_service_code,
        voucher_required,
        errors,
    };
    if !errors.is_empty() {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            t,
            &session,
            &poll,
            &member,
            locked,
            shown(errors),
        );
    }

    let channels = PollChannels {
        sms_keyword: keyword,
        ussd_service_code: code,
        voucher_required,
    };
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "poll.channels",
        poll.slug().as_str(),
        now,
    );
    let problem = match state
        .database
        .update_poll_channels(poll.slug(), &channels, &audit)
        .await
    {
        Ok(()) => {
            tracing::info!(poll = %poll.slug(), user = session.user_id, "poll channels changed on the admin site");
            return Ok(
                Redirect::to(&format!("/admin/polls/{}?done=channels", poll.slug()))
                    .into_response(),
            );
        }
        Err(SetChannelsError::KeywordTaken) => field_error("sms_keyword", ct.keyword_taken),
        Err(SetChannelsError::ServiceCodeTaken) => field_error("ussd_service_code", ct.code_taken),
        Err(SetChannelsError::Database(error)) => return Err(error.into()),
    };
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        t,
        &session,
        &poll,
        &member,
        locked,
        shown(vec![problem]),
    )
}

/// The keyword and service code typed, each `None` when empty or refused, and the problems.
fn read_fields(
    form: &ChannelsForm,
    ct: &ChannelTexts,
) -> (Option<String>, Option<String>, Vec<FieldError>) {
    let mut errors = Vec::new();
    let keyword = parse_keyword(&form.sms_keyword).unwrap_or_else(|problem| {
        errors.push(field_error(
            "sms_keyword",
            match problem {
                KeywordProblem::Format => ct.keyword_format,
                KeywordProblem::Reserved => ct.keyword_reserved,
            },
        ));
        None
    });
    let code = parse_service_code(&form.ussd_service_code).unwrap_or_else(|()| {
        errors.push(field_error("ussd_service_code", ct.code_format));
        None
    });
    (keyword, code, errors)
}

/// The feedback form and membership when the member may change its channels, else the answer
/// to give. Forms have no phases: their channels change at any time.
async fn editable_form(
    state: &AppState,
    t: &'static Texts,
    session: &StaffSession,
    slug: &str,
) -> Result<Result<(FeedbackForm, Membership), axum::response::Response>, super::site::SiteError> {
    let Some((form, member)) = member_form(state, session, slug).await? else {
        return Ok(Err(not_found(t)?));
    };
    if !member.role.may_author() {
        return Ok(Err(role_refused(t)?));
    }
    Ok(Ok((form, member)))
}

fn render_form_channels(
    status: StatusCode,
    t: &Texts,
    session: &StaffSession,
    form: &FeedbackForm,
    member: &Membership,
    shown: Shown<'_>,
) -> SiteResult {
    let ct = ChannelTexts::for_site(t);
    page(
        status,
        &ChannelsPage {
            t,
            ct,
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            caption: form
                .title()
                .resolve(&[t.lang], form.default_language())
                .to_owned(),
            intro: ct.form_intro,
            back_href: format!("/admin/feedback/{}", form.slug()),
            back_label: ct.back_to_form,
            vouchers: false,
            organisation_name: &member.organisation_name,
            errors: shown.errors,
            sms_keyword: shown.sms_keyword,
            ussd_service_code: shown.ussd_service_code,
            voucher_required: false,
            voucher_locked: false,
        },
    )
}

/// `GET /admin/feedback/{slug}/channels`
pub(crate) async fn feedback_channels_form(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let (form, member) = go_on!(editable_form(&state, t, &session, &slug).await?);
    let stored = state.database.feedback_form_channels(form.slug()).await?;
    render_form_channels(
        StatusCode::OK,
        t,
        &session,
        &form,
        &member,
        Shown {
            sms_keyword: stored.sms_keyword.as_deref().unwrap_or_default(),
            ussd_service_code: stored.ussd_service_code.as_deref().unwrap_or_default(),
            voucher_required: false,
            errors: Vec::new(),
        },
    )
}

/// `POST /admin/feedback/{slug}/channels`
pub(crate) async fn save_feedback_channels(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(typed): Form<ChannelsForm>,
) -> SiteResult {
    let session = go_on!(require_form_session(&state, &headers, &typed.csrf_token, t).await?);
    let (form, member) = go_on!(editable_form(&state, t, &session, &slug).await?);
    let ct = ChannelTexts::for_site(t);
    let (keyword, code, errors) = read_fields(&typed, ct);
    let shown = |errors| Shown {
        sms_keyword: &typed.sms_keyword,
        ussd_service_code: &typed.ussd_service_code,
        voucher_required: false,
        errors,
    };
    if !errors.is_empty() {
        return render_form_channels(
            StatusCode::UNPROCESSABLE_ENTITY,
            t,
            &session,
            &form,
            &member,
            shown(errors),
        );
    }
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "feedback.channels",
        form.slug().as_str(),
        state.now(),
    );
    let channels = FeedbackFormChannels {
        sms_keyword: keyword,
        ussd_service_code: code,
    };
    let problem = match state
        .database
        .update_feedback_form_channels(form.slug(), &channels, Some(&audit))
        .await
    {
        Ok(()) => {
            tracing::info!(form = %form.slug(), user = session.user_id, "feedback form channels changed on the admin site");
            return Ok(
                Redirect::to(&format!("/admin/feedback/{}?done=channels", form.slug()))
                    .into_response(),
            );
        }
        Err(SetChannelsError::KeywordTaken) => field_error("sms_keyword", ct.keyword_taken),
        Err(SetChannelsError::ServiceCodeTaken) => field_error("ussd_service_code", ct.code_taken),
        Err(SetChannelsError::Database(error)) => return Err(error.into()),
    };
    render_form_channels(
        StatusCode::UNPROCESSABLE_ENTITY,
        t,
        &session,
        &form,
        &member,
        shown(vec![problem]),
    )
}

fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_letters_then_letters_or_digits_stored_upper_case() {
        assert_eq!(parse_keyword(" maji "), Ok(Some("MAJI".to_owned())));
        assert_eq!(
            parse_keyword("Tariff2027"),
            Ok(Some("TARIFF2027".to_owned()))
        );
        assert_eq!(parse_keyword(""), Ok(None));
        assert_eq!(parse_keyword("   "), Ok(None));
        for bad in [
            "M",
            "2TARIFF",
            "TAR IFF",
            "TARIFF!",
            "MAJI-2",
            "ÉLECTION",
            "ABCDEFGHIJKLMNOPQRSTU",
        ] {
            assert_eq!(parse_keyword(bad), Err(KeywordProblem::Format), "{bad}");
        }
        assert_eq!(parse_keyword("stop"), Err(KeywordProblem::Reserved));
        assert_eq!(parse_keyword("Help"), Err(KeywordProblem::Reserved));
    }

    #[test]
    fn service_codes_are_star_numbers_hash() {
        assert_eq!(
            parse_service_code("*384*55#"),
            Ok(Some("*384*55#".to_owned()))
        );
        assert_eq!(
            parse_service_code(" *384 * 55# "),
            Ok(Some("*384*55#".to_owned()))
        );
        assert_eq!(parse_service_code("*144#"), Ok(Some("*144#".to_owned())));
        assert_eq!(parse_service_code(""), Ok(None));
        for bad in [
            "384*55#",
            "*384*55",
            "*384**55#",
            "*#",
            "*38a#",
            "*1234567890*1234567890#",
        ] {
            assert_eq!(parse_service_code(bad), Err(()), "{bad}");
        }
    }
}

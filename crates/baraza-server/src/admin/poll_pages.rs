//! The admin site's poll page: open and close a poll, read its results (chart and table),
//! download its ballots, and get the code to embed it (authoring is in `poll_authoring`).
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/polls/{slug}` | any member | the poll page |
//! | `POST /admin/polls/{slug}/open`, `…/close` | editor, admin | `303` to the poll page |
//! | `GET /admin/polls/{slug}/export.csv`, `…/export.json` | analyst, editor, admin | download |
//! | `GET /admin/polls/{slug}/preview` | any member | the live widget alone |
//!
//! A poll of an organisation the member does not belong to answers `404`, like a missing one;
//! a role that may not act answers `403` and changes nothing. Every change and every download
//! writes an audit row. Changes go through the database's poll methods, which reload the
//! poll into the running server's memory (and notify other servers) before answering.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use baraza_core::{Poll, PollKind, PollPhase, PollSpec, PollStatus, Slug};
use serde::Deserialize;
use time::OffsetDateTime;

use super::channel_texts::ChannelTexts;
use super::chart::{CHART_WIDTH, Chart};
use super::language::SiteTexts;
use super::poll_form::local_input;
use super::site::{
    SiteResult, SiteSettings, go_on, membership, not_found, over_https, page, require_form_session,
    require_session, role_refused,
};
use super::texts::Texts;
use crate::AppState;
use crate::api::polls::shares_in_tenths;
use crate::storage::Channel;
use crate::storage::{Actor, AuditEntry, Membership, StaffSession};

/// The poll `slug` and the member's membership of its organisation; `None` (answered `404`)
/// when there is no such poll or it belongs to an organisation the member is not part of.
pub(crate) async fn member_poll(
    state: &AppState,
    session: &StaffSession,
    slug: &str,
) -> anyhow::Result<Option<(Arc<Poll>, Membership)>> {
    let Ok(slug) = Slug::parse(slug) else {
        return Ok(None);
    };
    let Some(Some(owner)) = state.database.poll_organisation(&slug).await? else {
        return Ok(None);
    };
    let Some(member) = membership(state, session, &owner).await? else {
        return Ok(None);
    };
    Ok(state.database.poll(&slug).await?.map(|poll| (poll, member)))
}

/// A form with only the CSRF token (and, for opening, which way).
#[derive(Deserialize)]
pub(crate) struct PhaseForm {
    #[serde(default)]
    csrf_token: String,
    /// `schedule`: publish and open at the scheduled time; anything else: open now.
    #[serde(default)]
    when: String,
}

/// `POST /admin/polls/{slug}/open`
pub(crate) async fn open_poll(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<PhaseForm>,
) -> SiteResult {
    let change = if form.when == "schedule" {
        PhaseChange::PublishOnSchedule
    } else {
        PhaseChange::OpenNow
    };
    change_phase(
        &state,
        t,
        settings,
        &slug,
        &headers,
        &form.csrf_token,
        change,
    )
    .await
}

/// `POST /admin/polls/{slug}/close`
pub(crate) async fn close_poll(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<PhaseForm>,
) -> SiteResult {
    change_phase(
        &state,
        t,
        settings,
        &slug,
        &headers,
        &form.csrf_token,
        PhaseChange::CloseNow,
    )
    .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PhaseChange {
    OpenNow,
    PublishOnSchedule,
    CloseNow,
}

/// Why a poll cannot move the way asked.
enum PhaseRefusal {
    ClosingPassed,
    WrongPhase,
}

impl PhaseChange {
    /// The poll after the change at `now`.
    fn apply(self, poll: &Poll, now: OffsetDateTime) -> Result<PollSpec, PhaseRefusal> {
        let phase = poll.phase_at(now);
        let mut spec = PollSpec::from(poll.clone());
        match self {
            Self::OpenNow if matches!(phase, PollPhase::Draft | PollPhase::Upcoming) => {
                if poll.closes_at().is_some_and(|closes| closes <= now) {
                    return Err(PhaseRefusal::ClosingPassed);
                }
                spec.status = PollStatus::Open;
                // Opening now replaces an opening time still to come.
                if spec.opens_at.is_some_and(|opens| opens > now) {
                    spec.opens_at = None;
                }
            }
            Self::PublishOnSchedule
                if phase == PollPhase::Draft && poll.opens_at().is_some_and(|o| o > now) =>
            {
                spec.status = PollStatus::Open;
            }
            Self::CloseNow if matches!(phase, PollPhase::Open | PollPhase::Upcoming) => {
                spec.status = PollStatus::Closed;
            }
            _ => return Err(PhaseRefusal::WrongPhase),
        }
        Ok(spec)
    }

    fn audit_action(self) -> &'static str {
        match self {
            Self::OpenNow => "poll.open",
            Self::PublishOnSchedule => "poll.publish",
            Self::CloseNow => "poll.close",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Self::OpenNow => "opened",
            Self::PublishOnSchedule => "published",
            Self::CloseNow => "closed",
        }
    }
}

async fn change_phase(
    state: &AppState,
    t: &'static Texts,
    settings: SiteSettings,
    slug: &str,
    headers: &HeaderMap,
    csrf_token: &str,
    change: PhaseChange,
) -> SiteResult {
    let session = go_on!(require_form_session(state, headers, csrf_token, t).await?);
    let Some((poll, member)) = member_poll(state, &session, slug).await? else {
        return not_found(t);
    };
    if !member.role.may_author() {
        return role_refused(t);
    }
    let now = state.now();
    let spec = match change.apply(&poll, now) {
        Ok(spec) => spec,
        Err(refusal) => {
            let problem = match refusal {
                PhaseRefusal::ClosingPassed => t.cannot_open_closing_passed,
                PhaseRefusal::WrongPhase => t.cannot_change_phase,
            };
            let view = PollView::new(state, &poll, &member, t, settings, headers).await?;
            return view.render(StatusCode::CONFLICT, &session, None, Some(problem));
        }
    };
    let changed = Poll::try_from(spec)
        .map_err(|errors| anyhow::anyhow!("a status change broke poll {slug}: {errors}"))?;
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        change.audit_action(),
        poll.slug().as_str(),
        now,
    );
    if !state
        .database
        .update_organisation_poll(&changed, &member.organisation, &audit)
        .await?
    {
        return not_found(t);
    }
    tracing::info!(poll = %poll.slug(), user = session.user_id, action = change.audit_action(), "poll status changed on the admin site");
    Ok(Redirect::to(&format!(
        "/admin/polls/{}?done={}",
        poll.slug(),
        change.done()
    ))
    .into_response())
}

/// An instrument page's query: which action just succeeded.
#[derive(Deserialize)]
pub(crate) struct PollPageQuery {
    #[serde(default)]
    done: String,
}

impl PollPageQuery {
    /// The action that just succeeded, `""` when none.
    pub(crate) fn done(&self) -> &str {
        &self.done
    }
}

/// `GET /admin/polls/{slug}`
pub(crate) async fn show_poll(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path(slug): Path<String>,
    Query(query): Query<PollPageQuery>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let Some((poll, member)) = member_poll(&state, &session, &slug).await? else {
        return not_found(t);
    };
    let notice = match query.done.as_str() {
        "saved" => Some(t.saved_notice),
        "opened" => Some(t.opened_notice),
        "published" => Some(t.published_notice),
        "closed" => Some(t.closed_notice),
        "channels" => Some(ChannelTexts::for_site(t).saved_notice),
        _ => None,
    };
    let view = PollView::new(&state, &poll, &member, t, settings, &headers).await?;
    view.render(StatusCode::OK, &session, notice, None)
}

/// The poll page.
#[derive(Template)]
#[template(path = "admin/poll.html")]
struct PollPage<'a> {
    t: &'a Texts,
    ct: &'a ChannelTexts,
    email: &'a str,
    csrf_token: &'a str,
    view: &'a PollView,
    notice: Option<&'a str>,
    problem: Option<&'a str>,
}

/// What the poll page shows, before the session's parts are added.
pub(crate) struct PollView {
    t: &'static Texts,
    slug: String,
    question: String,
    organisation_name: String,
    phase: &'static str,
    kind: String,
    opens: String,
    closes: String,
    may_edit: bool,
    may_open_now: bool,
    may_publish_on_schedule: bool,
    may_close: bool,
    may_export: bool,
    /// Whether citizens can see the poll, so the live widget has something to show.
    previewable: bool,
    total_ballots: u64,
    /// Ballots by channel (web, SMS, USSD), from the running counts.
    channels: Vec<ChannelRow>,
    /// The SMS keyword, USSD service code and voucher rule, as the page shows them.
    sms_keyword: Option<String>,
    ussd_service_code: Option<String>,
    voucher_required: bool,
    /// Whether the member may change them (editor, admin; the poll not closed).
    may_change_channels: bool,
    chart: Chart,
    chart_width: u32,
    /// A ranked poll's instant-runoff count: the options' labels and one row per round.
    round_headers: Vec<String>,
    rounds: Vec<RoundRow>,
    snippet: String,
}

/// One round of a ranked poll's count as the poll page's table shows it.
pub(crate) struct RoundRow {
    number: u32,
    /// Each option's votes, in option order; `–` once it is out of the count.
    votes: Vec<String>,
    exhausted: u64,
    /// Who was elected or eliminated in this round.
    outcome: String,
}

/// The rounds of `tally` (none unless a ranked poll), with the options' labels in `language`.
fn round_rows(
    poll: &Poll,
    tally: &baraza_core::PollTally,
    t: &Texts,
) -> (Vec<String>, Vec<RoundRow>) {
    let results = baraza_core::v1::PollResults::new(tally, PollPhase::Open);
    let Some(rounds) = results.rounds else {
        return (Vec::new(), Vec::new());
    };
    let label = |id: &baraza_core::OptionId| {
        poll.options().iter().find(|o| o.id == *id).map_or_else(
            || id.as_str().to_owned(),
            |o| {
                o.label
                    .resolve(&[t.lang], poll.default_language())
                    .to_owned()
            },
        )
    };
    let headers = poll.options().iter().map(|o| label(&o.id)).collect();
    let rows = rounds
        .iter()
        .map(|round| {
            let votes = poll
                .options()
                .iter()
                .map(|o| {
                    round
                        .votes
                        .iter()
                        .find(|v| v.id == o.id)
                        .map_or_else(|| "–".to_owned(), |v| v.votes.to_string())
                })
                .collect();
            let mut outcome: Vec<String> = round
                .elected
                .iter()
                .map(|id| format!("{} {}", t.round_elected, label(id)))
                .collect();
            outcome.extend(
                round
                    .eliminated
                    .iter()
                    .map(|id| format!("{} {}", t.round_eliminated, label(id))),
            );
            RoundRow {
                number: round.round,
                votes,
                exhausted: round.exhausted,
                outcome: outcome.join("; "),
            }
        })
        .collect();
    (headers, rows)
}

/// One row of a by-channel table (a poll's ballots, a feedback form's responses).
pub(crate) struct ChannelRow {
    pub(crate) name: &'static str,
    pub(crate) count: u64,
    /// The share of the total, e.g. `62.5%`.
    pub(crate) share: String,
}

/// The rows of a by-channel table, shares in tenths of a percent that add up to 100.
pub(crate) fn channel_rows(t: &Texts, counts: &[(Channel, u64)]) -> Vec<ChannelRow> {
    let tenths = shares_in_tenths(&counts.iter().map(|(_, count)| *count).collect::<Vec<_>>());
    counts
        .iter()
        .zip(tenths)
        .map(|((channel, count), tenths)| ChannelRow {
            name: match channel {
                Channel::Web => t.channel_web,
                Channel::Sms => t.channel_sms,
                Channel::Ussd => t.channel_ussd,
            },
            count: *count,
            share: format!("{}.{}%", tenths / 10, tenths % 10),
        })
        .collect()
}

impl PollView {
    pub(crate) async fn new(
        state: &AppState,
        poll: &Poll,
        member: &Membership,
        t: &'static Texts,
        settings: SiteSettings,
        headers: &HeaderMap,
    ) -> anyhow::Result<Self> {
        let now = state.now();
        let phase = poll.phase_at(now);
        let tally = state.database.tally(poll)?;
        let channel_counts = state.database.channel_counts(poll.slug()).await?;
        let channels = channel_rows(t, &channel_counts);
        let (round_headers, rounds) = round_rows(poll, &tally, t);
        let may_author = member.role.may_author();
        let phone_channels = state.database.poll_channels(poll.slug()).await?;
        let (min, max) = poll.selection_range();
        let kind = match poll.kind() {
            PollKind::SingleChoice => t.kind_single.to_owned(),
            PollKind::MultipleChoice { .. } => format!("{} ({min}–{max})", t.kind_multiple),
            PollKind::Approval => t.kind_approval.to_owned(),
            PollKind::Ranked => t.kind_ranked.to_owned(),
            PollKind::Score { scale, .. } => {
                format!("{} ({}–{})", t.kind_score, scale.min(), scale.max())
            }
        };
        let when = |instant: Option<OffsetDateTime>| {
            instant.map_or_else(
                || t.not_scheduled.to_owned(),
                |at| local_input(at).replace('T', " ") + " UTC",
            )
        };
        Ok(Self {
            t,
            slug: poll.slug().as_str().to_owned(),
            question: poll
                .question()
                .resolve(&[t.lang], poll.default_language())
                .to_owned(),
            organisation_name: member.organisation_name.clone(),
            phase: t.phase(phase),
            kind,
            opens: when(poll.opens_at()),
            closes: when(poll.closes_at()),
            may_edit: may_author && poll.status() == PollStatus::Draft,
            may_open_now: may_author && PhaseChange::OpenNow.apply(poll, now).is_ok(),
            may_publish_on_schedule: may_author
                && PhaseChange::PublishOnSchedule.apply(poll, now).is_ok(),
            may_close: may_author && PhaseChange::CloseNow.apply(poll, now).is_ok(),
            may_export: member.role.may_export(),
            previewable: phase != PollPhase::Draft,
            total_ballots: tally.total_ballots(),
            channels,
            sms_keyword: phone_channels.sms_keyword,
            ussd_service_code: phone_channels.ussd_service_code,
            voucher_required: phone_channels.voucher_required,
            may_change_channels: may_author && phase != PollPhase::Closed,
            chart: Chart::new(poll, &tally, t.lang, t),
            chart_width: CHART_WIDTH,
            round_headers,
            rounds,
            snippet: embed_snippet(&base_url(settings, headers), poll.slug()),
        })
    }

    pub(crate) fn render(
        &self,
        status: StatusCode,
        session: &StaffSession,
        notice: Option<&str>,
        problem: Option<&str>,
    ) -> SiteResult {
        page(
            status,
            &PollPage {
                t: self.t,
                ct: ChannelTexts::for_site(self.t),
                email: session.email.as_str(),
                csrf_token: &session.csrf_token,
                view: self,
                notice,
                problem,
            },
        )
    }
}

/// This server's address as the browser reached it, for the embed code.
pub(crate) fn base_url(settings: SiteSettings, headers: &HeaderMap) -> String {
    let scheme = if over_https(settings, headers) {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// The markup a ministry pastes into its page: the loader, then the element (see the README's
/// "Embedding a poll"). `server` is given so the code works wherever the loader is copied.
pub(crate) fn embed_snippet(base_url: &str, slug: &Slug) -> String {
    format!(
        "<script type=\"module\" src=\"{base_url}/widgets/baraza.js\"></script>\n\
         <baraza-poll poll=\"{slug}\" server=\"{base_url}\"></baraza-poll>"
    )
}

/// The preview page: the live widget alone, as citizens get it.
#[derive(Template)]
#[template(path = "admin/preview.html")]
struct PreviewPage<'a> {
    t: &'a Texts,
    slug: &'a str,
    element: &'a str,
    attribute: &'a str,
}

/// `GET /admin/polls/{slug}/preview`
pub(crate) async fn preview_poll(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let Some((poll, _)) = member_poll(&state, &session, &slug).await? else {
        return not_found(t);
    };
    page(
        StatusCode::OK,
        &PreviewPage {
            t,
            slug: poll.slug().as_str(),
            element: "baraza-poll",
            attribute: "poll",
        },
    )
}

/// `GET /admin/polls/{slug}/export.csv`
pub(crate) async fn export_csv(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let (poll, _) = go_on!(exported(&state, t, &slug, &headers, "poll.export_csv").await?);
    Ok(super::export::csv_download(&state, poll))
}

/// `GET /admin/polls/{slug}/export.json`
pub(crate) async fn export_json(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let (poll, _) = go_on!(exported(&state, t, &slug, &headers, "poll.export_json").await?);
    Ok(super::export::json_download(&state, &poll))
}

/// The poll to export when the member's role may take ballots away, after its audit row.
async fn exported(
    state: &AppState,
    t: &Texts,
    slug: &str,
    headers: &HeaderMap,
    action: &str,
) -> Result<Result<(Arc<Poll>, Membership), Response>, super::site::SiteError> {
    let session = match require_session(state, headers).await? {
        Ok(session) => session,
        Err(stop) => return Ok(Err(stop)),
    };
    let Some((poll, member)) = member_poll(state, &session, slug).await? else {
        return Ok(Err(not_found(t)?));
    };
    if !member.role.may_export() {
        return Ok(Err(role_refused(t)?));
    }
    state
        .database
        .audit(&AuditEntry::new(
            Some(&member.organisation),
            Actor::User(session.user_id),
            action,
            poll.slug().as_str(),
            state.now(),
        ))
        .await?;
    Ok(Ok((poll, member)))
}

//! The admin site's consultation page: open and close a consultation, read its comments by
//! moderation state, answer published comments on the public body's behalf, respond to each
//! section after closing and publish the outcome ("we asked, you said, we did"), and get the
//! code to embed it. Authoring is in `consultation_authoring`, the queue in `moderation`.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/consultations/{slug}` | any member | the consultation page |
//! | `POST /admin/consultations/{slug}/open`, `…/close` | editor, admin | `303` to the page |
//! | `POST /admin/consultations/{slug}/comments/{id}/answer` | moderator, admin | `303` |
//! | `POST /admin/consultations/{slug}/sections/{id}/response` | editor, admin | `303` |
//! | `POST /admin/consultations/{slug}/outcome` | editor, admin | `303` |
//! | `GET /admin/consultations/{slug}/preview` | any member | the live widget alone |
//! | `GET /admin/consultations/{slug}/export.csv` | analyst, editor, admin | every comment |
//!
//! Every step goes through the core's consultation rules (phases, one-level replies, one
//! outcome), so the site cannot do what the core forbids; a refused step answers `409` with
//! the page and why. A form with a problem answers `422` with the problem beside its field.
//! Another organisation's consultation answers `404`, a role that may not act `403`; neither
//! changes anything. Every change writes an audit row.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form};
use baraza_core::consultation::{Comment, ConsultationPhase, ModerationState};
use baraza_core::{LanguageTag, LocalizedText, Slug};
use serde::Deserialize;
use time::OffsetDateTime;

use super::consultation_texts::ConsultationTexts;
use super::language::SiteTexts;
use super::poll_form::{FieldError, local_input};
use super::poll_pages::base_url;
use super::site::{
    SiteError, SiteResult, SiteSettings, Stop, go_on, membership, not_found, page,
    require_form_session, require_session, role_refused,
};
use super::texts::{Language, Texts};
use crate::AppState;
use crate::storage::{
    Actor, AuditEntry, ConsultationChangeError, Membership, StaffSession, StoredConsultation,
};

/// The consultation texts of the language `t` is in.
pub(crate) fn consultation_texts(t: &Texts) -> &'static ConsultationTexts {
    Language::from_tag_exact(t.lang)
        .unwrap_or(Language::En)
        .consultation_texts()
}

/// The consultation `slug` and the member's membership of its organisation; `None` (answered
/// `404`) when there is none or it belongs to an organisation the member is not part of (the
/// server's own demo consultations belong to no organisation, so to no member).
pub(crate) async fn member_consultation(
    state: &AppState,
    session: &StaffSession,
    slug: &str,
) -> anyhow::Result<Option<(StoredConsultation, Membership)>> {
    let Ok(slug) = Slug::parse(slug) else {
        return Ok(None);
    };
    let Some(stored) = state.database.consultation(&slug).await? else {
        return Ok(None);
    };
    let Some(owner) = stored
        .organisation
        .as_deref()
        .and_then(|o| Slug::parse(o).ok())
    else {
        return Ok(None);
    };
    Ok(membership(state, session, &owner)
        .await?
        .map(|member| (stored, member)))
}

/// An instant as the site shows it: `2027-01-15 09:30 UTC`.
pub(crate) fn shown_instant(at: OffsetDateTime) -> String {
    local_input(at).replace('T', " ") + " UTC"
}

/// A comment as the moderation queue and the consultation page show it.
pub(crate) struct CommentView {
    pub(crate) id: u64,
    /// "Comment 7 on section 2 “Fares”" or "Reply to comment 3".
    pub(crate) heading: String,
    pub(crate) stance: Option<&'static str>,
    pub(crate) state: &'static str,
    pub(crate) posted: String,
    pub(crate) text: String,
    pub(crate) reports: usize,
    pub(crate) agrees: u64,
    pub(crate) disagrees: u64,
    /// Written by the public body.
    pub(crate) official: bool,
    /// Published replies, for a top-level comment on the consultation page.
    pub(crate) replies: Vec<CommentView>,
    /// The `id` of this comment's answer field.
    pub(crate) answer_field: String,
}

impl CommentView {
    pub(crate) fn new(
        stored: &StoredConsultation,
        comment: &Comment,
        t: &Texts,
        c: &ConsultationTexts,
    ) -> Self {
        let consultation = &stored.consultation;
        let heading = match comment.parent() {
            Some(parent) => format!("{} {parent}", c.reply_to),
            None => {
                let section = comment.section().as_str();
                let number = consultation.section_number(section).unwrap_or_default();
                let title = consultation.section(section).map_or(section, |s| {
                    s.title()
                        .resolve(&[t.lang], consultation.default_language())
                });
                format!(
                    "{} {} {} {number} “{title}”",
                    c.comment_label,
                    comment.id(),
                    c.on_section
                )
            }
        };
        Self {
            id: comment.id().0,
            heading,
            stance: comment.stance().map(|stance| c.stance(stance)),
            state: c.state(comment.state()),
            posted: shown_instant(comment.created_at()),
            text: comment.text().as_str().to_owned(),
            reports: comment.report_count(),
            agrees: comment.agrees(),
            disagrees: comment.disagrees(),
            official: stored.is_official(comment.id()),
            replies: Vec::new(),
            answer_field: format!("answer-{}", comment.id()),
        }
    }
}

/// One row of the "you said" table.
struct SectionSaidRow {
    number: usize,
    title: String,
    support: u64,
    oppose: u64,
    neutral: u64,
    question: u64,
    replies: u64,
}

/// A section's response form (after closing) or its response (once published).
struct SectionResponse {
    id: String,
    number: usize,
    title: String,
    /// The fields, one per site language: `id`, label, language tag, value.
    fields: Vec<(String, String, &'static str, String)>,
    /// The response as published, in the page's language.
    published: Option<String>,
}

/// The consultation page.
#[derive(Template)]
#[template(path = "admin/consultation.html")]
struct ConsultationPage<'a> {
    t: &'a Texts,
    c: &'a ConsultationTexts,
    email: &'a str,
    csrf_token: &'a str,
    view: &'a ConsultationView,
    notice: Option<&'a str>,
    problem: Option<&'a str>,
    errors: Vec<FieldError>,
    /// What the form with a problem had typed, by field id, so nothing typed is lost.
    typed: Vec<(String, String)>,
}

impl ConsultationPage<'_> {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }

    fn typed(&self, field: &str) -> &str {
        self.typed
            .iter()
            .find(|(name, _)| name == field)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// What the consultation page shows, before the session's parts are added.
struct ConsultationView {
    slug: String,
    title: String,
    organisation_slug: String,
    organisation_name: String,
    phase: &'static str,
    sections: usize,
    opened: String,
    closed: String,
    /// Comments by moderation state: name, count.
    counts: Vec<(&'static str, usize)>,
    may_edit: bool,
    may_open: bool,
    may_close: bool,
    may_moderate: bool,
    may_export: bool,
    /// Replies may be written (the consultation is open) and the member may answer.
    may_answer: bool,
    /// Section responses and the outcome may be written now by this member.
    may_respond: bool,
    published: Vec<CommentView>,
    you_said: Vec<SectionSaidRow>,
    responses: Vec<SectionResponse>,
    /// The outcome's fields while it may be written (same shape as a section's).
    outcome_fields: Vec<(String, String, &'static str, String)>,
    outcome: Option<String>,
    previewable: bool,
    snippet: String,
}

impl ConsultationView {
    fn new(
        stored: &StoredConsultation,
        member: &Membership,
        t: &'static Texts,
        c: &'static ConsultationTexts,
        settings: SiteSettings,
        headers: &HeaderMap,
    ) -> Self {
        let consultation = &stored.consultation;
        let default_language = consultation.default_language();
        let phase = consultation.phase();
        let resolve = |text: &LocalizedText| text.resolve(&[t.lang], default_language).to_owned();
        let mut counts = [
            (ModerationState::Pending, 0usize),
            (ModerationState::Published, 0),
            (ModerationState::Hidden, 0),
        ]
        .map(|(state, count)| (c.state(state), count))
        .to_vec();
        counts.push((c.state_rejected, 0));
        for comment in consultation.comments() {
            let row = match comment.state() {
                ModerationState::Pending => 0,
                ModerationState::Published => 1,
                ModerationState::Hidden => 2,
                ModerationState::Rejected { .. } => 3,
            };
            counts[row].1 += 1;
        }
        let mut published: Vec<CommentView> = consultation
            .published_comments()
            .filter(|comment| comment.parent().is_none())
            .map(|comment| CommentView::new(stored, comment, t, c))
            .collect();
        for reply in consultation
            .published_comments()
            .filter(|comment| comment.parent().is_some())
        {
            if let Some(parent) = published
                .iter_mut()
                .find(|view| Some(view.id) == reply.parent().map(|p| p.0))
            {
                parent.replies.push(CommentView::new(stored, reply, t, c));
            }
        }
        let report = consultation.outcome_report();
        let you_said = report
            .sections
            .iter()
            .map(|section| SectionSaidRow {
                number: section.number,
                title: resolve(&section.we_asked),
                support: section.you_said.support,
                oppose: section.you_said.oppose,
                neutral: section.you_said.neutral,
                question: section.you_said.question,
                replies: section.you_said.replies,
            })
            .collect();
        let may_author = member.role.may_author();
        let fields = |prefix: &str, label: &str, existing: Option<&LocalizedText>| {
            Language::ALL
                .into_iter()
                .map(|language| {
                    let name = language_name(t, language);
                    (
                        format!("{prefix}_{}", language.tag()),
                        format!("{label} ({name})"),
                        language.tag(),
                        existing
                            .and_then(|text| text.get(language.tag()))
                            .unwrap_or_default()
                            .to_owned(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let responses = consultation
            .sections()
            .iter()
            .enumerate()
            .map(|(index, section)| {
                let title = resolve(section.title());
                let prefix = format!("response-{}", section.id());
                let label = format!("{} {} “{title}”", c.section_response_legend, index + 1);
                SectionResponse {
                    id: section.id().as_str().to_owned(),
                    number: index + 1,
                    fields: fields(
                        &prefix,
                        &label,
                        section.official_response().map(|r| &r.text),
                    ),
                    published: section.official_response().map(|r| resolve(&r.text)),
                    title,
                }
            })
            .collect();
        Self {
            slug: consultation.slug().as_str().to_owned(),
            title: resolve(consultation.title()),
            organisation_slug: member.organisation.as_str().to_owned(),
            organisation_name: member.organisation_name.clone(),
            phase: c.phase(phase),
            sections: consultation.sections().len(),
            opened: consultation
                .opened_at()
                .map_or_else(|| c.not_yet.to_owned(), shown_instant),
            closed: consultation
                .closed_at()
                .map_or_else(|| c.not_yet.to_owned(), shown_instant),
            counts,
            may_edit: may_author && phase == ConsultationPhase::Draft,
            may_open: may_author
                && phase == ConsultationPhase::Draft
                && !consultation.sections().is_empty(),
            may_close: may_author && phase == ConsultationPhase::Open,
            may_moderate: member.role.may_moderate(),
            may_export: member.role.may_export(),
            may_answer: member.role.may_moderate() && phase == ConsultationPhase::Open,
            may_respond: may_author && phase == ConsultationPhase::Closed,
            published,
            you_said,
            responses,
            outcome_fields: fields("outcome", c.outcome_legend, None),
            outcome: consultation.outcome().map(|o| resolve(&o.summary)),
            previewable: phase != ConsultationPhase::Draft,
            snippet: embed_snippet(&base_url(settings, headers), consultation.slug()),
        }
    }
}

fn language_name(t: &Texts, language: Language) -> &'static str {
    match language {
        Language::En => t.language_en,
        Language::Fr => t.language_fr,
        Language::Sw => t.language_sw,
    }
}

/// The markup a ministry pastes into its page to embed consultation `slug`.
fn embed_snippet(base_url: &str, slug: &Slug) -> String {
    format!(
        "<script type=\"module\" src=\"{base_url}/widgets/baraza.js\"></script>\n\
         <baraza-consultation consultation=\"{slug}\" server=\"{base_url}\"></baraza-consultation>"
    )
}

/// Renders the consultation page with `status`.
#[allow(clippy::too_many_arguments)]
fn render(
    status: StatusCode,
    state_parts: (&StoredConsultation, &Membership, &StaffSession),
    t: &'static Texts,
    settings: SiteSettings,
    headers: &HeaderMap,
    notice: Option<&str>,
    problem: Option<&str>,
    errors: Vec<FieldError>,
    typed: Vec<(String, String)>,
) -> SiteResult {
    let (stored, member, session) = state_parts;
    let c = consultation_texts(t);
    let view = ConsultationView::new(stored, member, t, c, settings, headers);
    page(
        status,
        &ConsultationPage {
            t,
            c,
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            view: &view,
            notice,
            problem,
            errors,
            typed,
        },
    )
}

/// The consultation page's query: which action just succeeded.
#[derive(Deserialize)]
pub(crate) struct ConsultationPageQuery {
    #[serde(default)]
    done: String,
}

/// `GET /admin/consultations/{slug}`
pub(crate) async fn show_consultation(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path(slug): Path<String>,
    Query(query): Query<ConsultationPageQuery>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let Some((stored, member)) = member_consultation(&state, &session, &slug).await? else {
        return not_found(t);
    };
    let c = consultation_texts(t);
    let notice = match query.done.as_str() {
        "saved" => Some(t.saved_notice),
        "opened" => Some(c.opened_notice),
        "closed" => Some(c.closed_notice),
        "answered" => Some(c.answered_notice),
        "responded" => Some(c.response_saved_notice),
        "outcome" => Some(c.outcome_notice),
        _ => None,
    };
    render(
        StatusCode::OK,
        (&stored, &member, &session),
        t,
        settings,
        &headers,
        notice,
        None,
        Vec::new(),
        Vec::new(),
    )
}

/// A posted form of the consultation page: its fields in order.
pub(crate) struct Posted(pub(crate) Vec<(String, String)>);

impl Posted {
    pub(crate) fn field(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// Which member may take a step.
#[derive(Clone, Copy)]
enum Needs {
    Author,
    Moderator,
}

/// The signed-in member acting on consultation `slug` with a valid form, when their role
/// allows `needs`; otherwise the response refusing them (sign-in, `403` or `404`).
async fn acting_member(
    state: &AppState,
    t: &Texts,
    slug: &str,
    headers: &HeaderMap,
    csrf_token: &str,
    needs: Needs,
) -> Result<Result<(StaffSession, StoredConsultation, Membership), Stop>, SiteError> {
    let session = match require_form_session(state, headers, csrf_token, t).await? {
        Ok(session) => session,
        Err(stop) => return Ok(Err(stop)),
    };
    let Some((stored, member)) = member_consultation(state, &session, slug).await? else {
        return Ok(Err(not_found(t)?));
    };
    let allowed = match needs {
        Needs::Author => member.role.may_author(),
        Needs::Moderator => member.role.may_moderate(),
    };
    if !allowed {
        return Ok(Err(role_refused(t)?));
    }
    Ok(Ok((session, stored, member)))
}

/// Writes the audit row of a step and answers `303` to the page with `done`.
async fn done(
    state: &AppState,
    session: &StaffSession,
    member: &Membership,
    action: &str,
    target: String,
    slug: &str,
    done: &str,
) -> SiteResult {
    state
        .database
        .audit(&AuditEntry::new(
            Some(&member.organisation),
            Actor::User(session.user_id),
            action,
            target,
            state.now(),
        ))
        .await?;
    tracing::info!(
        consultation = slug,
        user = session.user_id,
        action,
        "consultation changed on the admin site"
    );
    Ok(Redirect::to(&format!("/admin/consultations/{slug}?done={done}")).into_response())
}

/// What a refused step is answered with: the page again, `409`, and why.
#[allow(clippy::too_many_arguments)]
async fn refused_step(
    state: &AppState,
    t: &'static Texts,
    settings: SiteSettings,
    headers: &HeaderMap,
    session: &StaffSession,
    member: &Membership,
    slug: &str,
    error: ConsultationChangeError,
) -> SiteResult {
    match error {
        ConsultationChangeError::Database(cause) => Err(cause.into()),
        ConsultationChangeError::NotFound(_) => not_found(t),
        ConsultationChangeError::Rule(_) | ConsultationChangeError::Conflict(_) => {
            // Read again: the page shows the consultation as it now is.
            let Some((stored, _)) = member_consultation(state, session, slug).await? else {
                return not_found(t);
            };
            render(
                StatusCode::CONFLICT,
                (&stored, member, session),
                t,
                settings,
                headers,
                None,
                Some(t.cannot_change_phase),
                Vec::new(),
                Vec::new(),
            )
        }
    }
}

/// A form with only the CSRF token.
#[derive(Deserialize)]
pub(crate) struct TokenForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /admin/consultations/{slug}/open`
pub(crate) async fn open_consultation(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> SiteResult {
    change_phase(&state, t, settings, &slug, &headers, &form.csrf_token, true).await
}

/// `POST /admin/consultations/{slug}/close`
pub(crate) async fn close_consultation(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> SiteResult {
    change_phase(
        &state,
        t,
        settings,
        &slug,
        &headers,
        &form.csrf_token,
        false,
    )
    .await
}

async fn change_phase(
    state: &AppState,
    t: &'static Texts,
    settings: SiteSettings,
    slug: &str,
    headers: &HeaderMap,
    csrf_token: &str,
    open: bool,
) -> SiteResult {
    let (session, stored, member) =
        go_on!(acting_member(state, t, slug, headers, csrf_token, Needs::Author).await?);
    let now = state.now();
    let changed = state
        .database
        .change_consultation_document(stored.consultation.slug(), now, |consultation| {
            if open {
                consultation.open(now)
            } else {
                consultation.close(now)
            }
        })
        .await;
    match changed {
        Ok(()) if open => {
            done(
                state,
                &session,
                &member,
                "consultation.open",
                slug.to_owned(),
                slug,
                "opened",
            )
            .await
        }
        Ok(()) => {
            done(
                state,
                &session,
                &member,
                "consultation.close",
                slug.to_owned(),
                slug,
                "closed",
            )
            .await
        }
        Err(error) => {
            refused_step(state, t, settings, headers, &session, &member, slug, error).await
        }
    }
}

/// `POST /admin/consultations/{slug}/comments/{id}/answer`: the public body answers a
/// published comment; the answer is published at once and marked official.
pub(crate) async fn answer_comment(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path((slug, id)): Path<(String, u64)>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> SiteResult {
    let posted = Posted(pairs);
    let (session, stored, member) = go_on!(
        acting_member(
            &state,
            t,
            &slug,
            &headers,
            posted.field("csrf_token"),
            Needs::Moderator
        )
        .await?
    );
    let field = format!("answer-{id}");
    let text = posted.field(&field).trim();
    if text.is_empty() {
        let c = consultation_texts(t);
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            (&stored, &member, &session),
            t,
            settings,
            &headers,
            None,
            None,
            vec![FieldError {
                field,
                message: c.answer_missing.to_owned(),
            }],
            Vec::new(),
        );
    }
    // The public body's words are not redacted: officials write them, signed in, and answers
    // may need to name an office or a phone line for the public.
    let answered = state
        .database
        .add_official_response(
            stored.consultation.slug(),
            baraza_core::consultation::CommentId(id),
            text,
            state.now(),
        )
        .await;
    match answered {
        Ok(answer) => {
            done(
                &state,
                &session,
                &member,
                "comment.answer",
                format!("{slug}#{id} → #{answer}"),
                &slug,
                "answered",
            )
            .await
        }
        Err(error) => {
            refused_step(
                &state, t, settings, &headers, &session, &member, &slug, error,
            )
            .await
        }
    }
}

/// The text typed in the site's languages under `prefix_{tag}`, as a [`LocalizedText`]; `None`
/// when the consultation's default language has no text.
fn localized_from(posted: &Posted, prefix: &str, default: &LanguageTag) -> Option<LocalizedText> {
    let typed = |tag: &str| posted.field(&format!("{prefix}_{tag}")).trim().to_owned();
    let mut text = LocalizedText::new(default.as_str(), typed(default.as_str()))
        .ok()
        .filter(|_| !typed(default.as_str()).is_empty())?;
    for language in Language::ALL {
        let value = typed(language.tag());
        if language.tag() != default.as_str() && !value.is_empty() {
            text = text.with(language.tag(), value).ok()?;
        }
    }
    Some(text)
}

/// The fields of `prefix` as typed, to show them again beside a problem.
fn typed_fields(posted: &Posted, prefix: &str) -> Vec<(String, String)> {
    Language::ALL
        .into_iter()
        .map(|language| {
            let name = format!("{prefix}_{}", language.tag());
            let value = posted.field(&name).to_owned();
            (name, value)
        })
        .collect()
}

/// `POST /admin/consultations/{slug}/sections/{section}/response`
pub(crate) async fn respond_to_section(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path((slug, section)): Path<(String, String)>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> SiteResult {
    let posted = Posted(pairs);
    let (session, stored, member) = go_on!(
        acting_member(
            &state,
            t,
            &slug,
            &headers,
            posted.field("csrf_token"),
            Needs::Author
        )
        .await?
    );
    let prefix = format!("response-{section}");
    let default = stored.consultation.default_language().clone();
    let Some(text) = localized_from(&posted, &prefix, &default) else {
        let c = consultation_texts(t);
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            (&stored, &member, &session),
            t,
            settings,
            &headers,
            None,
            None,
            vec![FieldError {
                field: format!("{prefix}_{}", default.as_str()),
                message: c.text_missing_default.to_owned(),
            }],
            typed_fields(&posted, &prefix),
        );
    };
    let responded = state
        .database
        .respond_to_section(stored.consultation.slug(), &section, text, state.now())
        .await;
    match responded {
        Ok(()) => {
            done(
                &state,
                &session,
                &member,
                "consultation.respond",
                format!("{slug}/{section}"),
                &slug,
                "responded",
            )
            .await
        }
        Err(error) => {
            refused_step(
                &state, t, settings, &headers, &session, &member, &slug, error,
            )
            .await
        }
    }
}

/// `POST /admin/consultations/{slug}/outcome`
pub(crate) async fn publish_outcome(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> SiteResult {
    let posted = Posted(pairs);
    let (session, stored, member) = go_on!(
        acting_member(
            &state,
            t,
            &slug,
            &headers,
            posted.field("csrf_token"),
            Needs::Author
        )
        .await?
    );
    let default = stored.consultation.default_language().clone();
    let Some(summary) = localized_from(&posted, "outcome", &default) else {
        let c = consultation_texts(t);
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            (&stored, &member, &session),
            t,
            settings,
            &headers,
            None,
            None,
            vec![FieldError {
                field: format!("outcome_{}", default.as_str()),
                message: c.text_missing_default.to_owned(),
            }],
            typed_fields(&posted, "outcome"),
        );
    };
    let now = state.now();
    let published = state
        .database
        .change_consultation_document(stored.consultation.slug(), now, |consultation| {
            consultation.publish_outcome(summary, now)
        })
        .await;
    match published {
        Ok(()) => {
            done(
                &state,
                &session,
                &member,
                "consultation.publish_outcome",
                slug.clone(),
                &slug,
                "outcome",
            )
            .await
        }
        Err(error) => {
            refused_step(
                &state, t, settings, &headers, &session, &member, &slug, error,
            )
            .await
        }
    }
}

/// The preview page: the live consultation widget alone, as citizens get it.
#[derive(Template)]
#[template(path = "admin/preview.html")]
struct PreviewPage<'a> {
    t: &'a Texts,
    slug: &'a str,
    element: &'a str,
    attribute: &'a str,
}

/// `GET /admin/consultations/{slug}/preview`
pub(crate) async fn preview_consultation(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let Some((stored, _)) = member_consultation(&state, &session, &slug).await? else {
        return not_found(t);
    };
    page(
        StatusCode::OK,
        &PreviewPage {
            t,
            slug: stored.consultation.slug().as_str(),
            element: "baraza-consultation",
            attribute: "consultation",
        },
    )
}

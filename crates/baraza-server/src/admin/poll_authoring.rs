//! The admin site's poll authoring: the poll form to create a poll and to edit it while it
//! is a draft (editors and admins).
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET`/`POST /admin/organisations/{org}/polls/new` | editor, admin | the form; a draft |
//! | `GET`/`POST /admin/polls/{slug}/edit` | editor, admin; drafts only | the form; saved |
//!
//! An organisation the member does not belong to answers `404`; a role that may not author
//! answers `403` and changes nothing. A form with problems comes back (`422`) with each
//! problem beside its field and a summary on top; "add another option" comes back (`200`)
//! with one more row, so nothing needs JavaScript.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use baraza_core::{PollStatus, Slug};

use super::language::SiteTexts;
use super::poll_form::{FieldError, PollForm, option_id_field, option_label_field, question_field};
use super::poll_pages::{PollView, member_poll};
use super::site::{
    SiteError, SiteResult, SiteSettings, go_on, membership, not_found, page, require_form_session,
    require_session, role_refused,
};
use super::texts::{Language, Texts};
use crate::AppState;
use crate::storage::{Actor, AuditEntry, CreatePollError, Membership, StaffSession};

/// One text input of the poll form.
struct InputField {
    id: String,
    label: String,
    hint: Option<&'static str>,
    value: String,
    error: Option<String>,
    /// `text`, `number` or `datetime-local`.
    input_type: &'static str,
    /// The language the value is written in, when it is a citizen-facing text.
    lang: Option<&'static str>,
    /// A width class of the stylesheet.
    width: &'static str,
}

/// One option row of the poll form.
struct OptionFieldset {
    number: usize,
    id: InputField,
    labels: Vec<InputField>,
}

/// The poll form, new or editing.
#[derive(Template)]
#[template(path = "admin/poll_form.html")]
struct PollFormPage<'a> {
    t: &'a Texts,
    email: &'a str,
    csrf_token: &'a str,
    title: &'a str,
    action: String,
    cancel_href: String,
    submit_label: &'a str,
    organisation_name: &'a str,
    errors: Vec<FieldError>,
    /// `None` when editing: the slug cannot change.
    slug: Option<InputField>,
    fixed_slug: String,
    default_language: String,
    default_language_error: Option<String>,
    languages: Vec<(String, String)>,
    question: Vec<InputField>,
    kind: String,
    min_selections: InputField,
    max_selections: InputField,
    scale_min: InputField,
    scale_max: InputField,
    require_all: bool,
    options: Vec<OptionFieldset>,
    option_rows: usize,
    may_add_option: bool,
    opens_at: InputField,
    closes_at: InputField,
}

impl PollFormPage<'_> {
    fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

struct FormContext<'a> {
    t: &'a Texts,
    session: &'a StaffSession,
    organisation_name: &'a str,
    /// `Some(slug)` when editing that poll.
    editing: Option<&'a Slug>,
    action: String,
    cancel_href: String,
}

fn render_form(
    status: StatusCode,
    context: &FormContext<'_>,
    form: &PollForm,
    errors: Vec<FieldError>,
) -> SiteResult {
    let t = context.t;
    let error_for = |id: &str| {
        errors
            .iter()
            .find(|error| error.field == id)
            .map(|error| error.message.clone())
    };
    let input = |id: String,
                 label: String,
                 value: &str,
                 input_type: &'static str,
                 lang: Option<&'static str>,
                 width: &'static str| InputField {
        error: error_for(&id),
        id,
        label,
        hint: None,
        value: value.to_owned(),
        input_type,
        lang,
        width,
    };
    let question = Language::ALL
        .into_iter()
        .map(|language| {
            input(
                question_field(language),
                t.language_name(language).to_owned(),
                &form.question[language.index()],
                "text",
                Some(language.tag()),
                "width-full",
            )
        })
        .collect();
    let options = form
        .options
        .iter()
        .enumerate()
        .map(|(row, option)| OptionFieldset {
            number: row + 1,
            id: input(
                option_id_field(row),
                t.option_id_label.to_owned(),
                &option.id,
                "text",
                None,
                "width-20",
            ),
            labels: Language::ALL
                .into_iter()
                .map(|language| {
                    input(
                        option_label_field(row, language),
                        t.language_name(language).to_owned(),
                        &option.labels[language.index()],
                        "text",
                        Some(language.tag()),
                        "width-full",
                    )
                })
                .collect(),
        })
        .collect();
    let slug = context.editing.is_none().then(|| InputField {
        hint: Some(t.slug_hint),
        ..input(
            "slug".to_owned(),
            t.slug_label.to_owned(),
            &form.slug,
            "text",
            None,
            "width-20",
        )
    });
    let mut min_selections = input(
        "min_selections".to_owned(),
        t.min_selections_label.to_owned(),
        &form.min_selections,
        "number",
        None,
        "width-4",
    );
    min_selections.hint = Some(t.selections_hint);
    let mut scale_min = input(
        "scale_min".to_owned(),
        t.scale_min_label.to_owned(),
        &form.scale_min,
        "number",
        None,
        "width-4",
    );
    scale_min.hint = Some(t.scale_hint);
    let opens_at = input(
        "opens_at".to_owned(),
        t.opens_at_label.to_owned(),
        &form.opens_at,
        "datetime-local",
        None,
        "width-10",
    );
    page(
        status,
        &PollFormPage {
            t,
            email: context.session.email.as_str(),
            csrf_token: &context.session.csrf_token,
            title: if context.editing.is_some() {
                t.edit_poll_title
            } else {
                t.new_poll_title
            },
            action: context.action.clone(),
            cancel_href: context.cancel_href.clone(),
            submit_label: if context.editing.is_some() {
                t.save_changes_button
            } else {
                t.save_draft_button
            },
            organisation_name: context.organisation_name,
            default_language_error: error_for("default_language"),
            errors: errors.clone(),
            slug,
            fixed_slug: context
                .editing
                .map(|slug| slug.as_str().to_owned())
                .unwrap_or_default(),
            default_language: form.default_language.clone(),
            languages: {
                let mut languages: Vec<(String, String)> = Language::ALL
                    .into_iter()
                    .map(|language| {
                        (
                            language.tag().to_owned(),
                            t.language_name(language).to_owned(),
                        )
                    })
                    .collect();
                // A poll made through the admin API may have another default language: it
                // stays selectable, so saving the form does not change it unasked.
                let typed = form.default_language.trim();
                if !typed.is_empty() && Language::from_tag_exact(typed).is_none() {
                    languages.push((typed.to_owned(), typed.to_owned()));
                }
                languages
            },
            question,
            kind: form.kind.clone(),
            min_selections,
            max_selections: input(
                "max_selections".to_owned(),
                t.max_selections_label.to_owned(),
                &form.max_selections,
                "number",
                None,
                "width-4",
            ),
            scale_min,
            scale_max: input(
                "scale_max".to_owned(),
                t.scale_max_label.to_owned(),
                &form.scale_max,
                "number",
                None,
                "width-4",
            ),
            require_all: form.require_all,
            option_rows: form.options.len(),
            may_add_option: form.options.len() < baraza_core::MAX_OPTIONS,
            options,
            opens_at,
            closes_at: input(
                "closes_at".to_owned(),
                t.closes_at_label.to_owned(),
                &form.closes_at,
                "datetime-local",
                None,
                "width-10",
            ),
        },
    )
}

/// The member's membership of `organisation` when their role may author, or the response
/// refusing them: `404` for a stranger to the organisation, `403` for a role that may not.
async fn author_of(
    state: &AppState,
    session: &StaffSession,
    organisation: &Slug,
    t: &Texts,
) -> Result<Result<Membership, Response>, SiteError> {
    match membership(state, session, organisation).await? {
        None => Ok(Err(not_found(t)?)),
        Some(member) if !member.role.may_author() => Ok(Err(role_refused(t)?)),
        Some(member) => Ok(Ok(member)),
    }
}

/// `GET /admin/organisations/{organisation}/polls/new`
pub(crate) async fn new_poll_form(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let Ok(organisation) = Slug::parse(organisation) else {
        return not_found(t);
    };
    let member = go_on!(author_of(&state, &session, &organisation, t).await?);
    let language = Language::from_tag(t.lang).unwrap_or(Language::En);
    render_form(
        StatusCode::OK,
        &new_context(t, &session, &member),
        &PollForm::blank(language),
        Vec::new(),
    )
}

fn new_context<'a>(
    t: &'a Texts,
    session: &'a StaffSession,
    member: &'a Membership,
) -> FormContext<'a> {
    FormContext {
        t,
        session,
        organisation_name: &member.organisation_name,
        editing: None,
        action: format!("/admin/organisations/{}/polls/new", member.organisation),
        cancel_href: "/admin/".to_owned(),
    }
}

/// The posted fields of a form, in order, with the CSRF token and the button pressed.
struct Posted {
    pairs: Vec<(String, String)>,
}

impl Posted {
    fn field(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// `POST /admin/organisations/{organisation}/polls/new`
pub(crate) async fn create_poll(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> SiteResult {
    let posted = Posted { pairs };
    let session =
        go_on!(require_form_session(&state, &headers, posted.field("csrf_token"), t).await?);
    let Ok(organisation) = Slug::parse(organisation) else {
        return not_found(t);
    };
    let member = go_on!(author_of(&state, &session, &organisation, t).await?);
    let context = new_context(t, &session, &member);
    let mut form = PollForm::from_pairs(&posted.pairs);
    if posted.field("action") == "add_option" {
        form.add_option_row();
        return render_form(StatusCode::OK, &context, &form, Vec::new());
    }
    let poll = match form.to_draft(t, None) {
        Ok(poll) => poll,
        Err(errors) => {
            return render_form(StatusCode::UNPROCESSABLE_ENTITY, &context, &form, errors);
        }
    };
    let now = state.now();
    let audit = AuditEntry::new(
        Some(&organisation),
        Actor::User(session.user_id),
        "poll.create",
        poll.slug().as_str(),
        now,
    );
    match state
        .database
        .create_organisation_poll(&poll, &organisation, &audit, now)
        .await
    {
        Ok(()) => {}
        Err(CreatePollError::SlugTaken) => {
            let errors = vec![FieldError {
                field: "slug".to_owned(),
                message: t.slug_taken.to_owned(),
            }];
            return render_form(StatusCode::UNPROCESSABLE_ENTITY, &context, &form, errors);
        }
        Err(CreatePollError::Database(cause)) => return Err(cause.into()),
    }
    tracing::info!(poll = %poll.slug(), %organisation, user = session.user_id, "poll created on the admin site");
    Ok(Redirect::to(&format!("/admin/polls/{}?done=saved", poll.slug())).into_response())
}

fn edit_context<'a>(
    t: &'a Texts,
    session: &'a StaffSession,
    member: &'a Membership,
    slug: &'a Slug,
) -> FormContext<'a> {
    FormContext {
        t,
        session,
        organisation_name: &member.organisation_name,
        editing: Some(slug),
        action: format!("/admin/polls/{slug}/edit"),
        cancel_href: format!("/admin/polls/{slug}"),
    }
}

/// `GET /admin/polls/{slug}/edit`
pub(crate) async fn edit_poll_form(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let Some((poll, member)) = member_poll(&state, &session, &slug).await? else {
        return not_found(t);
    };
    if !member.role.may_author() {
        return role_refused(t);
    }
    if poll.status() != PollStatus::Draft {
        let view = PollView::new(&state, &poll, &member, t, settings, &headers).await?;
        return view.render(StatusCode::CONFLICT, &session, None, Some(t.not_a_draft));
    }
    render_form(
        StatusCode::OK,
        &edit_context(t, &session, &member, poll.slug()),
        &PollForm::from_poll(&poll),
        Vec::new(),
    )
}

/// `POST /admin/polls/{slug}/edit`
pub(crate) async fn update_poll(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> SiteResult {
    let posted = Posted { pairs };
    let session =
        go_on!(require_form_session(&state, &headers, posted.field("csrf_token"), t).await?);
    let Some((poll, member)) = member_poll(&state, &session, &slug).await? else {
        return not_found(t);
    };
    if !member.role.may_author() {
        return role_refused(t);
    }
    if poll.status() != PollStatus::Draft {
        let view = PollView::new(&state, &poll, &member, t, settings, &headers).await?;
        return view.render(StatusCode::CONFLICT, &session, None, Some(t.not_a_draft));
    }
    let context = edit_context(t, &session, &member, poll.slug());
    let mut form = PollForm::from_pairs(&posted.pairs);
    // The slug names the poll and cannot change: whatever was posted, it stays.
    form.slug = poll.slug().as_str().to_owned();
    if posted.field("action") == "add_option" {
        form.add_option_row();
        return render_form(StatusCode::OK, &context, &form, Vec::new());
    }
    let edited = match form.to_draft(t, Some(&poll)) {
        Ok(edited) => edited,
        Err(errors) => {
            return render_form(StatusCode::UNPROCESSABLE_ENTITY, &context, &form, errors);
        }
    };
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "poll.edit",
        poll.slug().as_str(),
        state.now(),
    );
    if !state
        .database
        .update_organisation_poll(&edited, &member.organisation, &audit)
        .await?
    {
        return not_found(t);
    }
    Ok(Redirect::to(&format!("/admin/polls/{}?done=saved", poll.slug())).into_response())
}

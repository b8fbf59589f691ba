//! The admin site's consultation authoring: the form to create a consultation and to edit it
//! while it is a draft (editors and admins).
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET`/`POST /admin/organisations/{org}/consultations/new` | editor, admin | the form; a draft |
//! | `GET`/`POST /admin/consultations/{slug}/edit` | editor, admin; drafts only | the form; saved |
//!
//! An organisation the member does not belong to answers `404`; a role that may not author
//! answers `403`; a consultation no longer in draft answers `409`; none changes anything. A
//! form with problems comes back (`422`) with each problem beside its field and a summary on
//! top; "add another section" comes back (`200`) with one more row, so nothing needs
//! JavaScript. Every save writes an audit row.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use baraza_core::Slug;
use baraza_core::consultation::{ConsultationPhase, ConsultationSettings, MAX_SECTIONS};

use super::consultation_form::{ConsultationForm, section_field, title_field};
use super::consultation_pages::{Posted, consultation_texts, member_consultation};
use super::consultation_texts::ConsultationTexts;
use super::language::SiteTexts;
use super::poll_form::FieldError;
use super::site::{
    SiteError, SiteResult, go_on, membership, not_found, page, require_form_session,
    require_session, role_refused,
};
use super::texts::{Language, Texts};
use crate::AppState;
use crate::storage::{
    Actor, AuditEntry, ConsultationChangeError, CreatePollError, Membership, StaffSession,
};

/// One field of the form: a text input or a text area.
struct Field {
    id: String,
    label: String,
    value: String,
    error: Option<String>,
    /// The language the value is written in.
    lang: &'static str,
}

/// One section row of the form.
struct SectionFieldset {
    number: usize,
    id: Field,
    titles: Vec<Field>,
    texts: Vec<Field>,
}

#[derive(Template)]
#[template(path = "admin/consultation_form.html")]
struct ConsultationFormPage<'a> {
    t: &'a Texts,
    c: &'a ConsultationTexts,
    email: &'a str,
    csrf_token: &'a str,
    heading: &'a str,
    action: String,
    cancel_href: String,
    submit_label: &'a str,
    organisation_name: &'a str,
    errors: Vec<FieldError>,
    /// `None` when editing: the slug cannot change.
    slug: Option<Field>,
    fixed_slug: String,
    default_language: String,
    default_language_error: Option<String>,
    languages: Vec<(&'static str, &'static str)>,
    title: Vec<Field>,
    premoderation: bool,
    sections: Vec<SectionFieldset>,
    section_rows: usize,
    may_add_section: bool,
}

struct FormContext<'a> {
    t: &'a Texts,
    session: &'a StaffSession,
    organisation_name: &'a str,
    /// `Some(slug)` when editing that consultation.
    editing: Option<&'a Slug>,
    action: String,
    cancel_href: String,
}

fn render_form(
    status: StatusCode,
    context: &FormContext<'_>,
    form: &ConsultationForm,
    errors: Vec<FieldError>,
) -> SiteResult {
    let t = context.t;
    let c = consultation_texts(t);
    let error_for = |id: &str| {
        errors
            .iter()
            .find(|error| error.field == id)
            .map(|error| error.message.clone())
    };
    let field = |id: String, label: String, value: &str, lang: &'static str| Field {
        error: error_for(&id),
        id,
        label,
        value: value.to_owned(),
        lang,
    };
    let per_language = |texts: &[String; 3], id: &dyn Fn(Language) -> String, label: &str| {
        Language::ALL
            .into_iter()
            .map(|language| {
                field(
                    id(language),
                    format!("{label} ({})", t.language_name(language)),
                    &texts[language.index()],
                    language.tag(),
                )
            })
            .collect::<Vec<_>>()
    };
    let sections = form
        .sections
        .iter()
        .enumerate()
        .map(|(row, section)| SectionFieldset {
            number: row + 1,
            id: field(
                section_field(row, "id"),
                c.section_id_label.to_owned(),
                &section.id,
                "",
            ),
            titles: per_language(
                &section.titles,
                &|language| section_field(row, &format!("title_{}", language.tag())),
                c.section_title_label,
            ),
            texts: per_language(
                &section.texts,
                &|language| section_field(row, &format!("text_{}", language.tag())),
                c.section_text_label,
            ),
        })
        .collect();
    let editing = context.editing.is_some();
    page(
        status,
        &ConsultationFormPage {
            t,
            c,
            email: context.session.email.as_str(),
            csrf_token: &context.session.csrf_token,
            heading: if editing {
                c.edit_consultation_title
            } else {
                c.new_consultation_title
            },
            action: context.action.clone(),
            cancel_href: context.cancel_href.clone(),
            submit_label: if editing {
                t.save_changes_button
            } else {
                t.save_draft_button
            },
            organisation_name: context.organisation_name,
            default_language_error: error_for("default_language"),
            slug: (!editing)
                .then(|| field("slug".to_owned(), t.slug_label.to_owned(), &form.slug, "")),
            fixed_slug: context
                .editing
                .map(|slug| slug.as_str().to_owned())
                .unwrap_or_default(),
            default_language: form.default_language.clone(),
            languages: Language::ALL
                .into_iter()
                .map(|language| (language.tag(), t.language_name(language)))
                .collect(),
            title: per_language(&form.title, &title_field, c.title_legend),
            premoderation: form.premoderation,
            section_rows: form.sections.len(),
            may_add_section: form.sections.len() < MAX_SECTIONS,
            sections,
            errors,
        },
    )
}

/// The member's membership of `organisation` when their role may author, or the response
/// refusing them: `404` for a stranger to the organisation, `403` for a role that may not.
async fn author_of(
    state: &AppState,
    session: &StaffSession,
    organisation: &str,
    t: &Texts,
) -> Result<Result<Membership, Response>, SiteError> {
    let Ok(organisation) = Slug::parse(organisation) else {
        return Ok(Err(not_found(t)?));
    };
    match membership(state, session, &organisation).await? {
        None => Ok(Err(not_found(t)?)),
        Some(member) if !member.role.may_author() => Ok(Err(role_refused(t)?)),
        Some(member) => Ok(Ok(member)),
    }
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
        action: format!(
            "/admin/organisations/{}/consultations/new",
            member.organisation
        ),
        cancel_href: "/admin/".to_owned(),
    }
}

/// `GET /admin/organisations/{organisation}/consultations/new`
pub(crate) async fn new_consultation_form(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let member = go_on!(author_of(&state, &session, &organisation, t).await?);
    let language = Language::from_tag(t.lang).unwrap_or(Language::En);
    render_form(
        StatusCode::OK,
        &new_context(t, &session, &member),
        &ConsultationForm::blank(language),
        Vec::new(),
    )
}

/// `POST /admin/organisations/{organisation}/consultations/new`
pub(crate) async fn create_consultation(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> SiteResult {
    let posted = Posted(pairs);
    let session =
        go_on!(require_form_session(&state, &headers, posted.field("csrf_token"), t).await?);
    let member = go_on!(author_of(&state, &session, &organisation, t).await?);
    let context = new_context(t, &session, &member);
    let mut form = ConsultationForm::from_pairs(&posted.0);
    if posted.field("action") == "add_section" {
        form.add_section_row();
        return render_form(StatusCode::OK, &context, &form, Vec::new());
    }
    let c = consultation_texts(t);
    let draft = match form.to_draft(t, c, ConsultationSettings::default()) {
        Ok(draft) => draft,
        Err(errors) => {
            return render_form(StatusCode::UNPROCESSABLE_ENTITY, &context, &form, errors);
        }
    };
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "consultation.create",
        draft.slug().as_str(),
        state.now(),
    );
    match state
        .database
        .create_organisation_consultation(&draft, &member.organisation, &audit)
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
    tracing::info!(consultation = %draft.slug(), organisation = %member.organisation, user = session.user_id, "consultation created on the admin site");
    Ok(Redirect::to(&format!("/admin/consultations/{}?done=saved", draft.slug())).into_response())
}

/// `GET /admin/consultations/{slug}/edit`
pub(crate) async fn edit_consultation_form(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let Some((stored, member)) = member_consultation(&state, &session, &slug).await? else {
        return not_found(t);
    };
    if !member.role.may_author() {
        return role_refused(t);
    }
    let consultation = &stored.consultation;
    if consultation.phase() != ConsultationPhase::Draft {
        return not_a_draft(t, consultation.slug());
    }
    render_form(
        StatusCode::OK,
        &edit_context(t, &session, &member, consultation.slug()),
        &ConsultationForm::from_consultation(consultation),
        Vec::new(),
    )
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
        action: format!("/admin/consultations/{slug}/edit"),
        cancel_href: format!("/admin/consultations/{slug}"),
    }
}

/// `409`: only a draft can be edited.
fn not_a_draft(t: &Texts, slug: &Slug) -> SiteResult {
    super::site::message(
        StatusCode::CONFLICT,
        t,
        t.error_summary_title,
        t.not_a_draft,
        &format!("/admin/consultations/{slug}"),
        t.back_to_dashboard,
    )
}

/// `POST /admin/consultations/{slug}/edit`
pub(crate) async fn update_consultation(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> SiteResult {
    let posted = Posted(pairs);
    let session =
        go_on!(require_form_session(&state, &headers, posted.field("csrf_token"), t).await?);
    let Some((stored, member)) = member_consultation(&state, &session, &slug).await? else {
        return not_found(t);
    };
    if !member.role.may_author() {
        return role_refused(t);
    }
    let current = &stored.consultation;
    if current.phase() != ConsultationPhase::Draft {
        return not_a_draft(t, current.slug());
    }
    let context = edit_context(t, &session, &member, current.slug());
    let mut form = ConsultationForm::from_pairs(&posted.0);
    // The slug names the consultation and cannot change: whatever was posted, it stays.
    form.slug = current.slug().as_str().to_owned();
    if posted.field("action") == "add_section" {
        form.add_section_row();
        return render_form(StatusCode::OK, &context, &form, Vec::new());
    }
    let c = consultation_texts(t);
    let edited = match form.to_draft(t, c, current.settings()) {
        Ok(edited) => edited,
        Err(errors) => {
            return render_form(StatusCode::UNPROCESSABLE_ENTITY, &context, &form, errors);
        }
    };
    let now = state.now();
    // A draft has no comments, so the edited document replaces it whole; `set_title` makes
    // the core refuse the change if the consultation left draft meanwhile.
    let saved = state
        .database
        .change_consultation_document(current.slug(), now, |consultation| {
            consultation.set_title(edited.title().clone())?;
            *consultation = edited;
            Ok(())
        })
        .await;
    match saved {
        Ok(()) => {}
        Err(ConsultationChangeError::Database(cause)) => return Err(cause.into()),
        Err(ConsultationChangeError::NotFound(_)) => return not_found(t),
        Err(_) => return not_a_draft(t, current.slug()),
    }
    state
        .database
        .audit(&AuditEntry::new(
            Some(&member.organisation),
            Actor::User(session.user_id),
            "consultation.edit",
            current.slug().as_str(),
            now,
        ))
        .await?;
    Ok(Redirect::to(&format!(
        "/admin/consultations/{}?done=saved",
        current.slug()
    ))
    .into_response())
}

//! The moderation queue of an organisation: every pending comment and every reported (or
//! hidden) one across its consultations, with bulk steps — publish, reject with a reason,
//! hide, restore — taken through the core's moderation rules.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/organisations/{org}/moderation` | moderator, admin | the queue |
//! | `POST /admin/consultations/{slug}/moderate` | moderator, admin | `303` to the queue |
//!
//! A step is applied comment by comment, each guarded by the state the comment had when it
//! was read ([`Database::moderate_comment`](crate::storage::Database::moderate_comment)): a
//! comment another moderator (or citizens' reports) changed meanwhile, or one the step does not
//! apply to, is left as it is and counted as such in the notice, never overwritten. Each change
//! writes an audit row. Nothing selected, or a rejection without a reason, comes back `422`
//! with the problem beside the list and nothing changed.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use baraza_core::Slug;
use baraza_core::consultation::{CommentId, ModerationAction};
use serde::Deserialize;

use super::consultation_pages::{CommentView, Posted, consultation_texts, member_consultation};
use super::consultation_texts::ConsultationTexts;
use super::language::SiteTexts;
use super::poll_form::FieldError;
use super::site::{
    SiteResult, go_on, membership, not_found, page, require_form_session, require_session,
    role_refused,
};
use super::texts::Texts;
use crate::AppState;
use crate::storage::{
    Actor, AuditEntry, ConsultationChangeError, ConsultationQueue, Membership, StaffSession,
};

/// Which list of a consultation's queue a form acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Pending,
    Reported,
}

impl List {
    fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Reported => "reported",
        }
    }
}

/// One list of one consultation, as the page shows it.
struct ListView {
    /// `pending` or `reported`, for ids and the posted `list`.
    name: &'static str,
    comments: Vec<CommentView>,
    /// The problem of this list's form, when it came back with one.
    error: Option<String>,
    /// The ids ticked when the form came back, so nothing is lost.
    ticked: Vec<u64>,
}

impl ListView {
    fn is_ticked(&self, id: &u64) -> bool {
        self.ticked.contains(id)
    }

    /// The `id` of the first checkbox, where the error summary points.
    fn first_checkbox(&self, slug: &str) -> String {
        self.comments.first().map_or_else(String::new, |comment| {
            format!("{}-{slug}-{}", self.name, comment.id)
        })
    }
}

struct QueueView {
    slug: String,
    title: String,
    pending: ListView,
    reported: ListView,
}

#[derive(Template)]
#[template(path = "admin/moderation.html")]
struct ModerationPage<'a> {
    t: &'a Texts,
    c: &'a ConsultationTexts,
    email: &'a str,
    csrf_token: &'a str,
    organisation_name: &'a str,
    queues: Vec<QueueView>,
    notice: Option<String>,
    errors: Vec<FieldError>,
}

/// A form of the queue that came back with a problem.
struct Returned {
    slug: String,
    list: List,
    message: String,
    /// The reason's select or the first checkbox.
    field_is_reason: bool,
    ticked: Vec<u64>,
}

#[allow(clippy::too_many_arguments)]
fn render(
    status: StatusCode,
    t: &Texts,
    session: &StaffSession,
    member: &Membership,
    queues: Vec<ConsultationQueue>,
    notice: Option<String>,
    returned: Option<Returned>,
) -> SiteResult {
    let c = consultation_texts(t);
    let mut errors = Vec::new();
    let queues = queues
        .into_iter()
        .map(|queue| {
            let stored = &queue.stored;
            let slug = stored.consultation.slug().as_str().to_owned();
            let list_view = |list: List, comments: &[baraza_core::consultation::Comment]| {
                let mut view = ListView {
                    name: list.name(),
                    comments: comments
                        .iter()
                        .map(|comment| CommentView::new(stored, comment, t, c))
                        .collect(),
                    error: None,
                    ticked: Vec::new(),
                };
                if let Some(returned) = returned
                    .as_ref()
                    .filter(|r| r.slug == slug && r.list == list)
                {
                    view.error = Some(returned.message.clone());
                    view.ticked = returned.ticked.clone();
                }
                view
            };
            let view = QueueView {
                title: stored
                    .consultation
                    .title()
                    .resolve(&[t.lang], stored.consultation.default_language())
                    .to_owned(),
                pending: list_view(List::Pending, &queue.pending),
                reported: list_view(List::Reported, &queue.reported),
                slug,
            };
            for list in [&view.pending, &view.reported] {
                if let (Some(message), Some(returned)) = (&list.error, &returned) {
                    errors.push(FieldError {
                        field: if returned.field_is_reason {
                            format!("reason-{}-{}", list.name, view.slug)
                        } else {
                            list.first_checkbox(&view.slug)
                        },
                        message: message.clone(),
                    });
                }
            }
            view
        })
        .collect();
    page(
        status,
        &ModerationPage {
            t,
            c,
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            organisation_name: &member.organisation_name,
            queues,
            notice,
            errors,
        },
    )
}

/// The queue page's query: what the last step did.
#[derive(Deserialize)]
pub(crate) struct QueueQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    count: usize,
    #[serde(default)]
    skipped: usize,
}

fn notice(c: &ConsultationTexts, query: &QueueQuery) -> Option<String> {
    let done = match query.done.as_str() {
        "publish" => c.done_publish,
        "reject" => c.done_reject,
        "hide" => c.done_hide,
        "restore" => c.done_restore,
        _ => return None,
    };
    let mut text = format!("{done} {}.", query.count);
    if query.skipped > 0 {
        text.push_str(&format!(" {} {}.", c.skipped, query.skipped));
    }
    Some(text)
}

/// The member's membership of `organisation` when their role may moderate.
async fn moderator_of(
    state: &AppState,
    session: &StaffSession,
    organisation: &str,
    t: &Texts,
) -> Result<Result<Membership, axum::response::Response>, super::site::SiteError> {
    let Ok(organisation) = Slug::parse(organisation) else {
        return Ok(Err(not_found(t)?));
    };
    match membership(state, session, &organisation).await? {
        None => Ok(Err(not_found(t)?)),
        Some(member) if !member.role.may_moderate() => Ok(Err(role_refused(t)?)),
        Some(member) => Ok(Ok(member)),
    }
}

/// `GET /admin/organisations/{organisation}/moderation`
pub(crate) async fn moderation_queue(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    Query(query): Query<QueueQuery>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let member = go_on!(moderator_of(&state, &session, &organisation, t).await?);
    let queues = state
        .database
        .moderation_queue(&member.organisation)
        .await?;
    let c = consultation_texts(t);
    render(
        StatusCode::OK,
        t,
        &session,
        &member,
        queues,
        notice(c, &query),
        None,
    )
}

/// The step a posted form asks for, or the problem with it.
fn posted_action(
    posted: &Posted,
    c: &ConsultationTexts,
) -> Result<ModerationAction, (String, bool)> {
    match posted.field("action") {
        "publish" => Ok(ModerationAction::Publish),
        "hide" => Ok(ModerationAction::Hide),
        "restore" => Ok(ModerationAction::Restore),
        "reject" => c
            .reasons()
            .into_iter()
            .find(|(_, value, _)| *value == posted.field("reason"))
            .map(|(reason, _, _)| ModerationAction::Reject { reason })
            .ok_or_else(|| (c.reason_missing.to_owned(), true)),
        _ => Err((c.nothing_selected.to_owned(), false)),
    }
}

fn action_name(action: ModerationAction) -> &'static str {
    match action {
        ModerationAction::Publish => "publish",
        ModerationAction::Reject { .. } => "reject",
        ModerationAction::Hide => "hide",
        ModerationAction::Restore => "restore",
    }
}

/// `POST /admin/consultations/{slug}/moderate`: one step for every ticked comment.
pub(crate) async fn moderate(
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
    if !member.role.may_moderate() {
        return role_refused(t);
    }
    let c = consultation_texts(t);
    let list = if posted.field("list") == "reported" {
        List::Reported
    } else {
        List::Pending
    };
    let mut ticked: Vec<u64> = posted
        .0
        .iter()
        .filter(|(name, _)| name == "comment")
        .filter_map(|(_, value)| value.trim().parse().ok())
        .collect();
    ticked.sort_unstable();
    ticked.dedup();
    let action = match (posted_action(&posted, c), ticked.is_empty()) {
        (Ok(action), false) => action,
        (result, _) => {
            let (message, field_is_reason) = match result {
                Err(problem) if !ticked.is_empty() => problem,
                _ => (c.nothing_selected.to_owned(), false),
            };
            let queues = state
                .database
                .moderation_queue(&member.organisation)
                .await?;
            let returned = Returned {
                slug: stored.consultation.slug().as_str().to_owned(),
                list,
                message,
                field_is_reason,
                ticked,
            };
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                t,
                &session,
                &member,
                queues,
                None,
                Some(returned),
            );
        }
    };
    let name = action_name(action);
    let (mut changed, mut skipped) = (0usize, 0usize);
    for id in ticked {
        let now = state.now();
        match state
            .database
            .moderate_comment(stored.consultation.slug(), CommentId(id), action, now)
            .await
        {
            Ok(_) => {
                changed += 1;
                state
                    .database
                    .audit(&AuditEntry::new(
                        Some(&member.organisation),
                        Actor::User(session.user_id),
                        &format!("comment.{name}"),
                        format!("{slug}#{id}"),
                        now,
                    ))
                    .await?;
            }
            Err(
                ConsultationChangeError::Conflict(_)
                | ConsultationChangeError::Rule(_)
                | ConsultationChangeError::NotFound(_),
            ) => skipped += 1,
            Err(ConsultationChangeError::Database(cause)) => return Err(cause.into()),
        }
    }
    tracing::info!(consultation = %slug, user = session.user_id, action = name, changed, skipped, "comments moderated on the admin site");
    Ok(Redirect::to(&format!(
        "/admin/organisations/{}/moderation?done={name}&count={changed}&skipped={skipped}",
        member.organisation
    ))
    .into_response())
}

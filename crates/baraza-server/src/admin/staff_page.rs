//! The admin site's staff of an organisation (admins only): who is a member with which role,
//! adding a member, changing a role, removing a member.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/organisations/{org}/staff` | admin | the members and the form |
//! | `POST /admin/organisations/{org}/staff` | admin | `303` to the list; `422` with problems |
//! | `POST /admin/organisations/{org}/staff/{user}/role` | admin | `303` to the list; `409` refused |
//! | `POST /admin/organisations/{org}/staff/{user}/remove` | admin | `303` to the list; `409` refused |
//!
//! A member is an existing account, or a new one with a first password the admin gives them in
//! person (at least 12 characters, stored as an argon2id hash, never logged); an existing
//! account keeps its own password. Admins cannot change or remove themselves, and the last
//! admin cannot be demoted or removed (checked in the storage transaction). Every change
//! writes an audit row (`member.add`, `member.set_role`, `member.remove`) naming the account
//! by its number, not its address.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::language::SiteTexts;
use super::poll_form::FieldError;
use super::secrets::{self, WeakPassword};
use super::settings_page::{admin_of, settings_texts};
use super::settings_texts::SettingsTexts;
use super::site::{SiteResult, go_on, not_found, page, require_form_session, require_session};
use super::texts::Texts;
use crate::AppState;
use crate::storage::{
    Actor, AuditEntry, MemberChangeError, Membership, Role, StaffEmail, StaffSession,
};

struct RoleOption {
    value: &'static str,
    name: &'static str,
    selected: bool,
}

fn role_options(t: &Texts, selected: Role) -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .map(|role| RoleOption {
            value: role.as_str(),
            name: t.role(role),
            selected: role == selected,
        })
        .collect()
}

struct MemberRow {
    user_id: i64,
    email: String,
    role_name: &'static str,
    is_you: bool,
    options: Vec<RoleOption>,
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffPage<'a> {
    t: &'a Texts,
    s: &'a SettingsTexts,
    email: &'a str,
    csrf_token: &'a str,
    organisation: &'a str,
    organisation_name: &'a str,
    members: Vec<MemberRow>,
    errors: Vec<FieldError>,
    notice: Option<&'a str>,
    typed_email: &'a str,
    new_role_options: Vec<RoleOption>,
}

impl StaffPage<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }
}

/// What the page shows besides the members: problems or a notice, and the add form as typed.
struct Shown<'a> {
    errors: Vec<FieldError>,
    notice: Option<&'a str>,
    email: &'a str,
    role: Role,
}

impl Shown<'_> {
    /// The page as first shown, with `notice`.
    fn fresh(notice: Option<&str>) -> Shown<'_> {
        Shown {
            errors: Vec::new(),
            notice,
            email: "",
            role: Role::Editor,
        }
    }
}

async fn render(
    state: &AppState,
    status: StatusCode,
    t: &Texts,
    session: &StaffSession,
    member: &Membership,
    shown: Shown<'_>,
) -> SiteResult {
    let members = state
        .database
        .organisation_members(&member.organisation)
        .await?
        .into_iter()
        .map(|row| MemberRow {
            is_you: row.user_id == session.user_id,
            role_name: t.role(row.role),
            options: role_options(t, row.role),
            user_id: row.user_id,
            email: row.email,
        })
        .collect();
    page(
        status,
        &StaffPage {
            t,
            s: settings_texts(t),
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            organisation: member.organisation.as_str(),
            organisation_name: &member.organisation_name,
            members,
            errors: shown.errors,
            notice: shown.notice,
            typed_email: shown.email,
            new_role_options: role_options(t, shown.role),
        },
    )
}

fn problem(field: &str, message: &str) -> Vec<FieldError> {
    vec![FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }]
}

fn back(member: &Membership, done: &str) -> SiteResult {
    Ok(Redirect::to(&format!(
        "/admin/organisations/{}/staff?done={done}",
        member.organisation
    ))
    .into_response())
}

/// The staff page's query: which change just succeeded.
#[derive(Deserialize)]
pub(crate) struct StaffQuery {
    #[serde(default)]
    done: String,
}

/// `GET /admin/organisations/{organisation}/staff`
pub(crate) async fn list_staff(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    Query(query): Query<StaffQuery>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let member = go_on!(admin_of(&state, &session, &organisation, t).await?);
    let s = settings_texts(t);
    let notice = match query.done.as_str() {
        "added" => Some(s.added_notice),
        "role" => Some(s.role_changed_notice),
        "removed" => Some(s.removed_notice),
        _ => None,
    };
    render(
        &state,
        StatusCode::OK,
        t,
        &session,
        &member,
        Shown::fresh(notice),
    )
    .await
}

/// The add form.
#[derive(Deserialize)]
pub(crate) struct AddForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

/// `POST /admin/organisations/{organisation}/staff`
pub(crate) async fn add_member(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path(organisation): Path<String>,
    headers: HeaderMap,
    Form(form): Form<AddForm>,
) -> SiteResult {
    let session = go_on!(require_form_session(&state, &headers, &form.csrf_token, t).await?);
    let member = go_on!(admin_of(&state, &session, &organisation, t).await?);
    let s = settings_texts(t);
    let role = Role::parse(&form.role).unwrap_or(Role::Editor);
    let refuse = |errors| {
        let shown = Shown {
            errors,
            notice: None,
            email: &form.email,
            role,
        };
        render(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            t,
            &session,
            &member,
            shown,
        )
    };
    let Ok(email) = StaffEmail::parse(&form.email) else {
        return refuse(problem("email", s.email_invalid)).await;
    };
    let password_hash = if form.password.is_empty() {
        None
    } else {
        match secrets::check_new_password(&form.password) {
            Err(WeakPassword::TooShort(_)) => {
                return refuse(problem("password", s.password_too_short)).await;
            }
            Err(WeakPassword::TooLong) => {
                return refuse(problem("password", s.password_too_long)).await;
            }
            Ok(()) => {}
        }
        let password = form.password.clone();
        Some(tokio::task::spawn_blocking(move || secrets::hash_password(&password)).await??)
    };
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "member.add",
        "",
        state.now(),
    );
    match state
        .database
        .add_member(&member.organisation, &email, role, password_hash, &audit)
        .await
    {
        Ok(user) => {
            tracing::info!(user, by = session.user_id, %role, "member added on the admin site");
            back(&member, "added")
        }
        Err(MemberChangeError::AlreadyMember) => refuse(problem("email", s.already_member)).await,
        Err(MemberChangeError::ExistingAccountPassword) => {
            refuse(problem("password", s.existing_password)).await
        }
        Err(MemberChangeError::PasswordNeeded) => {
            refuse(problem("password", s.password_needed)).await
        }
        Err(MemberChangeError::Database(error)) => Err(error.into()),
        Err(MemberChangeError::NotAMember | MemberChangeError::LastAdmin) => not_found(t),
    }
}

/// The role form.
#[derive(Deserialize)]
pub(crate) struct RoleForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    role: String,
}

/// `POST /admin/organisations/{organisation}/staff/{user}/role`
pub(crate) async fn change_role(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path((organisation, user)): Path<(String, i64)>,
    headers: HeaderMap,
    Form(form): Form<RoleForm>,
) -> SiteResult {
    let session = go_on!(require_form_session(&state, &headers, &form.csrf_token, t).await?);
    let member = go_on!(admin_of(&state, &session, &organisation, t).await?);
    let Ok(role) = Role::parse(&form.role) else {
        return not_found(t);
    };
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "member.set_role",
        "",
        state.now(),
    );
    let outcome = if user == session.user_id {
        Err(MemberChangeError::LastAdmin)
    } else {
        state
            .database
            .change_member_role(&member.organisation, user, role, &audit)
            .await
    };
    settle(&state, t, &session, &member, user, outcome, "role").await
}

/// `POST /admin/organisations/{organisation}/staff/{user}/remove`
pub(crate) async fn remove_member(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Path((organisation, user)): Path<(String, i64)>,
    headers: HeaderMap,
    Form(form): Form<RoleForm>,
) -> SiteResult {
    let session = go_on!(require_form_session(&state, &headers, &form.csrf_token, t).await?);
    let member = go_on!(admin_of(&state, &session, &organisation, t).await?);
    let audit = AuditEntry::new(
        Some(&member.organisation),
        Actor::User(session.user_id),
        "member.remove",
        "",
        state.now(),
    );
    let outcome = if user == session.user_id {
        Err(MemberChangeError::LastAdmin)
    } else {
        state
            .database
            .remove_member(&member.organisation, user, &audit)
            .await
    };
    settle(&state, t, &session, &member, user, outcome, "removed").await
}

/// The answer to a role change or removal: back to the list, or the page with why not.
async fn settle(
    state: &AppState,
    t: &Texts,
    session: &StaffSession,
    member: &Membership,
    user: i64,
    outcome: Result<(), MemberChangeError>,
    done: &str,
) -> SiteResult {
    let s = settings_texts(t);
    let why = match outcome {
        Ok(()) => {
            tracing::info!(
                user,
                by = session.user_id,
                done,
                "staff changed on the admin site"
            );
            return back(member, done);
        }
        // Refused before the database is asked: an admin's own membership.
        Err(MemberChangeError::LastAdmin) if user == session.user_id => s.not_yourself,
        Err(MemberChangeError::LastAdmin) => s.last_admin,
        Err(MemberChangeError::NotAMember) => return not_found(t),
        Err(MemberChangeError::Database(error)) => return Err(error.into()),
        Err(
            MemberChangeError::AlreadyMember
            | MemberChangeError::ExistingAccountPassword
            | MemberChangeError::PasswordNeeded,
        ) => return not_found(t),
    };
    let shown = Shown {
        errors: problem("members", why),
        ..Shown::fresh(None)
    };
    render(state, StatusCode::CONFLICT, t, session, member, shown).await
}

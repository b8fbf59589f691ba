//! Staff accounts and API tokens made from the command line (`baraza admin …`): the operator
//! of the server bootstraps the first admin of an organisation this way.

use baraza_core::Slug;
use time::OffsetDateTime;

use super::secrets;
use crate::storage::{Actor, AuditEntry, Database, Role, StaffEmail};

/// What `baraza admin create-user` was asked to do, checked.
#[derive(Debug)]
pub struct NewStaffMember {
    /// The account's e-mail address.
    pub email: StaffEmail,
    /// Their role in `organisation`.
    pub role: Role,
    /// The organisation, created if it does not exist.
    pub organisation: Slug,
}

/// What `create_user` did, for the command's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreatedStaffMember {
    /// The account's id.
    pub user_id: i64,
    /// Whether the account is new (otherwise its password was replaced).
    pub new_account: bool,
    /// Whether the organisation is new.
    pub new_organisation: bool,
}

/// Creates (or updates) a staff account with `password`, creating the organisation if needed
/// and setting the member's role there. The password must pass
/// [`check_new_password`](secrets::check_new_password); it is stored only as an argon2id hash.
pub async fn create_user(
    database: &Database,
    member: &NewStaffMember,
    password: &str,
    now: OffsetDateTime,
) -> anyhow::Result<CreatedStaffMember> {
    secrets::check_new_password(password)?;
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password)).await??;
    // The organisation's name starts as its slug and its language as English; an admin changes
    // them on the site.
    let new_organisation = database
        .ensure_organisation(
            &member.organisation,
            member.organisation.as_str(),
            "en",
            now,
        )
        .await?;
    let (user_id, new_account) = database
        .upsert_staff_user(&member.email, &hash, now)
        .await?;
    database
        .set_membership(user_id, &member.organisation, member.role)
        .await?;
    let org = Some(&member.organisation);
    if new_organisation {
        database
            .audit(&AuditEntry::new(
                org,
                Actor::CommandLine,
                "organisation.create",
                member.organisation.as_str(),
                now,
            ))
            .await?;
    }
    database
        .audit(&AuditEntry::new(
            org,
            Actor::CommandLine,
            "member.set_role",
            format!("user:{user_id} as {}", member.role),
            now,
        ))
        .await?;
    Ok(CreatedStaffMember {
        user_id,
        new_account,
        new_organisation,
    })
}

/// Why `create_token` refused.
#[derive(Debug, thiserror::Error)]
pub enum CreateTokenError {
    /// No account has this e-mail address.
    #[error(
        "there is no staff account with this e-mail address; create it with `baraza admin create-user`"
    )]
    NoSuchUser,
    /// The account belongs to no organisation.
    #[error(
        "this account belongs to no organisation; give it a role with `baraza admin create-user`"
    )]
    NoOrganisation,
    /// The account belongs to several organisations and none was named.
    #[error("this account belongs to several organisations ({0}); choose one with --organisation")]
    OrganisationNeeded(String),
    /// The account does not belong to the organisation named.
    #[error("this account is not a member of organisation {0}")]
    NotAMember(Slug),
    /// Anything else.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Creates an admin API token for the account `email`, scoped to `organisation` (which may be
/// left out when the account belongs to exactly one). Returns the token: the only time it
/// exists in the clear.
pub async fn create_token(
    database: &Database,
    email: &StaffEmail,
    organisation: Option<&Slug>,
    now: OffsetDateTime,
) -> Result<(Slug, String), CreateTokenError> {
    let user = database
        .staff_user(email)
        .await?
        .ok_or(CreateTokenError::NoSuchUser)?;
    let memberships = database.memberships(user.id).await?;
    let organisation = match (organisation, memberships.as_slice()) {
        (Some(wanted), _) => memberships
            .iter()
            .find(|m| &m.organisation == wanted)
            .map(|m| m.organisation.clone())
            .ok_or_else(|| CreateTokenError::NotAMember(wanted.clone()))?,
        (None, []) => return Err(CreateTokenError::NoOrganisation),
        (None, [only]) => only.organisation.clone(),
        (None, several) => {
            let names: Vec<&str> = several.iter().map(|m| m.organisation.as_str()).collect();
            return Err(CreateTokenError::OrganisationNeeded(names.join(", ")));
        }
    };
    let token = secrets::new_api_token();
    database
        .create_api_token(
            &organisation,
            user.id,
            &secrets::digest(&token),
            Actor::CommandLine,
            now,
        )
        .await?;
    Ok((organisation, token))
}

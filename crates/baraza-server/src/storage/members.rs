//! An organisation's staff as its admins manage them on the admin site: who is a member with
//! which role, adding a member (a new account with its first password, or an existing one),
//! changing a role and removing a member; and a member changing their own password.
//!
//! Every change is one transaction with its audit row, and none may leave the organisation
//! without an admin: the count is taken inside the transaction, so two admins demoting each
//! other at once cannot both succeed on PostgreSQL (the row locks of `FOR UPDATE` serialise
//! them) nor on SQLite (one writer at a time). A removed member's admin API tokens for the
//! organisation stop working at once (tokens act through the membership).

use anyhow::Context as _;
use baraza_core::Slug;

use super::Database;
use super::engine::{EngineKind, with_pool};
use super::staff::{AuditEntry, INSERT_AUDIT, Role, StaffEmail, stored_instant};

/// Writes `audit` with `target` inside `transaction` (the audit entry's own target is the
/// organisation's; the member is named here).
macro_rules! write_audit {
    ($transaction:ident, $audit:expr, $target:expr) => {
        sqlx::query(INSERT_AUDIT)
            .bind($audit.organisation.as_ref().map(Slug::as_str))
            .bind($audit.actor.as_str())
            .bind($audit.action.as_str())
            .bind($target)
            .bind(stored_instant($audit.at))
            .execute(&mut *$transaction)
            .await
            .context("cannot write the audit log")?
    };
}

/// One member of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationMember {
    /// The account's id.
    pub user_id: i64,
    /// The account's e-mail address.
    pub email: String,
    /// Their role here.
    pub role: Role,
}

/// Why a change to an organisation's staff was refused; nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum MemberChangeError {
    /// The account is already a member (add) or is not one (change, remove).
    #[error("the account is already a member of this organisation")]
    AlreadyMember,
    /// The account is not a member of this organisation.
    #[error("the account is not a member of this organisation")]
    NotAMember,
    /// An existing account was given a password: it would replace theirs.
    #[error("this account exists already: it keeps its own password")]
    ExistingAccountPassword,
    /// A new account needs its first password.
    #[error("a new account needs its first password")]
    PasswordNeeded,
    /// The change would leave the organisation without an admin.
    #[error("the organisation would be left without an admin")]
    LastAdmin,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

/// On SQLite, takes the database's write lock first inside `$transaction` (a write that
/// changes nothing), so the reads that follow cannot be overtaken by another connection's
/// commit: the later write would fail with `SQLITE_BUSY_SNAPSHOT`, which the busy timeout does
/// not wait out. PostgreSQL locks the rows it reads instead (`FOR UPDATE`).
macro_rules! sqlite_write_first {
    ($database:expr, $transaction:ident) => {
        if $database.engine() != EngineKind::Postgres {
            sqlx::query("UPDATE memberships SET role = role WHERE user_id = -1")
                .execute(&mut *$transaction)
                .await
                .context("cannot take the write lock")?;
        }
    };
}

impl Database {
    /// The members of `organisation`, by e-mail address.
    pub async fn organisation_members(
        &self,
        organisation: &Slug,
    ) -> anyhow::Result<Vec<OrganisationMember>> {
        let rows: Vec<(i64, String, String)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT u.id, u.email, m.role FROM memberships m \
                 JOIN users u ON u.id = m.user_id \
                 WHERE m.organisation_slug = $1 ORDER BY u.email",
            )
            .bind(organisation.as_str())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(user_id, email, role)| {
                Ok(OrganisationMember {
                    user_id,
                    email,
                    role: Role::parse(&role)?,
                })
            })
            .collect()
    }

    /// Makes `email` a member of `organisation` with `role`: an existing account as it is (no
    /// password may be given), or a new account with `password_hash` (the argon2id hash of its
    /// first password, made by the caller off the async threads). Returns the account id.
    pub async fn add_member(
        &self,
        organisation: &Slug,
        email: &StaffEmail,
        role: Role,
        password_hash: Option<String>,
        audit: &AuditEntry,
    ) -> Result<i64, MemberChangeError> {
        let now = stored_instant(audit.at);
        let user_id = with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await.context("cannot start a transaction")?;
            sqlite_write_first!(self, transaction);
            let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(email.as_str())
                .fetch_optional(&mut *transaction)
                .await
                .context("cannot read the account")?;
            let user_id = match (existing, password_hash) {
                (Some(_), Some(_)) => return Err(MemberChangeError::ExistingAccountPassword),
                (None, None) => return Err(MemberChangeError::PasswordNeeded),
                (Some(id), None) => id,
                (None, Some(hash)) => sqlx::query_scalar(
                    "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) \
                     RETURNING id",
                )
                .bind(email.as_str())
                .bind(hash)
                .bind(now)
                .fetch_one(&mut *transaction)
                .await
                .context("cannot create the account")?,
            };
            let added = sqlx::query(
                "INSERT INTO memberships (user_id, organisation_slug, role) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, organisation_slug) DO NOTHING",
            )
            .bind(user_id)
            .bind(organisation.as_str())
            .bind(role.as_str())
            .execute(&mut *transaction)
            .await
            .context("cannot add the membership")?
            .rows_affected();
            if added == 0 {
                return Err(MemberChangeError::AlreadyMember);
            }
            write_audit!(transaction, audit, format!("user:{user_id} as {role}"));
            transaction.commit().await.context("cannot commit")?;
            user_id
        });
        Ok(user_id)
    }

    /// Gives member `user` of `organisation` the `role`, unless that leaves it without an admin.
    pub async fn change_member_role(
        &self,
        organisation: &Slug,
        user: i64,
        role: Role,
        audit: &AuditEntry,
    ) -> Result<(), MemberChangeError> {
        self.change_member(organisation, user, Some(role), audit)
            .await
    }

    /// Removes member `user` from `organisation`, unless that leaves it without an admin.
    pub async fn remove_member(
        &self,
        organisation: &Slug,
        user: i64,
        audit: &AuditEntry,
    ) -> Result<(), MemberChangeError> {
        self.change_member(organisation, user, None, audit).await
    }

    /// Sets `user`'s password hash and ends every other session of theirs (all but the one
    /// whose CSRF token is `current_session_csrf`), with the audit row, in one transaction.
    pub async fn change_password(
        &self,
        user: i64,
        password_hash: &str,
        current_session_csrf: &str,
        audit: &AuditEntry,
    ) -> anyhow::Result<()> {
        with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await.context("cannot start a transaction")?;
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(user)
                .execute(&mut *transaction)
                .await
                .context("cannot store the password")?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND csrf_token <> $2")
                .bind(user)
                .bind(current_session_csrf)
                .execute(&mut *transaction)
                .await
                .context("cannot end the other sessions")?;
            write_audit!(transaction, audit, audit.target.as_str());
            transaction.commit().await.context("cannot commit")?;
        });
        Ok(())
    }

    /// A new role for `user`, or (`None`) their removal, in one transaction with its audit row.
    async fn change_member(
        &self,
        organisation: &Slug,
        user: i64,
        role: Option<Role>,
        audit: &AuditEntry,
    ) -> Result<(), MemberChangeError> {
        // PostgreSQL: lock the organisation's memberships so the admin count stays true until
        // commit. SQLite: take the one write lock before reading (`sqlite_write_first!`).
        let lock = if self.engine() == EngineKind::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await.context("cannot start a transaction")?;
            sqlite_write_first!(self, transaction);
            let roles: Vec<(i64, String)> = sqlx::query_as(&format!(
                "SELECT user_id, role FROM memberships WHERE organisation_slug = $1{lock}"
            ))
            .bind(organisation.as_str())
            .fetch_all(&mut *transaction)
            .await
            .context("cannot read the memberships")?;
            let Some((_, current)) = roles.iter().find(|(id, _)| *id == user) else {
                return Err(MemberChangeError::NotAMember);
            };
            let admins = roles.iter().filter(|(_, r)| r == Role::Admin.as_str()).count();
            let stays_admin = role == Some(Role::Admin);
            if current == Role::Admin.as_str() && !stays_admin && admins <= 1 {
                return Err(MemberChangeError::LastAdmin);
            }
            match role {
                Some(role) => {
                    sqlx::query(
                        "UPDATE memberships SET role = $1 \
                         WHERE user_id = $2 AND organisation_slug = $3",
                    )
                    .bind(role.as_str())
                    .bind(user)
                    .bind(organisation.as_str())
                    .execute(&mut *transaction)
                    .await
                    .context("cannot change the role")?;
                    write_audit!(transaction, audit, format!("user:{user} as {role}"));
                }
                None => {
                    sqlx::query(
                        "DELETE FROM memberships WHERE user_id = $1 AND organisation_slug = $2",
                    )
                    .bind(user)
                    .bind(organisation.as_str())
                    .execute(&mut *transaction)
                    .await
                    .context("cannot remove the membership")?;
                    write_audit!(transaction, audit, format!("user:{user}"));
                }
            }
            transaction.commit().await.context("cannot commit")?;
        });
        Ok(())
    }
}

//! Organisations, staff accounts, their roles, admin API tokens, site sessions, sign-in
//! throttling and the audit log.
//!
//! These are staff writes: they go straight through the pool, not through the citizens' writer.
//! Secrets never reach this module in the clear: tokens arrive as SHA-256 digests and passwords
//! as argon2id PHC strings (see `admin::secrets`).
//!
//! Timestamps compared in SQL (session expiry, throttling windows) are stored by
//! [`stored_instant`]: UTC, whole seconds. SQLite keeps timestamps as RFC 3339 text, and
//! `…:00Z` sorts after `…:00.5Z`; one fixed shape makes text order and time order agree.

use std::fmt;

use baraza_core::Slug;
use futures_util::TryStreamExt as _;
use sqlx::Row as _;
use time::{OffsetDateTime, UtcOffset};

use super::Database;
use super::engine::with_pool;

/// What a member of an organisation may do there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Everything an editor may, plus staff, settings and tokens.
    Admin,
    /// Creates and runs instruments.
    Editor,
    /// Works the moderation queue and answers citizens.
    Moderator,
    /// Reads results and exports.
    Analyst,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Self::Admin, Self::Editor, Self::Moderator, Self::Analyst];

    /// The role's name as stored and typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Moderator => "moderator",
            Self::Analyst => "analyst",
        }
    }

    /// Parses a role name (`admin`, `editor`, `moderator`, `analyst`).
    pub fn parse(name: &str) -> Result<Self, UnknownRole> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == name)
            .ok_or_else(|| UnknownRole(name.to_owned()))
    }

    /// Whether this role may create, edit, open and close instruments.
    pub fn may_author(self) -> bool {
        matches!(self, Self::Admin | Self::Editor)
    }

    /// Whether this role may download every ballot (exports). Moderators work on comments and
    /// see results, but do not take the raw data away.
    pub fn may_export(self) -> bool {
        matches!(self, Self::Admin | Self::Editor | Self::Analyst)
    }

    /// Whether this role may work the moderation queue (publish, reject, hide, restore
    /// citizens' comments) and answer comments on the public body's behalf.
    pub fn may_moderate(self) -> bool {
        matches!(self, Self::Admin | Self::Moderator)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}; the roles are admin, editor, moderator and analyst")]
pub struct UnknownRole(String);

/// A staff e-mail address: trimmed, lower-cased, and of the shape `local@domain.tld`.
///
/// Lower-casing makes `Amina@Water.go.ke` and `amina@water.go.ke` one account. The check is
/// deliberately shallow (one `@`, no spaces, a dot in the domain): whether mail arrives is not
/// something a pattern can tell.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct StaffEmail(String);

impl StaffEmail {
    /// Longest address accepted (RFC 5321's limit on a forward path).
    pub const MAX_LEN: usize = 254;

    /// Checks and normalises `text`.
    pub fn parse(text: &str) -> Result<Self, InvalidEmail> {
        let email = text.trim().to_lowercase();
        if email.is_empty() {
            return Err(InvalidEmail::Empty);
        }
        if email.len() > Self::MAX_LEN {
            return Err(InvalidEmail::TooLong);
        }
        let valid = email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }) && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self(email))
        } else {
            Err(InvalidEmail::Shape)
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// An e-mail address is personal data: Debug output (which ends up in logs) leaves it out.
impl fmt::Debug for StaffEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaffEmail(…)")
    }
}

/// Why a text is not a [`StaffEmail`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEmail {
    /// Nothing was given.
    #[error("the e-mail address is empty")]
    Empty,
    /// Longer than [`StaffEmail::MAX_LEN`].
    #[error("the e-mail address is longer than 254 characters")]
    TooLong,
    /// Not of the shape `name@example.org`.
    #[error("the e-mail address must look like name@example.org")]
    Shape,
}

/// `t` as staff tables store it: UTC, whole seconds (see the module docs for why).
pub fn stored_instant(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
}

/// A staff account as stored.
#[derive(Clone)]
pub struct StaffUser {
    /// The account's id.
    pub id: i64,
    /// Its e-mail address.
    pub email: StaffEmail,
    /// The argon2id PHC string of its password.
    pub password_hash: String,
}

impl fmt::Debug for StaffUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaffUser")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// One organisation a staff member belongs to, and their role there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The organisation's slug.
    pub organisation: Slug,
    /// Its display name.
    pub organisation_name: String,
    /// The member's role in it.
    pub role: Role,
}

/// Who is calling the admin API with a valid, unrevoked token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCaller {
    /// The token's id (its secret is never stored).
    pub token_id: i64,
    /// The organisation the token is scoped to.
    pub organisation: Slug,
    /// The role its creator holds there now: a token never outranks the person who made it,
    /// and stops working when their membership ends.
    pub role: Role,
}

/// A signed-in session on the admin site.
#[derive(Clone)]
pub struct StaffSession {
    /// The signed-in account.
    pub user_id: i64,
    /// Its e-mail address.
    pub email: StaffEmail,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    /// When the session ends.
    pub expires_at: OffsetDateTime,
}

impl fmt::Debug for StaffSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaffSession")
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Who did something recorded in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in staff member.
    User(i64),
    /// A caller of the admin API with this token.
    Token(i64),
    /// An operator running `baraza admin …` on the server.
    CommandLine,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User(id) => write!(f, "user:{id}"),
            Self::Token(id) => write!(f, "token:{id}"),
            Self::CommandLine => f.write_str("cli"),
        }
    }
}

/// One line of the audit log: who did what to which thing, in which organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The organisation concerned, if any (signing in concerns a person, not an organisation).
    pub organisation: Option<Slug>,
    /// Who acted, as stored (`user:3`, `token:7`, `cli`).
    pub actor: String,
    /// What they did, e.g. `poll.create`.
    pub action: String,
    /// What they did it to, e.g. a poll's slug. Never a secret or an e-mail typed by a stranger.
    pub target: String,
    /// When.
    pub at: OffsetDateTime,
}

impl AuditEntry {
    /// An entry: `actor` did `action` to `target` at instant `at`.
    pub fn new(
        organisation: Option<&Slug>,
        actor: Actor,
        action: &str,
        target: impl Into<String>,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            organisation: organisation.cloned(),
            actor: actor.to_string(),
            action: action.to_owned(),
            target: target.into(),
            at,
        }
    }
}

impl Database {
    /// Creates organisation `slug` unless it exists; returns whether it was created.
    pub async fn ensure_organisation(
        &self,
        slug: &Slug,
        name: &str,
        default_language: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<bool> {
        let created: Option<String> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar(
                "INSERT INTO organisations (slug, name, default_language, allowed_origins, created_at) \
                 VALUES ($1, $2, $3, '[]', $4) ON CONFLICT (slug) DO NOTHING RETURNING slug",
            )
            .bind(slug.as_str())
            .bind(name)
            .bind(default_language)
            .bind(stored_instant(now))
            .fetch_optional(pool)
            .await?
        });
        Ok(created.is_some())
    }

    /// Creates the account `email`, or sets its password if it exists; returns its id and
    /// whether it was created.
    pub async fn upsert_staff_user(
        &self,
        email: &StaffEmail,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<(i64, bool)> {
        let existing = self.staff_user(email).await?;
        let id: i64 = with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar(
                "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash \
                 RETURNING id",
            )
            .bind(email.as_str())
            .bind(password_hash)
            .bind(stored_instant(now))
            .fetch_one(pool)
            .await?
        });
        Ok((id, existing.is_none()))
    }

    /// Gives `user` the `role` in `organisation`, replacing any role they had there.
    pub async fn set_membership(
        &self,
        user: i64,
        organisation: &Slug,
        role: Role,
    ) -> anyhow::Result<()> {
        with_pool!(&self.inner.engine, pool => {
            sqlx::query(
                "INSERT INTO memberships (user_id, organisation_slug, role) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, organisation_slug) DO UPDATE SET role = excluded.role",
            )
            .bind(user)
            .bind(organisation.as_str())
            .bind(role.as_str())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The account with this e-mail address, if any.
    pub async fn staff_user(&self, email: &StaffEmail) -> anyhow::Result<Option<StaffUser>> {
        let row: Option<(i64, String)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
                .bind(email.as_str())
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(id, password_hash)| StaffUser {
            id,
            email: email.clone(),
            password_hash,
        }))
    }

    /// The organisations `user` belongs to, by slug.
    pub async fn memberships(&self, user: i64) -> anyhow::Result<Vec<Membership>> {
        let rows: Vec<(String, String, String)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT m.organisation_slug, o.name, m.role FROM memberships m \
                 JOIN organisations o ON o.slug = m.organisation_slug \
                 WHERE m.user_id = $1 ORDER BY m.organisation_slug",
            )
            .bind(user)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(organisation, organisation_name, role)| {
                Ok(Membership {
                    organisation: Slug::parse(organisation)?,
                    organisation_name,
                    role: Role::parse(&role)?,
                })
            })
            .collect()
    }

    /// Stores a new admin API token (by its digest) for `organisation`, made by `user`, with
    /// its audit entry; returns the token's id.
    pub async fn create_api_token(
        &self,
        organisation: &Slug,
        user: i64,
        token_hash: &str,
        actor: Actor,
        now: OffsetDateTime,
    ) -> anyhow::Result<i64> {
        let now = stored_instant(now);
        Ok(with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO api_tokens (organisation_slug, created_by, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(organisation.as_str())
            .bind(user)
            .bind(token_hash)
            .bind(now)
            .fetch_one(&mut *transaction)
            .await?;
            sqlx::query(INSERT_AUDIT)
            .bind(organisation.as_str())
            .bind(actor.to_string())
            .bind("token.create")
            .bind(format!("token:{id}"))
            .bind(now)
            .execute(&mut *transaction)
            .await?;
            transaction.commit().await?;
            id
        }))
    }

    /// The caller behind a token digest: `None` for an unknown or revoked token, or one whose
    /// creator no longer belongs to its organisation.
    pub async fn token_caller(&self, token_hash: &str) -> anyhow::Result<Option<TokenCaller>> {
        let row: Option<(i64, String, String)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT t.id, t.organisation_slug, m.role FROM api_tokens t \
                 JOIN memberships m ON m.user_id = t.created_by \
                   AND m.organisation_slug = t.organisation_slug \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        row.map(|(token_id, organisation, role)| {
            Ok(TokenCaller {
                token_id,
                organisation: Slug::parse(organisation)?,
                role: Role::parse(&role)?,
            })
        })
        .transpose()
    }

    /// Stores a session (by the digest of its cookie token) and forgets expired ones.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: i64,
        csrf_token: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let now = stored_instant(now);
        with_pool!(&self.inner.engine, pool => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now)
                .execute(pool)
                .await?;
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(user)
            .bind(csrf_token)
            .bind(now)
            .bind(stored_instant(expires_at))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The unexpired session behind a cookie token digest.
    pub async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Option<StaffSession>> {
        let row: Option<(i64, String, String, OffsetDateTime)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT s.user_id, u.email, s.csrf_token, s.expires_at FROM sessions s \
                 JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2",
            )
            .bind(token_hash)
            .bind(stored_instant(now))
            .fetch_optional(pool)
            .await?
        });
        row.map(|(user_id, email, csrf_token, expires_at)| {
            Ok(StaffSession {
                user_id,
                email: StaffEmail::parse(&email)?,
                csrf_token,
                expires_at,
            })
        })
        .transpose()
    }

    /// Ends a session; returns whether there was one.
    pub async fn end_session(&self, token_hash: &str) -> anyhow::Result<bool> {
        let ended = with_pool!(&self.inner.engine, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(ended > 0)
    }

    /// Records a failed sign-in under both keys, forgetting failures older than `forget_before`.
    pub async fn record_sign_in_failure(
        &self,
        account_key: &str,
        address_key: &str,
        now: OffsetDateTime,
        forget_before: OffsetDateTime,
    ) -> anyhow::Result<()> {
        with_pool!(&self.inner.engine, pool => {
            sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
                .bind(stored_instant(forget_before))
                .execute(pool)
                .await?;
            sqlx::query(
                "INSERT INTO sign_in_failures (account_key, address_key, at) VALUES ($1, $2, $3)",
            )
            .bind(account_key)
            .bind(address_key)
            .bind(stored_instant(now))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The instants of the `limit` latest failed sign-ins since `since` under `key` in `column`
    /// (`account_key` or `address_key`), newest first.
    pub async fn recent_sign_in_failures(
        &self,
        column: FailureKey,
        key: &str,
        since: OffsetDateTime,
        limit: i64,
    ) -> anyhow::Result<Vec<OffsetDateTime>> {
        let sql = format!(
            "SELECT at FROM sign_in_failures WHERE {} = $1 AND at >= $2 ORDER BY at DESC LIMIT $3",
            column.column()
        );
        Ok(with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar(&sql)
                .bind(key)
                .bind(stored_instant(since))
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Appends `entry` to the audit log.
    pub async fn audit(&self, entry: &AuditEntry) -> anyhow::Result<()> {
        with_pool!(&self.inner.engine, pool => {
            sqlx::query(INSERT_AUDIT)
                .bind(entry.organisation.as_ref().map(Slug::as_str))
                .bind(entry.actor.as_str())
                .bind(entry.action.as_str())
                .bind(entry.target.as_str())
                .bind(stored_instant(entry.at))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Page `page` (from 0) of `organisation`'s audit log, `per_page` entries a page, newest
    /// first (by insertion order, which is time order).
    pub async fn audit_page(
        &self,
        organisation: &Slug,
        page: u32,
        per_page: u32,
    ) -> anyhow::Result<AuditPage> {
        let offset = i64::from(page) * i64::from(per_page);
        // One row more than the page tells whether an older page exists.
        let limit = i64::from(per_page) + 1;
        let mut entries: Vec<AuditEntry> = with_pool!(&self.inner.engine, pool => {
            let mut rows = sqlx::query(
                "SELECT actor, action, target, at FROM audit_log \
                 WHERE organisation_slug = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
            )
            .bind(organisation.as_str())
            .bind(limit)
            .bind(offset)
            .fetch(pool);
            let mut entries = Vec::new();
            while let Some(row) = rows.try_next().await? {
                entries.push(AuditEntry {
                    organisation: Some(organisation.clone()),
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    target: row.try_get("target")?,
                    at: row.try_get("at")?,
                });
            }
            entries
        });
        let has_older = entries.len() > per_page as usize;
        entries.truncate(per_page as usize);
        Ok(AuditPage { entries, has_older })
    }

    /// The e-mail address of staff account `user`, if it exists.
    pub async fn staff_email(&self, user: i64) -> anyhow::Result<Option<String>> {
        Ok(with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                .bind(user)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The latest `limit` audit entries of `organisation`, newest first.
    pub async fn audit_log(
        &self,
        organisation: &Slug,
        limit: i64,
    ) -> anyhow::Result<Vec<AuditEntry>> {
        with_pool!(&self.inner.engine, pool => {
            let mut rows = sqlx::query(
                "SELECT actor, action, target, at FROM audit_log \
                 WHERE organisation_slug = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(organisation.as_str())
            .bind(limit)
            .fetch(pool);
            let mut entries = Vec::new();
            while let Some(row) = rows.try_next().await? {
                entries.push(AuditEntry {
                    organisation: Some(organisation.clone()),
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    target: row.try_get("target")?,
                    at: row.try_get("at")?,
                });
            }
            Ok(entries)
        })
    }
}

/// One page of an organisation's audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// The entries of the page.
    pub entries: Vec<AuditEntry>,
    /// Whether older entries follow.
    pub has_older: bool,
}

/// Which key of a failed sign-in to count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKey {
    /// The account (the digest of the e-mail typed).
    Account,
    /// The client address (its digest).
    Address,
}

impl FailureKey {
    fn column(self) -> &'static str {
        match self {
            Self::Account => "account_key",
            Self::Address => "address_key",
        }
    }
}

/// Appends one audit entry; bind the organisation, actor, action, target and instant.
pub(crate) const INSERT_AUDIT: &str = "INSERT INTO audit_log \
    (organisation_slug, actor, action, target, at) VALUES ($1, $2, $3, $4, $5)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            StaffEmail::parse("  Amina@Water.GO.ke ").map(|e| e.0),
            Ok("amina@water.go.ke".to_owned())
        );
        for bad in [
            "",
            "amina",
            "amina@",
            "@water.go.ke",
            "a@b",
            "a b@c.org",
            "a@b@c.org",
            "a@.org",
        ] {
            assert!(StaffEmail::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            StaffEmail::parse(&format!("{}@x.org", "a".repeat(250))),
            Err(InvalidEmail::TooLong)
        );
    }

    #[test]
    fn roles_round_trip_and_unknown_names_are_refused() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("owner").is_err());
        assert!(Role::parse("Admin").is_err());
    }

    #[test]
    fn stored_instants_have_one_shape() {
        let t = OffsetDateTime::UNIX_EPOCH + time::Duration::milliseconds(1_500);
        assert_eq!(stored_instant(t).nanosecond(), 0);
        assert_eq!(stored_instant(t).offset(), UtcOffset::UTC);
    }
}

//! Admin API tokens as an organisation's admins see them on the site: listed (never their
//! secret) and revoked. Creating one is [`Database::create_api_token`].

use anyhow::Context as _;
use baraza_core::Slug;
use time::OffsetDateTime;

use super::Database;
use super::engine::with_pool;
use super::staff::{AuditEntry, INSERT_AUDIT, stored_instant};

/// One admin API token of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSummary {
    /// Its number (the secret itself is never stored).
    pub id: i64,
    /// The e-mail of the staff member who made it; the token acts with their role.
    pub created_by: String,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
}

impl Database {
    /// The admin API tokens of `organisation`, newest first.
    pub async fn organisation_tokens(
        &self,
        organisation: &Slug,
    ) -> anyhow::Result<Vec<TokenSummary>> {
        let rows: Vec<(i64, String, OffsetDateTime, Option<OffsetDateTime>)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT t.id, u.email, t.created_at, t.revoked_at FROM api_tokens t \
                 JOIN users u ON u.id = t.created_by \
                 WHERE t.organisation_slug = $1 ORDER BY t.id DESC",
            )
            .bind(organisation.as_str())
            .fetch_all(pool)
            .await
            .context("cannot list the tokens")?
        });
        Ok(rows
            .into_iter()
            .map(|(id, created_by, created_at, revoked_at)| TokenSummary {
                id,
                created_by,
                created_at,
                revoked_at,
            })
            .collect())
    }

    /// Revokes token `id` of `organisation`, with its audit entry; `false` when the
    /// organisation has no such unrevoked token (nothing changes then). A revoked token is
    /// refused from the next request on.
    pub async fn revoke_api_token(
        &self,
        organisation: &Slug,
        id: i64,
        audit: &AuditEntry,
    ) -> anyhow::Result<bool> {
        Ok(with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await?;
            let revoked = sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 \
                 WHERE id = $2 AND organisation_slug = $3 AND revoked_at IS NULL",
            )
            .bind(stored_instant(audit.at))
            .bind(id)
            .bind(organisation.as_str())
            .execute(&mut *transaction)
            .await?
            .rows_affected()
                == 1;
            if revoked {
                sqlx::query(INSERT_AUDIT)
                    .bind(audit.organisation.as_ref().map(Slug::as_str))
                    .bind(audit.actor.as_str())
                    .bind(audit.action.as_str())
                    .bind(audit.target.as_str())
                    .bind(stored_instant(audit.at))
                    .execute(&mut *transaction)
                    .await?;
            }
            transaction.commit().await?;
            revoked
        }))
    }
}

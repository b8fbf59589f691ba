//! Voucher codes of a poll, kept only as keyed hashes (see [`crate::vouchers`]).
//!
//! A code is spent by the writer in the transaction that stores its ballot
//! ([`spend_sql`], [`unspend_sql`]): `UPDATE … SET used = TRUE WHERE … AND NOT used` changes
//! one row for the first answer and none for any other, on both engines and across servers
//! (PostgreSQL makes the second transaction wait for the first's row lock, then re-reads the
//! row). Nothing beside `used` — no time, no ballot — so whoever handed a code to a person
//! cannot find that person's ballot from the table.

use anyhow::Context as _;
use baraza_core::Slug;

use super::Database;
use super::engine::with_pool;
use super::staff::{AuditEntry, INSERT_AUDIT, stored_instant};

/// Codes inserted by one statement: 2 values each, far below both engines' parameter limits.
const CODES_PER_INSERT: usize = 500;

/// How many codes a poll has, and how many are spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VoucherCounts {
    /// Codes generated.
    pub total: u64,
    /// Codes that have carried a counted answer.
    pub used: u64,
}

/// Spends a code: `$1` poll, `$2` code hash; one row changed when it was unspent.
pub(crate) fn spend_sql() -> &'static str {
    "UPDATE poll_vouchers SET used = TRUE WHERE poll_slug = $1 AND code_hash = $2 AND NOT used"
}

/// Gives back a code whose ballot was refused after it was spent in the same transaction (the
/// phone or device had already answered): `$1` poll, `$2` code hash.
pub(crate) fn unspend_sql() -> &'static str {
    "UPDATE poll_vouchers SET used = FALSE WHERE poll_slug = $1 AND code_hash = $2"
}

/// Whether a code exists (spent or not): `$1` poll, `$2` code hash.
pub(crate) fn exists_sql() -> &'static str {
    "SELECT 1 FROM poll_vouchers WHERE poll_slug = $1 AND code_hash = $2"
}

impl Database {
    /// Stores the hashes of new codes of `poll`, with the audit row, in one transaction, and
    /// returns the hashes stored: a hash the poll already has (a new code equal to an old
    /// one) is left out, and the caller hands out only the codes stored.
    pub async fn add_vouchers(
        &self,
        poll: &Slug,
        hashes: &[String],
        audit: &AuditEntry,
    ) -> anyhow::Result<Vec<String>> {
        let mut stored = Vec::with_capacity(hashes.len());
        with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await.context("cannot start a transaction")?;
            for chunk in hashes.chunks(CODES_PER_INSERT) {
                let values: Vec<String> = (0..chunk.len())
                    .map(|row| format!("(${}, ${})", row * 2 + 1, row * 2 + 2))
                    .collect();
                let sql = format!(
                    "INSERT INTO poll_vouchers (poll_slug, code_hash) VALUES {} \
                     ON CONFLICT (poll_slug, code_hash) DO NOTHING RETURNING code_hash",
                    values.join(", ")
                );
                let mut query = sqlx::query_scalar::<_, String>(&sql);
                for hash in chunk {
                    query = query.bind(poll.as_str()).bind(hash);
                }
                stored.extend(
                    query
                        .fetch_all(&mut *transaction)
                        .await
                        .context("cannot store voucher codes")?,
                );
            }
            sqlx::query(INSERT_AUDIT)
                .bind(audit.organisation.as_ref().map(Slug::as_str))
                .bind(audit.actor.as_str())
                .bind(audit.action.as_str())
                .bind(audit.target.as_str())
                .bind(stored_instant(audit.at))
                .execute(&mut *transaction)
                .await
                .context("cannot write the audit log")?;
            transaction.commit().await.context("cannot commit")?;
        });
        Ok(stored)
    }

    /// How many codes `poll` has and how many are spent.
    pub async fn voucher_counts(&self, poll: &Slug) -> anyhow::Result<VoucherCounts> {
        let (total, used): (i64, Option<i64>) = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT COUNT(*), SUM(CASE WHEN used THEN 1 ELSE 0 END) FROM poll_vouchers \
                 WHERE poll_slug = $1",
            )
            .bind(poll.as_str())
            .fetch_one(pool)
            .await?
        });
        Ok(VoucherCounts {
            total: u64::try_from(total)?,
            used: u64::try_from(used.unwrap_or(0))?,
        })
    }
}

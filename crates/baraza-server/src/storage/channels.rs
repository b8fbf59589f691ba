//! Which poll an SMS keyword or a USSD service code leads to.

use std::sync::Arc;

use anyhow::Context as _;
use baraza_core::{Poll, Slug};

use super::Database;
use super::engine::{EngineKind, with_pool};
use super::phone_routes::{CODE_HOLDER, KEYWORD_HOLDER, lock_phone_routes};
use super::staff::{AuditEntry, INSERT_AUDIT, stored_instant};
use super::writer;

/// How a submission reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// A widget or page on the web.
    Web,
    /// A text message through the SMS gateway.
    Sms,
    /// A USSD menu session.
    Ussd,
}

impl Channel {
    /// The name stored with each ballot.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Sms => "sms",
            Self::Ussd => "ussd",
        }
    }
}

/// A poll's phone channels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PollChannels {
    /// The SMS keyword, upper case (`TARIFF`).
    pub sms_keyword: Option<String>,
    /// The USSD service code (`*384*55#`).
    pub ussd_service_code: Option<String>,
    /// Whether an answer counts only with one of the poll's voucher codes.
    pub voucher_required: bool,
}

/// Why a poll's phone channels were not saved; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum SetChannelsError {
    /// Another poll or a feedback form already answers to this SMS keyword.
    #[error("another poll or form has this SMS keyword")]
    KeywordTaken,
    /// Another poll or a feedback form already answers to this USSD service code.
    #[error("another poll or form has this USSD service code")]
    ServiceCodeTaken,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

/// Inserts or replaces a poll's channels: `$1` slug, `$2` keyword, `$3` code, `$4` voucher.
const UPSERT_CHANNELS: &str = "INSERT INTO poll_channels \
     (poll_slug, sms_keyword, ussd_service_code, voucher_required) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (poll_slug) DO UPDATE SET sms_keyword = excluded.sms_keyword, \
     ussd_service_code = excluded.ussd_service_code, voucher_required = excluded.voucher_required";

impl Database {
    /// Sets (replacing) the phone channels of `poll`. Keywords are stored upper case.
    pub async fn set_poll_channels(
        &self,
        poll: &Slug,
        channels: &PollChannels,
    ) -> anyhow::Result<()> {
        let keyword = channels
            .sms_keyword
            .as_ref()
            .map(|k| k.trim().to_uppercase());
        with_pool!(&self.inner.engine, pool => {
            sqlx::query(
                UPSERT_CHANNELS,
            )
            .bind(poll.as_str())
            .bind(keyword)
            .bind(channels.ussd_service_code.as_deref())
            .bind(channels.voucher_required)
            .execute(pool)
            .await?;
        });
        self.channels_changed(poll).await
    }

    /// Brings the poll's voucher rule into memory here, and tells the other servers sharing a
    /// PostgreSQL database to reload the poll too.
    async fn channels_changed(&self, poll: &Slug) -> anyhow::Result<()> {
        if self.engine() == EngineKind::Postgres {
            with_pool!(&self.inner.engine, pool => {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(writer::CHANGES_CHANNEL)
                    .bind(format!("poll:{poll}"))
                    .execute(pool)
                    .await
                    .context("cannot notify other servers")?;
            });
        }
        self.inner
            .writer
            .reload(Some(poll.clone()))
            .await
            .context("cannot reload the poll")
    }

    /// The phone channels of `poll` (none, and no voucher, when it has no row).
    pub async fn poll_channels(&self, poll: &Slug) -> anyhow::Result<PollChannels> {
        let row: Option<(Option<String>, Option<String>, bool)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT sms_keyword, ussd_service_code, voucher_required FROM poll_channels \
                 WHERE poll_slug = $1",
            )
            .bind(poll.as_str())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map_or_else(
            PollChannels::default,
            |(sms_keyword, ussd_service_code, voucher_required)| PollChannels {
                sms_keyword,
                ussd_service_code,
                voucher_required,
            },
        ))
    }

    /// Sets (replacing) the phone channels of `poll`, with the audit row, in one transaction.
    /// A keyword or service code another poll or a feedback form has is refused (checked first for a clear
    /// answer, and by the unique constraints when two editors race).
    pub async fn update_poll_channels(
        &self,
        poll: &Slug,
        channels: &PollChannels,
        audit: &AuditEntry,
    ) -> Result<(), SetChannelsError> {
        let keyword = channels
            .sms_keyword
            .as_ref()
            .map(|k| k.trim().to_uppercase());
        let code = channels.ussd_service_code.as_deref();
        let outcome: Result<(), SetChannelsError> = with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await.context("cannot start a transaction")?;
            lock_phone_routes!(self, transaction);
            let keyword_holder: Option<String> = sqlx::query_scalar(KEYWORD_HOLDER)
            .bind(keyword.as_deref())
            .bind(poll.as_str())
            .bind("")
            .fetch_optional(&mut *transaction)
            .await
            .context("cannot check the SMS keyword")?;
            if keyword.is_some() && keyword_holder.is_some() {
                return Err(SetChannelsError::KeywordTaken);
            }
            let code_holder: Option<String> = sqlx::query_scalar(CODE_HOLDER)
            .bind(code)
            .bind(poll.as_str())
            .bind("")
            .fetch_optional(&mut *transaction)
            .await
            .context("cannot check the USSD service code")?;
            if code.is_some() && code_holder.is_some() {
                return Err(SetChannelsError::ServiceCodeTaken);
            }
            let stored = sqlx::query(UPSERT_CHANNELS)
                .bind(poll.as_str())
                .bind(keyword.as_deref())
                .bind(code)
                .bind(channels.voucher_required)
                .execute(&mut *transaction)
                .await;
            match stored {
                Ok(_) => {}
                // Another editor took the keyword or code since the checks above.
                Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                    let message = error.message().to_owned();
                    return Err(if message.contains("sms_keyword") {
                        SetChannelsError::KeywordTaken
                    } else {
                        SetChannelsError::ServiceCodeTaken
                    });
                }
                Err(error) => {
                    return Err(anyhow::Error::new(error)
                        .context("cannot store the channels")
                        .into());
                }
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
            Ok(())
        });
        outcome?;
        Ok(self.channels_changed(poll).await?)
    }

    /// Every SMS keyword and its poll.
    pub async fn sms_keywords(&self) -> anyhow::Result<Vec<(String, Slug)>> {
        let rows: Vec<(String, String)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT sms_keyword, poll_slug FROM poll_channels \
                 WHERE sms_keyword IS NOT NULL ORDER BY sms_keyword",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(keyword, slug)| Ok((keyword, Slug::parse(slug)?)))
            .collect()
    }

    /// The poll a USSD service code leads to.
    pub async fn poll_for_ussd_code(&self, code: &str) -> anyhow::Result<Option<Slug>> {
        let slug: Option<String> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar("SELECT poll_slug FROM poll_channels WHERE ussd_service_code = $1")
                .bind(code)
                .fetch_optional(pool)
                .await?
        });
        Ok(slug.map(Slug::parse).transpose()?)
    }

    /// Every poll the server knows (from memory).
    pub fn polls(&self) -> Vec<Arc<Poll>> {
        self.inner.live.all()
    }

    /// Forgets which phones answered `poll`: each phone ballot's voter token (a keyed hash of the
    /// number) is replaced by one that names only the ballot. The ballots and counts stay; the
    /// one-answer rule can no longer be checked, so this is for closed polls. Returns how many
    /// ballots were changed.
    pub async fn purge_phone_hashes(&self, poll: &Slug) -> anyhow::Result<u64> {
        Ok(with_pool!(&self.inner.engine, pool => {
            sqlx::query(
                "UPDATE ballots SET voter_token = 'purged-phone-ballot-' || CAST(id AS TEXT) \
                 WHERE poll_slug = $1 AND voter_token LIKE 'phone-%'",
            )
            .bind(poll.as_str())
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }

    /// Ballots of `poll` by channel from the running counts (a few rows), in the order web, SMS,
    /// USSD, channels without ballots included.
    pub async fn channel_counts(&self, poll: &Slug) -> anyhow::Result<Vec<(Channel, u64)>> {
        let rows: Vec<(String, i64)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as("SELECT channel, ballots FROM poll_channel_counts WHERE poll_slug = $1")
                .bind(poll.as_str())
                .fetch_all(pool)
                .await?
        });
        [Channel::Web, Channel::Sms, Channel::Ussd]
            .into_iter()
            .map(|channel| {
                let count = rows
                    .iter()
                    .find(|(name, _)| name == channel.as_str())
                    .map_or(Ok(0), |(_, count)| u64::try_from(*count))?;
                Ok((channel, count))
            })
            .collect()
    }

    /// Ballots of `poll` by channel, from the stored ballots: the audit of
    /// [`Database::channel_counts`].
    pub async fn ballots_by_channel(&self, poll: &Slug) -> anyhow::Result<Vec<(String, i64)>> {
        Ok(with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT channel, COUNT(*) FROM ballots WHERE poll_slug = $1 \
                 GROUP BY channel ORDER BY channel",
            )
            .bind(poll.as_str())
            .fetch_all(pool)
            .await?
        }))
    }
}

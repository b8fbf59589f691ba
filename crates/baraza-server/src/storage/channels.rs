//! Which poll an SMS keyword or a USSD service code leads to.

use std::sync::Arc;

use baraza_core::{Poll, Slug};

use super::Database;
use super::engine::with_pool;

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
}

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
                "INSERT INTO poll_channels (poll_slug, sms_keyword, ussd_service_code) \
                 VALUES ($1, $2, $3) ON CONFLICT (poll_slug) DO UPDATE \
                 SET sms_keyword = excluded.sms_keyword, ussd_service_code = excluded.ussd_service_code",
            )
            .bind(poll.as_str())
            .bind(keyword)
            .bind(channels.ussd_service_code.as_deref())
            .execute(pool)
            .await?;
        });
        Ok(())
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

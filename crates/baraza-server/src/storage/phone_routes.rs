//! Where an SMS keyword or a USSD service code leads — a poll or a feedback form — and the
//! phone channels of feedback forms.
//!
//! A keyword or a code leads to one instrument across both tables (`poll_channels`,
//! `feedback_form_channels`): a unique index cannot span two tables, so every write checks both
//! in its transaction ([`KEYWORD_HOLDER`], [`CODE_HOLDER`]); within one table the unique
//! constraints still catch two editors racing.

use anyhow::Context as _;
use baraza_core::Slug;

use super::Database;
use super::channels::{Channel, SetChannelsError};
use super::engine::with_pool;
use super::staff::{AuditEntry, INSERT_AUDIT, stored_instant};

/// What an SMS keyword or a USSD service code leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneRoute {
    /// A poll, answered once per phone.
    Poll(Slug),
    /// A feedback form, anonymous like on the web.
    FeedbackForm(Slug),
}

impl PhoneRoute {
    /// The instrument's slug.
    pub fn slug(&self) -> &Slug {
        match self {
            Self::Poll(slug) | Self::FeedbackForm(slug) => slug,
        }
    }
}

/// A feedback form's phone channels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedbackFormChannels {
    /// The SMS keyword, upper case (`HUDUMA`).
    pub sms_keyword: Option<String>,
    /// The USSD service code (`*384*56#`).
    pub ussd_service_code: Option<String>,
}

/// The PostgreSQL advisory lock every write of phone routes takes first: under READ COMMITTED
/// two editors saving the same keyword, one on a poll and one on a form, would otherwise both
/// pass the check across the two tables. (SQLite has one writer at a time.)
pub(super) const PHONE_ROUTES_LOCK: i64 = 0x00BA_4A2A_0005_0000;

/// Takes the write lock first inside `$transaction`: on PostgreSQL [`PHONE_ROUTES_LOCK`]; on
/// SQLite the database's write lock, by a write that changes nothing, so that the reads which
/// follow cannot be overtaken by another connection's commit (which would make the later write
/// fail with `SQLITE_BUSY_SNAPSHOT`, a conflict the busy timeout does not wait out).
macro_rules! lock_phone_routes {
    ($database:expr, $transaction:ident) => {
        let lock = if $database.engine() == super::engine::EngineKind::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(super::phone_routes::PHONE_ROUTES_LOCK)
        } else {
            sqlx::query("UPDATE poll_channels SET poll_slug = poll_slug WHERE poll_slug = $1")
                .bind("")
        };
        lock.execute(&mut *$transaction)
            .await
            .context("cannot lock the phone routes")?;
    };
}
pub(super) use lock_phone_routes;

/// Any instrument other than `$2` (a poll) or `$3` (a form) answering to the keyword `$1`.
pub(super) const KEYWORD_HOLDER: &str = "SELECT poll_slug FROM poll_channels \
     WHERE sms_keyword = $1 AND poll_slug <> $2 \
     UNION ALL SELECT form_slug FROM feedback_form_channels \
     WHERE sms_keyword = $1 AND form_slug <> $3";

/// Any instrument other than `$2` (a poll) or `$3` (a form) answering to the service code `$1`.
pub(super) const CODE_HOLDER: &str = "SELECT poll_slug FROM poll_channels \
     WHERE ussd_service_code = $1 AND poll_slug <> $2 \
     UNION ALL SELECT form_slug FROM feedback_form_channels \
     WHERE ussd_service_code = $1 AND form_slug <> $3";

const UPSERT_FORM_CHANNELS: &str = "INSERT INTO feedback_form_channels \
     (form_slug, sms_keyword, ussd_service_code) VALUES ($1, $2, $3) \
     ON CONFLICT (form_slug) DO UPDATE SET sms_keyword = excluded.sms_keyword, \
     ussd_service_code = excluded.ussd_service_code";

/// `route` as its table's name and slug, the other table's slug left empty (no slug is empty).
fn except(route: &PhoneRoute) -> (&str, &str) {
    match route {
        PhoneRoute::Poll(slug) => (slug.as_str(), ""),
        PhoneRoute::FeedbackForm(slug) => ("", slug.as_str()),
    }
}

fn route_from(kind: &str, slug: String) -> anyhow::Result<PhoneRoute> {
    let slug = Slug::parse(slug)?;
    Ok(if kind == "poll" {
        PhoneRoute::Poll(slug)
    } else {
        PhoneRoute::FeedbackForm(slug)
    })
}

impl Database {
    /// Every SMS keyword and what it leads to, by keyword.
    pub async fn sms_routes(&self) -> anyhow::Result<Vec<(String, PhoneRoute)>> {
        let rows: Vec<(String, String, String)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT sms_keyword, 'poll', poll_slug FROM poll_channels \
                 WHERE sms_keyword IS NOT NULL \
                 UNION ALL SELECT sms_keyword, 'form', form_slug FROM feedback_form_channels \
                 WHERE sms_keyword IS NOT NULL ORDER BY 1",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(keyword, kind, slug)| Ok((keyword, route_from(&kind, slug)?)))
            .collect()
    }

    /// What a USSD service code leads to.
    pub async fn ussd_route(&self, code: &str) -> anyhow::Result<Option<PhoneRoute>> {
        let row: Option<(String, String)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT 'poll', poll_slug FROM poll_channels WHERE ussd_service_code = $1 \
                 UNION ALL SELECT 'form', form_slug FROM feedback_form_channels \
                 WHERE ussd_service_code = $1",
            )
            .bind(code)
            .fetch_optional(pool)
            .await?
        });
        row.map(|(kind, slug)| route_from(&kind, slug)).transpose()
    }

    /// The phone channels of feedback form `form` (none when it has no row).
    pub async fn feedback_form_channels(
        &self,
        form: &Slug,
    ) -> anyhow::Result<FeedbackFormChannels> {
        let row: Option<(Option<String>, Option<String>)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT sms_keyword, ussd_service_code FROM feedback_form_channels \
                 WHERE form_slug = $1",
            )
            .bind(form.as_str())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map_or_else(
            FeedbackFormChannels::default,
            |(sms_keyword, ussd_service_code)| FeedbackFormChannels {
                sms_keyword,
                ussd_service_code,
            },
        ))
    }

    /// Sets (replacing) the phone channels of feedback form `form`, with the audit row
    /// (`None` for seeding), in one transaction. A keyword or code that a poll or another form
    /// has is refused and nothing changes.
    pub async fn update_feedback_form_channels(
        &self,
        form: &Slug,
        channels: &FeedbackFormChannels,
        audit: Option<&AuditEntry>,
    ) -> Result<(), SetChannelsError> {
        let keyword = channels
            .sms_keyword
            .as_ref()
            .map(|k| k.trim().to_uppercase());
        let code = channels.ussd_service_code.as_deref().map(str::trim);
        let route = PhoneRoute::FeedbackForm(form.clone());
        let (poll_except, form_except) = except(&route);
        with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await.context("cannot start a transaction")?;
            lock_phone_routes!(self, transaction);
            if let Some(keyword) = &keyword {
                let holder: Option<String> = sqlx::query_scalar(KEYWORD_HOLDER)
                    .bind(keyword)
                    .bind(poll_except)
                    .bind(form_except)
                    .fetch_optional(&mut *transaction)
                    .await
                    .context("cannot check the SMS keyword")?;
                if holder.is_some() {
                    return Err(SetChannelsError::KeywordTaken);
                }
            }
            if let Some(code) = code {
                let holder: Option<String> = sqlx::query_scalar(CODE_HOLDER)
                    .bind(code)
                    .bind(poll_except)
                    .bind(form_except)
                    .fetch_optional(&mut *transaction)
                    .await
                    .context("cannot check the USSD service code")?;
                if holder.is_some() {
                    return Err(SetChannelsError::ServiceCodeTaken);
                }
            }
            let stored = sqlx::query(UPSERT_FORM_CHANNELS)
                .bind(form.as_str())
                .bind(keyword.as_deref())
                .bind(code)
                .execute(&mut *transaction)
                .await;
            match stored {
                Ok(_) => {}
                Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                    return Err(if error.message().contains("sms_keyword") {
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
            if let Some(audit) = audit {
                sqlx::query(INSERT_AUDIT)
                    .bind(audit.organisation.as_ref().map(Slug::as_str))
                    .bind(audit.actor.as_str())
                    .bind(audit.action.as_str())
                    .bind(audit.target.as_str())
                    .bind(stored_instant(audit.at))
                    .execute(&mut *transaction)
                    .await
                    .context("cannot write the audit log")?;
            }
            transaction.commit().await.context("cannot commit")?;
        });
        Ok(())
    }

    /// Responses to feedback form `form` by channel, in the order web, SMS, USSD, channels
    /// without responses included.
    pub async fn feedback_channel_counts(
        &self,
        form: &Slug,
    ) -> anyhow::Result<Vec<(Channel, u64)>> {
        let rows: Vec<(String, i64)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT channel, COUNT(*) FROM feedback_responses WHERE form_slug = $1 \
                 GROUP BY channel",
            )
            .bind(form.as_str())
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
}

//! Which origins may embed each organisation's instruments: the organisations' settings, kept
//! in memory by instrument slug so the CORS check of every API request reads no database.
//!
//! Only instruments of organisations that listed origins are kept; every other instrument
//! follows the server-wide `--allowed-origins`. The map is rebuilt on start, after every local
//! change to an organisation's settings or instruments, and every
//! [`FULL_REFRESH_EVERY`](super::listen::FULL_REFRESH_EVERY) (so servers sharing a database
//! agree within seconds).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use anyhow::Context as _;
use baraza_core::Slug;

use super::engine::{Engine, with_pool};
use super::staff::{AuditEntry, INSERT_AUDIT, stored_instant};
use super::{BackgroundTask, Database};

/// Instrument slug → the origins its organisation allows.
pub(crate) type OriginsBySlug = HashMap<String, Arc<[String]>>;

/// The in-memory map, swapped whole on each refresh.
#[derive(Debug, Default)]
pub(crate) struct EmbeddingOrigins(RwLock<Arc<OriginsBySlug>>);

impl EmbeddingOrigins {
    fn get(&self, slug: &str) -> Option<Arc<[String]>> {
        let map = match self.0.read() {
            Ok(map) => Arc::clone(&map),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        };
        map.get(slug).cloned()
    }

    pub(crate) fn replace(&self, map: OriginsBySlug) {
        let map = Arc::new(map);
        match self.0.write() {
            Ok(mut current) => *current = map,
            Err(poisoned) => *poisoned.into_inner() = map,
        }
    }
}

/// An organisation's settings as staff edit them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationSettings {
    /// The name shown to staff.
    pub name: String,
    /// The origins (`https://host[:port]`) allowed to embed its instruments; empty: the
    /// server-wide list applies.
    pub allowed_origins: Vec<String>,
}

/// Rebuilds `origins` from the database every [`FULL_REFRESH_EVERY`](super::listen::FULL_REFRESH_EVERY),
/// so a change made through another server sharing the database is seen within seconds.
pub(crate) fn spawn_refresher(engine: Engine, origins: Arc<EmbeddingOrigins>) -> BackgroundTask {
    let task = tokio::spawn(async move {
        let mut every = tokio::time::interval(super::listen::FULL_REFRESH_EVERY);
        loop {
            every.tick().await;
            match load(&engine).await {
                Ok(map) => origins.replace(map),
                Err(error) => tracing::warn!(
                    error = format!("{error:#}"),
                    "cannot refresh the organisations' allowed origins"
                ),
            }
        }
    });
    BackgroundTask(task.abort_handle())
}

/// Reads the map from the database.
pub(crate) async fn load(engine: &Engine) -> anyhow::Result<OriginsBySlug> {
    let rows: Vec<(String, String)> = with_pool!(engine, pool => {
        sqlx::query_as(
            "SELECT i.slug, o.allowed_origins FROM organisations o JOIN ( \
             SELECT slug, organisation_slug FROM polls \
             UNION ALL SELECT slug, organisation_slug FROM feedback_forms \
             UNION ALL SELECT slug, organisation_slug FROM consultations) i \
             ON i.organisation_slug = o.slug WHERE o.allowed_origins <> '[]'",
        )
        .fetch_all(pool)
        .await?
    });
    let mut map = OriginsBySlug::new();
    let mut parsed: HashMap<String, Arc<[String]>> = HashMap::new();
    for (slug, origins) in rows {
        let list = match parsed.get(&origins) {
            Some(list) => Arc::clone(list),
            None => {
                let list: Vec<String> = serde_json::from_str(&origins)
                    .context("an organisation's allowed origins are not a JSON array")?;
                let list: Arc<[String]> = list.into();
                parsed.insert(origins, Arc::clone(&list));
                list
            }
        };
        if !list.is_empty() {
            map.insert(slug, list);
        }
    }
    Ok(map)
}

impl Database {
    /// The origins allowed to embed instrument `slug`, when its organisation listed some;
    /// `None`: the server-wide list applies. Read from memory.
    pub fn embedding_origins(&self, slug: &str) -> Option<Arc<[String]>> {
        self.inner.embedding.get(slug)
    }

    /// Rebuilds the in-memory map of allowed embedding origins from the database.
    pub async fn refresh_embedding_origins(&self) -> anyhow::Result<()> {
        let map = load(&self.inner.engine).await?;
        self.inner.embedding.replace(map);
        Ok(())
    }

    /// The settings of `organisation`, if it exists.
    pub async fn organisation_settings(
        &self,
        organisation: &Slug,
    ) -> anyhow::Result<Option<OrganisationSettings>> {
        let row: Option<(String, String)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as("SELECT name, allowed_origins FROM organisations WHERE slug = $1")
                .bind(organisation.as_str())
                .fetch_optional(pool)
                .await?
        });
        row.map(|(name, origins)| {
            Ok(OrganisationSettings {
                name,
                allowed_origins: serde_json::from_str(&origins)
                    .context("an organisation's allowed origins are not a JSON array")?,
            })
        })
        .transpose()
    }

    /// Replaces the settings of `organisation`, with its audit entry, in one transaction, then
    /// refreshes the in-memory origins. Origins must already be checked by the caller.
    pub async fn update_organisation_settings(
        &self,
        organisation: &Slug,
        settings: &OrganisationSettings,
        audit: &AuditEntry,
    ) -> anyhow::Result<()> {
        let origins = serde_json::to_string(&settings.allowed_origins)?;
        with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await?;
            sqlx::query("UPDATE organisations SET name = $1, allowed_origins = $2 WHERE slug = $3")
                .bind(&settings.name)
                .bind(&origins)
                .bind(organisation.as_str())
                .execute(&mut *transaction)
                .await?;
            sqlx::query(INSERT_AUDIT)
                .bind(audit.organisation.as_ref().map(Slug::as_str))
                .bind(audit.actor.as_str())
                .bind(audit.action.as_str())
                .bind(audit.target.as_str())
                .bind(stored_instant(audit.at))
                .execute(&mut *transaction)
                .await?;
            transaction.commit().await?;
        });
        self.refresh_embedding_origins().await
    }
}

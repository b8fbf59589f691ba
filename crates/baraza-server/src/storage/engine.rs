//! The two database engines behind one handle: SQLite (one server, the default) and PostgreSQL
//! (several servers sharing one database).
//!
//! Every query is written once, in SQL both engines read the same way (`$1` placeholders, which
//! sqlx's SQLite driver also accepts; `ON CONFLICT … DO NOTHING`; `RETURNING`), and run through
//! [`with_pool!`], which expands the same code once per engine with the engine's own typed pool.
//! That keeps sqlx's native drivers (and so SQLite's WAL and `synchronous=FULL` settings, and
//! PostgreSQL's LISTEN/NOTIFY) without writing each query twice.

use std::str::FromStr as _;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database engine a [`Database`](super::Database) runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// One SQLite file: the default, for one server process.
    Sqlite,
    /// A PostgreSQL database, which several server processes may share.
    Postgres,
}

/// A connection pool of either engine.
#[derive(Debug, Clone)]
pub(crate) enum Engine {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the engine's typed pool. The body is compiled once per
/// engine, so it must be SQL and Rust that both accept.
macro_rules! with_pool {
    ($engine:expr, $pool:ident => $body:expr) => {
        match $engine {
            $crate::storage::engine::Engine::Sqlite($pool) => $body,
            $crate::storage::engine::Engine::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Whether `url` names a PostgreSQL database.
pub(crate) fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

impl Engine {
    /// Opens (creating an SQLite file if needed) and migrates the database at `url`: a
    /// `postgres://` or `postgresql://` URL, a `sqlite:` URL, or a plain file path (SQLite).
    pub(crate) async fn connect(url: &str) -> anyhow::Result<Self> {
        let engine = if is_postgres_url(url) {
            let options = PgConnectOptions::from_str(url)
                .context("invalid PostgreSQL URL")?
                .application_name("baraza")
                // Acknowledged means durable: never let a server-wide setting weaken that.
                .options([("synchronous_commit", "on")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .context("cannot connect to the PostgreSQL database")?;
            POSTGRES_MIGRATOR
                .run(&pool)
                .await
                .context("cannot migrate the PostgreSQL database")?;
            Self::Postgres(pool)
        } else {
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(sqlite_options(url)?)
                .await
                .with_context(|| format!("cannot open the SQLite database {url:?}"))?;
            SQLITE_MIGRATOR
                .run(&pool)
                .await
                .context("cannot migrate the SQLite database")?;
            Self::Sqlite(pool)
        };
        Ok(engine)
    }

    pub(crate) fn kind(&self) -> EngineKind {
        match self {
            Self::Sqlite(_) => EngineKind::Sqlite,
            Self::Postgres(_) => EngineKind::Postgres,
        }
    }
}

/// Turns a `sqlite:` URL or a plain path into connect options.
fn sqlite_options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    let options = if url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url)
            .with_context(|| format!("invalid SQLite URL {url:?}"))?
    } else {
        SqliteConnectOptions::new().filename(url)
    };
    Ok(options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL makes each commit durable on disk before the transaction returns, which is what
        // lets the API acknowledge a submission only once it is safely stored.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        // SQLite would otherwise checkpoint the WAL inside whichever commit crosses 1,000
        // pages: the writer's, stalling every submission queued behind it (p99 rose to 150 ms
        // with a million ballots stored). The checkpointer below does it beside the writer.
        .pragma("wal_autocheckpoint", "0")
        .busy_timeout(Duration::from_secs(5)))
}

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Checkpoints the SQLite WAL in the background, `PASSIVE`ly: it copies what no reader needs
/// any more without taking the write lock, so the writer's commits go on meanwhile.
pub(crate) fn spawn_checkpointer(pool: SqlitePool) -> super::BackgroundTask {
    let task = tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        loop {
            every.tick().await;
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                tracing::warn!(%error, "cannot checkpoint the SQLite write-ahead log");
            }
        }
    });
    super::BackgroundTask(task.abort_handle())
}

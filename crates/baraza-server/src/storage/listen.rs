//! Keeping the in-memory polls and counts of several servers on one PostgreSQL database in step.
//!
//! Each server's writer sends `NOTIFY baraza_changes, 'poll:SLUG'` inside every transaction that
//! changes a poll's counts (and [`Database::save_poll`](super::Database::save_poll) after
//! changing a definition); PostgreSQL delivers it to every listening server when, and only if,
//! the transaction commits. A server reloads the named poll — its definition and counts, read in
//! one statement — from the database.
//!
//! The bound: another server's committed ballot shows in this server's results as soon as its
//! notification arrives and the reload has run (milliseconds on one network). Notifications
//! sent while this server's listening connection was down are lost, so every reconnection, and
//! every [`FULL_REFRESH_EVERY`] regardless, reloads every poll: results are never staler than
//! that.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use baraza_core::Slug;
use sqlx::postgres::{PgListener, PgPool};

use super::engine::Engine;
use super::live::LivePolls;
use super::writer::CHANGES_CHANNEL;

/// The longest another server's change can go unseen if notifications are lost.
pub const FULL_REFRESH_EVERY: Duration = Duration::from_secs(5);

/// Aborts the listening task when the last handle on the database is dropped.
#[derive(Debug)]
pub(crate) struct ListenerTask(tokio::task::AbortHandle);

impl Drop for ListenerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts listening for other servers' changes.
pub(crate) fn spawn(pool: PgPool, live: Arc<LivePolls>) -> ListenerTask {
    ListenerTask(tokio::spawn(listen_forever(pool, live)).abort_handle())
}

async fn listen_forever(pool: PgPool, live: Arc<LivePolls>) {
    let engine = Engine::Postgres(pool.clone());
    loop {
        if let Err(error) = listen(&pool, &engine, &live).await {
            tracing::warn!(
                error = format!("{error:#}"),
                "lost the change notifications of other servers; reconnecting"
            );
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn listen(pool: &PgPool, engine: &Engine, live: &LivePolls) -> anyhow::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANGES_CHANNEL).await?;
    // Whatever changed before we listened.
    live.reload_all(engine).await?;
    let mut full_refresh = tokio::time::interval(FULL_REFRESH_EVERY);
    full_refresh.tick().await;
    loop {
        tokio::select! {
            notification = listener.try_recv() => {
                let Some(first) = notification? else {
                    // The connection dropped and came back: notifications may have been lost.
                    live.reload_all(engine).await?;
                    continue;
                };
                // Under load many groups commit between two wake-ups: reload each poll once.
                let mut changed = BTreeSet::new();
                changed.insert(first.payload().to_owned());
                while let Some(next) = listener.next_buffered() {
                    changed.insert(next.payload().to_owned());
                }
                for payload in changed {
                    let Some(slug) = payload.strip_prefix("poll:").and_then(|s| Slug::parse(s).ok()) else {
                        tracing::warn!(payload, "unknown change notification");
                        continue;
                    };
                    live.reload(engine, &slug).await?;
                }
            }
            _ = full_refresh.tick() => live.reload_all(engine).await?,
        }
    }
}

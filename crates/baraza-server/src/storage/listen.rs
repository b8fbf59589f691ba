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
use std::time::Duration;

use baraza_core::Slug;
use sqlx::postgres::{PgListener, PgPool};

use super::BackgroundTask;
use super::writer::{CHANGES_CHANNEL, WriterHandle};

/// The longest another server's change can go unseen if notifications are lost.
pub const FULL_REFRESH_EVERY: Duration = Duration::from_secs(5);

/// Starts listening for other servers' changes; the reloads they call for run in the writer.
pub(crate) fn spawn(pool: PgPool, writer: WriterHandle) -> BackgroundTask {
    BackgroundTask(tokio::spawn(listen_forever(pool, writer)).abort_handle())
}

async fn listen_forever(pool: PgPool, writer: WriterHandle) {
    loop {
        if let Err(error) = listen(&pool, &writer).await {
            tracing::warn!(
                error = format!("{error:#}"),
                "lost the change notifications of other servers; reconnecting"
            );
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn listen(pool: &PgPool, writer: &WriterHandle) -> anyhow::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANGES_CHANNEL).await?;
    // Whatever changed before we listened.
    writer.reload(None).await?;
    let mut full_refresh = tokio::time::interval(FULL_REFRESH_EVERY);
    full_refresh.tick().await;
    loop {
        tokio::select! {
            notification = listener.try_recv() => {
                let Some(first) = notification? else {
                    // The connection dropped and came back: notifications may have been lost.
                    writer.reload(None).await?;
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
                    writer.reload(Some(slug)).await?;
                }
            }
            _ = full_refresh.tick() => writer.reload(None).await?,
        }
    }
}

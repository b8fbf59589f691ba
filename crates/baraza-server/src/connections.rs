//! The accept loop: HTTP/1.1 connections with a header-read deadline, a cap on how many are open
//! at once, and a graceful shutdown.
//!
//! `axum::serve` cannot set hyper's header-read timeout, so a client that trickles a request head
//! a byte at a time would hold its connection (and a file descriptor) for ever. This loop builds
//! each connection with hyper directly instead.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::add_extension::AddExtension;

/// Limits of the connection layer.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Most connections open at once. Further clients wait in the kernel's accept queue (and
    /// get refused by the kernel once it is full) until a connection closes.
    pub max_connections: usize,
    /// How long a client may take to send a complete request head, measured from the moment the
    /// server starts reading it; an idle keep-alive connection is closed after the same time.
    pub header_read_timeout: Duration,
    /// After the shutdown signal, how long requests in flight may take to finish before the
    /// remaining connections are dropped.
    pub drain_timeout: Duration,
}

impl Default for ServeConfig {
    /// 1,024 connections, 10 s to send a request head, 30 s to drain at shutdown.
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting, lets requests
/// in flight finish (for at most [`ServeConfig::drain_timeout`]) and returns.
///
/// Speaks HTTP/1.1 only: browsers use it for plain-HTTP origins, and TLS deployments terminate
/// in a reverse proxy that speaks HTTP/1.1 to its backends.
///
/// # Errors
///
/// Only if `config.max_connections` is zero; errors of single connections are logged and do
/// not stop the server.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: &ServeConfig,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    if config.max_connections == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "max_connections must be at least 1",
        ));
    }
    let open_slots = Arc::new(Semaphore::new(config.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        // A slot is taken before `accept`, so clients over the cap stay in the kernel's queue
        // instead of being accepted and left unread.
        let slot = tokio::select! {
            slot = Arc::clone(&open_slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_closed) => break, // never closed; nothing left to serve if it were
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    wait_after_accept_error(&error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let connection = http.serve_connection(
            TokioIo::new(stream),
            // The client's address, for handlers that need it (sign-in throttling).
            TowerToHyperService::new(AddExtension::new(router.clone(), ConnectInfo(peer))),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Timeouts and clients hanging up are routine; they are not worth more than debug.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(slot);
        });
    }

    drop(listener);
    tracing::info!("no longer accepting connections; finishing requests in flight");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(config.drain_timeout) => {
            tracing::warn!(
                seconds = config.drain_timeout.as_secs(),
                "connections still open after the drain timeout; dropping them"
            );
        }
    }
    Ok(())
}

/// Errors of one client's connection attempt are skipped. Anything else (typically `EMFILE`,
/// out of file descriptors) would repeat at once, so the loop pauses for a second to let
/// connections close, as hyper's own server did.
async fn wait_after_accept_error(error: &io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept a connection; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

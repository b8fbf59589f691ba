//! The `baraza` command: `baraza serve` runs the server, `baraza seed demo` loads demo data.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use baraza_server::{AllowedOrigins, AppState, HttpConfig, app, seed, storage::Database};
use clap::{Args, Parser, Subcommand};
use time::OffsetDateTime;
use tracing_subscriber::EnvFilter;

/// Baraza: citizen participation widgets and the server behind them.
#[derive(Debug, Parser)]
#[command(name = "baraza", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API, the widget bundle and the demo site.
    Serve(ServeArgs),
    /// Load data into the database.
    Seed {
        #[command(subcommand)]
        what: SeedWhat,
    },
}

#[derive(Debug, Subcommand)]
enum SeedWhat {
    /// The demo polls of the www/ demo page (replacing their definitions if present).
    Demo(DatabaseArg),
    /// Synthetic ballots in bulk, for capacity planning and benchmarks: adds `--ballots N`
    /// ballots spread over the options of `--poll SLUG`, with their running counts.
    LoadTest {
        /// The poll to fill.
        #[arg(long)]
        poll: String,
        /// How many ballots to add.
        #[arg(long)]
        ballots: u64,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Debug, Args)]
struct DatabaseArg {
    /// Database URL: `postgres://USER@HOST/DB`, `sqlite:PATH` or a plain file path (SQLite).
    /// Created (SQLite) and migrated on first start.
    #[arg(
        long = "database",
        env = "BARAZA_DATABASE_URL",
        default_value = "sqlite:baraza.sqlite3"
    )]
    url: String,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "BARAZA_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    database: DatabaseArg,
    /// Origins whose pages may embed the widgets: comma-separated (https://a.example,https://b.example)
    /// or `*` for any. Empty: only pages served by this server.
    #[arg(long, env = "BARAZA_ALLOWED_ORIGINS", default_value = "", value_parser = AllowedOrigins::parse)]
    allowed_origins: AllowedOrigins,
    /// Folder served at `/` (the demo site).
    #[arg(long, env = "BARAZA_WWW_DIR", default_value = "www")]
    www_dir: PathBuf,
    /// Folder served at `/widgets/`: the bundle built by `cargo xtask dist`.
    #[arg(long, env = "BARAZA_WIDGETS_DIR", default_value = "target/widgets")]
    widgets_dir: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("BARAZA_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
        Command::Seed {
            what: SeedWhat::Demo(database),
        } => {
            let database = Database::connect(&database.url).await?;
            seed::seed_demo(&database, OffsetDateTime::now_utc()).await?;
            println!("seeded the demo polls");
            Ok(())
        }
        Command::Seed {
            what:
                SeedWhat::LoadTest {
                    poll,
                    ballots,
                    database,
                },
        } => {
            let poll =
                baraza_core::Slug::parse(&poll).map_err(|e| anyhow::anyhow!("--poll: {e}"))?;
            let database = Database::connect(&database.url).await?;
            let added = database
                .add_load_test_ballots(&poll, ballots, OffsetDateTime::now_utc())
                .await?;
            println!("added {added} synthetic ballots to poll {poll}");
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let database = Database::connect(&args.database.url).await?;
    if database.poll_count().await? == 0 {
        seed::seed_demo(&database, OffsetDateTime::now_utc()).await?;
        tracing::info!("empty database: seeded the demo polls");
    }
    if !args.widgets_dir.join("baraza.js").is_file() {
        tracing::warn!(
            dir = %args.widgets_dir.display(),
            "no widget bundle found; build it with `cargo xtask dist` or widgets will not load"
        );
    }
    let config = HttpConfig {
        allowed_origins: args.allowed_origins,
        www_dir: args.www_dir,
        widgets_dir: args.widgets_dir,
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    // Scripts (the xtask demo, the browser tests) read this line to learn the address.
    println!("Baraza is serving http://{address}/");
    axum::serve(listener, app(AppState::new(database), &config))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed")
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

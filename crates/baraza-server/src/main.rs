//! The `baraza` command: `baraza serve` runs the server, `baraza seed demo` loads demo data,
//! `baraza admin …` manages staff accounts and admin API tokens.

use std::io::{IsTerminal as _, Read as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use baraza_server::admin::accounts::{self, NewStaffMember};
use baraza_server::channels::ChannelSettings;
use baraza_server::channels::phone::PhoneKey;
use baraza_server::channels::sendsms::KannelSendSms;
use baraza_server::storage::{Role, StaffEmail};
use baraza_server::{
    AllowedOrigins, AppState, HttpConfig, ServeConfig, app, seed, storage::Database,
};
use clap::{Args, Parser, Subcommand, ValueEnum};
use time::OffsetDateTime;
use tracing_subscriber::EnvFilter;

/// Baraza: citizen participation widgets and the server behind them.
#[derive(Debug, Parser)]
#[command(name = "baraza", version)]
struct Cli {
    /// Log format on stderr: `text` for people, `json` (one object a line) for log collectors.
    #[arg(
        long,
        env = "BARAZA_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API, the widget bundle and the demo site.
    Serve(Box<ServeArgs>),
    /// Load data into the database.
    Seed {
        #[command(subcommand)]
        what: SeedWhat,
    },
    /// Manage staff accounts and admin API tokens.
    Admin {
        #[command(subcommand)]
        what: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create a staff account (or replace its password) and give it a role in an organisation,
    /// creating the organisation if needed. The password is read from standard input, e.g.
    /// `printf '%s' "$PASSWORD" | baraza admin create-user --email … --role admin --organisation …`.
    CreateUser {
        /// The account's e-mail address (case does not matter).
        #[arg(long)]
        email: String,
        /// admin, editor, moderator or analyst.
        #[arg(long)]
        role: String,
        /// The organisation's slug, e.g. `ministry-of-water`.
        #[arg(long)]
        organisation: String,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Create an admin API token for a staff account, scoped to its organisation. The token is
    /// printed alone on the last line; it is shown once and only its digest is stored.
    CreateToken {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
        /// The organisation, required when the account belongs to several.
        #[arg(long)]
        organisation: Option<String>,
        #[command(flatten)]
        database: DatabaseArg,
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
    /// Load the demo polls of the www/ demo page before serving (replacing their definitions if
    /// present). Without it nothing is added to the database.
    #[arg(long, env = "BARAZA_DEMO")]
    demo: bool,
    /// Most connections open at once; further clients wait until one closes.
    #[arg(long, env = "BARAZA_MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// Seconds a client may take to send a request's head (and an idle connection may stay open).
    #[arg(long, env = "BARAZA_HEADER_READ_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    header_read_timeout: u64,
    /// Seconds a request may take, body included, before the answer is `408 request_timeout`.
    #[arg(long, env = "BARAZA_REQUEST_TIMEOUT", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// Send `Strict-Transport-Security` (one year, subdomains included). Only for deployments
    /// reached over HTTPS: browsers then refuse plain HTTP to the host for a year.
    #[arg(long, env = "BARAZA_HSTS")]
    hsts: bool,
    /// File holding the server secret that keys the hashes of phone numbers (SMS, USSD); created
    /// with a new random secret when missing. Servers sharing a database need the same file.
    #[arg(long, env = "BARAZA_SECRET_FILE", default_value = "baraza-secret.key")]
    secret_file: PathBuf,
    /// Country calling code for reading national phone numbers (`0700…` → `+254700…`), e.g. 254.
    #[arg(long, env = "BARAZA_SMS_COUNTRY_CODE", value_parser = parse_country_code)]
    sms_country_code: Option<String>,
    /// Addresses of the SMS and USSD gateways allowed to call `/channels/…`, comma-separated.
    #[arg(
        long,
        env = "BARAZA_SMS_GATEWAYS",
        default_value = "127.0.0.1,::1",
        value_delimiter = ','
    )]
    sms_gateways: Vec<std::net::IpAddr>,
    /// Reverse proxies in front of the server, comma-separated: their `X-Forwarded-For` names
    /// the client for the limits kept per address (wrong voucher codes). Without it, every
    /// request seems to come from the proxy.
    #[arg(long, env = "BARAZA_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Days after a poll closes before the hashes of the phones that answered it are purged.
    #[arg(long, env = "BARAZA_PHONE_RETENTION_DAYS", default_value_t = 30)]
    phone_retention_days: u32,
    /// Kannel's sendsms URL, for messages the server starts (voucher codes sent to phones),
    /// e.g. http://127.0.0.1:13013/cgi-bin/sendsms. Without it no message is sent.
    #[arg(long, env = "BARAZA_KANNEL_SENDSMS_URL", requires_all = ["kannel_username", "kannel_password_file"])]
    kannel_sendsms_url: Option<String>,
    /// The `username` of Kannel's `sendsms-user` group.
    #[arg(long, env = "BARAZA_KANNEL_USERNAME")]
    kannel_username: Option<String>,
    /// File holding that user's password (a file, so it shows in no process list or shell
    /// history; trailing newlines are ignored).
    #[arg(long, env = "BARAZA_KANNEL_PASSWORD_FILE")]
    kannel_password_file: Option<PathBuf>,
    /// The sender phones see on messages the server starts, e.g. the short code 22555.
    #[arg(long, env = "BARAZA_KANNEL_FROM")]
    kannel_from: Option<String>,
}

/// Kannel's sendsms settings from the command line, when a URL is given.
fn outgoing_sms(args: &ServeArgs) -> anyhow::Result<Option<KannelSendSms>> {
    let (Some(url), Some(username), Some(password_file)) = (
        &args.kannel_sendsms_url,
        &args.kannel_username,
        &args.kannel_password_file,
    ) else {
        return Ok(None);
    };
    let password = std::fs::read_to_string(password_file).with_context(|| {
        format!(
            "cannot read the Kannel password file {}",
            password_file.display()
        )
    })?;
    KannelSendSms::new(
        url,
        username.clone(),
        password.trim_end_matches(['\r', '\n']).to_owned(),
        args.kannel_from.clone(),
    )
    .map(Some)
}

/// A country calling code: 1 to 3 digits, no `+`.
fn parse_country_code(text: &str) -> Result<String, String> {
    let code = text.trim().trim_start_matches('+');
    if (1..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(format!(
            "{text:?} is not a country calling code such as 254"
        ))
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    match cli.command {
        Command::Serve(args) => serve(*args).await,
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
        Command::Admin { what } => admin(what).await,
    }
}

async fn admin(command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateUser {
            email,
            role,
            organisation,
            database,
        } => {
            let member = NewStaffMember {
                email: StaffEmail::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?,
                role: Role::parse(&role).map_err(|e| anyhow::anyhow!("--role: {e}"))?,
                organisation: baraza_core::Slug::parse(&organisation)
                    .map_err(|e| anyhow::anyhow!("--organisation {organisation:?} {e}"))?,
            };
            let password = read_password()?;
            let database = Database::connect(&database.url).await?;
            let created =
                accounts::create_user(&database, &member, &password, OffsetDateTime::now_utc())
                    .await?;
            if created.new_organisation {
                println!("created organisation {}", member.organisation);
            }
            let account = if created.new_account {
                "created the account"
            } else {
                "replaced the password of the account"
            };
            println!(
                "{account} {} ({} of {})",
                member.email.as_str(),
                member.role,
                member.organisation
            );
            Ok(())
        }
        AdminCommand::CreateToken {
            email,
            organisation,
            database,
        } => {
            let email = StaffEmail::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let organisation = organisation
                .map(|slug| {
                    baraza_core::Slug::parse(&slug)
                        .map_err(|e| anyhow::anyhow!("--organisation {slug:?} {e}"))
                })
                .transpose()?;
            let database = Database::connect(&database.url).await?;
            let (organisation, token) = accounts::create_token(
                &database,
                &email,
                organisation.as_ref(),
                OffsetDateTime::now_utc(),
            )
            .await?;
            println!(
                "admin API token for {} in {organisation}; keep it secret, it is not shown again:",
                email.as_str()
            );
            // Scripts read the last line.
            println!("{token}");
            Ok(())
        }
    }
}

/// The password piped on standard input: everything read, without one trailing line break
/// (`echo` adds one). Never from the command line, where other users see it in `ps`.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        eprintln!("type the password, then press Ctrl-D (it is shown as you type; prefer a pipe)");
    }
    let mut password = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut password)
        .context("cannot read the password from standard input (it must be UTF-8)")?;
    let password = password
        .strip_suffix('\n')
        .map(|p| p.strip_suffix('\r').unwrap_or(p))
        .unwrap_or(&password)
        .to_owned();
    Ok(password)
}

/// Logs go to stderr, coloured only when a person is watching it: escape codes in a log file or
/// a collector are noise.
fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_env("BARAZA_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().with_ansi(false).init(),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let outgoing = outgoing_sms(&args)?;
    let database = Database::connect(&args.database.url).await?;
    // A production database is never filled with demo polls by accident: only when asked.
    if args.demo {
        seed::seed_demo(&database, OffsetDateTime::now_utc()).await?;
        tracing::info!("seeded the demo polls");
    }
    // Started after the seeding, whose writes its first (immediate) pass would otherwise race:
    // on SQLite that race once stopped a `--demo` start with a busy database.
    let _retention = tokio::spawn(baraza_server::channels::purge_phone_hashes_after_closing(
        database.clone(),
        time::Duration::days(i64::from(args.phone_retention_days)),
    ));
    if !args.widgets_dir.join("baraza.js").is_file() {
        tracing::warn!(
            dir = %args.widgets_dir.display(),
            "no widget bundle found; build it with `cargo xtask dist` or widgets will not load"
        );
    }
    let request_timeout = Duration::from_secs(args.request_timeout);
    let config = HttpConfig {
        allowed_origins: args.allowed_origins,
        www_dir: args.www_dir,
        widgets_dir: args.widgets_dir,
        request_timeout,
        hsts: args.hsts,
    };
    let limits = ServeConfig {
        max_connections: args.max_connections as usize,
        header_read_timeout: Duration::from_secs(args.header_read_timeout),
        // No request runs longer than this, so waiting longer at shutdown gains nothing.
        drain_timeout: request_timeout,
    };
    let mut state = AppState::new(database).with_channels(ChannelSettings {
        phone_key: PhoneKey::load_or_create(&args.secret_file)?,
        country_code: args.sms_country_code.clone(),
        gateways: args.sms_gateways.clone(),
    });
    state = state.with_trusted_proxies(args.trusted_proxies.clone());
    if let Some(sendsms) = outgoing {
        state = state.with_outgoing_sms(sendsms);
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    // Scripts (the xtask demo, the browser tests) read this line to learn the address.
    println!("Baraza is serving http://{address}/");
    baraza_server::serve(listener, app(state, &config), &limits, shutdown_signal())
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

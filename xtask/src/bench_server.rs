//! `cargo xtask bench-server`: the HTTP server under load, on SQLite and on PostgreSQL.
//!
//! Builds the release server, seeds the demo polls into a fresh database, starts `baraza serve`
//! on loopback and drives it with wrk (`xtask/bench/server.lua`): ballots at 32 and 256
//! connections, results reads at 32 and 256, then, after `baraza seed load-test` has stored a
//! million ballots, results reads and ballots again. Each engine's table gives answers per
//! second, p50 and p99 latency, failures, and the server's peak resident memory (`VmHWM`).
//!
//! The load generator shares the machine with the server, so the figures are what one box can do
//! against itself, not the server's ceiling. The bench checks its own work: every ballot answer
//! must be 201 (a repeated voter token would be 409), every results answer 200, and the count the
//! server reports afterwards must match the 201s wrk saw.
//!
//! Unless `--skip-isso`, the same run then measures Isso, the comment server issue 6 compares
//! with (installed from PyPI into `target/bench-isso-venv/`, run under gunicorn with 2 workers × 4
//! threads): new comments and reads of a 20-comment thread at 32 connections, and prints Baraza's
//! ballots/s over Isso's comments/s against the target of at least 40×.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};

use crate::{cargo, describe, run};

mod isso;
mod processes;
mod report;

use isso::{IssoInstall, IssoServer};
use processes::{PostgresDatabase, Server, install_wrk};
use report::{Measurement, Report, System, print_reports};

/// The demo's main poll (single choice) and its option ids, from `demo_polls.json`.
const POLL: &str = "water-tariffs-2027";
const POLL_OPTIONS: [&str; 4] = ["flat-rate", "lifeline-block", "rising-blocks", "seasonal"];
/// Connection counts of every scenario: a busy day, and a surge.
const CONNECTIONS: [u32; 2] = [32, 256];
/// Isso's thread that wrk comments on, and the one it reads once it has [`ISSO_THREAD_COMMENTS`].
const ISSO_COMMENTS_THREAD: &str = "/thread";
const ISSO_READ_THREAD: &str = "/read-thread";
/// Comments of the thread Isso serves in the read run: the size issue 6 compared reads at.
const ISSO_THREAD_COMMENTS: u64 = 20;

/// Options of `cargo xtask bench-server`.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// Seconds of load per measured run.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// wrk threads (the load generator shares the machine with the server).
    #[arg(long, default_value_t = 2)]
    threads: u32,
    /// Databases to measure; both when not given.
    #[arg(long = "engine", value_enum)]
    engines: Vec<Engine>,
    /// Skip the runs with a million ballots stored (`baraza seed load-test`).
    #[arg(long)]
    skip_million: bool,
    /// Ballots stored by `baraza seed load-test` before the last runs.
    #[arg(long, default_value_t = 1_000_000)]
    stored_ballots: u64,
    /// PostgreSQL server (trust auth); the bench creates and drops its own database there.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres: String,
    /// Leave out the comparison with Isso (which needs python3 with venv and PyPI once).
    #[arg(long)]
    skip_isso: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub(super) fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// Runs the benchmark and prints one table per engine.
pub(crate) fn bench(root: &Path, options: &Options) -> anyhow::Result<()> {
    if options.duration == 0 || options.threads == 0 {
        bail!("--duration and --threads must be at least 1");
    }
    install_wrk()?;
    let target_dir =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    // Installed before any run, so that a missing Python fails at once and pip loads no run.
    let isso = if options.skip_isso {
        None
    } else {
        Some(isso::install(&target_dir.join("bench-isso-venv"))?)
    };
    run(cargo().args([
        "build",
        "--release",
        "--package",
        "baraza-server",
        "--bin",
        "baraza",
    ]))?;
    let bench = Bench {
        root,
        binary: target_dir.join("release/baraza"),
        script: root.join("xtask/bench/server.lua"),
        work_dir: target_dir.join(format!("tmp/bench-server-{}", std::process::id())),
        options,
        run_prefix: format!("bench{}x{}", std::process::id(), unix_seconds()),
    };
    let engines = if options.engines.is_empty() {
        vec![Engine::Sqlite, Engine::Postgres]
    } else {
        options.engines.clone()
    };
    recreate_dir(&bench.work_dir)?;
    // The machine may be shared: the tables say how busy it was when the runs began.
    let load_average = fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_owned(),
        |loads| {
            loads
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        },
    );
    let mut reports = Vec::new();
    let mut outcome = Ok(());
    for engine in engines {
        let mut report = Report::new(System::Baraza(engine));
        let result = bench.engine(engine, &mut report);
        // What was measured before a failure is still printed.
        reports.push(report);
        if let Err(error) = result {
            outcome = Err(error.context(format!("{} benchmark failed", engine.name())));
            break;
        }
    }
    if outcome.is_ok() {
        let mut report = Report::new(System::Isso);
        match &isso {
            Some(install) => outcome = bench.isso(install, &mut report),
            None => report.skipped = Some("skipped (--skip-isso)".to_owned()),
        }
        reports.push(report);
    }
    // Kept on failure: the server logs in it say what went wrong.
    if outcome.is_ok() {
        fs::remove_dir_all(&bench.work_dir).ok();
    }
    print_reports(&reports, options, &load_average);
    outcome?;
    let failures: Vec<String> = reports.iter().flat_map(Report::failures).collect();
    if !failures.is_empty() {
        bail!("unexpected answers:\n  {}", failures.join("\n  "));
    }
    Ok(())
}

struct Bench<'a> {
    root: &'a Path,
    binary: PathBuf,
    script: PathBuf,
    work_dir: PathBuf,
    options: &'a Options,
    /// Makes voter tokens unique across runs and bench invocations.
    run_prefix: String,
}
impl Bench<'_> {
    /// Measures Baraza on `engine` into `report`.
    fn engine(&self, engine: Engine, report: &mut Report) -> anyhow::Result<()> {
        let system = System::Baraza(engine);
        // Dropped when this function returns, whatever happened.
        let postgres = match engine {
            Engine::Sqlite => None,
            Engine::Postgres => Some(PostgresDatabase::create(&self.options.postgres)?),
        };
        let url = match &postgres {
            Some(database) => database.url(),
            None => format!("sqlite:{}", self.work_dir.join("bench.sqlite3").display()),
        };
        eprintln!("xtask: bench-server: {} at {url}", engine.name());
        if let Some(refusal) = self.seed_demo(&url)? {
            if engine == Engine::Postgres {
                eprintln!("xtask: bench-server: PostgreSQL skipped: {refusal}");
                report.skipped = Some(format!(
                    "skipped: the server refuses postgres URLs: {refusal}"
                ));
                return Ok(());
            }
            bail!("`baraza seed demo` refused {url}: {refusal}");
        }

        let server = self.start_server(&url, &format!("{}-surge", engine.name()))?;
        let mut stored = server.stored_ballots()?;
        let mut created = 0;
        let mut connections = 0;
        let warm_up = self.warm_up(&server, system, Mode::Ballots)?;
        created += warm_up.ok;
        connections += warm_up.connections;
        for count in CONNECTIONS {
            let measured = self.wrk(
                &server,
                system,
                Mode::Ballots,
                "ballots",
                count,
                self.duration(),
            )?;
            created += measured.ok;
            connections += measured.connections;
            report.runs.push(measured);
        }
        for count in CONNECTIONS {
            report.runs.push(self.wrk(
                &server,
                system,
                Mode::Results,
                "results",
                count,
                self.duration(),
            )?);
        }
        let after = server.stored_ballots()?;
        check_stored("ballots", stored, created, connections, after)?;
        stored = after;
        report.notes.push(format!(
            "{} ballots stored after the ballot runs, matching the 201 answers",
            report::thousands(stored)
        ));
        report
            .peak_rss
            .push(("ballots and results", server.peak_rss_bytes()?));
        server.stop()?;

        if self.options.skip_million {
            report
                .notes
                .push("runs with a million ballots stored skipped (--skip-million)".to_owned());
            return Ok(());
        }
        let ballots = self.options.stored_ballots;
        let started = Instant::now();
        let seeded = self.baraza_output(&[
            "seed",
            "load-test",
            "--poll",
            POLL,
            "--ballots",
            &ballots.to_string(),
            "--database",
            &url,
        ])?;
        match seeded {
            Ok(()) => {}
            Err(message) if message.contains("unrecognized subcommand") => bail!(
                "this server has no `baraza seed load-test` ({message}), so it cannot store \
                 {ballots} ballots quickly; rerun with --skip-million"
            ),
            Err(message) => bail!("`baraza seed load-test` failed: {message}"),
        }
        report.notes.push(format!(
            "`baraza seed load-test` stored {} ballots in {:.1} s",
            report::thousands(ballots),
            started.elapsed().as_secs_f64()
        ));
        let server = self.start_server(&url, &format!("{}-million", engine.name()))?;
        let before = server.stored_ballots()?;
        if before != stored + ballots {
            bail!(
                "after `seed load-test --ballots {ballots}` the server counts {before} ballots, expected {}",
                stored + ballots
            );
        }
        let label = million_label(ballots);
        self.warm_up(&server, system, Mode::Results)?;
        report.runs.push(self.wrk(
            &server,
            system,
            Mode::Results,
            label.results,
            32,
            self.duration(),
        )?);
        let measured = self.wrk(
            &server,
            system,
            Mode::Ballots,
            label.ballots,
            32,
            self.duration(),
        )?;
        let after = server.stored_ballots()?;
        check_stored("ballots", before, measured.ok, measured.connections, after)?;
        report.runs.push(measured);
        report
            .peak_rss
            .push((label.results, server.peak_rss_bytes()?));
        server.stop()
    }

    fn start_server(&self, url: &str, log_name: &str) -> anyhow::Result<Server> {
        Server::start(
            &self.binary,
            &self.root.join("www"),
            &self.work_dir,
            url,
            log_name,
        )
    }

    fn duration(&self) -> Duration {
        Duration::from_secs(self.options.duration)
    }

    /// Measures Isso into `report`: new comments, then reads of a thread of 20 comments.
    fn isso(&self, install: &IssoInstall, report: &mut Report) -> anyhow::Result<()> {
        eprintln!(
            "xtask: bench-server: isso {} under gunicorn {}",
            install.isso_version, install.gunicorn_version
        );
        let server = IssoServer::start(install, &self.work_dir)?;
        // Isso refuses a thread's first comment without a title, which wrk's comments carry too;
        // posted here, it also checks that Isso takes comments before any run.
        server.post_comment(ISSO_COMMENTS_THREAD, "The first comment of the thread.")?;
        for number in 1..=ISSO_THREAD_COMMENTS {
            server.post_comment(
                ISSO_READ_THREAD,
                &format!("Comment {number} of the thread that the read run serves."),
            )?;
        }
        let before = server.comment_count(ISSO_COMMENTS_THREAD)?;
        let warm_up = self.warm_up(&server, System::Isso, Mode::IssoComments)?;
        let measured = self.wrk(
            &server,
            System::Isso,
            Mode::IssoComments,
            "comments",
            32,
            self.duration(),
        )?;
        let after = server.comment_count(ISSO_COMMENTS_THREAD)?;
        check_stored(
            "comments",
            before,
            warm_up.ok + measured.ok,
            warm_up.connections + measured.connections,
            after,
        )?;
        report.runs.push(measured);
        report.notes.push(format!(
            "isso {} under gunicorn {} ({} workers × {} threads, --preload), SQLite, guard and \
             moderation off; {} comments stored after the comment run, matching the 201 answers",
            install.isso_version,
            install.gunicorn_version,
            isso::WORKERS,
            isso::THREADS_PER_WORKER,
            report::thousands(after),
        ));
        self.warm_up(&server, System::Isso, Mode::IssoThread)?;
        report.runs.push(self.wrk(
            &server,
            System::Isso,
            Mode::IssoThread,
            "thread of 20 comments",
            32,
            self.duration(),
        )?);
        let read_thread = server.comment_count(ISSO_READ_THREAD)?;
        if read_thread != ISSO_THREAD_COMMENTS {
            bail!("Isso's read thread has {read_thread} comments, expected {ISSO_THREAD_COMMENTS}");
        }
        server.stop()
    }

    /// A short unreported run at 32 connections, so the first measured run starts warm.
    fn warm_up(
        &self,
        server: &dyn LoadTarget,
        system: System,
        mode: Mode,
    ) -> anyhow::Result<Measurement> {
        let duration = Duration::from_secs(self.options.duration.min(2));
        let measured = self.wrk(server, system, mode, "warm-up", 32, duration)?;
        if let Some(failure) = measured.failure() {
            bail!("{failure}");
        }
        Ok(measured)
    }

    /// `Ok(None)` when seeded; `Ok(Some(reason))` when the server refused the database URL.
    fn seed_demo(&self, url: &str) -> anyhow::Result<Option<String>> {
        match self.baraza_output(&["seed", "demo", "--database", url])? {
            Ok(()) => Ok(None),
            Err(message) if message.to_lowercase().contains("not supported") => Ok(Some(message)),
            Err(message) => bail!("`baraza seed demo --database {url}` failed: {message}"),
        }
    }

    /// Runs `baraza ARGS`: `Ok(Err(its error line))` when it fails.
    fn baraza_output(&self, args: &[&str]) -> anyhow::Result<Result<(), String>> {
        let mut command = Command::new(&self.binary);
        command.args(args).current_dir(&self.work_dir);
        eprintln!("xtask: {}", describe(&command));
        let output = command
            .output()
            .with_context(|| format!("cannot start {}", describe(&command)))?;
        if output.status.success() {
            return Ok(Ok(()));
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        // anyhow prints `Error: …`, clap `error: …`; otherwise the last line says most.
        let error_line = stderr
            .lines()
            .find(|line| line.to_lowercase().starts_with("error"))
            .or_else(|| stderr.lines().rev().find(|line| !line.trim().is_empty()));
        let message = error_line.unwrap_or("no message").trim();
        let message = ["Error: ", "error: "]
            .iter()
            .find_map(|prefix| message.strip_prefix(prefix))
            .unwrap_or(message);
        Ok(Err(message.to_owned()))
    }

    /// One wrk run against `server`.
    fn wrk(
        &self,
        server: &dyn LoadTarget,
        system: System,
        mode: Mode,
        scenario: &'static str,
        connections: u32,
        duration: Duration,
    ) -> anyhow::Result<Measurement> {
        let run_id = format!(
            "{}{}c{connections}{}",
            self.run_prefix,
            system.name(),
            unix_millis()
        );
        let address = server.address();
        // The script's arguments after MODE TARGET RUN (see xtask/bench/server.lua).
        let (target, extra): (&str, Vec<String>) = match mode {
            Mode::Ballots => (POLL, POLL_OPTIONS.map(str::to_owned).to_vec()),
            Mode::Results => (POLL, Vec::new()),
            Mode::IssoComments => (ISSO_COMMENTS_THREAD, vec![format!("http://{address}")]),
            Mode::IssoThread => (ISSO_READ_THREAD, Vec::new()),
        };
        let mut command = Command::new("wrk");
        command
            .arg(format!(
                "--threads={}",
                self.options.threads.min(connections)
            ))
            .arg(format!("--connections={connections}"))
            .arg(format!("--duration={}s", duration.as_secs()))
            // Slow answers should show in the latency, not vanish as timeouts.
            .arg("--timeout=10s")
            .arg("--script")
            .arg(&self.script)
            .arg(format!("http://{address}"))
            .args(["--", mode.script_argument(), target, &run_id])
            .args(extra);
        eprintln!("xtask: {}", describe(&command));
        let server_cpu_before = server.cpu_seconds()?;
        let waited_children_cpu_before = processes::waited_children_cpu_seconds()?;
        let output = command
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("cannot start {}", describe(&command)))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            bail!(
                "{} failed with {}:\n{stdout}",
                describe(&command),
                output.status
            );
        }
        let line = stdout
            .lines()
            .find(|line| line.starts_with("baraza-bench "))
            .with_context(|| format!("wrk printed no baraza-bench line:\n{stdout}"))?;
        let mut measurement =
            Measurement::parse(line, system, scenario, connections, mode.expected_status())?;
        // wrk is the only child waited for meanwhile, so the children's CPU time grew by its own.
        let wrk_cpu = processes::waited_children_cpu_seconds()? - waited_children_cpu_before;
        let server_cpu = server.cpu_seconds()? - server_cpu_before;
        measurement.server_cores = server_cpu / measurement.seconds;
        measurement.wrk_cores = wrk_cpu / measurement.seconds;
        eprintln!("xtask: bench-server: {}", measurement.summary());
        Ok(measurement)
    }
}

/// A server wrk drives: where it listens, and the CPU it has used so far.
trait LoadTarget {
    fn address(&self) -> &str;
    fn cpu_seconds(&self) -> anyhow::Result<f64>;
}

impl LoadTarget for Server {
    fn address(&self) -> &str {
        &self.address
    }

    fn cpu_seconds(&self) -> anyhow::Result<f64> {
        Server::cpu_seconds(self)
    }
}

impl LoadTarget for IssoServer {
    fn address(&self) -> &str {
        &self.address
    }

    fn cpu_seconds(&self) -> anyhow::Result<f64> {
        Ok(IssoServer::cpu_seconds(self))
    }
}

/// What each request of a run does.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// POST a ballot with a fresh voter token: 201 expected.
    Ballots,
    /// GET the poll's results: 200 expected.
    Results,
    /// POST a new comment to Isso's thread: 201 expected.
    IssoComments,
    /// GET Isso's thread of 20 comments: 200 expected.
    IssoThread,
}

impl Mode {
    fn script_argument(self) -> &'static str {
        match self {
            Mode::Ballots => "ballots",
            Mode::Results => "results",
            Mode::IssoComments => "isso-comments",
            Mode::IssoThread => "isso-thread",
        }
    }

    fn expected_status(self) -> u16 {
        match self {
            Mode::Ballots | Mode::IssoComments => 201,
            Mode::Results | Mode::IssoThread => 200,
        }
    }
}

/// The server counts at least the 201s wrk saw, and at most one more per connection: wrk stops
/// without waiting for the answers still in flight, which the server may have stored.
fn check_stored(
    what: &str,
    before: u64,
    created: u64,
    connections: u64,
    after: u64,
) -> anyhow::Result<()> {
    if after < before + created || after > before + created + connections {
        bail!(
            "the server counts {after} {what}; expected {} (+ at most {connections} in flight when wrk stopped)",
            before + created
        );
    }
    Ok(())
}

struct MillionLabel {
    results: &'static str,
    ballots: &'static str,
}

fn million_label(ballots: u64) -> MillionLabel {
    if ballots == 1_000_000 {
        MillionLabel {
            results: "results, 1M stored",
            ballots: "ballots, 1M stored",
        }
    } else {
        MillionLabel {
            results: "results, --stored-ballots",
            ballots: "ballots, --stored-ballots",
        }
    }
}

fn recreate_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

fn unix_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis())
}

#[cfg(test)]
mod tests {
    use super::check_stored;

    #[test]
    fn stored_ballots_may_exceed_the_201s_by_the_answers_in_flight_only() {
        assert!(check_stored("ballots", 100, 50, 32, 150).is_ok());
        assert!(check_stored("ballots", 100, 50, 32, 182).is_ok());
        assert!(
            check_stored("ballots", 100, 50, 32, 183).is_err(),
            "more than one extra per connection"
        );
        assert!(
            check_stored("ballots", 100, 50, 32, 149).is_err(),
            "fewer than the 201s seen"
        );
    }
}

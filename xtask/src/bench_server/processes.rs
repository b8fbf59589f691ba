//! The processes the bench drives: Baraza's server, wrk's installation, and a PostgreSQL
//! database (Isso's are in `isso.rs`).

use std::fs;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use super::{POLL, unix_seconds};
use crate::{describe, run};

/// How long to wait for the server to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// wrk from Debian's packages, unless one is on PATH already.
pub(super) fn install_wrk() -> anyhow::Result<()> {
    let on_path = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("wrk").is_file()));
    if on_path {
        return Ok(());
    }
    run(Command::new("apt-get").args(["update", "-qq"]))
        .context("installing wrk needs apt-get (as root); or install Debian's wrk package")?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends", "wrk"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// A running `baraza serve`, stopped (killed if need be) when dropped.
pub(super) struct Server {
    child: Child,
    /// `IP:PORT` the server listens on.
    pub(super) address: String,
}

impl Server {
    /// Starts `baraza serve` on a free loopback port, logging to `WORK_DIR/LOG_NAME.log`.
    pub(super) fn start(
        binary: &Path,
        www_dir: &Path,
        work_dir: &Path,
        url: &str,
        log_name: &str,
    ) -> anyhow::Result<Self> {
        let log_path = work_dir.join(format!("{log_name}.log"));
        let log = fs::File::create(&log_path)
            .with_context(|| format!("creating {}", log_path.display()))?;
        let mut command = Command::new(binary);
        command
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database",
                url,
                "--allowed-origins",
                "*",
            ])
            .arg("--www-dir")
            .arg(www_dir)
            .arg("--widgets-dir")
            .arg(work_dir.join("no-widgets"))
            .current_dir(work_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        eprintln!("xtask: {}", describe(&command));
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start {}", describe(&command)))?;
        let stdout = child.stdout.take().context("server stdout is piped")?;
        let (sender, receiver) = mpsc::channel();
        // Reads the address line, then keeps draining stdout so the server never blocks on it.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("Baraza is serving http://") {
                    sender.send(rest.trim_end_matches('/').to_owned()).ok();
                }
            }
        });
        let mut server = Self {
            child,
            address: String::new(),
        };
        match receiver.recv_timeout(START_TIMEOUT) {
            Ok(address) => server.address = address,
            Err(_) => {
                let status = server.child.try_wait().ok().flatten();
                bail!(
                    "the server did not print its address ({}); its log is {}",
                    status.map_or_else(
                        || "still running".to_owned(),
                        |status| format!("exited with {status}")
                    ),
                    log_path.display()
                );
            }
        }
        Ok(server)
    }

    /// `total_ballots` of the demo poll's results, over a plain HTTP/1.1 request.
    pub(super) fn stored_ballots(&self) -> anyhow::Result<u64> {
        let mut stream = TcpStream::connect(&self.address)
            .with_context(|| format!("connecting to {}", self.address))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        write!(
            stream,
            "GET /api/v1/polls/{POLL}/results HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )?;
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .context("reading the results")?;
        let (head, body) = response
            .split_once("\r\n\r\n")
            .context("no end of headers in the results answer")?;
        if !head.starts_with("HTTP/1.1 200") {
            bail!(
                "results answered `{}`",
                head.lines().next().unwrap_or_default()
            );
        }
        let results: serde_json::Value =
            serde_json::from_str(body).context("results are not JSON")?;
        results["total_ballots"]
            .as_u64()
            .context("results have no total_ballots")
    }

    /// CPU time (user + system) the server has used so far.
    pub(super) fn cpu_seconds(&self) -> anyhow::Result<f64> {
        let fields = stat_fields(&format!("/proc/{}/stat", self.child.id()))?;
        Ok(ticks_to_seconds(&fields, &[UTIME, STIME]))
    }

    /// The process's peak resident set (`VmHWM` in /proc), in bytes.
    pub(super) fn peak_rss_bytes(&self) -> anyhow::Result<u64> {
        let path = format!("/proc/{}/status", self.child.id());
        let status = fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().strip_suffix("kB"))
            .and_then(|value| value.trim().parse().ok())
            .with_context(|| format!("no VmHWM in {path}"))?;
        Ok(kib * 1024)
    }

    /// SIGTERM (the server shuts down gracefully), then a kill if it takes over 10 s.
    pub(super) fn stop(mut self) -> anyhow::Result<()> {
        run(Command::new("kill").args(["-TERM", &self.child.id().to_string()]))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                if !status.success() {
                    bail!("the server exited with {status} when asked to stop");
                }
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("the server did not stop within 10 s of SIGTERM; killed")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}

/// A database of its own on the PostgreSQL server, dropped when this is dropped (also on failure).
pub(super) struct PostgresDatabase {
    server: String,
    name: String,
}

/// Names of the bench's databases: `baraza_bench_<pid>_<unix seconds>`.
const DATABASE_PREFIX: &str = "baraza_bench_";

/// Drops the databases of earlier runs on this machine whose process is gone: a run stopped by
/// Ctrl-C ends without dropping its database. Only on loopback, where the pid in a name is ours.
fn drop_interrupted_runs(server: &str) {
    let on_loopback = [
        "@127.0.0.1",
        "@localhost",
        "@[::1]",
        "://127.0.0.1",
        "://localhost",
    ]
    .iter()
    .any(|host| server.contains(host));
    if !on_loopback {
        return;
    }
    let sql =
        format!("SELECT datname FROM pg_database WHERE starts_with(datname, '{DATABASE_PREFIX}')");
    let Ok(names) = psql_query(server, &sql) else {
        return;
    };
    for name in names.lines() {
        let pid = name
            .strip_prefix(DATABASE_PREFIX)
            .and_then(|rest| rest.split('_').next());
        let process_gone = pid.is_some_and(|pid| !Path::new("/proc").join(pid).exists());
        if process_gone {
            eprintln!("xtask: bench-server: dropping {name}, left by an interrupted run");
            if let Err(error) = psql(
                server,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ) {
                eprintln!("xtask: bench-server: could not drop {name}: {error:#}");
            }
        }
    }
}

impl PostgresDatabase {
    pub(super) fn create(server: &str) -> anyhow::Result<Self> {
        let server = server.trim_end_matches('/').to_owned();
        drop_interrupted_runs(&server);
        let name = format!("{DATABASE_PREFIX}{}_{}", std::process::id(), unix_seconds());
        psql(&server, &format!("CREATE DATABASE {name}")).with_context(|| {
            format!("cannot create a database on {server}; is PostgreSQL running? (--engine sqlite skips it)")
        })?;
        Ok(Self { server, name })
    }

    pub(super) fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = psql(&self.server, &sql) {
            eprintln!(
                "xtask: bench-server: could not drop database {}: {error:#}",
                self.name
            );
        }
    }
}

/// Runs one query and returns its rows, one a line, fields unaligned.
fn psql_query(server: &str, sql: &str) -> anyhow::Result<String> {
    let mut command = Command::new("psql");
    command
        .args(["--no-psqlrc", "--quiet", "--tuples-only", "--no-align"])
        .arg(format!("--dbname={server}/postgres"))
        .args(["--command", sql]);
    let output = command
        .output()
        .with_context(|| format!("cannot start {}", describe(&command)))?;
    if !output.status.success() {
        bail!(
            "{} failed: {}",
            describe(&command),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn psql(server: &str, sql: &str) -> anyhow::Result<()> {
    run(Command::new("psql")
        .args(["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"])
        .arg(format!("--dbname={server}/postgres"))
        .args(["--command", sql]))
}

/// Fields of /proc/PID/stat counted from the first one after the command name, which is in
/// parentheses and may hold spaces: index 0 is field 3 (`state`) of proc(5).
pub(super) fn stat_fields(path: &str) -> anyhow::Result<Vec<u64>> {
    let stat = fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let (_, after_name) = stat
        .rsplit_once(')')
        .with_context(|| format!("no command name in {path}"))?;
    Ok(after_name
        .split_whitespace()
        .map(|field| field.parse().unwrap_or(0))
        .collect())
}

/// proc(5) fields 14 to 17, as indices of [`stat_fields`].
pub(super) const UTIME: usize = 11;
pub(super) const STIME: usize = 12;
const CHILDREN_UTIME: usize = 13;
const CHILDREN_STIME: usize = 14;

pub(super) fn ticks_to_seconds(fields: &[u64], indices: &[usize]) -> f64 {
    // Linux reports these in USER_HZ, which is 100 on every architecture it runs on today.
    const TICKS_PER_SECOND: f64 = 100.0;
    let ticks: u64 = indices
        .iter()
        .map(|&index| fields.get(index).copied().unwrap_or(0))
        .sum();
    ticks as f64 / TICKS_PER_SECOND
}

/// CPU time of this process's children that have ended and been waited for.
pub(super) fn waited_children_cpu_seconds() -> anyhow::Result<f64> {
    let fields = stat_fields("/proc/self/stat")?;
    Ok(ticks_to_seconds(&fields, &[CHILDREN_UTIME, CHILDREN_STIME]))
}

//! Isso, the comment server issue 6 compares Baraza with: its installation in a Python venv, and
//! a running Isso under gunicorn, configured as the issue measured it (2 workers × 4 threads).

use std::fs;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use super::processes::{STIME, UTIME, stat_fields, ticks_to_seconds};
use crate::{describe, run};

/// The Isso release measured; pinned so reruns compare with the same server.
const ISSO_VERSION: &str = "0.14.0";
/// gunicorn's workers and threads per worker, as in the issue's own measurement of Isso.
pub(super) const WORKERS: u32 = 2;
pub(super) const THREADS_PER_WORKER: u32 = 4;
/// How long to wait for gunicorn to answer after it starts.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// gunicorn's own graceful timeout is 30 s; the workers are idle when asked to stop.
const STOP_TIMEOUT: Duration = Duration::from_secs(35);

/// Isso and gunicorn installed in a venv of their own.
pub(super) struct IssoInstall {
    venv: PathBuf,
    pub(super) isso_version: String,
    pub(super) gunicorn_version: String,
}

/// Creates `VENV` with Isso and gunicorn from PyPI, or reuses it when it already has this Isso.
pub(super) fn install(venv: &Path) -> anyhow::Result<IssoInstall> {
    let python = venv.join("bin/python");
    let installed = package_version(&python, "isso").ok();
    let has_gunicorn = venv.join("bin/gunicorn").is_file();
    if installed.as_deref() != Some(ISSO_VERSION) || !has_gunicorn {
        if !python.is_file() {
            run(Command::new("python3").args(["-m", "venv"]).arg(venv)).context(
                "creating a Python venv for Isso needs python3 with venv (Debian's python3-venv); \
                 --skip-isso leaves Isso out",
            )?;
        }
        run(Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("isso=={ISSO_VERSION}"),
            "gunicorn",
        ]))
        .context("installing Isso and gunicorn from PyPI; --skip-isso leaves Isso out")?;
    }
    Ok(IssoInstall {
        venv: venv.to_owned(),
        isso_version: package_version(&python, "isso")?,
        gunicorn_version: package_version(&python, "gunicorn")?,
    })
}

fn package_version(python: &Path, package: &str) -> anyhow::Result<String> {
    let mut command = Command::new(python);
    command.args([
        "-c",
        &format!("import importlib.metadata as m; print(m.version('{package}'))"),
    ]);
    let output = command
        .output()
        .with_context(|| format!("cannot start {}", describe(&command)))?;
    if !output.status.success() {
        bail!("{package} is not installed in {}", python.display());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// A running Isso: gunicorn's master in a process group of its own with its workers, all stopped
/// (killed if need be) when dropped.
pub(super) struct IssoServer {
    master: Child,
    /// `IP:PORT` the server listens on.
    pub(super) address: String,
}

impl IssoServer {
    /// Writes Isso's configuration into `WORK_DIR` (its database beside it, guard and moderation
    /// off so that every comment is published at once) and starts gunicorn on a free port.
    pub(super) fn start(install: &IssoInstall, work_dir: &Path) -> anyhow::Result<Self> {
        // Isso checks each request's Origin against `host`, so the port is chosen here.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .context("finding a free port for Isso")?
            .port();
        let address = format!("127.0.0.1:{port}");
        let config_path = work_dir.join("isso.cfg");
        let config = format!(
            "[general]\ndbpath = {}\nhost = http://{address}/\n\n[server]\nlisten = http://{address}/\n\n\
             [guard]\nenabled = false\nrequire-author = false\nrequire-email = false\n\n\
             [moderation]\nenabled = false\n",
            work_dir.join("isso-comments.db").display()
        );
        fs::write(&config_path, config)
            .with_context(|| format!("writing {}", config_path.display()))?;
        let log_path = work_dir.join("isso.log");
        let log = fs::File::create(&log_path)
            .with_context(|| format!("creating {}", log_path.display()))?;
        let mut command = Command::new(install.venv.join("bin/gunicorn"));
        command
            .args(["--bind", &address])
            .arg(format!("--workers={WORKERS}"))
            .arg(format!("--threads={THREADS_PER_WORKER}"))
            .args(["--preload", "isso.run"])
            .env("ISSO_SETTINGS", &config_path)
            .current_dir(work_dir)
            // Its own group, so that stopping it reaches every worker.
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        eprintln!("xtask: {}", describe(&command));
        let master = command
            .spawn()
            .with_context(|| format!("cannot start {}", describe(&command)))?;
        let mut server = Self { master, address };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = server.master.try_wait()? {
                bail!(
                    "Isso's gunicorn exited with {status} on start; its log is {}",
                    log_path.display()
                );
            }
            if matches!(server.request("GET", "/?uri=%2F", ""), Ok((200, _))) {
                return Ok(server);
            }
            if Instant::now() > deadline {
                bail!(
                    "Isso did not answer within {} s; its log is {}",
                    START_TIMEOUT.as_secs(),
                    log_path.display()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Posts one comment to the thread at `uri`; the first comment of a thread needs a title.
    pub(super) fn post_comment(&self, uri: &str, text: &str) -> anyhow::Result<()> {
        let body = serde_json::json!({ "text": text, "author": "bench", "title": "Thread" });
        let path = format!("/new?uri={}", uri.replace('/', "%2F"));
        let (status, answer) = self.request("POST", &path, &body.to_string())?;
        if status != 201 {
            bail!("Isso answered {status} to a new comment on {uri}: {answer}");
        }
        Ok(())
    }

    /// The number of comments on the thread at `uri` (`POST /count`).
    pub(super) fn comment_count(&self, uri: &str) -> anyhow::Result<u64> {
        let body = serde_json::json!([uri]).to_string();
        let (status, answer) = self.request("POST", "/count", &body)?;
        if status != 200 {
            bail!("Isso answered {status} to /count: {answer}");
        }
        let counts: Vec<u64> = serde_json::from_str(&answer)
            .with_context(|| format!("Isso's /count answered `{answer}`"))?;
        counts
            .first()
            .copied()
            .with_context(|| format!("Isso's /count answered `{answer}`"))
    }

    /// One HTTP/1.1 request with the Origin Isso expects: the status and the body.
    fn request(&self, method: &str, path: &str, body: &str) -> anyhow::Result<(u16, String)> {
        let mut stream = TcpStream::connect(&self.address)
            .with_context(|| format!("connecting to {}", self.address))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len(),
            address = self.address,
        )?;
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .with_context(|| format!("reading Isso's answer to {method} {path}"))?;
        let (head, body) = response
            .split_once("\r\n\r\n")
            .with_context(|| format!("no end of headers in Isso's answer to {method} {path}"))?;
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|status| status.parse().ok())
            .with_context(|| format!("no status in Isso's answer `{head}`"))?;
        Ok((status, body.to_owned()))
    }

    /// The pids of gunicorn's master and workers (the master's process group).
    fn processes(&self) -> Vec<u32> {
        let group = u64::from(self.master.id());
        let Ok(entries) = fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                // Index 2 of the fields after the command name is the process group (proc(5)).
                stat_fields(&format!("/proc/{pid}/stat"))
                    .is_ok_and(|fields| fields.get(2) == Some(&group))
            })
            .collect()
    }

    /// CPU time (user + system) the master and its workers have used so far.
    pub(super) fn cpu_seconds(&self) -> f64 {
        self.processes()
            .iter()
            .filter_map(|pid| stat_fields(&format!("/proc/{pid}/stat")).ok())
            .map(|fields| ticks_to_seconds(&fields, &[UTIME, STIME]))
            .sum()
    }

    /// SIGTERM to the master (it stops its workers gracefully), then checks none is left.
    pub(super) fn stop(mut self) -> anyhow::Result<()> {
        run(Command::new("kill").args(["-TERM", &self.master.id().to_string()]))?;
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.master.try_wait()? {
                let left = self.processes();
                if !left.is_empty() {
                    bail!("gunicorn's master exited but left workers {left:?}; killed");
                }
                if !status.success() {
                    bail!("Isso's gunicorn exited with {status} when asked to stop");
                }
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!(
            "Isso's gunicorn did not stop within {} s of SIGTERM; killed",
            STOP_TIMEOUT.as_secs()
        )
    }
}

impl Drop for IssoServer {
    fn drop(&mut self) {
        if !self.processes().is_empty() {
            // `kill -- -PGID` signals the whole group: the master and any worker it left.
            Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.master.id())])
                .stderr(Stdio::null())
                .status()
                .ok();
        }
        self.master.wait().ok();
    }
}

//! The real `baraza` binary: demo data only when asked, and logs fit for files and collectors.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

/// Longest the binary may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `baraza serve`, killed when dropped, with its stderr collected by a thread.
struct Baraza {
    child: Child,
    address: String,
    stderr: Option<thread::JoinHandle<String>>,
    _dir: TempDir,
}

impl Baraza {
    /// Starts `baraza serve` on a free port with a fresh database and empty static folders,
    /// adding `extra` arguments; stderr is a pipe, as under a service manager.
    fn start(extra: &[&str], env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let database = format!("sqlite:{}", dir.path().join("baraza.sqlite3").display());
        let www = dir.path().join("www");
        let widgets = dir.path().join("widgets");
        std::fs::create_dir(&www).expect("www dir");
        std::fs::create_dir(&widgets).expect("widgets dir");
        let mut command = Command::new(env!("CARGO_BIN_EXE_baraza"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--database", &database])
            .arg("--www-dir")
            .arg(&www)
            .arg("--widgets-dir")
            .arg(&widgets)
            .arg("--secret-file")
            .arg(dir.path().join("secret.key"))
            .args(extra)
            .env_remove("BARAZA_LOG_FORMAT")
            .env_remove("BARAZA_DEMO")
            .env("BARAZA_LOG", "info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the baraza binary starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let stderr = thread::spawn(move || {
            let mut text = String::new();
            // A kill may cut the pipe mid-line; what was read so far is what counts.
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let (found, address) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("Baraza is serving http://") {
                    let _ = found.send(rest.trim_end_matches('/').to_owned());
                }
            }
        });
        let Ok(address) = address.recv_timeout(START_TIMEOUT) else {
            // Say why it did not start: what it wrote on stderr.
            let _ = child.kill();
            let _ = child.wait();
            let log = stderr.join().unwrap_or_default();
            panic!("the binary did not print `Baraza is serving http://ADDR/`; its log:\n{log}");
        };
        Self {
            child,
            address,
            stderr: Some(stderr),
            _dir: dir,
        }
    }

    /// Sends a GET and returns the status code and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("read timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: baraza.test\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response");
        let status = response
            .get(9..12)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"));
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    /// Stops the server and returns everything it wrote to stderr.
    fn stop(mut self) -> String {
        self.child.kill().expect("kill the server");
        self.child.wait().expect("server exits");
        self.stderr
            .take()
            .expect("stderr collected once")
            .join()
            .expect("stderr thread")
    }
}

impl Drop for Baraza {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const DEMO_POLLS: [&str; 3] = [
    "water-tariffs-2027",
    "water-priorities-2027",
    "kiosk-hours-2026",
];

#[test]
fn plain_serve_leaves_an_empty_database_empty() {
    let server = Baraza::start(&[], &[]);

    for slug in DEMO_POLLS {
        let (status, body) = server.get(&format!("/api/v1/polls/{slug}"));
        assert_eq!(status, 404, "{slug}: {body}");
    }
    server.stop();
}

#[test]
fn serve_with_demo_loads_the_demo_polls_before_serving() {
    let server = Baraza::start(&["--demo"], &[]);

    for slug in DEMO_POLLS {
        let (status, body) = server.get(&format!("/api/v1/polls/{slug}"));
        assert_eq!(status, 200, "{slug}: {body}");
    }
    let (_, results) = server.get("/api/v1/polls/kiosk-hours-2026/results");
    let results: Value = serde_json::from_str(&results).expect("results JSON");
    assert_eq!(results["total_ballots"], 23, "{results}");
    server.stop();
}

#[test]
fn text_logs_to_a_pipe_carry_no_colour_codes() {
    let server = Baraza::start(&["--demo"], &[]);
    let (status, _) = server.get("/api/v1/health");
    assert_eq!(status, 200);

    let log = server.stop();

    // Both lines are written before the server prints its address.
    assert!(log.contains("seeded the demo polls"), "{log}");
    assert!(log.contains("no widget bundle found"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escape in piped logs: {log:?}"
    );
}

#[test]
fn json_log_format_writes_one_json_object_a_line() {
    for (args, env) in [
        (&["--demo", "--log-format", "json"][..], &[][..]),
        (&["--demo"][..], &[("BARAZA_LOG_FORMAT", "json")][..]),
    ] {
        let server = Baraza::start(args, env);

        let log = server.stop();

        let lines: Vec<Value> = log
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"))
            })
            .collect();
        assert!(lines.len() >= 2, "{args:?} {env:?}: {log}");
        let messages: Vec<&str> = lines
            .iter()
            .map(|line| {
                assert!(line["timestamp"].is_string(), "{line}");
                assert!(line["level"].is_string(), "{line}");
                line["fields"]["message"].as_str().expect("a message field")
            })
            .collect();
        assert!(messages.contains(&"seeded the demo polls"), "{messages:?}");
        assert!(
            lines
                .iter()
                .any(|line| line["level"] == "WARN" && line["fields"]["dir"].is_string()),
            "the missing-bundle warning keeps its fields: {log}"
        );
    }
}

#[test]
fn invalid_limits_are_refused_with_a_message() {
    for args in [
        &["--max-connections", "0"][..],
        &["--request-timeout", "0"][..],
        &["--header-read-timeout", "0"][..],
        &["--log-format", "xml"][..],
    ] {
        let secrets = tempfile::tempdir().expect("temporary directory");
        let mut child = Command::new(env!("CARGO_BIN_EXE_baraza"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .args(["--database", "sqlite::memory:"])
            .arg("--secret-file")
            .arg(secrets.path().join("secret.key"))
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        // Polled rather than awaited: a regression that accepts the value would serve for ever.
        let deadline = std::time::Instant::now() + START_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("child status") {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("{args:?} accepted: the server started");
            }
            thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("piped stderr")
            .read_to_string(&mut stderr)
            .expect("stderr readable");

        assert!(!status.success(), "{args:?} accepted");
        assert!(stderr.contains(args[0]), "{args:?}: {stderr}");
    }
}

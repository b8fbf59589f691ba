//! SMS through the real gateway: Kannel's `bearerbox` and `smsbox` (Debian's `kannel`) with a
//! `fakesmsc` phone simulator (`kannel-extras`), in front of the real `baraza serve --demo`.
//! A phone answers the demo poll, the answer is counted beside a web vote, a second message from
//! the same phone counts nothing, and the phone number reaches neither the database nor the log.
//!
//! `cargo xtask test` installs Kannel from Debian's packages. Elsewhere, without it, this test
//! says loudly that it checked nothing — and fails when `CI` or `BARAZA_REQUIRE_KANNEL=1` is set.

mod support;

use std::io::{BufRead as _, BufReader, Read as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BEARERBOX: &str = "/usr/sbin/bearerbox";
const SMSBOX: &str = "/usr/sbin/smsbox";
const FAKESMSC: &str = "/usr/lib/kannel/test/fakesmsc";
const PHONE: &str = "254700111222";
const SHORT_CODE: &str = "22555";

/// Kills the process (and waits for it) when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

fn kannel_installed() -> bool {
    if [BEARERBOX, SMSBOX, FAKESMSC]
        .iter()
        .all(|p| Path::new(p).exists())
    {
        return true;
    }
    let required = std::env::var("BARAZA_REQUIRE_KANNEL").is_ok_and(|v| v == "1")
        || std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    assert!(
        !required,
        "Kannel is not installed ({BEARERBOX}, {SMSBOX}, {FAKESMSC}): \
         apt-get install kannel kannel-extras (cargo xtask test does it)"
    );
    eprintln!("*** SKIPPED: Kannel is not installed; nothing was checked. Run `cargo xtask test`.");
    false
}

/// `baraza serve --demo` on a fresh SQLite file; returns the process, its base URL and the file
/// its log goes to.
fn start_baraza(dir: &Path) -> (Running, String, PathBuf) {
    let log = dir.join("baraza.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_baraza"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .arg("--database")
        .arg(format!("sqlite:{}", dir.join("baraza.sqlite3").display()))
        .arg("--secret-file")
        .arg(dir.join("secret.key"))
        .args(["--sms-country-code", "254"])
        // Everything, so the check that no phone number is logged means something.
        .env("BARAZA_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("start baraza");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("serving line");
    let base = line
        .trim()
        .strip_prefix("Baraza is serving ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    (Running(child), base, log)
}

/// Writes a Kannel configuration whose `sms-service` calls Baraza's endpoint, and starts
/// `bearerbox` and `smsbox`; returns them and the port of the fake SMS centre.
fn start_kannel(dir: &Path, baraza: &str) -> (Running, Running, u16) {
    let (admin, smsbox_port, smsc, sendsms) = (free_port(), free_port(), free_port(), free_port());
    let config = dir.join("kannel.conf");
    std::fs::write(
        &config,
        format!(
            r#"group = core
admin-port = {admin}
admin-password = test
smsbox-port = {smsbox_port}
box-allow-ip = 127.0.0.1
log-file = "{dir}/bearerbox.log"
log-level = 0

group = smsc
smsc = fake
smsc-id = fake
port = {smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms}
log-file = "{dir}/smsbox.log"
log-level = 0

group = sms-service
keyword = default
get-url = "{baraza}/channels/sms/kannel?from=%p&text=%a"
max-messages = 3
concatenation = true
"#,
            dir = dir.display()
        ),
    )
    .expect("kannel.conf");
    let quiet = || Stdio::null();
    let bearerbox = Running(
        Command::new(BEARERBOX)
            .arg(&config)
            .stdout(quiet())
            .stderr(quiet())
            .spawn()
            .expect("start bearerbox"),
    );
    wait_for_port(smsbox_port);
    let smsbox = Running(
        Command::new(SMSBOX)
            .arg(&config)
            .stdout(quiet())
            .stderr(quiet())
            .spawn()
            .expect("start smsbox"),
    );
    wait_for_port(sendsms);
    (bearerbox, smsbox, smsc)
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends one SMS from `phone` through `fakesmsc` and returns the reply Kannel delivered back and
/// the number of messages it took, read from fakesmsc's output: `Got message N: <SHORT_CODE PHONE
/// text REPLY>` for one message, or one `… udh UDH data URL-ENCODED>` line per part of a
/// concatenated reply.
fn send_sms(smsc: u16, phone: &str, text: &str) -> (String, usize) {
    let mut child = Command::new(FAKESMSC)
        .args([
            "-H",
            "127.0.0.1",
            "-r",
            &smsc.to_string(),
            "-i",
            "0.1",
            "-m",
            "1",
        ])
        .arg(format!("{phone} {SHORT_CODE} text {text}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start fakesmsc");
    // fakesmsc does not exit after sending: read until the whole reply arrived, then stop it.
    let stderr = child.stderr.take().expect("stderr");
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let prefix = format!("{SHORT_CODE} {phone} ");
    let mut seen = Vec::new();
    let mut parts: Vec<(u8, String)> = Vec::new();
    let reply = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = received.recv_timeout(left) else {
            panic!(
                "no whole reply to {text:?} within 20 s; fakesmsc said:\n{}",
                seen.join("\n")
            );
        };
        let Some(at) = line.find("Got message") else {
            seen.push(line);
            continue;
        };
        let message = &line[at..];
        let start = message.find('<').expect("message start") + 1;
        let end = message.rfind('>').expect("message end");
        let body = message[start..end]
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("unexpected message {message:?}"));
        if let Some(single) = body.strip_prefix("text ") {
            break (single.to_owned(), 1);
        }
        let (udh, data) = body
            .strip_prefix("udh ")
            .and_then(|rest| rest.split_once(" data "))
            .unwrap_or_else(|| panic!("unexpected message {body:?}"));
        // Concatenation header: 05 00 03 reference total sequence.
        let header = percent_decode(udh);
        let (total, sequence) = (header[4], header[5]);
        parts.push((
            sequence,
            String::from_utf8_lossy(&percent_decode(data)).into_owned(),
        ));
        if parts.len() == usize::from(total) {
            parts.sort();
            break (parts.iter().map(|(_, p)| p.as_str()).collect(), parts.len());
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    reply
}

/// Kannel's URL encoding of message data (`%XX`, `+` for a space).
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                decoded.push(u8::from_str_radix(hex, 16).expect("hex digits"));
                i += 3;
            }
            b'+' => {
                decoded.push(b' ');
                i += 1;
            }
            other => {
                decoded.push(other);
                i += 1;
            }
        }
    }
    decoded
}

fn http_get(url: &str) -> String {
    http(url, "GET", None)
}

/// A tiny HTTP/1.1 client (the test runs outside an async runtime).
fn http(url: &str, method: &str, json: Option<&str>) -> String {
    use std::io::Write as _;
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_once('/').map_or((rest, "/"), |(h, p)| (h, p));
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    let body = json.unwrap_or("");
    write!(
        stream,
        "{method} /{} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        path.trim_start_matches('/'),
        body.len()
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default()
}

#[test]
fn a_phone_answers_through_kannel_once_and_leaves_no_number_behind() {
    if !kannel_installed() {
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let (baraza, base, log) = start_baraza(dir.path());
    let (_bearerbox, _smsbox, smsc) = start_kannel(dir.path(), &base);

    // A web vote and an SMS vote land in the same poll.
    let web = http(
        &format!("{base}/api/v1/polls/water-tariffs-2027/ballots"),
        "POST",
        Some(r#"{"selections":["flat-rate"],"voter":"device-web-0000000001"}"#),
    );
    assert!(web.contains("\"total_ballots\":1"), "{web}");
    let (first, first_parts) = send_sms(smsc, PHONE, "TARIFF 2");
    let (again, _) = send_sms(smsc, PHONE, "tariff 1");
    let (help, help_parts) = send_sms(smsc, "254700999888", "TARIFF");

    assert_eq!(first_parts, 1, "a confirmation fits one message: {first}");
    assert!(
        (2..=3).contains(&help_parts),
        "{help_parts} messages: {help}"
    );
    assert!(
        first.starts_with("Thank you. Your answer to TARIFF is recorded:"),
        "{first}"
    );
    assert!(again.contains("already answered TARIFF"), "{again}");
    assert!(help.starts_with("TARIFF: "), "{help}");
    assert!(help.contains("Reply TARIFF and a number: 1 "), "{help}");
    let results: serde_json::Value = serde_json::from_str(&http_get(&format!(
        "{base}/api/v1/polls/water-tariffs-2027/results"
    )))
    .expect("results JSON");
    assert_eq!(results["total_ballots"], 2, "{results}");
    assert_eq!(results["options"][0]["count"], 1, "{results}");
    assert_eq!(results["options"][1]["count"], 1, "{results}");

    drop(baraza);
    let mut stored = std::fs::read(dir.path().join("baraza.sqlite3")).expect("database");
    stored.extend(std::fs::read(dir.path().join("baraza.sqlite3-wal")).unwrap_or_default());
    let logged = std::fs::read_to_string(&log).expect("log");
    assert!(
        logged.contains("/channels/sms/kannel"),
        "the log shows the requests: {logged}"
    );
    for digits in ["700111222", "700999888"] {
        assert!(
            !String::from_utf8_lossy(&stored).contains(digits),
            "a phone number reached the database"
        );
        assert!(
            !logged.contains(digits),
            "a phone number reached the log:\n{logged}"
        );
    }
}

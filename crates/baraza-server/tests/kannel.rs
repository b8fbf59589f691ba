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

/// `baraza serve --demo` on a fresh SQLite file, with `extra` arguments; returns the process,
/// its base URL and the file its log goes to.
fn start_baraza(dir: &Path, extra: &[&str]) -> (Running, String, PathBuf) {
    let log = dir.join("baraza.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_baraza"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .args(extra)
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

/// The ports Kannel listens on.
#[derive(Clone, Copy)]
struct KannelPorts {
    admin: u16,
    smsbox: u16,
    /// The fake SMS centre that `fakesmsc` connects to.
    smsc: u16,
    /// The smsbox's sendsms HTTP interface.
    sendsms: u16,
}

impl KannelPorts {
    fn free() -> Self {
        Self {
            admin: free_port(),
            smsbox: free_port(),
            smsc: free_port(),
            sendsms: free_port(),
        }
    }
}

/// The `sendsms-user` Baraza sends as.
const SENDSMS_USER: &str = "baraza";
const SENDSMS_PASSWORD: &str = "kannel-test-password";

/// Writes a Kannel configuration whose `sms-service` calls Baraza's endpoint and whose
/// `sendsms-user` Baraza may send as, and starts `bearerbox` and `smsbox` on `ports`.
fn start_kannel(dir: &Path, baraza: &str, ports: &KannelPorts) -> (Running, Running) {
    let KannelPorts {
        admin,
        smsbox: smsbox_port,
        smsc,
        sendsms,
    } = *ports;
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

group = sendsms-user
username = {SENDSMS_USER}
password = {SENDSMS_PASSWORD}
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
    (bearerbox, smsbox)
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
    http_as(url, method, json, None)
}

/// [`http`] with an admin API bearer token.
fn http_as(url: &str, method: &str, json: Option<&str>, token: Option<&str>) -> String {
    use std::io::Write as _;
    let authorization = token.map_or_else(String::new, |token| {
        format!("Authorization: Bearer {token}\r\n")
    });
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_once('/').map_or((rest, "/"), |(h, p)| (h, p));
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    let body = json.unwrap_or("");
    write!(
        stream,
        "{method} /{} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{authorization}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
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
    let (baraza, base, log) = start_baraza(dir.path(), &[]);
    let ports = KannelPorts::free();
    let (_bearerbox, _smsbox) = start_kannel(dir.path(), &base, &ports);
    let smsc = ports.smsc;

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

/// `fakesmsc` connected to the fake SMS centre to receive what the server sends, sending
/// nothing itself (`-m 0`).
struct Handset {
    _fakesmsc: Running,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Handset {
    fn connect(smsc: u16) -> Self {
        let mut child = Command::new(FAKESMSC)
            .args(["-H", "127.0.0.1", "-r", &smsc.to_string(), "-m", "0"])
            .arg("0 0 text nothing")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start fakesmsc");
        let stderr = child.stderr.take().expect("stderr");
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            _fakesmsc: Running(child),
            lines,
        }
    }

    /// The next `count` messages delivered, as (receiver, text).
    fn receive(&self, count: usize) -> Vec<(String, String)> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut messages = Vec::new();
        while messages.len() < count {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("{} of {count} messages within 20 s", messages.len()));
            let Some(at) = line.find("Got message") else {
                continue;
            };
            let message = &line[at..];
            let start = message.find('<').expect("message start") + 1;
            let end = message.rfind('>').expect("message end");
            let mut parts = message[start..end].splitn(4, ' ');
            let (_from, to, kind, text) = (
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default().to_owned(),
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
            );
            assert_eq!(kind, "text", "a one-part GSM-7 message: {message}");
            messages.push((to, text.to_owned()));
        }
        messages
    }
}

/// `baraza admin ARGS --database URL` with `stdin`; its standard output.
fn baraza_admin(database: &Path, args: &[&str], stdin: &str) -> String {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_baraza"))
        .arg("admin")
        .args(args)
        .arg("--database")
        .arg(format!("sqlite:{}", database.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start baraza admin");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("baraza admin");
    assert!(
        output.status.success(),
        "baraza admin {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn voucher_codes_sent_through_kannel_count_once_by_sms_and_on_the_web() {
    if !kannel_installed() {
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let ports = KannelPorts::free();
    let password_file = dir.path().join("kannel.pass");
    std::fs::write(&password_file, format!("{SENDSMS_PASSWORD}\n")).expect("password file");
    let sendsms_url = format!("http://127.0.0.1:{}/cgi-bin/sendsms", ports.sendsms);
    let (baraza, base, log) = start_baraza(
        dir.path(),
        &[
            "--kannel-sendsms-url",
            &sendsms_url,
            "--kannel-username",
            SENDSMS_USER,
            "--kannel-password-file",
            &password_file.display().to_string(),
            "--kannel-from",
            SHORT_CODE,
        ],
    );
    let (_bearerbox, _smsbox) = start_kannel(dir.path(), &base, &ports);

    // An editor's token, and a poll of the ministry opening in a few seconds, answered by SMS
    // with the keyword METER, and only with a voucher code.
    let database = dir.path().join("baraza.sqlite3");
    let editor = "editor@water.go.ke";
    baraza_admin(
        &database,
        &[
            "create-user",
            "--email",
            editor,
            "--role",
            "editor",
            "--organisation",
            "ministry-of-water",
        ],
        "correct horse battery staple",
    );
    let token = baraza_admin(&database, &["create-token", "--email", editor], "");
    let token = token.lines().last().expect("the token line").to_owned();
    let opens = time::OffsetDateTime::now_utc() + time::Duration::seconds(6);
    let rfc3339 = |at: time::OffsetDateTime| {
        at.format(&time::format_description::well_known::Rfc3339)
            .expect("format")
    };
    let spec = serde_json::json!({
        "slug": "meter-fees", "default_language": "en",
        "question": {"en": "Should meter fees be waived?"},
        "kind": {"type": "single_choice"},
        "options": [{"id": "yes", "label": {"en": "Yes"}}, {"id": "no", "label": {"en": "No"}}],
        "status": "open", "opens_at": rfc3339(opens),
        "closes_at": rfc3339(opens + time::Duration::days(1))
    });
    let admin = |method: &str, path: &str, body: serde_json::Value| {
        let answer = http_as(
            &format!("{base}{path}"),
            method,
            Some(&body.to_string()),
            Some(&token),
        );
        serde_json::from_str::<serde_json::Value>(&answer)
            .unwrap_or_else(|_| panic!("{method} {path}: {answer}"))
    };
    let created = admin("POST", "/api/v1/admin/polls", spec);
    assert_eq!(created["definition"]["slug"], "meter-fees", "{created}");
    assert_eq!(created["phase"], "upcoming", "{created}");
    let channels = admin(
        "PUT",
        "/api/v1/admin/polls/meter-fees/channels",
        serde_json::json!({"sms_keyword": "meter", "ussd_service_code": null, "voucher_required": true}),
    );
    assert_eq!(channels["sms_keyword"], "METER", "{channels}");
    assert_eq!(channels["voucher_required"], true, "{channels}");

    // Two phones get a code each through Kannel's sendsms.
    let handset = Handset::connect(ports.smsc);
    let sent = admin(
        "POST",
        "/api/v1/admin/polls/meter-fees/vouchers/sms",
        serde_json::json!({"phones": ["+254700111222", "0700333444"]}),
    );
    assert_eq!(
        sent,
        serde_json::json!({"poll": "meter-fees", "sent": 2, "failed": 0})
    );
    let mut received = handset.receive(2);
    drop(handset);
    received.sort();
    let code_in = |text: &str| {
        let code = text
            .rsplit(' ')
            .next()
            .expect("the code ends the message")
            .to_owned();
        assert!(
            text.starts_with(&format!("Your voucher code for METER: {code}. Send METER,")),
            "{text}"
        );
        code
    };
    assert!(received[0].0.ends_with("254700111222"), "{received:?}");
    assert!(received[1].0.ends_with("254700333444"), "{received:?}");
    let (sms_code, web_code) = (code_in(&received[0].1), code_in(&received[1].1));
    assert_ne!(sms_code, web_code);

    while time::OffsetDateTime::now_utc() < opens + time::Duration::milliseconds(300) {
        std::thread::sleep(Duration::from_millis(100));
    }
    // By SMS: the code counts once, whoever sends it.
    let (first, _) = send_sms(ports.smsc, PHONE, &format!("METER 1 {sms_code}"));
    let (reused, _) = send_sms(ports.smsc, "254700555666", &format!("meter 2 {sms_code}"));
    let (without, _) = send_sms(ports.smsc, "254700777888", "METER 2");
    assert!(
        first.starts_with("Thank you. Your answer to METER"),
        "{first}"
    );
    assert_eq!(
        reused,
        "That voucher code has already been used. Each code counts once."
    );
    assert!(
        without.starts_with("METER needs your voucher code."),
        "{without}"
    );
    // On the web: the other code, once.
    let ballot = |voter: &str| {
        http(
            &format!("{base}/api/v1/polls/meter-fees/ballots"),
            "POST",
            Some(&format!(
                r#"{{"selections":["no"],"voter":"{voter}","voucher":"{web_code}"}}"#
            )),
        )
    };
    let web = ballot("device-web-0000000001");
    let web_again = ballot("device-web-0000000002");
    assert!(web.contains("\"total_ballots\":2"), "{web}");
    assert!(web_again.contains("\"voucher_used\""), "{web_again}");
    let results: serde_json::Value = serde_json::from_str(&http_get(&format!(
        "{base}/api/v1/polls/meter-fees/results"
    )))
    .expect("results JSON");
    assert_eq!(results["total_ballots"], 2, "{results}");

    drop(baraza);
    let mut stored = std::fs::read(&database).expect("database");
    stored.extend(std::fs::read(database.with_extension("sqlite3-wal")).unwrap_or_default());
    let stored = String::from_utf8_lossy(&stored);
    let logged = std::fs::read_to_string(&log).expect("log");
    assert!(logged.contains("voucher codes sent by SMS"), "{logged}");
    for secret in [
        "700111222",
        "700333444",
        "700555666",
        "700777888",
        SENDSMS_PASSWORD,
        sms_code.as_str(),
        web_code.as_str(),
    ] {
        assert!(!stored.contains(secret), "{secret} reached the database");
        assert!(
            !logged.contains(secret),
            "{secret} reached the log:\n{logged}"
        );
    }
}

//! `baraza admin create-user` and `baraza admin create-token` through the real binary, exactly
//! as the interface contract of issue 7 states them: the password on standard input, the
//! token alone on the last line of standard output.

mod support;

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use axum::http::StatusCode;
use support::staff::{PASSWORD, admin_get, admin_post};
use support::{TestServer, single_choice_spec};

/// Runs `baraza admin ARGS --database URL` with `stdin` piped in, logging everything.
fn baraza_admin(database_url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baraza"))
        .arg("admin")
        .args(args)
        .args(["--database", database_url])
        // As verbose as logging gets: nothing secret may appear even then.
        .env("BARAZA_LOG", "trace")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start baraza admin");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes())
        .expect("write the password");
    child.wait_with_output().expect("baraza admin finishes")
}

fn create_user(url: &str, email: &str, role: &str, organisation: &str, password: &str) -> Output {
    baraza_admin(
        url,
        &[
            "create-user",
            "--email",
            email,
            "--role",
            role,
            "--organisation",
            organisation,
        ],
        password,
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The last line of standard output, after checking the command succeeded.
fn token_from(output: &Output) -> String {
    assert!(
        output.status.success(),
        "create-token failed: {}",
        text(&output.stderr)
    );
    text(&output.stdout)
        .lines()
        .last()
        .expect("create-token prints lines")
        .to_owned()
}

#[tokio::test]
async fn create_user_then_create_token_gives_a_working_token() {
    let server = TestServer::new().await;
    let url = &server.database_url;
    let user = create_user(
        url,
        "Amina@Water.go.ke",
        "admin",
        "ministry-of-water",
        PASSWORD,
    );
    assert_eq!(user.status.code(), Some(0), "{}", text(&user.stderr));

    let issued = baraza_admin(url, &["create-token", "--email", "amina@water.go.ke"], "");
    let token = token_from(&issued);
    assert!(
        token.starts_with("baraza_") && token.len() == 71,
        "{token:?}"
    );

    let polls = server.send(admin_get("/api/v1/admin/polls", &token)).await;
    assert_eq!(polls.status, StatusCode::OK);
    assert_eq!(polls.json()["organisation"], "ministry-of-water");
    let created = server
        .send(admin_post(
            "/api/v1/admin/polls",
            &token,
            single_choice_spec("tariffs").to_string(),
        ))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);

    // Neither the password nor the token reaches the logs (stderr) at the most verbose level.
    for output in [&user, &issued] {
        let logs = text(&output.stderr);
        assert!(!logs.contains(PASSWORD), "password in the logs: {logs}");
        assert!(!logs.contains(&token[7..]), "token in the logs: {logs}");
    }
    assert!(!text(&issued.stdout).contains(PASSWORD));
    assert!(!text(&user.stdout).contains(PASSWORD));
}

#[tokio::test]
async fn rerunning_create_user_changes_the_role_and_tokens_follow_it() {
    let server = TestServer::new().await;
    let url = &server.database_url;
    assert!(
        create_user(
            url,
            "b@water.go.ke",
            "editor",
            "ministry-of-water",
            PASSWORD
        )
        .status
        .success()
    );
    let token = token_from(&baraza_admin(
        url,
        &["create-token", "--email", "b@water.go.ke"],
        "",
    ));
    let demoted = create_user(
        url,
        "b@water.go.ke",
        "analyst",
        "ministry-of-water",
        PASSWORD,
    );
    assert!(demoted.status.success(), "{}", text(&demoted.stderr));
    assert!(
        text(&demoted.stdout).contains("replaced the password"),
        "{}",
        text(&demoted.stdout)
    );

    server
        .send(admin_post(
            "/api/v1/admin/polls",
            &token,
            single_choice_spec("tariffs").to_string(),
        ))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(server.poll_count().await, 0);
}

#[tokio::test]
async fn create_token_needs_organisation_when_the_account_has_several() {
    let server = TestServer::new().await;
    let url = &server.database_url;
    for organisation in ["ministry-of-water", "county-of-kisumu"] {
        assert!(
            create_user(url, "c@gov.ke", "admin", organisation, PASSWORD)
                .status
                .success()
        );
    }
    let ambiguous = baraza_admin(url, &["create-token", "--email", "c@gov.ke"], "");
    assert!(!ambiguous.status.success());
    let message = text(&ambiguous.stderr);
    assert!(message.contains("--organisation"), "{message}");
    assert!(
        message.contains("county-of-kisumu, ministry-of-water"),
        "{message}"
    );

    let token = token_from(&baraza_admin(
        url,
        &[
            "create-token",
            "--email",
            "c@gov.ke",
            "--organisation",
            "county-of-kisumu",
        ],
        "",
    ));
    let polls = server
        .send(admin_get("/api/v1/admin/polls", &token))
        .await
        .json();
    assert_eq!(polls["organisation"], "county-of-kisumu");

    let stranger = baraza_admin(
        url,
        &[
            "create-token",
            "--email",
            "c@gov.ke",
            "--organisation",
            "ministry-of-health",
        ],
        "",
    );
    assert!(!stranger.status.success());
    assert!(text(&stranger.stderr).contains("not a member of organisation ministry-of-health"));
    let nobody = baraza_admin(url, &["create-token", "--email", "nobody@gov.ke"], "");
    assert!(!nobody.status.success());
    assert!(text(&nobody.stderr).contains("no staff account"));
}

#[tokio::test]
async fn bad_input_to_create_user_is_refused_clearly_and_stores_nothing() {
    let server = TestServer::new().await;
    let url = &server.database_url;
    let cases = [
        (
            "a@water.go.ke",
            "admin",
            "ministry-of-water",
            "too short",
            "at least 12",
        ),
        (
            "not-an-email",
            "admin",
            "ministry-of-water",
            PASSWORD,
            "name@example.org",
        ),
        (
            "a@water.go.ke",
            "owner",
            "ministry-of-water",
            PASSWORD,
            "unknown role \"owner\"",
        ),
        (
            "a@water.go.ke",
            "admin",
            "Ministry of Water",
            PASSWORD,
            "--organisation",
        ),
        (
            "a@water.go.ke",
            "admin",
            "ministry-of-water",
            "",
            "at least 12",
        ),
    ];
    for (email, role, organisation, password, expected) in cases {
        let refused = create_user(url, email, role, organisation, password);
        assert_eq!(
            refused.status.code(),
            Some(1),
            "{email} {role} {organisation}"
        );
        let message = text(&refused.stderr);
        assert!(
            message.contains(expected),
            "expected {expected:?} in {message}"
        );
        if !password.is_empty() {
            assert!(
                !message.contains(password),
                "the password is echoed: {message}"
            );
        }
    }
    // Nothing was stored: no account to make a token for, no organisation.
    let no_account = baraza_admin(url, &["create-token", "--email", "a@water.go.ke"], "");
    assert!(!no_account.status.success());
    assert_eq!(server.audit_log("ministry-of-water").await, []);
}

//! Passwords, API tokens and session tokens never reach the logs, even at the most verbose
//! level: every admin flow runs with a subscriber capturing everything, and the capture is
//! searched for the secrets.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use baraza_server::storage::Role;
use support::staff::{PASSWORD, admin_get, admin_post};
use support::{TestServer, ballot, ballots_uri, post_json, single_choice_spec, voter};
use tracing_subscriber::fmt::MakeWriter;

/// Everything logged, in memory.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("capture lock")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn sign_in(password: &str) -> Request<Body> {
    let mut request = Request::post("/admin/login")
        .header(header::HOST, "admin.test")
        .header(header::ORIGIN, "http://admin.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "email=amina%40water.go.ke&password={}",
            password.replace(' ', "+")
        )))
        .expect("request");
    request
        .extensions_mut()
        .insert(ConnectInfo(std::net::SocketAddr::from(([192, 0, 2, 7], 1))));
    request
}

#[tokio::test]
async fn no_secret_reaches_the_logs() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::new().await;
    let token = server
        .staff_token("amina@water.go.ke", Role::Admin, "ministry-of-water")
        .await;
    let created = server
        .send(admin_post(
            "/api/v1/admin/polls",
            &token,
            single_choice_spec("tariffs").to_string(),
        ))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    server
        .send(post_json(
            &ballots_uri("tariffs"),
            ballot(&["flat"], &voter(1)),
        ))
        .await;
    let export = server
        .send(admin_get("/api/v1/admin/polls/tariffs/export.csv", &token))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    let wrong = "wrong password, logged?";
    server.send(sign_in(wrong)).await;
    let signed_in = server.send(sign_in(PASSWORD)).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let cookie = signed_in.header("set-cookie").expect("cookie");
    let session = cookie
        .strip_prefix("baraza_session=")
        .and_then(|rest| rest.split(';').next())
        .expect("session token")
        .to_owned();
    drop(_guard);

    let logs = String::from_utf8(capture.0.lock().expect("capture lock").clone()).expect("UTF-8");
    // The capture saw the flows (so searching it means something)…
    for event in [
        "poll created",
        "a sign-in to the admin site was refused",
        "signed in to the admin site",
    ] {
        assert!(logs.contains(event), "{event:?} not logged: {logs}");
    }
    // …and none of the secrets, nor the e-mail typed at sign-in.
    for (what, secret) in [
        ("password", PASSWORD),
        ("wrong password", wrong),
        ("API token", &token["baraza_".len()..]),
        ("session token", &session),
        ("e-mail", "amina@water.go.ke"),
    ] {
        assert!(!logs.contains(secret), "the {what} is in the logs: {logs}");
    }
}

#[tokio::test]
async fn no_phone_number_or_voucher_code_reaches_the_logs() {
    use baraza_server::channels::ChannelSettings;
    use baraza_server::channels::phone::PhoneKey;
    use baraza_server::storage::PollChannels;

    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::new().await;
    let token = server
        .staff_token("amina@water.go.ke", Role::Editor, "ministry-of-water")
        .await;
    let channels = |state: baraza_server::AppState| {
        state.with_channels(ChannelSettings {
            phone_key: PhoneKey::from_bytes([3; 32]),
            country_code: Some("254".into()),
            gateways: vec!["127.0.0.1".parse().expect("address")],
        })
    };
    let created = server
        .send(admin_post(
            "/api/v1/admin/polls",
            &token,
            single_choice_spec("tariffs").to_string(),
        ))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    server
        .database
        .set_poll_channels(
            &support::staff::slug("tariffs"),
            &PollChannels {
                sms_keyword: Some("TARIFF".into()),
                ussd_service_code: Some("*384*55#".into()),
                voucher_required: true,
            },
        )
        .await
        .expect("channels");
    let generated = server
        .send_with(
            admin_post(
                "/api/v1/admin/polls/tariffs/vouchers",
                &token,
                r#"{"count": 3}"#,
            ),
            channels,
        )
        .await;
    assert_eq!(generated.status, StatusCode::CREATED);
    let csv = String::from_utf8(generated.body.to_vec()).expect("UTF-8");
    let codes: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|line| line.trim_start_matches("tariffs,").to_owned())
        .collect();
    let gateway = |mut request: Request<Body>| {
        request
            .extensions_mut()
            .insert(ConnectInfo(std::net::SocketAddr::from((
                [127, 0, 0, 1],
                40000,
            ))));
        request
    };
    let web = serde_json::json!({"selections": ["flat"], "voter": voter(1), "voucher": codes[0]});
    let counted = server
        .send_with(
            post_json(&ballots_uri("tariffs"), web.to_string()),
            channels,
        )
        .await;
    assert_eq!(counted.status, StatusCode::CREATED);
    let text = format!("TARIFF+2+{}", codes[1]);
    let by_sms = server
        .send_with(
            gateway(
                Request::get(format!(
                    "/channels/sms/kannel?from=254700111222&text={text}"
                ))
                .body(Body::empty())
                .expect("request"),
            ),
            channels,
        )
        .await;
    assert!(String::from_utf8_lossy(&by_sms.body).starts_with("Thank you."));
    let used_again = server
        .send_with(
            gateway(
                Request::get(format!(
                    "/channels/sms/kannel?from=254700999888&text={text}"
                ))
                .body(Body::empty())
                .expect("request"),
            ),
            channels,
        )
        .await;
    assert!(String::from_utf8_lossy(&used_again.body).contains("already been used"));
    let by_ussd = server
        .send_with(
            gateway(
                Request::post("/channels/ussd")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(format!(
                        "sessionId=s1&serviceCode=%2A384%2A55%23&phoneNumber=%2B254700555666&text={}%2A1%2A1%2A1",
                        codes[2]
                    )))
                    .expect("request"),
            ),
            channels,
        )
        .await;
    assert!(String::from_utf8_lossy(&by_ussd.body).starts_with("END Thank you."));
    drop(_guard);

    let logs = String::from_utf8(capture.0.lock().expect("capture lock").clone()).expect("UTF-8");
    assert!(
        logs.contains("voucher codes generated through the admin API"),
        "{logs}"
    );
    for code in &codes {
        assert!(
            !logs.contains(code.as_str()),
            "a voucher code is in the logs: {logs}"
        );
        assert!(
            !logs.contains(&code.replace('-', "")),
            "a voucher code is in the logs"
        );
    }
    for digits in ["700111222", "700999888", "700555666"] {
        assert!(
            !logs.contains(digits),
            "a phone number is in the logs: {logs}"
        );
    }
}

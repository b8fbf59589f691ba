//! HTTP hardening: slow clients and too many clients over a real socket, security headers on
//! every kind of response, and errors that neither escape the JSON envelope nor echo unbounded
//! input.

mod support;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use baraza_server::ServeConfig;
use serde_json::Value;
use support::{
    TestServer, VOTER_A, ballot, ballots_uri, get, poll_uri, post_json, results_uri,
    single_choice_spec,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Longest any single wait of these tests may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(15);

/// Serves `server`'s router with `limits` on a loopback port; returns the address. The server
/// task ends with the test's runtime.
async fn listen(server: &TestServer, limits: ServeConfig) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let address = listener.local_addr().expect("bound address");
    let router = server.router();
    tokio::spawn(async move {
        baraza_server::serve(listener, router, &limits, std::future::pending())
            .await
            .expect("server runs");
    });
    address
}

/// Reads until the peer closes the connection (a reset counts as closed).
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buffer))
            .await
            .expect("the server closes the connection in time")
        {
            Ok(0) | Err(_) => return received,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

/// Reads one response to a `GET /api/v1/health` (body `ok`) from a kept-alive connection.
async fn read_health_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buffer = [0u8; 1024];
    while !received.ends_with(b"\r\n\r\nok") {
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut buffer))
            .await
            .expect("a response in time")
            .expect("connection readable");
        assert!(
            n > 0,
            "connection closed early: {}",
            String::from_utf8_lossy(&received)
        );
        received.extend_from_slice(&buffer[..n]);
    }
    String::from_utf8(received).expect("response is text")
}

const HEALTH_REQUEST: &[u8] = b"GET /api/v1/health HTTP/1.1\r\nHost: baraza.test\r\n\r\n";

#[tokio::test]
async fn client_trickling_a_request_head_is_disconnected_after_the_header_timeout() {
    let server = TestServer::new().await;
    let header_read_timeout = Duration::from_millis(500);
    let address = listen(
        &server,
        ServeConfig {
            header_read_timeout,
            ..ServeConfig::default()
        },
    )
    .await;
    let stream = TcpStream::connect(address).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let started = Instant::now();
    // One byte every 50 ms: the head never completes, but the connection is never silent.
    let trickle = tokio::spawn(async move {
        let head = b"GET /api/v1/health HTTP/1.1\r\nHost: baraza.test\r\nX-Padding: ";
        for byte in head.iter().copied().chain(std::iter::repeat(b'a')) {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });

    let mut received = Vec::new();
    let closed = tokio::time::timeout(PATIENCE, reader.read_to_end(&mut received)).await;

    let elapsed = started.elapsed();
    trickle.abort();
    assert!(
        closed.is_ok(),
        "still connected after {PATIENCE:?} of trickling"
    );
    assert!(
        elapsed >= header_read_timeout,
        "closed after {elapsed:?}, before the timeout"
    );
    assert!(
        received.is_empty(),
        "no response to a request never completed: {}",
        String::from_utf8_lossy(&received)
    );
}

#[tokio::test]
async fn idle_kept_alive_connection_is_closed_after_the_header_timeout() {
    let server = TestServer::new().await;
    let address = listen(
        &server,
        ServeConfig {
            header_read_timeout: Duration::from_millis(300),
            ..ServeConfig::default()
        },
    )
    .await;
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(HEALTH_REQUEST).await.expect("send");
    assert!(
        read_health_response(&mut stream)
            .await
            .starts_with("HTTP/1.1 200")
    );

    // Nothing more is sent: the open, idle connection must not hold its slot for ever.
    let rest = read_until_closed(&mut stream).await;

    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
}

#[tokio::test]
async fn request_whose_body_never_arrives_gets_408_in_the_json_envelope() {
    let mut server = TestServer::new().await;
    server.add_poll(single_choice_spec("water")).await;
    server.config.request_timeout = Duration::from_millis(300);
    let address = listen(&server, ServeConfig::default()).await;
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let partial_body = r#"{"selections": ["fl"#;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: baraza.test\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n",
        ballots_uri("water")
    );
    stream
        .write_all(format!("{head}{partial_body}").as_bytes())
        .await
        .expect("send the head and a part of the body");

    let response = String::from_utf8(read_until_closed(&mut stream).await).expect("text");

    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("a full response: {response:?}"));
    assert!(head.starts_with("HTTP/1.1 408 "), "{head}");
    let head = head.to_ascii_lowercase();
    assert!(head.contains("\r\nconnection: close"), "{head}");
    assert!(
        head.contains("\r\ncontent-type: application/json"),
        "{head}"
    );
    assert!(
        head.contains("\r\nx-content-type-options: nosniff"),
        "{head}"
    );
    let body: Value = serde_json::from_str(body).expect("JSON body");
    assert_eq!(body["error"]["code"], "request_timeout", "{body}");
    assert!(server.stored_ballots("water").await.is_empty());
}

#[tokio::test]
async fn connection_over_the_cap_is_served_only_once_another_closes() {
    let server = TestServer::new().await;
    let address = listen(
        &server,
        ServeConfig {
            max_connections: 1,
            header_read_timeout: PATIENCE * 2,
            ..ServeConfig::default()
        },
    )
    .await;
    // The first connection is served and stays open (keep-alive), holding the only slot.
    let mut first = TcpStream::connect(address).await.expect("connect first");
    first.write_all(HEALTH_REQUEST).await.expect("send");
    assert!(
        read_health_response(&mut first)
            .await
            .starts_with("HTTP/1.1 200")
    );

    // The kernel completes the second handshake, but the server does not accept it.
    let mut second = TcpStream::connect(address).await.expect("connect second");
    second.write_all(HEALTH_REQUEST).await.expect("send");
    // Absence can only be observed over a window; a loopback request takes about a millisecond,
    // so 500 ms without a byte means the request is waiting, not slow.
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), second.read(&mut byte)).await;
    assert!(
        early.is_err(),
        "the second connection was answered while the first held the only slot: {early:?}"
    );
    // The first connection still works: the server is busy with it, not stuck.
    first.write_all(HEALTH_REQUEST).await.expect("send again");
    assert!(
        read_health_response(&mut first)
            .await
            .starts_with("HTTP/1.1 200")
    );

    drop(first);

    let response = read_health_response(&mut second).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

#[tokio::test]
async fn zero_connections_is_refused_as_a_setting() {
    let server = TestServer::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let limits = ServeConfig {
        max_connections: 0,
        ..ServeConfig::default()
    };

    let outcome =
        baraza_server::serve(listener, server.router(), &limits, std::future::pending()).await;

    let error = outcome.expect_err("a server that can take no connection is a setting error");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn shutdown_signal_stops_the_server_and_frees_the_port() {
    let server = TestServer::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = server.router();
    let running = tokio::spawn(async move {
        baraza_server::serve(listener, router, &ServeConfig::default(), async {
            stopped.await.ok();
        })
        .await
    });
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(HEALTH_REQUEST).await.expect("send");
    assert!(
        read_health_response(&mut stream)
            .await
            .starts_with("HTTP/1.1 200")
    );

    stop.send(()).expect("server still running");

    // The idle kept-alive connection is closed at once rather than waited for.
    let rest = read_until_closed(&mut stream).await;
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    tokio::time::timeout(PATIENCE, running)
        .await
        .expect("serve returns after the signal")
        .expect("server task")
        .expect("clean shutdown");
    assert!(
        TcpStream::connect(address).await.is_err(),
        "the listener is closed"
    );
}

fn assert_common_security_headers(response: &support::TestResponse, what: &str) {
    assert_eq!(
        response.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        response.header("referrer-policy"),
        Some("strict-origin-when-cross-origin"),
        "{what}"
    );
    assert_eq!(response.header("strict-transport-security"), None, "{what}");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let server = TestServer::new().await;
    server.add_poll(single_choice_spec("water")).await;
    std::fs::write(
        server.www_dir().join("index.html"),
        "<!doctype html><title>Ministry</title>",
    )
    .expect("write page");
    std::fs::write(server.widgets_dir().join("baraza.js"), "export {};").expect("write loader");

    let api = server.send(get(&poll_uri("water"))).await;
    let api_error = server.send(get(&poll_uri("nowhere"))).await;
    let malformed = server
        .send(post_json(&ballots_uri("water"), "{not json"))
        .await;
    let page = server.send(get("/")).await;
    let script = server.send(get("/widgets/baraza.js")).await;
    let missing_file = server.send(get("/no-such-page.html")).await;

    assert_eq!(api.status, StatusCode::OK);
    api_error.assert_error(StatusCode::NOT_FOUND, "poll_not_found");
    malformed.assert_error(StatusCode::BAD_REQUEST, "malformed_json");
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(missing_file.status, StatusCode::NOT_FOUND);
    for (response, what) in [
        (&api, "API JSON"),
        (&api_error, "API error"),
        (&malformed, "body rejection"),
        (&page, "HTML page"),
        (&script, "widget script"),
        (&missing_file, "missing static file"),
    ] {
        assert_common_security_headers(response, what);
    }
    let csp = page
        .header("content-security-policy")
        .expect("HTML gets a CSP");
    // What the demo page needs must stay allowed, or the header would break its widget.
    for directive in [
        "script-src 'self' 'wasm-unsafe-eval'",
        "connect-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'self'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    for not_html in [&api, &script] {
        assert_eq!(not_html.header("content-security-policy"), None);
    }
}

#[tokio::test]
async fn hsts_is_sent_only_when_configured() {
    let mut server = TestServer::new().await;
    server.add_poll(single_choice_spec("water")).await;
    let without = server.send(get(&poll_uri("water"))).await;

    server.config.hsts = true;
    let with = server.send(get(&poll_uri("water"))).await;
    let error_with = server.send(get("/api/v1/nothing-here")).await;

    assert_eq!(without.header("strict-transport-security"), None);
    for response in [&with, &error_with] {
        assert_eq!(
            response.header("strict-transport-security"),
            Some("max-age=31536000; includeSubDomains")
        );
    }
}

#[tokio::test]
async fn path_that_is_not_utf8_once_decoded_is_answered_in_the_json_envelope() {
    let server = TestServer::new().await;
    for request in [
        get(&poll_uri("%FF")),
        get(&results_uri("water%FFtariffs")),
        post_json(&ballots_uri("%C3%28"), ballot(&["flat"], VOTER_A)),
    ] {
        let uri = request.uri().clone();

        let response = server.send(request).await;

        let error = response.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
        let message = error["message"].as_str().expect("message");
        assert!(message.contains("UTF-8"), "{uri}: {message}");
        assert_common_security_headers(&response, "path rejection");
    }
}

#[tokio::test]
async fn a_5000_character_slug_is_not_echoed_back_whole() {
    let server = TestServer::new().await;
    let slug = "a".repeat(5_000);
    for request in [
        get(&poll_uri(&slug)),
        get(&results_uri(&slug)),
        post_json(&ballots_uri(&slug), ballot(&["flat"], VOTER_A)),
    ] {
        let response = server.send(request).await;

        let error = response.assert_error(StatusCode::NOT_FOUND, "poll_not_found");
        let message = error["message"].as_str().expect("message");
        assert!(message.len() < 200, "{} bytes: {message}", message.len());
        assert!(
            message.contains(&format!("{}…", "a".repeat(64))),
            "the message names the slug's start: {message}"
        );
        assert!(response.body.len() < 300, "{} bytes", response.body.len());
    }
}

#[tokio::test]
async fn json_error_messages_do_not_echo_a_long_unknown_field_whole() {
    let server = TestServer::new().await;
    server.add_poll(single_choice_spec("water")).await;
    let field = "f".repeat(5_000);
    let body = format!(r#"{{"selections": ["flat"], "voter": "{VOTER_A}", "{field}": 1}}"#);

    let response = server.send(post_json(&ballots_uri("water"), body)).await;

    let error = response.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    let message = error["message"].as_str().expect("message");
    assert!(
        message.chars().count() <= 201,
        "{} characters",
        message.len()
    );
    assert!(server.stored_ballots("water").await.is_empty());
}

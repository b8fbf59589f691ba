//! What an embedding site gets: CORS on the API and the widget bundle, and the bundle's static
//! files with the right types, encodings and cache lifetimes.

mod support;

use axum::body::Body;
use axum::http::HeaderValue;
use axum::http::{Request, StatusCode, header};
use baraza_server::AllowedOrigins;
use support::{TestServer, VOTER_A, ballot, ballots_uri, get, poll_uri, single_choice_spec};

const ALLOWED: &str = "http://allowed.example";
const EVIL: &str = "http://evil.example";
const WASM: &str = "baraza_widgets_bg-0123456789abcdef.wasm";
const WASM_BYTES: &[u8] = b"\0asm\x01\0\0\0 the uncompressed module";
const WASM_BR_BYTES: &[u8] = b"pretend these are brotli bytes";
const LOADER: &str = "// the baraza.js loader\nexport const version = 1;\n";

async fn server_allowing(origin: &str) -> TestServer {
    let origins = AllowedOrigins::List(vec![HeaderValue::from_str(origin).expect("origin")]);
    TestServer::with_origins(origins).await
}

/// A CORS preflight for posting a JSON ballot from `origin`.
fn preflight(origin: &str) -> Request<Body> {
    Request::options(ballots_uri("x"))
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .expect("request")
}

fn get_from(uri: &str, origin: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::ORIGIN, origin)
        .body(Body::empty())
        .expect("request")
}

/// Every value of the `Vary` headers, lower-cased.
fn vary(response: &support::TestResponse) -> Vec<String> {
    response
        .headers
        .get_all(header::VARY)
        .iter()
        .flat_map(|v| v.to_str().expect("text").split(','))
        .map(|v| v.trim().to_ascii_lowercase())
        .collect()
}

/// Writes the bundle as `cargo xtask dist` lays it out, and a demo page.
fn write_bundle(server: &TestServer) {
    let widgets = server.widgets_dir();
    std::fs::write(widgets.join("baraza.js"), LOADER).expect("write loader");
    std::fs::write(widgets.join(WASM), WASM_BYTES).expect("write wasm");
    std::fs::write(widgets.join(format!("{WASM}.br")), WASM_BR_BYTES).expect("write wasm.br");
    std::fs::write(
        server.www_dir().join("index.html"),
        "<!doctype html><title>Ministry of Water</title>",
    )
    .expect("write index");
}

#[tokio::test]
async fn preflight_from_an_allowed_origin_is_answered_with_that_origin() {
    let server = server_allowing(ALLOWED).await;

    let response = server.send(preflight(ALLOWED)).await;

    assert!(response.status.is_success(), "{}", response.status);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(ALLOWED)
    );
    let methods = response
        .header("access-control-allow-methods")
        .expect("allow-methods");
    assert!(methods.contains("POST"), "{methods}");
    let headers = response
        .header("access-control-allow-headers")
        .expect("allow-headers");
    assert!(
        headers.to_ascii_lowercase().contains("content-type"),
        "{headers}"
    );
    assert!(vary(&response).contains(&"origin".to_owned()));
}

#[tokio::test]
async fn preflight_from_another_origin_gets_no_allow_origin() {
    let server = server_allowing(ALLOWED).await;

    let response = server.send(preflight(EVIL)).await;

    assert_eq!(response.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn api_responses_to_an_allowed_origin_carry_allow_origin_and_vary() {
    let server = server_allowing(ALLOWED).await;
    server.add_poll(single_choice_spec("water")).await;

    let read = server.send(get_from(&poll_uri("water"), ALLOWED)).await;
    let vote = server
        .send(
            Request::post(ballots_uri("water"))
                .header(header::ORIGIN, ALLOWED)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(ballot(&["flat"], VOTER_A)))
                .expect("request"),
        )
        .await;
    let refused = server.send(get_from(&poll_uri("missing"), ALLOWED)).await;
    let from_evil = server.send(get_from(&poll_uri("water"), EVIL)).await;

    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(vote.status, StatusCode::CREATED);
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    for response in [&read, &vote, &refused] {
        assert_eq!(
            response.header("access-control-allow-origin"),
            Some(ALLOWED)
        );
        // Caches must not hand one origin's response to another.
        assert!(
            vary(response).contains(&"origin".to_owned()),
            "{response:?}"
        );
    }
    assert_eq!(from_evil.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn bundle_files_fetched_from_an_allowed_origin_carry_allow_origin() {
    let server = server_allowing(ALLOWED).await;
    write_bundle(&server);

    let loader = server.send(get_from("/widgets/baraza.js", ALLOWED)).await;
    let wasm = server
        .send(get_from(&format!("/widgets/{WASM}"), ALLOWED))
        .await;

    for response in [&loader, &wasm] {
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(
            response.header("access-control-allow-origin"),
            Some(ALLOWED)
        );
    }
}

#[tokio::test]
async fn any_origin_is_answered_with_a_wildcard() {
    let server = TestServer::with_origins(AllowedOrigins::Any).await;
    server.add_poll(single_choice_spec("water")).await;
    write_bundle(&server);

    let preflight = server.send(preflight(EVIL)).await;
    let read = server.send(get_from(&poll_uri("water"), EVIL)).await;
    let loader = server.send(get_from("/widgets/baraza.js", EVIL)).await;

    for response in [&preflight, &read, &loader] {
        assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    }
}

#[tokio::test]
async fn empty_origin_list_allows_no_cross_origin_page() {
    let server = TestServer::with_origins(AllowedOrigins::List(Vec::new())).await;
    server.add_poll(single_choice_spec("water")).await;

    let preflight = server.send(preflight(ALLOWED)).await;
    let read = server.send(get_from(&poll_uri("water"), ALLOWED)).await;

    assert_eq!(read.status, StatusCode::OK);
    for response in [&preflight, &read] {
        assert_eq!(response.header("access-control-allow-origin"), None);
    }
}

#[tokio::test]
async fn hashed_wasm_is_served_as_application_wasm_and_cached_for_a_year() {
    let server = TestServer::new().await;
    write_bundle(&server);

    let response = server.send(get(&format!("/widgets/{WASM}"))).await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), Some("application/wasm"));
    assert_eq!(response.header("content-encoding"), None);
    assert_eq!(&response.body[..], WASM_BYTES);
    let cache = response.header("cache-control").expect("cache-control");
    assert!(cache.contains("immutable"), "{cache}");
    assert!(cache.contains("max-age=31536000"), "{cache}");
    assert!(
        vary(&response).contains(&"accept-encoding".to_owned()),
        "caches must key on Accept-Encoding"
    );
}

#[tokio::test]
async fn precompressed_brotli_wasm_is_served_to_clients_accepting_br() {
    let server = TestServer::new().await;
    write_bundle(&server);
    let request = Request::get(format!("/widgets/{WASM}"))
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .body(Body::empty())
        .expect("request");

    let response = server.send(request).await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-encoding"), Some("br"));
    assert_eq!(&response.body[..], WASM_BR_BYTES);
    assert_eq!(response.header("content-type"), Some("application/wasm"));
    let cache = response.header("cache-control").expect("cache-control");
    assert!(cache.contains("immutable"), "{cache}");
    assert!(
        vary(&response).contains(&"accept-encoding".to_owned()),
        "caches must key on Accept-Encoding"
    );
}

#[tokio::test]
async fn loader_has_a_stable_url_so_it_is_cached_briefly_not_immutably() {
    let server = TestServer::new().await;
    write_bundle(&server);

    let response = server.send(get("/widgets/baraza.js")).await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(&response.body[..], LOADER.as_bytes());
    let content_type = response.header("content-type").expect("content-type");
    assert!(
        content_type.contains("javascript"),
        "a module script needs a JavaScript MIME type: {content_type}"
    );
    let cache = response.header("cache-control").expect("cache-control");
    assert!(!cache.contains("immutable"), "{cache}");
    let max_age: u64 = cache
        .split(',')
        .find_map(|d| d.trim().strip_prefix("max-age="))
        .expect("max-age")
        .parse()
        .expect("max-age is a number");
    assert!(max_age <= 3600, "{cache}");
}

#[tokio::test]
async fn missing_bundle_file_is_404_and_not_cached_for_a_year() {
    let server = TestServer::new().await;
    write_bundle(&server);

    let response = server
        .send(get("/widgets/baraza_widgets_bg-fedcba9876543210.wasm"))
        .await;

    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(response.header("cache-control"), None);
}

#[tokio::test]
async fn site_root_serves_index_html() {
    let server = TestServer::new().await;
    write_bundle(&server);

    let response = server.send(get("/")).await;

    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{response:?}"
    );
    assert_eq!(
        &response.body[..],
        b"<!doctype html><title>Ministry of Water</title>"
    );
}

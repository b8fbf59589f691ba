//! The admin site's front door, in-process: the redirect to sign in, the sign-in form, the
//! session cookie, wrong credentials, throttling, cross-site and CSRF refusals, sign-out and
//! session expiry.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use baraza_server::storage::Role;
use baraza_server::{AppState, SESSION_LIFETIME, app};
use http_body_util::BodyExt as _;
use serde_json::json;
use support::staff::{PASSWORD, admin_post};
use support::{
    TestResponse, TestServer, ballot, ballots_uri, post_json, single_choice_spec, voter,
};
use tower::ServiceExt as _;

const HOST: &str = "admin.water.test";
const ORIGIN: &str = "http://admin.water.test";
const EMAIL: &str = "amina@water.go.ke";
const WATER: &str = "ministry-of-water";

fn address(last: u8) -> SocketAddr {
    SocketAddr::from(([192, 0, 2, last], 40_000))
}

fn site_get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(uri).header(header::HOST, HOST);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("baraza_session={cookie}"));
    }
    request.body(Body::empty()).expect("request")
}

/// A form post from `origin` (None: no Origin header), from client address `from`.
fn form_post(
    uri: &str,
    body: &str,
    origin: Option<&str>,
    cookie: Option<&str>,
    from: SocketAddr,
) -> Request<Body> {
    let mut request = Request::post(uri)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("baraza_session={cookie}"));
    }
    let mut request = request.body(Body::from(body.to_owned())).expect("request");
    request.extensions_mut().insert(ConnectInfo(from));
    request
}

fn login(email: &str, password: &str, from: SocketAddr) -> Request<Body> {
    let body = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    form_post("/admin/login", &body, Some(ORIGIN), None, from)
}

fn html(response: &TestResponse) -> String {
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8"),
        "status {}",
        response.status
    );
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

/// The session token set by a successful sign-in.
fn session_from(response: &TestResponse) -> String {
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.header("location"), Some("/admin/"));
    let cookie = response.header("set-cookie").expect("a session cookie");
    cookie
        .strip_prefix("baraza_session=")
        .and_then(|rest| rest.split(';').next())
        .expect("cookie value")
        .to_owned()
}

async fn signed_in(server: &TestServer) -> String {
    session_from(&server.send(login(EMAIL, PASSWORD, address(1))).await)
}

#[tokio::test]
async fn the_admin_site_without_a_session_sends_people_to_sign_in() {
    let server = TestServer::new().await;
    let response = server.send(site_get("/admin/", None)).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.header("location"), Some("/admin/login"));
    let stale = server
        .send(site_get("/admin/", Some("not-a-session")))
        .await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_sign_in_page_has_labelled_email_and_password_inputs_and_no_inline_code() {
    let server = TestServer::new().await;
    let response = server.send(site_get("/admin/login", None)).await;
    assert_eq!(response.status, StatusCode::OK);
    let page = html(&response);
    for expected in [
        r#"<label for="email">Email address</label>"#,
        r#"<input id="email" name="email" type="email""#,
        r#"<label for="password">Password</label>"#,
        r#"<input id="password" name="password" type="password""#,
        r#"<form method="post" action="/admin/login""#,
        r#"<html lang="en" dir="ltr">"#,
        r#"<link rel="stylesheet" href="/admin/static/admin.css">"#,
    ] {
        assert!(page.contains(expected), "missing {expected}: {page}");
    }
    // The only script is the site's own file (a progressive enhancement); nothing inline.
    assert_eq!(
        page.matches("<script").count(),
        page.matches(r#"<script type="module" src="/admin/static/admin.js"></script>"#)
            .count(),
        "{page}"
    );
    assert!(!page.contains("style="), "{page}");
    assert!(!page.contains("error-summary"), "{page}");
    let csp = response.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("style-src 'self'"), "{csp}");
    assert_eq!(response.header("cache-control"), Some("no-store"));

    let css = server.send(site_get("/admin/static/admin.css", None)).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
}

#[tokio::test]
async fn signing_in_sets_a_hardened_cookie_and_shows_the_organisations_polls() {
    let server = TestServer::new().await;
    let token = server.staff_token(EMAIL, Role::Editor, WATER).await;
    let mut spec = single_choice_spec("tariffs");
    spec["question"]["en"] = json!("Tariffs <script>alert(1)</script>?");
    let created = server
        .send(admin_post("/api/v1/admin/polls", &token, spec.to_string()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let voted = server
        .send(post_json(
            &ballots_uri("tariffs"),
            ballot(&["flat"], &voter(1)),
        ))
        .await;
    assert_eq!(voted.status, StatusCode::CREATED);

    let response = server
        .send(login("Amina@Water.GO.KE", PASSWORD, address(1)))
        .await;
    let cookie = response.header("set-cookie").expect("cookie").to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/admin", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP cannot carry a Secure cookie: {cookie}"
    );
    let session = session_from(&response);

    let dashboard = server.send(site_get("/admin/", Some(&session))).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    let page = html(&dashboard);
    assert!(page.contains(WATER), "{page}");
    assert!(
        page.contains("Tariffs &#60;script&#62;alert(1)&#60;/script&#62;?")
            || page.contains("Tariffs &lt;script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"), "unescaped: {page}");
    assert!(
        page.contains("<td>open</td><td class=\"numeric\">1</td>"),
        "{page}"
    );
    assert!(page.contains(r#"name="csrf_token""#), "{page}");
}

#[tokio::test]
async fn cookies_are_secure_behind_https() {
    let server = TestServer::new().await;
    server.add_staff(EMAIL, Role::Admin, WATER).await;
    let mut request = login(EMAIL, PASSWORD, address(1));
    request
        .headers_mut()
        .insert("x-forwarded-proto", "https".parse().expect("header"));
    let response = server.send(request).await;
    assert!(
        response
            .header("set-cookie")
            .expect("cookie")
            .ends_with("; Secure")
    );

    let mut config = server.config.clone();
    config.hsts = true;
    let router = app(
        AppState::with_clock(server.database.clone(), Arc::new(support::now)),
        &config,
    );
    let response = router
        .oneshot(login(EMAIL, PASSWORD, address(1)))
        .await
        .expect("response");
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .expect("text");
    assert!(cookie.ends_with("; Secure"), "{cookie}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let server = TestServer::new().await;
    server.add_staff(EMAIL, Role::Admin, WATER).await;
    let wrong_password = server
        .send(login(EMAIL, "not the password at all", address(1)))
        .await;
    let unknown_email = server
        .send(login(
            "nobody@water.go.ke",
            "not the password at all",
            address(2),
        ))
        .await;
    for response in [&wrong_password, &unknown_email] {
        assert_eq!(response.status, StatusCode::OK);
        assert!(response.header("set-cookie").is_none());
        let page = html(response);
        assert!(
            page.contains(r##"<a href="#email">Enter a correct email address and password</a>"##),
            "{page}"
        );
        assert!(page.contains("<title>Error: Sign in"), "{page}");
        assert!(
            !page.contains("not the password"),
            "the password is echoed: {page}"
        );
    }
    let without_email = |page: String| page.replace("nobody@water.go.ke", EMAIL);
    assert_eq!(html(&wrong_password), without_email(html(&unknown_email)));

    let blank = server
        .send(form_post(
            "/admin/login",
            "email=&password=",
            Some(ORIGIN),
            None,
            address(3),
        ))
        .await;
    let page = html(&blank);
    assert!(
        page.contains(r##"<a href="#email">Enter your email address</a>"##),
        "{page}"
    );
    assert!(
        page.contains(r##"<a href="#password">Enter your password</a>"##),
        "{page}"
    );
    assert!(page.contains(r#"aria-invalid="true""#), "{page}");
}

#[tokio::test]
async fn five_failures_for_an_account_or_an_address_lock_sign_in_with_429() {
    let server = TestServer::new().await;
    server.add_staff(EMAIL, Role::Admin, WATER).await;
    server
        .add_staff("other@water.go.ke", Role::Admin, WATER)
        .await;
    // Five failures for one account, each from a different address.
    for n in 0..5 {
        let refused = server
            .send(login(EMAIL, "wrong password here", address(10 + n)))
            .await;
        assert_eq!(refused.status, StatusCode::OK, "attempt {n}");
    }
    // The sixth is refused before the password is checked, even the right one.
    let locked = server.send(login(EMAIL, PASSWORD, address(99))).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.header("set-cookie").is_none());
    assert_eq!(locked.header("retry-after"), Some("900"));
    let page = html(&locked);
    assert!(
        page.contains("You can try again after 2027-01-15T09:45:00Z (UTC)."),
        "{page}"
    );
    // Another account is not locked by this one's failures.
    session_from(
        &server
            .send(login("other@water.go.ke", PASSWORD, address(98)))
            .await,
    );

    // Five failures from one address, over several accounts, lock that address.
    for n in 0..5 {
        let email = format!("guess{n}@water.go.ke");
        server
            .send(login(&email, "wrong password here", address(50)))
            .await;
    }
    let locked = server
        .send(login("other@water.go.ke", PASSWORD, address(50)))
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    session_from(
        &server
            .send(login("other@water.go.ke", PASSWORD, address(51)))
            .await,
    );

    // Fifteen minutes later, the account may sign in again.
    let later = support::now() + time::Duration::minutes(15);
    let router = app(
        AppState::with_clock(server.database.clone(), Arc::new(move || later)),
        &server.config,
    );
    let response = router
        .oneshot(login(EMAIL, PASSWORD, address(99)))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn cross_site_posts_are_refused_with_403_and_change_nothing() {
    let server = TestServer::new().await;
    server.add_staff(EMAIL, Role::Admin, WATER).await;
    let body = format!(
        "email={}&password={}",
        EMAIL.replace('@', "%40"),
        PASSWORD.replace(' ', "+")
    );
    for origin in [Some("https://evil.example"), Some("null"), None] {
        let refused = server
            .send(form_post("/admin/login", &body, origin, None, address(1)))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{origin:?}");
        assert!(refused.header("set-cookie").is_none());
        assert!(html(&refused).contains("This request was refused"));
    }
    // A Referer of this site stands in for a missing Origin.
    let mut with_referer = form_post("/admin/login", &body, None, None, address(1));
    with_referer.headers_mut().insert(
        header::REFERER,
        format!("{ORIGIN}/admin/login").parse().expect("header"),
    );
    session_from(&server.send(with_referer).await);

    // A cross-site sign-out, even with the right CSRF token, leaves the session alone.
    let session = signed_in(&server).await;
    let csrf = csrf_token(&server, &session).await;
    let refused = server
        .send(form_post(
            "/admin/logout",
            &format!("csrf_token={csrf}"),
            Some("https://evil.example"),
            Some(&session),
            address(1),
        ))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        server
            .send(site_get("/admin/", Some(&session)))
            .await
            .status,
        StatusCode::OK
    );
}

/// The CSRF token in the dashboard's sign-out form.
async fn csrf_token(server: &TestServer, session: &str) -> String {
    let page = html(&server.send(site_get("/admin/", Some(session))).await);
    let marker = r#"name="csrf_token" value=""#;
    let start = page.find(marker).expect("a CSRF field") + marker.len();
    page[start..].split('"').next().expect("value").to_owned()
}

#[tokio::test]
async fn sign_out_needs_the_sessions_csrf_token_then_ends_the_session() {
    let server = TestServer::new().await;
    server.add_staff(EMAIL, Role::Admin, WATER).await;
    let session = signed_in(&server).await;
    let csrf = csrf_token(&server, &session).await;
    assert_eq!(csrf.len(), 64);

    let other_session = signed_in(&server).await;
    let others_csrf = csrf_token(&server, &other_session).await;
    for body in [
        "".to_owned(),
        "csrf_token=".to_owned(),
        format!("csrf_token={others_csrf}"),
    ] {
        let refused = server
            .send(form_post(
                "/admin/logout",
                &body,
                Some(ORIGIN),
                Some(&session),
                address(1),
            ))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(
            server
                .send(site_get("/admin/", Some(&session)))
                .await
                .status,
            StatusCode::OK
        );
    }

    let signed_out = server
        .send(form_post(
            "/admin/logout",
            &format!("csrf_token={csrf}"),
            Some(ORIGIN),
            Some(&session),
            address(1),
        ))
        .await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_out.header("location"), Some("/admin/login"));
    let cleared = signed_out.header("set-cookie").expect("cookie cleared");
    assert!(
        cleared.starts_with("baraza_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert_eq!(
        server
            .send(site_get("/admin/", Some(&session)))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The other session is unaffected.
    assert_eq!(
        server
            .send(site_get("/admin/", Some(&other_session)))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn sessions_expire_after_twelve_hours() {
    let server = TestServer::new().await;
    server.add_staff(EMAIL, Role::Admin, WATER).await;
    let session = signed_in(&server).await;
    let at = |instant: time::OffsetDateTime| {
        app(
            AppState::with_clock(server.database.clone(), Arc::new(move || instant)),
            &server.config,
        )
    };
    let just_before = support::now() + SESSION_LIFETIME - time::Duration::seconds(1);
    let response = at(just_before)
        .oneshot(site_get("/admin/", Some(&session)))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let expired = support::now() + SESSION_LIFETIME;
    let response = at(expired)
        .oneshot(site_get("/admin/", Some(&session)))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert!(body.is_empty());
}

//! The admin site driven as a browser would: form posts from the site's own origin, a session
//! cookie, and the CSRF token read from the page.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use super::staff::PASSWORD;
use super::{TestResponse, TestServer};

/// The host the admin site is reached at in these tests.
pub(crate) const HOST: &str = "admin.water.test";
/// Its origin, as a browser sends it with a form.
pub(crate) const ORIGIN: &str = "http://admin.water.test";

/// A GET of the site, with a session cookie when given.
pub(crate) fn site_get(uri: &str, session: Option<&str>) -> Request<Body> {
    let mut request = Request::get(uri).header(header::HOST, HOST);
    if let Some(session) = session {
        request = request.header(header::COOKIE, format!("baraza_session={session}"));
    }
    request.body(Body::empty()).expect("request")
}

/// A form post from the site's own origin, with a session cookie when given.
pub(crate) fn site_post(uri: &str, body: &str, session: Option<&str>) -> Request<Body> {
    site_post_from(uri, body, session, Some(ORIGIN))
}

/// A form post from `origin` (`None`: no `Origin` header).
pub(crate) fn site_post_from(
    uri: &str,
    body: &str,
    session: Option<&str>,
    origin: Option<&str>,
) -> Request<Body> {
    let mut request = Request::post(uri)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    if let Some(session) = session {
        request = request.header(header::COOKIE, format!("baraza_session={session}"));
    }
    request.body(Body::from(body.to_owned())).expect("request")
}

/// The page's HTML, checking it is HTML.
pub(crate) fn html(response: &TestResponse) -> String {
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8"),
        "status {}",
        response.status
    );
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

/// `application/x-www-form-urlencoded` of `fields`.
pub(crate) fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(char::from(byte));
            }
            b' ' => encoded.push('+'),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// The value of the first `name="csrf_token"` field of `page`.
pub(crate) fn csrf_in(page: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = page.find(marker).expect("a CSRF field") + marker.len();
    page[start..].split('"').next().expect("value").to_owned()
}

/// A signed-in member of the site: their session cookie and CSRF token.
pub(crate) struct Member {
    pub(crate) session: String,
    pub(crate) csrf: String,
}

impl TestServer {
    /// Signs `email` (with the tests' password) in through the sign-in form.
    pub(crate) async fn sign_in(&self, email: &str) -> Member {
        let response = self
            .send(site_post(
                "/admin/login",
                &form_body(&[("email", email), ("password", PASSWORD)]),
                None,
            ))
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "sign-in of {email}");
        let cookie = response.header("set-cookie").expect("a session cookie");
        let session = cookie
            .strip_prefix("baraza_session=")
            .and_then(|rest| rest.split(';').next())
            .expect("cookie value")
            .to_owned();
        let dashboard = html(&self.send(site_get("/admin/", Some(&session))).await);
        Member {
            csrf: csrf_in(&dashboard),
            session,
        }
    }

    /// GET `uri` as `member`.
    pub(crate) async fn get_as(&self, member: &Member, uri: &str) -> TestResponse {
        self.send(site_get(uri, Some(&member.session))).await
    }

    /// Posts `fields` (and the member's CSRF token) to `uri` as `member`.
    pub(crate) async fn post_as(
        &self,
        member: &Member,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let mut all = vec![("csrf_token", member.csrf.as_str())];
        all.extend_from_slice(fields);
        self.send(site_post(uri, &form_body(&all), Some(&member.session)))
            .await
    }
}

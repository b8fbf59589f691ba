//! The admin site in English, French and Swahili: chosen with the switcher (`?lang=`, then
//! remembered in a cookie), else by the browser's `Accept-Language`, else English.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use baraza_server::storage::Role;
use support::TestServer;
use support::site::{HOST, html};

fn get_with(uri: &str, name: header::HeaderName, value: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::HOST, HOST)
        .header(name, value)
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn the_switcher_chooses_the_language_and_a_cookie_remembers_it() {
    let server = TestServer::new().await;
    let response = server
        .send(support::site::site_get("/admin/login?lang=fr", None))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.header("set-cookie"),
        Some("baraza_admin_lang=fr; Path=/admin; SameSite=Lax; Max-Age=31536000")
    );
    let page = html(&response);
    assert!(page.contains(r#"<html lang="fr" dir="ltr">"#), "{page}");
    assert!(page.contains(r#"<label for="email">Adresse e-mail</label>"#));
    assert!(page.contains(r#"<nav class="language-switcher" aria-label="Langue">"#));
    assert!(page.contains(
        r#"<a href="?lang=fr" lang="fr" hreflang="fr" aria-current="true">Français</a>"#
    ));
    assert!(page.contains(r#"<a href="?lang=sw" lang="sw" hreflang="sw">Kiswahili</a>"#));

    // The cookie wins over the browser's preference.
    let remembered = server
        .send(
            Request::get("/admin/login")
                .header(header::HOST, HOST)
                .header(header::COOKIE, "baraza_admin_lang=fr")
                .header(header::ACCEPT_LANGUAGE, "sw")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(html(&remembered).contains(r#"<html lang="fr""#));
    assert_eq!(remembered.header("set-cookie"), None);
}

#[tokio::test]
async fn without_a_choice_the_browsers_language_is_used_else_english() {
    let server = TestServer::new().await;
    let swahili = html(
        &server
            .send(get_with(
                "/admin/login",
                header::ACCEPT_LANGUAGE,
                "sw-KE,sw;q=0.9,en;q=0.5",
            ))
            .await,
    );
    assert!(swahili.contains(r#"<html lang="sw" dir="ltr">"#));
    assert!(swahili.contains("<title>Ingia – Usimamizi wa Baraza</title>"));
    let german = html(
        &server
            .send(get_with("/admin/login", header::ACCEPT_LANGUAGE, "de-DE"))
            .await,
    );
    assert!(german.contains(r#"<html lang="en" dir="ltr">"#));
    // An unknown ?lang= is ignored rather than remembered.
    let unknown = server
        .send(support::site::site_get("/admin/login?lang=xx", None))
        .await;
    assert_eq!(unknown.header("set-cookie"), None);
}

#[tokio::test]
async fn the_poll_form_and_its_problems_are_in_swahili() {
    let server = TestServer::new().await;
    server
        .add_staff("mhariri@maji.go.ke", Role::Editor, "wizara-ya-maji")
        .await;
    let editor = server.sign_in("mhariri@maji.go.ke").await;
    let response = server
        .send(
            Request::post("/admin/organisations/wizara-ya-maji/polls/new")
                .header(header::HOST, HOST)
                .header(header::ORIGIN, support::site::ORIGIN)
                .header(
                    header::COOKIE,
                    format!("baraza_session={}; baraza_admin_lang=sw", editor.session),
                )
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "csrf_token={}&slug=&default_language=sw&option_rows=3",
                    editor.csrf
                )))
                .expect("request"),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&response);
    assert!(
        page.contains("<title>Hitilafu: Unda kura ya maoni"),
        "{page}"
    );
    assert!(page.contains(r##"<a href="#question_sw">Andika swali kwa lugha ya msingi</a>"##));
    assert!(page.contains(r#"<option value="sw" selected>Kiswahili</option>"#));
    // Citizen-facing texts are marked with their own language for screen readers.
    assert!(page.contains(
        r#"id="question_en" name="question_en" type="text" class="width-full" value="" lang="en""#
    ));
}

//! An organisation's settings on the admin site: its admin lists the websites allowed to embed
//! its instruments, and CORS on the public API follows that list for those instruments only;
//! the server's own instruments and the widget bundle keep the server-wide list. Bad input and
//! other roles change nothing.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use baraza_server::AllowedOrigins;
use baraza_server::storage::Role;
use support::site::html;
use support::staff::admin_post;
use support::{TestServer, single_choice_spec};

const WATER: &str = "ministry-of-water";
const SETTINGS: &str = "/admin/organisations/ministry-of-water/settings";
/// Allowed by the server for everyone.
const SERVER_WIDE: &str = "https://portal.example.go.ke";
/// Listed by the ministry.
const MINISTRY_SITE: &str = "https://water.example.go.ke";

fn from(origin: &str, uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::ORIGIN, origin)
        .body(Body::empty())
        .expect("request")
}

fn preflight(origin: &str, uri: &str) -> Request<Body> {
    Request::options(uri)
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .expect("request")
}

async fn allow_origin(server: &TestServer, request: Request<Body>) -> Option<String> {
    server
        .send(request)
        .await
        .header("access-control-allow-origin")
        .map(str::to_owned)
}

#[tokio::test]
async fn an_organisations_list_decides_who_embeds_its_instruments() {
    let server =
        TestServer::with_origins(AllowedOrigins::parse(SERVER_WIDE).expect("origins")).await;
    server
        .add_poll(single_choice_spec("server-demo-poll"))
        .await;
    server
        .add_staff("admin@water.go.ke", Role::Admin, WATER)
        .await;
    let admin = server.sign_in("admin@water.go.ke").await;
    let token = server
        .staff_token("editor@water.go.ke", Role::Editor, WATER)
        .await;
    let mut spec = single_choice_spec("kiosk-hours");
    spec["status"] = "open".into();
    let created = server
        .send(admin_post("/api/v1/admin/polls", &token, spec.to_string()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let poll = "/api/v1/polls/kiosk-hours";

    // Without a list of its own, the organisation follows the server's.
    assert_eq!(
        allow_origin(&server, from(SERVER_WIDE, poll))
            .await
            .as_deref(),
        Some(SERVER_WIDE)
    );
    assert_eq!(allow_origin(&server, from(MINISTRY_SITE, poll)).await, None);

    // A bad line: 422, the problem beside the field, nothing saved.
    let refused = server
        .post_as(
            &admin,
            SETTINGS,
            &[
                ("name", "Ministry of Water"),
                (
                    "allowed_origins",
                    "https://water.example.go.ke\nwater.go.ke/path",
                ),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&refused);
    assert!(page.contains(r##"<a href="#allowed_origins">"##), "{page}");
    assert!(page.contains("water.go.ke/path"), "{page}");
    assert_eq!(allow_origin(&server, from(MINISTRY_SITE, poll)).await, None);

    let saved = server
        .post_as(
            &admin,
            SETTINGS,
            &[
                ("name", "Ministry of Water"),
                ("allowed_origins", "https://water.example.go.ke/\n"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let form = html(
        &server
            .get_as(&admin, &format!("{SETTINGS}?done=saved"))
            .await,
    );
    assert!(form.contains("The settings are saved."), "{form}");
    assert!(
        form.contains(">https://water.example.go.ke</textarea>"),
        "{form}"
    );

    // Now the ministry's list, and only it, decides for its poll: reads, preflights, posts.
    assert_eq!(
        allow_origin(&server, from(MINISTRY_SITE, poll))
            .await
            .as_deref(),
        Some(MINISTRY_SITE)
    );
    assert_eq!(
        allow_origin(
            &server,
            preflight(MINISTRY_SITE, &format!("{poll}/ballots"))
        )
        .await
        .as_deref(),
        Some(MINISTRY_SITE)
    );
    assert_eq!(allow_origin(&server, from(SERVER_WIDE, poll)).await, None);
    assert_eq!(
        allow_origin(&server, preflight(SERVER_WIDE, &format!("{poll}/ballots"))).await,
        None
    );
    // A poll the organisation creates later follows the list at once.
    let mut later = single_choice_spec("standpipe-hours");
    later["status"] = "open".into();
    server
        .send(admin_post("/api/v1/admin/polls", &token, later.to_string()))
        .await;
    assert_eq!(
        allow_origin(
            &server,
            from(MINISTRY_SITE, "/api/v1/polls/standpipe-hours")
        )
        .await
        .as_deref(),
        Some(MINISTRY_SITE)
    );
    // The server's own poll still follows the server-wide list.
    let demo = "/api/v1/polls/server-demo-poll";
    assert_eq!(
        allow_origin(&server, from(SERVER_WIDE, demo))
            .await
            .as_deref(),
        Some(SERVER_WIDE)
    );
    assert_eq!(allow_origin(&server, from(MINISTRY_SITE, demo)).await, None);

    let audit = server.audit_log(WATER).await;
    assert_eq!(audit[1].action, "organisation.settings");
}

#[tokio::test]
async fn only_the_organisations_admin_changes_its_settings() {
    let server = TestServer::new().await;
    server
        .add_staff("editor@water.go.ke", Role::Editor, WATER)
        .await;
    server
        .add_staff("admin@health.go.ke", Role::Admin, "ministry-of-health")
        .await;
    let editor = server.sign_in("editor@water.go.ke").await;
    let stranger = server.sign_in("admin@health.go.ke").await;
    let fields = [
        ("name", "Hijacked"),
        ("allowed_origins", "https://evil.example"),
    ];
    assert_eq!(
        server.get_as(&editor, SETTINGS).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server.post_as(&editor, SETTINGS, &fields).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server.post_as(&stranger, SETTINGS, &fields).await.status,
        StatusCode::NOT_FOUND
    );
    let settings = server
        .database
        .organisation_settings(&support::staff::slug(WATER))
        .await
        .expect("read")
        .expect("exists");
    assert!(settings.allowed_origins.is_empty());
    assert_ne!(settings.name, "Hijacked");
}

#[tokio::test]
async fn an_admin_makes_a_token_shown_once_and_revokes_it() {
    use support::staff::admin_get;
    let server = TestServer::new().await;
    server
        .add_staff("admin@water.go.ke", Role::Admin, WATER)
        .await;
    server
        .add_staff("editor@water.go.ke", Role::Editor, WATER)
        .await;
    let admin = server.sign_in("admin@water.go.ke").await;
    let editor = server.sign_in("editor@water.go.ke").await;
    let tokens = "/admin/organisations/ministry-of-water/tokens";

    let empty = html(&server.get_as(&admin, tokens).await);
    assert!(empty.contains("No tokens yet."), "{empty}");
    let made = server.post_as(&admin, tokens, &[]).await;
    assert_eq!(made.status, StatusCode::CREATED);
    let page = html(&made);
    let marker = r#"id="new-token" type="text" class="width-full code" value=""#;
    let start = page.find(marker).expect("the new token is shown") + marker.len();
    let token = page[start..].split('"').next().expect("value").to_owned();
    assert!(token.len() > 30, "{token}");
    // The token works with the admin's role, and the list never shows it again.
    let listed = server.send(admin_get("/api/v1/admin/polls", &token)).await;
    assert_eq!(listed.status, StatusCode::OK);
    let again = html(&server.get_as(&admin, tokens).await);
    assert!(!again.contains(&token));
    assert!(again.contains("admin@water.go.ke"), "{again}");

    // Editors cannot list, make or revoke tokens.
    assert_eq!(
        server.get_as(&editor, tokens).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server.post_as(&editor, tokens, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let revoke = format!("{tokens}/1/revoke");
    assert_eq!(
        server.post_as(&editor, &revoke, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server
            .send(admin_get("/api/v1/admin/polls", &token))
            .await
            .status,
        StatusCode::OK
    );

    let revoked = server.post_as(&admin, &revoke, &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    server
        .send(admin_get("/api/v1/admin/polls", &token))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    // Revoking twice, or a token of no one: 404, nothing written.
    assert_eq!(
        server.post_as(&admin, &revoke, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let actions: Vec<String> = server
        .audit_log(WATER)
        .await
        .into_iter()
        .map(|entry| format!("{} {}", entry.action, entry.target))
        .filter(|entry| entry.starts_with("token."))
        .collect();
    assert_eq!(actions, ["token.revoke token:1", "token.create token:1"]);
    let list = html(
        &server
            .get_as(&admin, &format!("{tokens}?done=revoked"))
            .await,
    );
    assert!(list.contains("The token is revoked"), "{list}");
    assert!(list.contains("<td>Revoked</td>"), "{list}");
}

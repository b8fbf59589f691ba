//! A member changes their own password on the admin site: the current one is required, the new
//! one follows the rules and is typed twice, and afterwards only the new one signs in and every
//! other session of the account has ended. Refusals change nothing.

mod support;

use axum::http::StatusCode;
use baraza_server::storage::Role;
use support::TestServer;
use support::site::{form_body, html, site_get, site_post};
use support::staff::PASSWORD;

const PAGE: &str = "/admin/account/password";
const EMAIL: &str = "editor@water.go.ke";
const NEW: &str = "river basin lantern mango";

async fn sign_in_with(server: &TestServer, password: &str) -> StatusCode {
    server
        .send(site_post(
            "/admin/login",
            &form_body(&[("email", EMAIL), ("password", password)]),
            None,
        ))
        .await
        .status
}

#[tokio::test]
async fn a_member_changes_their_password_and_their_other_sessions_end() {
    let server = TestServer::new().await;
    server
        .add_staff(EMAIL, Role::Editor, "ministry-of-water")
        .await;
    let here = server.sign_in(EMAIL).await;
    let elsewhere = server.sign_in(EMAIL).await;

    let form = html(&server.get_as(&here, PAGE).await);
    assert!(
        form.contains(
            r#"<input id="current" name="current" type="password" autocomplete="current-password""#
        ),
        "{form}"
    );
    assert!(form.contains(r#"<a href="/admin/account/password">Change password</a>"#));

    for (current, new, confirm, field, message) in [
        (
            "wrong password here",
            NEW,
            NEW,
            "current",
            "The current password is not right",
        ),
        (PASSWORD, "short", "short", "new", "at least 12 characters"),
        (
            PASSWORD,
            NEW,
            "river basin lantern",
            "confirm",
            "The two new passwords differ",
        ),
    ] {
        let refused = server
            .post_as(
                &here,
                PAGE,
                &[("current", current), ("new", new), ("confirm", confirm)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let page = html(&refused);
        assert!(
            page.contains(&format!(r##"<a href="#{field}">"##)) && page.contains(message),
            "{page}"
        );
    }
    assert_eq!(
        sign_in_with(&server, PASSWORD).await,
        StatusCode::SEE_OTHER,
        "unchanged"
    );

    let changed = server
        .post_as(
            &here,
            PAGE,
            &[("current", PASSWORD), ("new", NEW), ("confirm", NEW)],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        changed.header("location"),
        Some("/admin/account/password?done=changed")
    );
    let notice = html(
        &server
            .get_as(&here, "/admin/account/password?done=changed")
            .await,
    );
    assert!(notice.contains("Your password is changed"), "{notice}");
    // The other session is gone; this one stays.
    let other = server
        .send(site_get("/admin/", Some(&elsewhere.session)))
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    assert_eq!(other.header("location"), Some("/admin/login"));
    assert_eq!(server.get_as(&here, "/admin/").await.status, StatusCode::OK);
    assert_ne!(sign_in_with(&server, PASSWORD).await, StatusCode::SEE_OTHER);
    assert_eq!(sign_in_with(&server, NEW).await, StatusCode::SEE_OTHER);
    let dump = server.database_dump().await;
    assert!(!dump.contains(NEW), "the password is stored only hashed");
}

#[tokio::test]
async fn wrong_current_passwords_count_with_sign_in_failures() {
    let server = TestServer::new().await;
    server
        .add_staff(EMAIL, Role::Editor, "ministry-of-water")
        .await;
    let here = server.sign_in(EMAIL).await;
    for n in 0..5 {
        let wrong = server
            .post_as(
                &here,
                PAGE,
                &[
                    ("current", &format!("a wrong guess {n}")),
                    ("new", NEW),
                    ("confirm", NEW),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The right one is now refused too, unseen, as a sixth sign-in would be.
    let throttled = server
        .post_as(
            &here,
            PAGE,
            &[("current", PASSWORD), ("new", NEW), ("confirm", NEW)],
        )
        .await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        sign_in_with(&server, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert!(!server.database_dump().await.contains(NEW));
}

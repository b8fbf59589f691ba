//! An organisation's staff on the admin site: its admin adds a colleague (a new account with a
//! first password, who then signs in), changes a role, removes a member (whose API token stops
//! working at once); nobody can demote or remove themselves or the last admin, other roles and
//! other organisations are refused, and every refusal changes nothing.

mod support;

use axum::http::StatusCode;
use baraza_server::storage::Role;
use support::TestServer;
use support::site::{form_body, html, site_post};
use support::staff::admin_get;

const WATER: &str = "ministry-of-water";
const STAFF: &str = "/admin/organisations/ministry-of-water/staff";
const ADMIN: &str = "admin@water.go.ke";

async fn members(server: &TestServer) -> Vec<(String, Role)> {
    server
        .database
        .organisation_members(&support::staff::slug(WATER))
        .await
        .expect("members")
        .into_iter()
        .map(|member| (member.email, member.role))
        .collect()
}

async fn member_id(server: &TestServer, email: &str) -> i64 {
    server
        .database
        .organisation_members(&support::staff::slug(WATER))
        .await
        .expect("members")
        .into_iter()
        .find(|member| member.email == email)
        .map(|member| member.user_id)
        .expect("a member")
}

#[tokio::test]
async fn an_admin_adds_a_colleague_who_signs_in_then_changes_and_removes_members() {
    let server = TestServer::new().await;
    server.add_staff(ADMIN, Role::Admin, WATER).await;
    let admin = server.sign_in(ADMIN).await;

    let list = html(&server.get_as(&admin, STAFF).await);
    assert!(list.contains("admin@water.go.ke (you)"), "{list}");
    assert!(
        !list.contains(r#"action="/admin/organisations/ministry-of-water/staff/1/remove""#),
        "an admin is offered no way to remove themselves: {list}"
    );

    // Refused, nothing stored: a bad address, a short password, a new account without one.
    for (email, password, field, message) in [
        (
            "not an address",
            "a long first password",
            "email",
            "Enter an e-mail address",
        ),
        (
            "amina@water.go.ke",
            "short",
            "password",
            "at least 12 characters",
        ),
        ("amina@water.go.ke", "", "password", "This account is new"),
    ] {
        let refused = server
            .post_as(
                &admin,
                STAFF,
                &[
                    ("email", email),
                    ("role", "moderator"),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        let page = html(&refused);
        assert!(
            page.contains(&format!(r##"<a href="#{field}">"##)) && page.contains(message),
            "{page}"
        );
    }
    assert_eq!(members(&server).await.len(), 1);

    let added = server
        .post_as(
            &admin,
            STAFF,
            &[
                ("email", "Amina@Water.go.ke"),
                ("role", "moderator"),
                ("password", "a long first password"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert_eq!(
        added.header("location"),
        Some(&*format!("{STAFF}?done=added"))
    );
    assert_eq!(
        members(&server).await,
        [
            (ADMIN.to_owned(), Role::Admin),
            ("amina@water.go.ke".to_owned(), Role::Moderator)
        ]
    );
    // The colleague signs in with the first password.
    let signed_in = server
        .send(site_post(
            "/admin/login",
            &form_body(&[
                ("email", "amina@water.go.ke"),
                ("password", "a long first password"),
            ]),
            None,
        ))
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    // Adding them again, or giving an existing account a password, is refused.
    let again = html(
        &server
            .post_as(
                &admin,
                STAFF,
                &[
                    ("email", "amina@water.go.ke"),
                    ("role", "editor"),
                    ("password", ""),
                ],
            )
            .await,
    );
    assert!(again.contains("already a member"), "{again}");

    let amina = member_id(&server, "amina@water.go.ke").await;
    let promoted = server
        .post_as(
            &admin,
            &format!("{STAFF}/{amina}/role"),
            &[("role", "editor")],
        )
        .await;
    assert_eq!(promoted.status, StatusCode::SEE_OTHER);
    assert_eq!(members(&server).await[1].1, Role::Editor);

    // Removed: her token stops working at once.
    let token = server.token_for("amina@water.go.ke").await;
    assert_eq!(
        server
            .send(admin_get("/api/v1/admin/polls", &token))
            .await
            .status,
        StatusCode::OK
    );
    let removed = server
        .post_as(&admin, &format!("{STAFF}/{amina}/remove"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(members(&server).await.len(), 1);
    assert_eq!(
        server
            .send(admin_get("/api/v1/admin/polls", &token))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let notice = html(
        &server
            .get_as(&admin, &format!("{STAFF}?done=removed"))
            .await,
    );
    assert!(notice.contains("The member is removed"), "{notice}");

    let actions: Vec<String> = server
        .audit_log(WATER)
        .await
        .into_iter()
        .map(|entry| format!("{} {}", entry.action, entry.target))
        .filter(|line| line.starts_with("member."))
        .collect();
    assert_eq!(
        actions,
        [
            format!("member.remove user:{amina}"),
            format!("member.set_role user:{amina} as editor"),
            format!("member.add user:{amina} as moderator"),
            "member.set_role user:1 as admin".to_owned(),
        ]
    );
}

#[tokio::test]
async fn the_last_admin_stays_and_other_roles_and_organisations_are_refused() {
    let server = TestServer::new().await;
    server.add_staff(ADMIN, Role::Admin, WATER).await;
    server
        .add_staff("second@water.go.ke", Role::Admin, WATER)
        .await;
    server
        .add_staff("editor@water.go.ke", Role::Editor, WATER)
        .await;
    server
        .add_staff("admin@health.go.ke", Role::Admin, "ministry-of-health")
        .await;
    let admin = server.sign_in(ADMIN).await;
    let second = server.sign_in("second@water.go.ke").await;
    let editor = server.sign_in("editor@water.go.ke").await;
    let outsider = server.sign_in("admin@health.go.ke").await;
    let me = member_id(&server, ADMIN).await;
    let other_admin = member_id(&server, "second@water.go.ke").await;
    let before = members(&server).await;

    // Not yourself.
    let own = server
        .post_as(
            &admin,
            &format!("{STAFF}/{me}/role"),
            &[("role", "analyst")],
        )
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    assert!(html(&own).contains(r##"<a href="#members">You cannot change your own role"##));
    // The other admin demotes the first: fine; then the first (now an analyst) is refused.
    let demoted = server
        .post_as(
            &second,
            &format!("{STAFF}/{me}/role"),
            &[("role", "analyst")],
        )
        .await;
    assert_eq!(demoted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        server.get_as(&admin, STAFF).await.status,
        StatusCode::FORBIDDEN
    );
    // Now the second admin is the last: they cannot be removed by anyone left, nor remove
    // themselves.
    let last = server
        .post_as(&second, &format!("{STAFF}/{other_admin}/remove"), &[])
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT);
    assert!(
        matches!(
            server
                .database
                .remove_member(
                    &support::staff::slug(WATER),
                    other_admin,
                    &baraza_server::storage::AuditEntry::new(
                        None,
                        baraza_server::storage::Actor::CommandLine,
                        "member.remove",
                        "",
                        support::now(),
                    ),
                )
                .await,
            Err(baraza_server::storage::MemberChangeError::LastAdmin)
        ),
        "the storage refuses to remove the last admin"
    );

    // Other roles and other organisations.
    assert_eq!(
        server.get_as(&editor, STAFF).await.status,
        StatusCode::FORBIDDEN
    );
    let by_editor = server
        .post_as(
            &editor,
            STAFF,
            &[
                ("email", "x@water.go.ke"),
                ("role", "admin"),
                ("password", "a long first password"),
            ],
        )
        .await;
    assert_eq!(by_editor.status, StatusCode::FORBIDDEN);
    assert_eq!(
        server.get_as(&outsider, STAFF).await.status,
        StatusCode::NOT_FOUND
    );
    let mut after = members(&server).await;
    assert_eq!(after.len(), before.len());
    after.retain(|(email, _)| email != ADMIN);
    assert!(after.contains(&("second@water.go.ke".to_owned(), Role::Admin)));
}

//! The audit log page of the admin site: who did what, when, newest first, a page at a time,
//! for the organisation's administrators only.

mod support;

use axum::http::StatusCode;
use baraza_server::storage::{Actor, AuditEntry, Role};
use support::site::html;
use support::staff::slug;
use support::{TestServer, now};

const WATER: &str = "ministry-of-water";
const AUDIT: &str = "/admin/organisations/ministry-of-water/audit";

/// The `target` cells of the page's table, top to bottom.
fn targets(page: &str) -> Vec<String> {
    page.split("<tr><td>")
        .skip(1)
        .filter_map(|row| row.split("<code>").nth(2))
        .filter_map(|cell| cell.split("</code>").next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn administrators_read_who_did_what_newest_first_a_page_at_a_time() {
    let server = TestServer::new().await;
    let admin_id = server
        .add_staff("admin@water.go.ke", Role::Admin, WATER)
        .await;
    let organisation = slug(WATER);
    for n in 0..60 {
        let actor = match n {
            0 => Actor::CommandLine,
            1 => Actor::Token(7),
            _ => Actor::User(admin_id),
        };
        server
            .database
            .audit(&AuditEntry::new(
                Some(&organisation),
                actor,
                "poll.export_csv",
                format!("poll-{n:02}"),
                now() + time::Duration::seconds(n),
            ))
            .await
            .expect("audited");
    }
    let admin = server.sign_in("admin@water.go.ke").await;
    let dashboard = html(&server.get_as(&admin, "/admin/").await);
    assert!(dashboard.contains(&format!(r#"href="{AUDIT}">Audit log</a>"#)));

    let first = html(&server.get_as(&admin, AUDIT).await);
    let shown = targets(&first);
    assert_eq!(shown.len(), 50);
    assert_eq!(shown[0], "poll-59", "newest first: {first}");
    assert_eq!(shown[49], "poll-10");
    assert!(first.contains("<td>admin@water.go.ke</td><td><code>poll.export_csv</code></td>"));
    assert!(first.contains(&format!(
        r#"<a href="{AUDIT}?page=1" rel="next">Older entries</a>"#
    )));
    assert!(!first.contains("Newer entries"));

    let second = html(&server.get_as(&admin, &format!("{AUDIT}?page=1")).await);
    let shown = targets(&second);
    // The 10 oldest, and the member-creation rows written before them by the account set-up.
    assert!(shown.len() > 10, "{second}");
    assert_eq!(
        shown[..10],
        [
            "poll-09", "poll-08", "poll-07", "poll-06", "poll-05", "poll-04", "poll-03", "poll-02",
            "poll-01", "poll-00"
        ]
    );
    assert!(second.contains("<td>admin API token 7</td>"));
    assert!(second.contains("<td>an operator on the server&#39;s command line</td>"));
    assert!(second.contains(&format!(
        r#"<a href="{AUDIT}?page=0" rel="prev">Newer entries</a>"#
    )));
    assert!(
        second.contains(r#"<td>2027-01-15 09:30:00</td>"#),
        "{second}"
    );
}

#[tokio::test]
async fn only_the_organisations_administrators_may_read_its_audit_log() {
    let server = TestServer::new().await;
    for (email, role) in [
        ("editor@water.go.ke", Role::Editor),
        ("moderator@water.go.ke", Role::Moderator),
        ("analyst@water.go.ke", Role::Analyst),
    ] {
        server.add_staff(email, role, WATER).await;
        let member = server.sign_in(email).await;
        let response = server.get_as(&member, AUDIT).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{role:?}");
        assert!(!html(&response).contains("session.sign_in"));
        let dashboard = html(&server.get_as(&member, "/admin/").await);
        assert!(!dashboard.contains("Audit log"), "{role:?} offered the log");
    }
    server
        .add_staff("admin@health.go.ke", Role::Admin, "ministry-of-health")
        .await;
    let stranger = server.sign_in("admin@health.go.ke").await;
    assert_eq!(
        server.get_as(&stranger, AUDIT).await.status,
        StatusCode::NOT_FOUND
    );
    let signed_out = server.send(support::site::site_get(AUDIT, None)).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_out.header("location"), Some("/admin/login"));
}

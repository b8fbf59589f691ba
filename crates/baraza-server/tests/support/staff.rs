//! Staff accounts and admin API tokens for the admin tests, made through the same library
//! functions as `baraza admin create-user` and `create-token`.

use axum::body::Body;
use axum::http::{Request, header};
use baraza_core::Slug;
use baraza_server::admin::accounts::{self, NewStaffMember};
use baraza_server::storage::{AuditEntry, Role, StaffEmail};

use super::{TestServer, now};

/// A password that passes the length rule.
pub(crate) const PASSWORD: &str = "correct horse battery staple";

pub(crate) fn slug(text: &str) -> Slug {
    Slug::parse(text).expect("test slugs are valid")
}

impl TestServer {
    /// Creates the account `email` with [`PASSWORD`] and `role` in `organisation`.
    pub(crate) async fn add_staff(&self, email: &str, role: Role, organisation: &str) -> i64 {
        let member = NewStaffMember {
            email: StaffEmail::parse(email).expect("test e-mails are valid"),
            role,
            organisation: slug(organisation),
        };
        accounts::create_user(&self.database, &member, PASSWORD, now())
            .await
            .expect("staff member created")
            .user_id
    }

    /// A new admin API token for `email` (who must belong to exactly one organisation).
    pub(crate) async fn token_for(&self, email: &str) -> String {
        let email = StaffEmail::parse(email).expect("test e-mails are valid");
        accounts::create_token(&self.database, &email, None, now())
            .await
            .expect("token created")
            .1
    }

    /// A staff member with `role` in `organisation`, and a token of theirs.
    pub(crate) async fn staff_token(&self, email: &str, role: Role, organisation: &str) -> String {
        self.add_staff(email, role, organisation).await;
        self.token_for(email).await
    }

    /// The audit log of `organisation`, newest first.
    pub(crate) async fn audit_log(&self, organisation: &str) -> Vec<AuditEntry> {
        self.database
            .audit_log(&slug(organisation), 1000)
            .await
            .expect("audit log readable")
    }

    /// How many polls are stored.
    pub(crate) async fn poll_count(&self) -> i64 {
        self.database.poll_count().await.expect("polls countable")
    }
}

/// A GET with `Authorization: Bearer token`.
pub(crate) fn admin_get(uri: &str, token: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("valid request")
}

/// A JSON POST with `Authorization: Bearer token`.
pub(crate) fn admin_post(uri: &str, token: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .expect("valid request")
}

//! Score polls on the admin site: created through the poll form (the scale's problems beside
//! its fields), rated by citizens, read on the poll page (mean and median beside the counts)
//! and exported with each ballot's scores.

mod support;

use axum::http::StatusCode;
use baraza_server::storage::Role;
use serde_json::json;
use support::site::{Member, html};
use support::{TestServer, ballots_uri, get, poll_uri, post_json, voter};

const WATER: &str = "ministry-of-water";
const EDITOR: &str = "editor@water.go.ke";
const NEW_POLL: &str = "/admin/organisations/ministry-of-water/polls/new";

fn clinic_form(
    scale_min: &'static str,
    scale_max: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![
        ("slug", "clinic"),
        ("default_language", "en"),
        ("question_en", "How good is your clinic?"),
        ("kind", "score"),
        ("scale_min", scale_min),
        ("scale_max", scale_max),
        ("option_rows", "2"),
        ("option_0_en", "Waiting time"),
        ("option_0_id", "waiting"),
        ("option_1_en", "Staff"),
        ("option_1_id", "staff"),
        ("action", "save"),
    ]
}

async fn editor(server: &TestServer) -> Member {
    server.add_staff(EDITOR, Role::Editor, WATER).await;
    server.sign_in(EDITOR).await
}

fn rated(ratings: &[(&str, i64)], voter: &str) -> String {
    let ratings: Vec<serde_json::Value> = ratings
        .iter()
        .map(|(option, score)| json!({"option": option, "score": score}))
        .collect();
    json!({"ratings": ratings, "voter": voter}).to_string()
}

#[tokio::test]
async fn a_bad_scale_is_shown_beside_its_field_and_nothing_is_stored() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    let form = html(&server.get_as(&editor, NEW_POLL).await);
    assert!(form.contains(r#"<input id="kind-score" type="radio" name="kind" value="score">"#));
    assert!(form.contains(r#"<label for="scale_min">Lowest score</label>"#));
    assert!(form.contains(r#"<input id="require_all" type="checkbox""#));

    for (min, max) in [("5", "1"), ("0", "20"), ("one", "5")] {
        let refused = server
            .post_as(&editor, NEW_POLL, &clinic_form(min, max))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{min}–{max}"
        );
        let page = html(&refused);
        assert!(
            page.contains(r##"<a href="#scale_min">"##),
            "{min}–{max}: {page}"
        );
        assert!(page.contains(r#"id="scale_min-error""#), "{min}–{max}");
    }
    assert_eq!(
        server.send(get(&poll_uri("clinic"))).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(server.stored_ballots("clinic").await.is_empty());
}

#[tokio::test]
async fn an_editor_makes_a_score_poll_whose_page_and_exports_carry_the_scores() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    let created = server
        .post_as(&editor, NEW_POLL, &clinic_form("1", "5"))
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", html(&created));
    let edit = html(&server.get_as(&editor, "/admin/polls/clinic/edit").await);
    assert!(
        edit.contains(r#"name="scale_max" type="number" class="width-4" value="5""#),
        "{edit}"
    );
    server
        .post_as(&editor, "/admin/polls/clinic/open", &[("when", "now")])
        .await;
    let view = server.send(get(&poll_uri("clinic"))).await.json();
    assert_eq!(
        view["kind"],
        json!({"type": "score", "scale": {"min": 1, "max": 5}})
    );
    for (n, ratings) in [
        &[("waiting", 2), ("staff", 5)][..],
        &[("waiting", 3)][..],
        &[("waiting", 5)][..],
    ]
    .iter()
    .enumerate()
    {
        let response = server
            .send(post_json(&ballots_uri("clinic"), rated(ratings, &voter(n))))
            .await;
        assert_eq!(response.status, StatusCode::CREATED);
    }

    let page = html(&server.get_as(&editor, "/admin/polls/clinic").await);
    assert!(
        page.contains("Rate each option on a scale (score) (1–5)"),
        "{page}"
    );
    assert!(
        page.contains(r#"<th scope="col" class="numeric">Average score</th>"#),
        "{page}"
    );
    assert!(page.contains(
        r#"<tr><th scope="row">Waiting time</th><td class="numeric">3</td><td class="numeric">100.0%</td><td class="numeric">3.3</td><td class="numeric">3.0</td></tr>"#
    ), "{page}");
    assert!(
        page.contains("Staff: 1 (33.3%), Average score 5.0, Median score 5.0."),
        "{page}"
    );

    let csv = server
        .get_as(&editor, "/admin/polls/clinic/export.csv")
        .await;
    let text = String::from_utf8(csv.body.to_vec()).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ballot_id,submitted_at,waiting,staff");
    assert!(lines[1].ends_with(",2,5"), "{text}");
    assert!(
        lines[2].ends_with(",3,"),
        "an unrated option is an empty cell: {text}"
    );
    let exported = server
        .get_as(&editor, "/admin/polls/clinic/export.json")
        .await
        .json();
    assert_eq!(exported[0]["selections"], json!(["waiting", "staff"]));
    assert_eq!(exported[0]["scores"], json!([2, 5]));
}

//! Ballot exports, streamed: rows go from the database to the client as the client reads
//! them, so exporting a million ballots holds a few hundred in memory.
//!
//! CSV (`export.csv`, `text/csv; charset=utf-8`): a header row, then one row per ballot, oldest
//! first:
//!
//! | column | content |
//! |---|---|
//! | `ballot_id` | the ballot's number, unique within the server |
//! | `submitted_at` | when it was received, UTC, RFC 3339 (`2027-01-15T09:30:00Z`) |
//! | one column per option id, in the poll's order | `1` if the ballot selected it, else `0`; in a score poll, the score the ballot gave it, and in a ranked poll its place in the ranking (`1` for the first choice); empty if the ballot did not rate or rank it |
//!
//! JSON (`export.json`): an array of `{"ballot_id": 1, "submitted_at": "…", "selections":
//! ["option-id", …]}`, selections in the order the citizen gave them; a score poll's ballots
//! also have `"scores": [4, …]`, the score of each selection in the same order.
//!
//! The voter token is never exported. Option ids are slugs (lower-case letters, digits, inner
//! hyphens), so no cell needs quoting and none can start a spreadsheet formula; the only cells
//! that start with `-` are negative scores, which spreadsheets read as numbers.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use baraza_core::Poll;
use futures_util::{StreamExt as _, stream};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::auth::{ApiCaller, forbidden};
use super::polls::owned_poll;
use crate::AppState;
use crate::error::{ApiPath, AppError};
use crate::storage::{Actor, AuditEntry, ExportedBallot};

/// `GET /api/v1/admin/polls/{slug}/export.csv`
pub(crate) async fn export_csv(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Response, AppError> {
    let poll = exported_poll(&state, &caller, &slug, "poll.export_csv").await?;
    Ok(csv_download(&state, poll))
}

/// Every ballot of `poll` as a CSV download, streamed.
pub(crate) fn csv_download(state: &AppState, poll: std::sync::Arc<Poll>) -> Response {
    let header_row = csv_header(&poll);
    let file_name = format!("{}-ballots.csv", poll.slug());
    let rows = state
        .database
        .stream_ballots(poll.slug())
        .map(move |ballot| {
            ballot
                .and_then(|ballot| csv_row(&poll, &ballot))
                .map(Bytes::from)
                .map_err(log_broken_export)
        });
    let body = stream::once(async move { Ok(Bytes::from(header_row)) }).chain(rows);
    download(
        // Fused: the compression layer polls a body once more after its end, and an ended
        // `unfold` panics when polled again.
        Body::from_stream(body.fuse()),
        "text/csv; charset=utf-8",
        &file_name,
    )
}

/// `GET /api/v1/admin/polls/{slug}/export.json`
pub(crate) async fn export_json(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Response, AppError> {
    let poll = exported_poll(&state, &caller, &slug, "poll.export_json").await?;
    Ok(json_download(&state, &poll))
}

/// Every ballot of `poll` as a JSON download, streamed.
pub(crate) fn json_download(state: &AppState, poll: &Poll) -> Response {
    let rows = state.database.stream_ballots(poll.slug()).boxed();
    // State: the rows still to read, how many were written, whether the array is closed.
    let body = stream::unfold(
        (rows, 0u64, false),
        |(mut rows, written, closed)| async move {
            if closed {
                return None;
            }
            let chunk = match rows.next().await {
                Some(Ok(ballot)) => {
                    let mut item = if written == 0 {
                        b"[".to_vec()
                    } else {
                        b",".to_vec()
                    };
                    match serde_json::to_writer(&mut item, &JsonBallot::from(&ballot)) {
                        Ok(()) => {
                            item.push(b'\n');
                            return Some((Ok(Bytes::from(item)), (rows, written + 1, false)));
                        }
                        Err(error) => Err(log_broken_export(error.into())),
                    }
                }
                Some(Err(error)) => Err(log_broken_export(error)),
                None if written == 0 => Ok(Bytes::from_static(b"[]\n")),
                None => Ok(Bytes::from_static(b"]\n")),
            };
            // After the closing bracket or an error, the body ends.
            Some((chunk, (rows, written, true)))
        },
    );
    download(
        Body::from_stream(body.fuse()),
        "application/json",
        &format!("{}-ballots.json", poll.slug()),
    )
}

/// Checks the caller may export `slug` (a poll of their organisation, a role that exports),
/// writes the audit entry, and returns the poll.
async fn exported_poll(
    state: &AppState,
    caller: &crate::storage::TokenCaller,
    slug: &str,
    action: &str,
) -> Result<std::sync::Arc<Poll>, AppError> {
    let slug = owned_poll(state, caller, slug).await?;
    if !caller.role.may_export() {
        return Err(forbidden(caller, "export ballots"));
    }
    let poll = state
        .database
        .poll(&slug)
        .await?
        .ok_or_else(|| AppError::poll_not_found(slug.as_str()))?;
    state
        .database
        .audit(&AuditEntry::new(
            Some(&caller.organisation),
            Actor::Token(caller.token_id),
            action,
            slug.as_str(),
            state.now(),
        ))
        .await?;
    Ok(poll)
}

/// One ballot in `export.json`.
#[derive(Debug, Serialize)]
struct JsonBallot<'a> {
    ballot_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    submitted_at: OffsetDateTime,
    selections: &'a [String],
    #[serde(skip_serializing_if = "<[i64]>::is_empty")]
    scores: &'a [i64],
}

impl<'a> From<&'a ExportedBallot> for JsonBallot<'a> {
    fn from(ballot: &'a ExportedBallot) -> Self {
        Self {
            ballot_id: ballot.id,
            submitted_at: ballot.submitted_at.to_offset(UtcOffset::UTC),
            selections: &ballot.selections,
            scores: &ballot.scores,
        }
    }
}

/// `ballot_id,submitted_at,<option ids…>`
pub(crate) fn csv_header(poll: &Poll) -> String {
    let mut row = String::from("ballot_id,submitted_at");
    for option in poll.options() {
        row.push(',');
        row.push_str(option.id.as_str());
    }
    row.push_str("\r\n");
    row
}

/// One ballot's CSV row.
pub(crate) fn csv_row(poll: &Poll, ballot: &ExportedBallot) -> anyhow::Result<String> {
    let submitted_at = ballot
        .submitted_at
        .to_offset(UtcOffset::UTC)
        .format(&Rfc3339)?;
    let mut row = format!("{},{submitted_at}", ballot.id);
    let scored = poll.kind().scale().is_some();
    for option in poll.options() {
        let position = ballot
            .selections
            .iter()
            .position(|s| s == option.id.as_str());
        match (scored, position) {
            (true, Some(index)) => match ballot.scores.get(index) {
                Some(score) => row.push_str(&format!(",{score}")),
                None => anyhow::bail!("ballot {} has fewer scores than ratings", ballot.id),
            },
            (true, None) => row.push(','),
            // A ranked ballot's cell is the option's place in the ranking, so the CSV can be
            // recounted.
            (false, Some(place)) if poll.kind().is_ranked() => {
                row.push_str(&format!(",{}", place + 1));
            }
            (false, None) if poll.kind().is_ranked() => row.push(','),
            (false, Some(_)) => row.push_str(",1"),
            (false, None) => row.push_str(",0"),
        }
    }
    row.push_str("\r\n");
    Ok(row)
}

/// An export that fails half-way can only be cut short (the status is already sent); the
/// client sees a truncated download and the cause goes to the log.
fn log_broken_export(error: anyhow::Error) -> std::io::Error {
    tracing::error!(error = format!("{error:#}"), "an export failed part-way");
    std::io::Error::other("the export failed part-way")
}

/// The two formats of every export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    Json,
}

impl Format {
    /// The response's `Content-Type`.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }

    /// The file name's extension.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }

    /// The audit log's action for exporting `instrument` (`feedback`, `consultation`) this way.
    pub(crate) fn action(self, instrument: &str) -> String {
        format!("{instrument}.export_{}", self.extension())
    }
}

pub(crate) fn download(body: Body, content_type: &'static str, file_name: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            // Exports (ballots, responses, comments) are not for shared caches.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

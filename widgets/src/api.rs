//! Talking to the Baraza server with the v1 wire types, through the browser's `fetch` and
//! `JSON.parse` (no JSON parser inside the wasm).

use baraza_core::v1::{BallotReceipt, BallotSubmission, ErrorBody, PollResults, PollView};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

use crate::i18n::Problem;

/// Awaits a `fetch` promise and decodes its body as `T`, or as the API's error envelope.
pub(crate) async fn decode<T: DeserializeOwned>(response: js_sys::Promise) -> Result<T, Problem> {
    let response: Response = JsFuture::from(response)
        .await
        .map_err(|_| Problem::Network)?
        .dyn_into()
        .map_err(|_| Problem::Server)?;
    let body = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    if response.ok() {
        let body = body.ok_or(Problem::Server)?;
        return serde_wasm_bindgen::from_value(body).map_err(|_| Problem::Server);
    }
    // A proxy's HTML error page has no envelope: fall back to the status.
    match body.and_then(|b| serde_wasm_bindgen::from_value::<ErrorBody>(b).ok()) {
        Some(envelope) => Err(Problem::from_code(envelope.error.code)),
        None if response.status() == 404 => Err(Problem::NotFound),
        None => Err(Problem::Server),
    }
}

fn window() -> Result<web_sys::Window, Problem> {
    web_sys::window().ok_or(Problem::Server)
}

fn get(url: &str) -> Result<js_sys::Promise, Problem> {
    let init = RequestInit::new();
    let headers = Headers::new().map_err(|_| Problem::Server)?;
    headers
        .set("accept", "application/json")
        .map_err(|_| Problem::Server)?;
    init.set_headers(&headers);
    Ok(window()?.fetch_with_str_and_init(url, &init))
}

/// `GET /api/v1/polls/{slug}`, as a promise the loader could also have started.
pub(crate) fn fetch_poll(server: &str, slug: &str) -> Result<js_sys::Promise, Problem> {
    get(&format!("{server}/api/v1/polls/{slug}"))
}

/// `GET /api/v1/polls/{slug}`.
pub(crate) async fn load_poll(server: &str, slug: &str) -> Result<PollView, Problem> {
    decode(fetch_poll(server, slug)?).await
}

/// `GET /api/v1/polls/{slug}/results`.
pub(crate) async fn load_results(server: &str, slug: &str) -> Result<PollResults, Problem> {
    decode(get(&format!("{server}/api/v1/polls/{slug}/results"))?).await
}

/// `POST /api/v1/polls/{slug}/ballots`.
pub(crate) async fn submit_ballot(
    server: &str,
    slug: &str,
    submission: &BallotSubmission,
) -> Result<BallotReceipt, Problem> {
    let value = serde_wasm_bindgen::to_value(submission).map_err(|_| Problem::Server)?;
    let body = js_sys::JSON::stringify(&value).map_err(|_| Problem::Server)?;
    let init = RequestInit::new();
    init.set_method("POST");
    let headers = Headers::new().map_err(|_| Problem::Server)?;
    headers
        .set("content-type", "application/json")
        .map_err(|_| Problem::Server)?;
    headers
        .set("accept", "application/json")
        .map_err(|_| Problem::Server)?;
    init.set_headers(&headers);
    init.set_body(&JsValue::from(body));
    let url = format!("{server}/api/v1/polls/{slug}/ballots");
    decode(window()?.fetch_with_str_and_init(&url, &init)).await
}

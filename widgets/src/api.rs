//! Talking to the Baraza server with the v1 wire types (any widget kind's), through the browser's `fetch` and
//! `JSON.parse` (no JSON parser inside the wasm).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
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
    match body.and_then(|b| serde_wasm_bindgen::from_value::<ErrorCodeOnly>(b).ok()) {
        Some(envelope) => Err(Problem::from_code(&envelope.error.code)),
        None if response.status() == 404 => Err(Problem::NotFound),
        None => Err(Problem::Server),
    }
}

/// The part of the error envelope (`baraza_core::v1::ErrorBody`) a widget reads: the code.
/// Its message is English for developers; the citizen reads the widget's own words.
#[derive(Deserialize)]
struct ErrorCodeOnly {
    error: CodeOnly,
}

#[derive(Deserialize)]
struct CodeOnly {
    code: String,
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

/// `GET url`, decoded as `T`.
pub(crate) async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, Problem> {
    decode(get(url)?).await
}

/// `POST url` with `body` as JSON, the answer decoded as `T`.
pub(crate) async fn post_json<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
) -> Result<T, Problem> {
    let value = serde_wasm_bindgen::to_value(body).map_err(|_| Problem::Server)?;
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
    decode(window()?.fetch_with_str_and_init(url, &init)).await
}

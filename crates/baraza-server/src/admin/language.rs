//! Which language an admin page is written in: `?lang=` when a switcher link was followed (and
//! then remembered in a cookie), else that cookie, else the browser's `Accept-Language`, else
//! English.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::texts::{Language, Texts};

/// The cookie remembering the language chosen with the switcher.
const LANGUAGE_COOKIE: &str = "baraza_admin_lang";

/// Decides the request's language, makes it available to handlers (see [`SiteTexts`]) and,
/// when it was chosen with `?lang=`, remembers it for the next pages.
pub(crate) async fn choose_language(mut request: Request, next: Next) -> Response {
    let chosen = request.uri().query().and_then(query_language);
    let language = chosen
        .or_else(|| cookie_language(request.headers()))
        .or_else(|| accept_language(request.headers()))
        .unwrap_or(Language::En);
    request.extensions_mut().insert(language);
    let mut response = next.run(request).await;
    if let Some(chosen) = chosen {
        let cookie = format!(
            "{LANGUAGE_COOKIE}={}; Path=/admin; SameSite=Lax; Max-Age=31536000",
            chosen.tag()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn query_language(query: &str) -> Option<Language> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == "lang")
        .and_then(|(_, value)| Language::from_tag(value))
}

fn cookie_language(headers: &HeaderMap) -> Option<Language> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANGUAGE_COOKIE)
        .and_then(|(_, value)| Language::from_tag(value))
}

/// The supported language the browser prefers most (highest `q`, then first listed).
fn accept_language(headers: &HeaderMap) -> Option<Language> {
    let header = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(Language, f32)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let Some(language) = parts.next().and_then(Language::from_tag) else {
            continue;
        };
        let quality = parts
            .find_map(|part| part.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality > 0.0 && best.is_none_or(|(_, best_quality)| quality > best_quality) {
            best = Some((language, quality));
        }
    }
    best.map(|(language, _)| language)
}

/// The texts of the request's language, as decided by [`choose_language`].
pub(crate) struct SiteTexts(pub(crate) &'static Texts);

impl<S: Send + Sync> FromRequestParts<S> for SiteTexts {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let language = parts
            .extensions
            .get::<Language>()
            .copied()
            .or_else(|| accept_language(&parts.headers))
            .unwrap_or(Language::En);
        Ok(Self(language.texts()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &'static str) -> Option<Language> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(value));
        accept_language(&headers)
    }

    #[test]
    fn the_browser_preference_with_the_highest_quality_wins() {
        assert_eq!(accept("sw-KE,sw;q=0.9,en;q=0.8"), Some(Language::Sw));
        assert_eq!(accept("de,fr;q=0.5,en;q=0.7"), Some(Language::En));
        assert_eq!(accept("de, fr-CA"), Some(Language::Fr));
        assert_eq!(accept("de"), None);
        assert_eq!(accept("fr;q=0"), None);
    }

    #[test]
    fn the_switcher_query_and_cookie_are_read() {
        assert_eq!(query_language("page=2&lang=fr"), Some(Language::Fr));
        assert_eq!(query_language("lang=xx"), None);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("baraza_session=a; baraza_admin_lang=sw"),
        );
        assert_eq!(cookie_language(&headers), Some(Language::Sw));
    }
}

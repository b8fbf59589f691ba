//! Security headers on every response: API JSON, static files, errors and timeouts alike.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy given to HTML the server sends without one of its own.
///
/// It is the www/ demo page's own `<meta>` policy plus `frame-ancestors`, which a `<meta>` cannot
/// set. When a page carries both a header and a meta policy the browser enforces each, so a
/// resource loads only if both allow it: the header must not be stricter than what the demo
/// page needs, which is scripts, styles and API calls from this origin, `'wasm-unsafe-eval'` to
/// compile the widget, and a `data:` favicon. Widget styles are constructed stylesheets in a
/// shadow root, so no `'unsafe-inline'` is needed. `frame-ancestors 'self'` stops other sites
/// framing these pages (clickjacking); a page meant to be framed elsewhere sets its own policy,
/// which this layer leaves alone.
pub(crate) const DEFAULT_HTML_CSP: &str = "default-src 'self'; \
    script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

/// `Strict-Transport-Security` when `--hsts` is on: a year, subdomains included. Off by default,
/// because a browser that has seen it refuses plain HTTP to the host for that year.
pub(crate) const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Which optional headers to send.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SecurityHeaders {
    /// Whether to send [`HSTS`]: only for deployments reached over HTTPS.
    pub(crate) hsts: bool,
}

/// Adds the headers after the inner service has answered, so they cover every response.
pub(crate) async fn add_security_headers(
    State(settings): State<SecurityHeaders>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // Browsers must trust our Content-Type: the wasm and JSON are never to be run as script.
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Poll pages may carry slugs worth keeping from third parties: send only the origin across
    // sites, never the full URL.
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    if is_html(headers) {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(DEFAULT_HTML_CSP));
    }
    if settings.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(';')
                .next()
                .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/html"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content_type(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn recognises_html_by_media_type_only() {
        assert!(is_html(&content_type("text/html")));
        assert!(is_html(&content_type("text/html; charset=utf-8")));
        assert!(is_html(&content_type("Text/HTML ;charset=utf-8")));
        assert!(!is_html(&content_type("application/json")));
        assert!(!is_html(&content_type("text/html-sandboxed")));
        assert!(!is_html(&HeaderMap::new()));
    }
}

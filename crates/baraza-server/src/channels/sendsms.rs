//! Messages the server starts — voucher codes sent to phones — through Kannel's `sendsms` HTTP
//! interface (the `smsbox`'s `sendsms-port`, a `sendsms-user` group):
//! `GET {url}?username=…&password=…&to=…&text=…[&from=…]`, answered `202` (`0: Accepted for
//! delivery`, `3: Queued for later delivery`) when Kannel took the message.
//!
//! Replies to incoming messages do not come this way: they are the body of the answer to
//! Kannel's `get-url` call (see `sms.rs`). The password and the numbers sent to never reach a
//! log: errors name the status Kannel answered, not the request.

use std::fmt;
use std::time::Duration;

use anyhow::Context as _;
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::phone::PhoneNumber;

/// How long one `sendsms` request may take before it counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and as whom to send through Kannel.
#[derive(Clone)]
pub struct KannelSendSms {
    url: hyper::Uri,
    username: String,
    password: String,
    from: Option<String>,
    client: Client<HttpConnector, Empty<Bytes>>,
}

impl fmt::Debug for KannelSendSms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KannelSendSms")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// Why a message was not handed to Kannel.
#[derive(Debug, thiserror::Error)]
pub enum SendSmsError {
    /// Kannel could not be reached, or did not answer in time.
    #[error("Kannel's sendsms interface cannot be reached: {0}")]
    Unreachable(String),
    /// Kannel answered with an error (a wrong user or password, a refused number…).
    #[error("Kannel refused the message with status {status}: {reason}")]
    Refused {
        /// The HTTP status Kannel answered.
        status: u16,
        /// Kannel's answer, shortened.
        reason: String,
    },
}

impl KannelSendSms {
    /// Settings for `url` (`http://127.0.0.1:13013/cgi-bin/sendsms`), the `sendsms-user`'s
    /// `username` and `password`, and the sender shown on phones (`from`, e.g. the short code).
    /// Only plain `http` is spoken: Kannel's `smsbox` runs beside the server.
    pub fn new(
        url: &str,
        username: String,
        password: String,
        from: Option<String>,
    ) -> anyhow::Result<Self> {
        let url: hyper::Uri = url.parse().context("the Kannel sendsms URL is not a URL")?;
        anyhow::ensure!(
            url.scheme_str() == Some("http") && url.query().is_none(),
            "the Kannel sendsms URL must be http://HOST:PORT/PATH without a query \
             (e.g. http://127.0.0.1:13013/cgi-bin/sendsms)"
        );
        Ok(Self {
            url,
            username,
            password,
            from,
            client: Client::builder(TokioExecutor::new()).build_http(),
        })
    }

    /// Hands `text` for `to` to Kannel.
    pub async fn send(&self, to: &PhoneNumber, text: &str) -> Result<(), SendSmsError> {
        let mut query = vec![
            ("username", self.username.as_str()),
            ("password", self.password.as_str()),
            ("to", to.as_e164()),
            ("text", text),
            // Kannel reads `text` as UTF-8 and picks GSM-7 or UCS-2 itself.
            ("charset", "UTF-8"),
        ];
        if let Some(from) = &self.from {
            query.push(("from", from));
        }
        let query = serde_urlencoded::to_string(&query)
            .map_err(|error| SendSmsError::Unreachable(error.to_string()))?;
        let uri: hyper::Uri = format!("{}?{query}", self.url)
            .parse()
            .map_err(|_| SendSmsError::Unreachable("the request URL is invalid".to_owned()))?;
        let answer = tokio::time::timeout(SEND_TIMEOUT, self.client.get(uri))
            .await
            .map_err(|_| SendSmsError::Unreachable("no answer within 10 s".to_owned()))?
            // The error's text would hold the URL, password included: keep only its kind.
            .map_err(|error| {
                SendSmsError::Unreachable(if error.is_connect() {
                    "connection refused".to_owned()
                } else {
                    "the request failed".to_owned()
                })
            })?;
        let status = answer.status();
        if status.is_success() {
            return Ok(());
        }
        let body = tokio::time::timeout(SEND_TIMEOUT, answer.into_body().collect())
            .await
            .ok()
            .and_then(Result::ok)
            .map(|collected| collected.to_bytes())
            .unwrap_or_default();
        Err(SendSmsError::Refused {
            status: status.as_u16(),
            reason: String::from_utf8_lossy(&body)
                .chars()
                .take(80)
                .collect::<String>()
                .trim()
                .to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_http_url_without_a_query_is_taken() {
        let make = |url: &str| KannelSendSms::new(url, "baraza".into(), "secret".into(), None);
        assert!(make("http://127.0.0.1:13013/cgi-bin/sendsms").is_ok());
        assert!(make("https://sms.example/cgi-bin/sendsms").is_err());
        assert!(make("http://127.0.0.1:13013/cgi-bin/sendsms?user=x").is_err());
        assert!(make("not a url").is_err());
    }

    #[test]
    fn the_password_is_not_in_the_debug_output() {
        let settings = KannelSendSms::new(
            "http://127.0.0.1:13013/cgi-bin/sendsms",
            "baraza".into(),
            "very-secret-password".into(),
            Some("22555".into()),
        )
        .expect("settings");
        let shown = format!("{settings:?}");
        assert!(!shown.contains("very-secret-password"), "{shown}");
        assert!(shown.contains("22555"), "{shown}");
    }
}

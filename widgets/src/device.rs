//! What this browser remembers between visits: its voter token (for polls, reactions and
//! reports) and which polls it answered.
//!
//! Storage can be unavailable (private modes, sandboxed frames, full quota). The widget then
//! still works for this page view, with a token that lives only as long as the page.

use web_sys::Storage;

const VOTER_TOKEN_KEY: &str = "baraza:voter-token";

fn storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn random_token() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|crypto| crypto.random_uuid())
        // Without Web Crypto (very old browsers) fall back to Math.random: the token only guards
        // against accidental double votes, so its unpredictability is not security-critical.
        .unwrap_or_else(|| format!("weak-{:x}{:x}", random_u64(), random_u64()))
}

fn random_u64() -> u64 {
    (js_sys::Math::random() * (u64::MAX as f64)) as u64
}

/// This browser's voter token, created and remembered on first use.
pub(crate) fn voter_token() -> String {
    let Some(storage) = storage() else {
        return random_token();
    };
    if let Ok(Some(token)) = storage.get_item(VOTER_TOKEN_KEY)
        && baraza_core::VoterToken::parse(token.clone()).is_ok()
    {
        return token;
    }
    let token = random_token();
    // If saving fails the token still serves this page view.
    let _ = storage.set_item(VOTER_TOKEN_KEY, &token);
    token
}

#[cfg(feature = "poll")]
fn voted_key(server: &str, slug: &str) -> String {
    format!("baraza:voted:{server}/{slug}")
}

/// Whether this browser has answered the poll.
#[cfg(feature = "poll")]
pub(crate) fn has_voted(server: &str, slug: &str) -> bool {
    storage()
        .and_then(|s| s.get_item(&voted_key(server, slug)).ok().flatten())
        .is_some()
}

/// Remembers that this browser answered the poll.
#[cfg(feature = "poll")]
pub(crate) fn remember_vote(server: &str, slug: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(&voted_key(server, slug), "1");
    }
}

//! Passwords and random tokens: argon2id hashing, token generation, and the digests under which
//! tokens are stored.
//!
//! Invariant: a password or a token exists in the clear only in the request (or command) that
//! carries it; what is stored, compared and logged is a PHC string or a SHA-256 digest.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use sha2::{Digest as _, Sha256};

/// Shortest password accepted for a staff account.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted: long enough for any passphrase, short enough that hashing one
/// cannot be made expensive.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Random bytes in every token (256 bits).
const TOKEN_BYTES: usize = 32;

/// Prefix of admin API tokens, so a token pasted somewhere it should not be is recognisable
/// (secret scanners match on such prefixes).
pub const API_TOKEN_PREFIX: &str = "baraza_";

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("the password has {0} characters; it needs at least {MIN_PASSWORD_CHARS}")]
    TooShort(usize),
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    #[error("the password is longer than {MAX_PASSWORD_CHARS} characters")]
    TooLong,
}

/// Checks a new password's length (counted in characters, not bytes).
pub fn check_new_password(password: &str) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(WeakPassword::TooShort(chars))
    } else if chars > MAX_PASSWORD_CHARS {
        Err(WeakPassword::TooLong)
    } else {
        Ok(())
    }
}

/// The argon2id PHC string (default parameters, random salt) of `password`. CPU-heavy: call it
/// from a blocking thread in a server.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Whether `password` matches the PHC string `stored`. CPU-heavy, like [`hash_password`].
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A PHC string no password matches, verified when an e-mail has no account so that a wrong
/// e-mail takes as long to refuse as a wrong password (the timing does not tell them apart).
pub(crate) fn decoy_password_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password(&random_token()).unwrap_or_else(|_| {
            // Unreachable in practice (hashing only fails on invalid parameters); a malformed
            // string still makes verification fail, only faster.
            String::from("$argon2id$v=19$m=19456,t=2,p=1$invalid")
        })
    })
}

/// A fresh random token: 32 bytes from the operating system, as 64 lower-case hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    // The operating system's generator failing leaves no safe way to go on.
    #[expect(
        clippy::expect_used,
        reason = "no secure randomness means no safe tokens; stopping is the only correct answer"
    )]
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    hex(&bytes)
}

/// A new admin API token: [`API_TOKEN_PREFIX`] and a [`random_token`].
pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_token())
}

/// The SHA-256 of `secret`, as 64 hex digits: how tokens and throttling keys are stored.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// Compares two strings in time that depends only on their lengths, for CSRF tokens.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |difference, (x, y)| difference | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("correct horse"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("anything", decoy_password_hash()));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn tokens_are_random_hex_and_digests_are_sha256() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert!(new_api_token().starts_with(API_TOKEN_PREFIX));
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn password_length_counts_characters() {
        assert_eq!(check_new_password("short"), Err(WeakPassword::TooShort(5)));
        assert_eq!(
            check_new_password("ééééééééééé"),
            Err(WeakPassword::TooShort(11))
        );
        assert_eq!(check_new_password("twelve chars"), Ok(()));
        assert_eq!(
            check_new_password(&"x".repeat(MAX_PASSWORD_CHARS + 1)),
            Err(WeakPassword::TooLong)
        );
    }

    #[test]
    fn same_secret_compares_whole_strings() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}

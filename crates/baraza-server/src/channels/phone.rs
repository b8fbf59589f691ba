//! Phone numbers are personal data: they are normalised to E.164, turned at once into a keyed
//! hash (HMAC-SHA-256 under a server secret), and only the hash is kept — as the participant's
//! voter token, so "one answer per phone" is the same unique constraint as "one ballot per
//! device". Without the secret, a stolen database does not give the numbers back by trying all
//! of them (a national numbering plan is only some 10⁹ numbers).

use std::fmt;
use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;

/// A phone number in E.164 form (`+` and 8 to 15 digits). Its `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PhoneNumber(<redacted>)")
    }
}

/// Why a sender address is not a phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the sender is not a phone number in international form")]
pub struct NotAPhoneNumber;

impl PhoneNumber {
    /// Reads a sender address as gateways give it: `+254700111222`, `254700111222`,
    /// `00254700111222`, with spaces, dashes, dots or brackets; or a national number starting
    /// with a trunk `0` when `country_code` (e.g. `254`) is given.
    pub fn parse(text: &str, country_code: Option<&str>) -> Result<Self, NotAPhoneNumber> {
        let trimmed = text.trim();
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(NotAPhoneNumber),
            }
        }
        let international = if plus {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_owned()
        } else if let (Some(rest), Some(country)) = (digits.strip_prefix('0'), country_code) {
            format!("{country}{rest}")
        } else {
            digits
        };
        let valid = (8..=15).contains(&international.len()) && !international.starts_with('0');
        if valid {
            Ok(Self(format!("+{international}")))
        } else {
            Err(NotAPhoneNumber)
        }
    }

    /// The E.164 text (`+254700111222`). Never log it.
    pub fn as_e164(&self) -> &str {
        &self.0
    }
}

/// The server secret that keys phone-number hashes.
#[derive(Clone)]
pub struct PhoneKey([u8; 32]);

impl fmt::Debug for PhoneKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PhoneKey(<secret>)")
    }
}

impl PhoneKey {
    /// A key from 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A fresh random key (for tests, or a server that keeps no phone data across restarts).
    pub fn random() -> anyhow::Result<Self> {
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("the operating system's random generator failed: {e}"))?;
        Ok(Self(bytes))
    }

    /// Reads the key from `path` (64 hex digits), creating the file with a new random key —
    /// readable by its owner only — when it does not exist. Every server sharing a database
    /// must use the same file.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(text.trim())
                .with_context(|| format!("{} does not hold 64 hex digits", path.display())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::random()?;
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options
                    .open(path)
                    .with_context(|| format!("cannot create the secret file {}", path.display()))?;
                writeln!(file, "{}", key.to_hex())?;
                tracing::info!(path = %path.display(), "created a new server secret");
                Ok(key)
            }
            Err(error) => Err(error)
                .with_context(|| format!("cannot read the secret file {}", path.display())),
        }
    }

    fn from_hex(text: &str) -> Option<Self> {
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0_u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Self(bytes))
    }

    fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The participant token of a phone: `phone-` and 40 hex digits of HMAC-SHA-256. The same
    /// phone gets the same token on SMS and USSD, so it takes part once across both.
    pub fn voter_token(&self, phone: &PhoneNumber) -> String {
        let hex = self.keyed_hex(b"baraza phone v1\0", &[phone.as_e164().as_bytes()]);
        format!("phone-{hex}")
    }

    /// 40 hex digits (160 bits) of HMAC-SHA-256 of `domain` then `parts`: the domain keeps the
    /// hashes of different kinds of secret (phones, voucher codes) apart.
    pub(crate) fn keyed_hex(&self, domain: &[u8], parts: &[&[u8]]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(domain);
        for part in parts {
            mac.update(part);
        }
        let digest = mac.finalize().into_bytes();
        digest[..20].iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_e164() {
        let parse = |text| PhoneNumber::parse(text, Some("254")).map(|p| p.0);
        assert_eq!(parse("254700111222"), Ok("+254700111222".into()));
        assert_eq!(parse("+254 700-111-222"), Ok("+254700111222".into()));
        assert_eq!(parse("00254700111222"), Ok("+254700111222".into()));
        assert_eq!(parse("0700111222"), Ok("+254700111222".into()));
        assert_eq!(parse("(0700) 111.222"), Ok("+254700111222".into()));
        assert_eq!(parse("22555"), Err(NotAPhoneNumber));
        assert_eq!(parse("ACME-BANK"), Err(NotAPhoneNumber));
        assert_eq!(parse("+2547001112223334"), Err(NotAPhoneNumber));
        assert_eq!(
            PhoneNumber::parse("0700111222", None).map(|p| p.0),
            Err(NotAPhoneNumber)
        );
    }

    #[test]
    fn the_token_is_keyed_stable_and_shows_no_digits_of_the_number() {
        let key = PhoneKey::from_bytes([7; 32]);
        let phone = PhoneNumber::parse("+254700111222", None).expect("valid");
        let token = key.voter_token(&phone);
        assert_eq!(token, key.voter_token(&phone));
        assert!(baraza_core::VoterToken::parse(token.clone()).is_ok());
        assert!(!token.contains("700111222"));
        let other_key = PhoneKey::from_bytes([8; 32]);
        assert_ne!(token, other_key.voter_token(&phone));
        assert_eq!(format!("{phone:?}"), "PhoneNumber(<redacted>)");
    }

    #[test]
    fn the_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("secret.key");
        let created = PhoneKey::load_or_create(&path).expect("created");
        let read = PhoneKey::load_or_create(&path).expect("read");
        assert_eq!(created.0, read.0);
        std::fs::write(&path, "not hex").expect("write");
        assert!(PhoneKey::load_or_create(&path).is_err());
    }
}

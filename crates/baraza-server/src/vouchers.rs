//! Voucher codes: single-use codes an editor generates for a poll (printed on paper at a
//! service counter, or sent by SMS) so that only verified participants' answers count.
//!
//! A code is six characters from an alphabet without look-alikes (no `0 O 1 I L`), written
//! `K7Q-94M`; citizens may type it in any case, with or without the dash or spaces. Codes are
//! stored only as a keyed hash (HMAC-SHA-256 under the server secret that keys phone numbers,
//! bound to the poll), so the database alone gives no code back; the clear codes exist once,
//! in the CSV handed to the editor who generated them. A code is spent in the same transaction
//! that stores its ballot, by a conditional update, so it counts once even when two answers
//! race (see `storage::vouchers`).

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

use baraza_core::Slug;
use time::OffsetDateTime;

use crate::channels::phone::PhoneKey;
use crate::storage::{AuditEntry, Database};

/// The characters of a code: digits and capitals that cannot be mistaken for one another.
const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a code (written in two groups of three).
const CODE_CHARS: usize = 6;
/// The most codes generated at once: a national batch for one service counter network.
pub const MAX_CODES_PER_BATCH: u32 = 10_000;

/// A well-formed voucher code, upper case without the dash. Its `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct VoucherCode(String);

impl fmt::Debug for VoucherCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VoucherCode(<redacted>)")
    }
}

/// Why typed text is not a voucher code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a voucher code is six letters and digits, like K7Q-94M")]
pub struct NotAVoucherCode;

impl VoucherCode {
    /// Reads a code as citizens type it: any case, dashes and spaces ignored.
    pub fn parse(typed: &str) -> Result<Self, NotAVoucherCode> {
        let code: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let well_formed =
            code.len() == CODE_CHARS && code.bytes().all(|byte| ALPHABET.contains(&byte));
        if well_formed {
            Ok(Self(code))
        } else {
            Err(NotAVoucherCode)
        }
    }

    /// A new random code.
    pub fn random() -> anyhow::Result<Self> {
        // Rejection sampling keeps every character equally likely (256 is not a multiple of 31).
        let limit = u8::try_from(256 - 256 % ALPHABET.len()).unwrap_or(u8::MAX);
        let mut code = String::with_capacity(CODE_CHARS);
        while code.len() < CODE_CHARS {
            let mut bytes = [0_u8; 16];
            getrandom::fill(&mut bytes).map_err(|e| {
                anyhow::anyhow!("the operating system's random generator failed: {e}")
            })?;
            for byte in bytes {
                if byte < limit && code.len() < CODE_CHARS {
                    code.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
                }
            }
        }
        Ok(Self(code))
    }

    /// The code as printed: `K7Q-94M`. Never log it.
    pub fn printed(&self) -> String {
        let (first, second) = self.0.split_at(CODE_CHARS / 2);
        format!("{first}-{second}")
    }

    /// The stored form: `voucher-` and 40 hex digits of HMAC-SHA-256 of the poll and the code.
    /// Bound to the poll, so a code of one poll is unknown to every other.
    pub fn hash(&self, key: &PhoneKey, poll: &Slug) -> String {
        let hex = key.keyed_hex(
            b"baraza voucher v1\0",
            &[poll.as_str().as_bytes(), b"\0", self.0.as_bytes()],
        );
        format!("voucher-{hex}")
    }
}

/// What a submission's voucher code amounts to, before the writer spends it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum VoucherCheck {
    /// The poll needs no code: none is spent, whatever was typed.
    NotNeeded,
    /// The poll needs a code and none was given.
    Missing,
    /// What was given cannot be a code (so it is none of the poll's).
    Malformed,
    /// The keyed hash of the code to spend.
    Spend(String),
}

impl VoucherCheck {
    /// The hash to hand to the writer, if any.
    pub(crate) fn into_hash(self) -> Option<String> {
        match self {
            Self::Spend(hash) => Some(hash),
            Self::NotNeeded | Self::Missing | Self::Malformed => None,
        }
    }
}

/// Checks the code `typed` (if any) for a ballot of `poll`.
pub(crate) async fn check(
    state: &crate::AppState,
    poll: &Slug,
    typed: Option<&str>,
) -> anyhow::Result<VoucherCheck> {
    if !state.database.voucher_required(poll).await? {
        return Ok(VoucherCheck::NotNeeded);
    }
    let Some(typed) = typed.filter(|typed| !typed.trim().is_empty()) else {
        return Ok(VoucherCheck::Missing);
    };
    let (Ok(code), Some(settings)) = (VoucherCode::parse(typed), state.channels()) else {
        // Without the server secret no code was ever generated: none can be the poll's.
        return Ok(VoucherCheck::Malformed);
    };
    Ok(VoucherCheck::Spend(code.hash(&settings.phone_key, poll)))
}

/// Wrong codes one sender may give for one poll within [`WRONG_CODE_WINDOW`] before their
/// answers are refused without the code being looked at. A citizen who mistypes has room to
/// correct; guessing one of 10,000 codes among 31⁶ (about 887 million) would take one sender
/// some 9,000 years at this pace.
pub const MAX_WRONG_CODES: u32 = 10;
/// How long wrong codes are remembered.
pub const WRONG_CODE_WINDOW: time::Duration = time::Duration::hours(1);
/// Senders remembered at most; beyond it, windows that have ended are forgotten first.
const MAX_REMEMBERED_SENDERS: usize = 100_000;

/// Who gave a voucher code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sender {
    /// A phone, by its keyed hash (the voter token of its answers): numbers cost money to
    /// change, so this is the strong key.
    Phone(String),
    /// A browser, by the address its request came from ([`Sender::address`]). Behind one
    /// address (a carrier's NAT) many citizens share the allowance; behind a reverse proxy the
    /// server must be told which proxies to believe (`--trusted-proxies`), or every browser
    /// would share the proxy's.
    Address(IpAddr),
}

impl Sender {
    /// The sender at `address`: IPv4 as it is, IPv6 by its /64 prefix, which one customer
    /// usually holds whole (keying full IPv6 addresses would give each guesser 2⁶⁴ tries).
    pub fn address(address: IpAddr) -> Self {
        match address.to_canonical() {
            IpAddr::V4(v4) => Self::Address(IpAddr::V4(v4)),
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                Self::Address(IpAddr::V6(prefix.into()))
            }
        }
    }
}

/// Recent wrong codes by poll and sender, in this server's memory: a server restart forgets
/// them, and servers sharing a database each keep their own (the limit is then per server).
#[derive(Debug, Default)]
pub struct WrongCodes {
    seen: Mutex<HashMap<(Slug, Sender), (u32, OffsetDateTime)>>,
}

impl WrongCodes {
    /// Counts an attempt with a code from `sender` for `poll` before the code is looked at, and
    /// says whether it may go on: `false` once [`MAX_WRONG_CODES`] attempts were made in the
    /// current window. Counting first means requests sent at once cannot all slip past the
    /// check; a right code is then [`forgiven`](Self::forgive).
    pub fn attempt(&self, poll: &Slug, sender: &Sender, now: OffsetDateTime) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.len() >= MAX_REMEMBERED_SENDERS {
            seen.retain(|_, (_, since)| now - *since < WRONG_CODE_WINDOW);
            if seen.len() >= MAX_REMEMBERED_SENDERS {
                // Still full within one window: start afresh rather than scan this map on
                // every attempt (a flood of new senders then resets the counts once, for a
                // cost of 100,000 distinct phones or addresses).
                seen.clear();
            }
        }
        let entry = seen
            .entry((poll.clone(), sender.clone()))
            .or_insert((0, now));
        if now - entry.1 >= WRONG_CODE_WINDOW {
            *entry = (0, now);
        }
        if entry.0 >= MAX_WRONG_CODES {
            return false;
        }
        entry.0 += 1;
        true
    }

    /// Takes back the attempt of a code that turned out right (or was never looked at).
    pub fn forgive(&self, poll: &Slug, sender: &Sender) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = seen.get_mut(&(poll.clone(), sender.clone())) {
            entry.0 = entry.0.saturating_sub(1);
        }
    }
}

/// `count` distinct new codes.
pub fn generate(count: u32) -> anyhow::Result<Vec<VoucherCode>> {
    let mut seen = std::collections::HashSet::new();
    let mut codes = Vec::new();
    while codes.len() < count as usize {
        let code = VoucherCode::random()?;
        if seen.insert(code.0.clone()) {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// Generates `count` codes for `poll` and stores their hashes with `audit`; returns the codes
/// stored (all of them, but for the rare new code equal to one the poll already has).
pub async fn issue(
    database: &Database,
    key: &PhoneKey,
    poll: &Slug,
    count: u32,
    audit: &AuditEntry,
) -> anyhow::Result<Vec<VoucherCode>> {
    let codes = generate(count)?;
    let hashes: Vec<String> = codes.iter().map(|code| code.hash(key, poll)).collect();
    let stored: std::collections::HashSet<String> = database
        .add_vouchers(poll, &hashes, audit)
        .await?
        .into_iter()
        .collect();
    Ok(codes
        .into_iter()
        .zip(hashes)
        .filter(|(_, hash)| stored.contains(hash))
        .map(|(code, _)| code)
        .collect())
}

/// The CSV an editor downloads once: a header and one printed code a line.
pub fn csv(poll: &Slug, codes: &[VoucherCode]) -> String {
    let mut text = String::from("poll,code\r\n");
    for code in codes {
        text.push_str(&format!("{poll},{}\r\n", code.printed()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_in_any_case_with_or_without_the_dash() {
        let code = VoucherCode::parse("K7Q-94M").expect("valid");
        assert_eq!(code.printed(), "K7Q-94M");
        for typed in ["k7q94m", " K7Q 94M ", "k7q-94m"] {
            assert_eq!(VoucherCode::parse(typed), Ok(code.clone()), "{typed}");
        }
        for bad in [
            "", "K7Q-94", "K7Q-94MM", "K0Q-94M", "KIQ-94M", "K7Q_94M", "Ä7Q-94M",
        ] {
            assert_eq!(VoucherCode::parse(bad), Err(NotAVoucherCode), "{bad}");
        }
        assert_eq!(format!("{code:?}"), "VoucherCode(<redacted>)");
    }

    #[test]
    fn generated_codes_are_distinct_well_formed_and_read_back() {
        let codes = generate(500).expect("codes");
        assert_eq!(codes.len(), 500);
        let distinct: std::collections::HashSet<_> = codes.iter().map(|c| c.0.clone()).collect();
        assert_eq!(distinct.len(), 500);
        for code in &codes {
            assert_eq!(VoucherCode::parse(&code.printed()).as_ref(), Ok(code));
        }
    }

    #[test]
    fn the_hash_is_keyed_bound_to_the_poll_and_shows_no_code() {
        let key = PhoneKey::from_bytes([7; 32]);
        let code = VoucherCode::parse("K7Q-94M").expect("valid");
        let water = Slug::parse("water").expect("slug");
        let hash = code.hash(&key, &water);
        assert_eq!(hash, code.hash(&key, &water));
        assert!(hash.starts_with("voucher-") && hash.len() == 48, "{hash}");
        assert!(!hash.to_uppercase().contains("K7Q"));
        assert_ne!(hash, code.hash(&key, &Slug::parse("health").expect("slug")));
        assert_ne!(hash, code.hash(&PhoneKey::from_bytes([8; 32]), &water));
    }

    #[test]
    fn the_csv_lists_each_code_once() {
        let water = Slug::parse("water").expect("slug");
        let codes = [
            VoucherCode::parse("K7Q94M").expect("valid"),
            VoucherCode::parse("ABC234").expect("valid"),
        ];
        assert_eq!(
            csv(&water, &codes),
            "poll,code\r\nwater,K7Q-94M\r\nwater,ABC-234\r\n"
        );
    }
}

/// The most phones one request may send codes to: a batch Kannel takes in seconds.
pub const MAX_PHONES_PER_SMS_BATCH: usize = 1_000;

/// What became of codes sent by SMS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SentBySms {
    /// Messages Kannel accepted.
    pub sent: usize,
    /// Phones whose message was not accepted (their codes were stored but reached nobody).
    pub failed: usize,
}

/// Issues one new code of `poll` per phone (hashes stored with `audit`) and hands each its code
/// through Kannel's sendsms, in the poll's language, naming the poll's SMS keyword when it has
/// one. The numbers are used only to send: they are neither stored nor logged, and nothing
/// links a code to the phone it went to.
pub async fn send_by_sms(
    state: &crate::AppState,
    sendsms: &crate::channels::sendsms::KannelSendSms,
    key: &PhoneKey,
    poll: &baraza_core::Poll,
    phones: &[crate::channels::phone::PhoneNumber],
    audit: &AuditEntry,
) -> anyhow::Result<SentBySms> {
    // One code per phone, however often a number was listed (`0712…` and `+254712…` alike).
    let mut unique: Vec<&crate::channels::phone::PhoneNumber> = Vec::with_capacity(phones.len());
    for phone in phones {
        if !unique.iter().any(|seen| seen.as_e164() == phone.as_e164()) {
            unique.push(phone);
        }
    }
    let phones = unique;
    let count = u32::try_from(phones.len())?;
    let mut codes = issue(&state.database, key, poll.slug(), count, audit).await?;
    if codes.len() < phones.len() {
        // A new code equal to an existing one was dropped: make up the difference once.
        let missing = u32::try_from(phones.len() - codes.len())?;
        codes.extend(issue(&state.database, key, poll.slug(), missing, audit).await?);
    }
    let keyword = state.database.poll_channels(poll.slug()).await?.sms_keyword;
    let texts = crate::channels::texts_for_language(poll.default_language().as_str());
    let mut outcome = SentBySms::default();
    for (index, phone) in phones.iter().enumerate() {
        let Some(code) = codes.get(index) else {
            outcome.failed += 1;
            continue;
        };
        let text = match &keyword {
            Some(keyword) => texts
                .voucher_sms
                .replace("{keyword}", keyword)
                .replace("{code}", &code.printed()),
            None => texts.voucher_sms_web.replace("{code}", &code.printed()),
        };
        match sendsms.send(phone, &text).await {
            Ok(()) => outcome.sent += 1,
            Err(error) => {
                tracing::warn!(poll = %poll.slug(), error = %error, "a voucher code was not handed to Kannel");
                outcome.failed += 1;
            }
        }
    }
    tracing::info!(poll = %poll.slug(), sent = outcome.sent, failed = outcome.failed, "voucher codes sent by SMS");
    Ok(outcome)
}

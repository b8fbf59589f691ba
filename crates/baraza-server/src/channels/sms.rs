//! Answering polls by SMS through Kannel: `GET /channels/sms/kannel?from=%p&text=%a` (Kannel's
//! `sms-service` `get-url`), answered `200 text/plain` with the reply, which Kannel sends back to
//! the phone.
//!
//! A message is a keyword and answers: `TARIFF 2`, `tariff b`, `Tariff 1,3`, `TARIFF2`. Anything
//! the server cannot read gets a help reply listing the options; a stored answer gets a
//! confirmation; a closed poll, or a phone that already answered, gets a clear reply and counts
//! nothing. The answer goes through the same validation, the same one-answer rule (the phone's
//! keyed hash is its voter token) and the same writer as a web ballot.

use baraza_core::score::RatingSubmission;
use baraza_core::{Ballot, OptionId, Poll, PollKind, PollOption, PollPhase, Slug};
use serde::Deserialize;

use super::phone::PhoneNumber;
use super::texts::{Texts, texts_for};
use super::{ChannelSettings, sms_text};
use crate::AppState;
use crate::storage::{Channel, PhoneRoute, SubmitError};
use crate::vouchers::{self, Sender, VoucherCheck, VoucherCode};

/// The query Kannel sends: `%p` (the sender) and `%a` (the whole text).
#[derive(Debug, Deserialize)]
pub(crate) struct KannelMessage {
    pub(crate) from: String,
    pub(crate) text: String,
}

/// The reply to one incoming message, already fitted to at most three SMS.
pub(crate) async fn reply(
    state: &AppState,
    settings: &ChannelSettings,
    message: &KannelMessage,
) -> String {
    let text = match PhoneNumber::parse(&message.from, settings.country_code.as_deref()) {
        Ok(phone) => reply_from(state, settings, &phone, &message.text).await,
        Err(_) => texts_for("en").not_a_phone.to_owned(),
    };
    sms_text::fit(&text)
}

/// A message split into its keyword and answers.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Parsed<'a> {
    pub(super) keyword: String,
    /// The answers, split at spaces and punctuation.
    pub(super) answers: Vec<&'a str>,
    /// The message after the keyword as sent, for free text.
    pub(super) rest: &'a str,
}

/// Finds which of `keywords` the message starts with (case and spacing ignored; the keyword may
/// be glued to a number: `TARIFF2`).
fn parse<'a>(text: &'a str, keywords: &[String]) -> Option<Parsed<'a>> {
    let mut tokens = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '.' | '-' | '/'))
        .filter(|t| !t.is_empty());
    let first = tokens.next()?;
    // Only separators come before the first token, so its first occurrence is itself.
    let first_at = text.find(first).unwrap_or(0);
    let after_first = &text[first_at + first.len()..];
    let first_upper = first.to_uppercase();
    for keyword in keywords {
        if first_upper == *keyword {
            return Some(Parsed {
                keyword: keyword.clone(),
                answers: tokens.collect(),
                rest: after_first.trim(),
            });
        }
        if let Some(rest) = first_upper.strip_prefix(keyword.as_str())
            && !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_digit())
        {
            let glued = &first[first.len() - rest.len()..];
            let glued_at = first_at + first.len() - rest.len();
            return Some(Parsed {
                keyword: keyword.clone(),
                answers: std::iter::once(glued).chain(tokens).collect(),
                rest: text[glued_at..].trim(),
            });
        }
    }
    None
}

/// The option an answer names: its number (1-based), its letter, or its id.
fn option_for(poll: &Poll, answer: &str) -> Option<String> {
    let options = poll.options();
    option_position(options, answer).map(|i| options[i].id.as_str().to_owned())
}

/// Where in `options` the one an answer names is: by its number (1-based), its letter, or its
/// id.
pub(super) fn option_position(options: &[PollOption], answer: &str) -> Option<usize> {
    let index = if let Ok(number) = answer.parse::<usize>() {
        number.checked_sub(1)
    } else if answer.len() == 1 && answer.chars().all(|c| c.is_ascii_alphabetic()) {
        let letter = answer.to_ascii_uppercase().bytes().next().unwrap_or(b'A');
        Some(usize::from(letter - b'A'))
    } else {
        options
            .iter()
            .position(|o| o.id.as_str().eq_ignore_ascii_case(answer))
    };
    index.filter(|&i| i < options.len())
}

fn language_of(poll: &Poll) -> &str {
    poll.default_language().as_str()
}

/// "TARIFF: How should water be charged? Reply TARIFF and a number: 1 Flat rate, 2 …".
fn help(poll: &Poll, keyword: &str, texts: &Texts) -> String {
    let language = language_of(poll);
    let options: Vec<String> = poll
        .options()
        .iter()
        .enumerate()
        .map(|(i, o)| {
            format!(
                "{} {}",
                i + 1,
                o.label.resolve(&[language], poll.default_language())
            )
        })
        .collect();
    let question = poll
        .question()
        .resolve(&[language], poll.default_language());
    let (_, max) = poll.selection_range();
    if let PollKind::Score { scale, require_all } = poll.kind() {
        // Options by letter: a bare number is a score, so numbering them would mislead.
        let lettered: Vec<String> = poll
            .options()
            .iter()
            .zip('a'..='z')
            .map(|(o, letter)| {
                format!(
                    "{letter} {}",
                    o.label.resolve(&[language], poll.default_language())
                )
            })
            .collect();
        let shown = if require_all {
            poll.options().len()
        } else {
            poll.options().len().min(3)
        };
        let example: Vec<String> = (0..shown)
            .map(|i| {
                let step = i32::try_from(i).unwrap_or(0);
                (scale.max() - step).max(scale.min()).to_string()
            })
            .collect();
        let how = texts
            .reply_with_scores
            .replace("{keyword}", keyword)
            .replace("{min}", &scale.min().to_string())
            .replace("{max}", &scale.max().to_string())
            .replace("{example}", &example.join(" "))
            .replace("{lettered}", &format!("b{}", scale.max()));
        return format!("{keyword}: {question} {how}: {}", lettered.join(", "));
    }
    let how = if poll.kind().is_ranked() {
        texts.reply_with_ranking.replace("{keyword}", keyword)
    } else if max > 1 {
        texts.reply_with_numbers.replace("{keyword}", keyword)
    } else {
        texts.reply_with_number.replace("{keyword}", keyword)
    };
    format!("{keyword}: {question} {how}: {}", options.join(", "))
}

async fn reply_from(
    state: &AppState,
    settings: &ChannelSettings,
    phone: &PhoneNumber,
    text: &str,
) -> String {
    let routes = match state.database.sms_routes().await {
        Ok(routes) => routes,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "cannot read the SMS keywords");
            return texts_for("en").failed.to_owned();
        }
    };
    let names: Vec<String> = routes.iter().map(|(k, _)| k.clone()).collect();
    let Some(parsed) = parse(text, &names) else {
        return if names.is_empty() {
            texts_for("en").no_keywords.to_owned()
        } else {
            texts_for("en")
                .unknown_keyword
                .replace("{keywords}", &names.join(", "))
        };
    };
    match routes.iter().find(|(k, _)| *k == parsed.keyword) {
        Some((_, PhoneRoute::Poll(slug))) => answer(state, settings, phone, slug, &parsed).await,
        Some((_, PhoneRoute::FeedbackForm(slug))) => {
            super::feedback::sms_reply(state, slug, &parsed).await
        }
        None => texts_for("en").failed.to_owned(),
    }
}

async fn answer(
    state: &AppState,
    settings: &ChannelSettings,
    phone: &PhoneNumber,
    slug: &Slug,
    parsed: &Parsed<'_>,
) -> String {
    let poll = match state.database.poll(slug).await {
        Ok(Some(poll)) => poll,
        Ok(None) => return texts_for("en").failed.to_owned(),
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "cannot read a poll for an SMS"
            );
            return texts_for("en").failed.to_owned();
        }
    };
    let texts = texts_for(language_of(&poll));
    let keyword = parsed.keyword.as_str();
    let now = state.now();
    match poll.phase_at(now) {
        PollPhase::Open => {}
        PollPhase::Draft | PollPhase::Upcoming => {
            return texts.not_open_yet.replace("{keyword}", keyword);
        }
        PollPhase::Closed => return texts.closed.replace("{keyword}", keyword),
    }
    let voucher_required = match state.database.voucher_required(slug).await {
        Ok(required) => required,
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "cannot read a poll's voucher rule"
            );
            return texts.failed.to_owned();
        }
    };
    // A score poll's scores may be negative: its answers are split at spaces and commas only,
    // so `-2` keeps its sign and `4.5` stays one (unreadable) answer.
    let score_tokens: Vec<&str>;
    let tokens: &[&str] = if poll.kind().scale().is_some() {
        score_tokens = parsed
            .rest
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';'))
            .filter(|t| !t.is_empty())
            .collect();
        &score_tokens
    } else {
        &parsed.answers
    };
    let (answers, typed_voucher) = if voucher_required {
        split_voucher(tokens)
    } else {
        (tokens, None)
    };
    if answers.is_empty() {
        return help(&poll, keyword, texts);
    }
    let voter = settings.phone_key.voter_token(phone);
    let (ballot, answered) = match read_ballot(&poll, answers, &voter) {
        Ok(read) => read,
        Err(Unreadable::Answer(answer)) => {
            return format!(
                "{} {}",
                texts.not_understood.replace("{answer}", &excerpt(answer)),
                help(&poll, keyword, texts)
            );
        }
        Err(Unreadable::Ballot) => {
            return format!("{} {}", texts.invalid_answer, help(&poll, keyword, texts));
        }
    };
    // Codes are counted before they are looked at; every outcome but a wrong code takes the
    // attempt back.
    let sender = Sender::Phone(voter.clone());
    let wrong_codes = state.database.wrong_codes();
    let attempting = typed_voucher.is_some();
    if attempting && !wrong_codes.attempt(slug, &sender, now) {
        return texts.voucher_blocked.replace("{keyword}", keyword);
    }
    let forgive = || {
        if attempting {
            wrong_codes.forgive(slug, &sender);
        }
    };
    let voucher = match vouchers::check(state, slug, typed_voucher.as_deref()).await {
        Ok(VoucherCheck::Missing) => return texts.voucher_needed.replace("{keyword}", keyword),
        Ok(VoucherCheck::Malformed) => return texts.voucher_unknown.replace("{keyword}", keyword),
        Ok(check) => check.into_hash(),
        Err(error) => {
            forgive();
            tracing::error!(error = format!("{error:#}"), "cannot check a voucher code");
            return texts.failed.to_owned();
        }
    };
    let stored = state
        .database
        .insert_ballot_with_voucher(ballot, now, Channel::Sms, voucher)
        .await;
    if !matches!(stored, Err(SubmitError::VoucherUnknown)) {
        forgive();
    }
    match stored {
        Ok(()) => texts
            .recorded
            .replace("{keyword}", keyword)
            .replace("{answer}", &answered),
        Err(SubmitError::AlreadyParticipated) => {
            texts.already_answered.replace("{keyword}", keyword)
        }
        Err(SubmitError::VoucherUnknown) => texts.voucher_unknown.replace("{keyword}", keyword),
        Err(SubmitError::VoucherUsed) => texts.voucher_used.to_owned(),
        Err(SubmitError::Overloaded | SubmitError::Unconfirmed(_)) => texts.busy.to_owned(),
        Err(SubmitError::Database(error)) => {
            tracing::error!(error = format!("{error:#}"), "cannot store an SMS ballot");
            texts.failed.to_owned()
        }
    }
}

/// Why an SMS's answers make no ballot.
#[derive(Debug, PartialEq, Eq)]
enum Unreadable<'a> {
    /// This answer names no option (or, in a score poll, is no score).
    Answer(&'a str),
    /// The answers are readable but break the poll's rules (too many, a score off the scale…).
    Ballot,
}

/// The ballot the answers make, with the words that confirm it (`Flat rate`, or in a score
/// poll `Waiting time 4, Staff 3`). A score poll's answers are scores for the options in their
/// order (`4 3 5`), or an option's letter glued to its score (`b3`) to rate that one.
fn read_ballot<'a>(
    poll: &Poll,
    answers: &[&'a str],
    voter: &str,
) -> Result<(Ballot, String), Unreadable<'a>> {
    let language = language_of(poll);
    let label = |id: &OptionId| {
        poll.options()
            .iter()
            .find(|o| o.id == *id)
            .map(|o| {
                o.label
                    .resolve(&[language], poll.default_language())
                    .to_owned()
            })
            .unwrap_or_default()
    };
    if poll.kind().scale().is_none() {
        let mut selections = Vec::with_capacity(answers.len());
        for answer in answers {
            selections.push(option_for(poll, answer).ok_or(Unreadable::Answer(answer))?);
        }
        let ballot = poll
            .check_ballot(&selections, voter)
            .map_err(|_| Unreadable::Ballot)?;
        let chosen: Vec<String> = ballot.selections().iter().map(label).collect();
        return Ok((ballot, chosen.join(", ")));
    }
    let mut ratings = Vec::with_capacity(answers.len());
    let mut next = 0;
    for answer in answers {
        let (position, score) = match answer.parse::<i64>() {
            Ok(score) => (next, score),
            Err(_) => lettered_score(answer).ok_or(Unreadable::Answer(answer))?,
        };
        let option = poll.options().get(position).ok_or(Unreadable::Ballot)?;
        ratings.push(RatingSubmission {
            option: option.id.as_str().to_owned(),
            score,
        });
        next = position + 1;
    }
    let ballot = poll
        .check_rated_ballot(&ratings, voter)
        .map_err(|_| Unreadable::Ballot)?;
    let rated: Vec<String> = ballot
        .ratings()
        .map(|(id, score)| format!("{} {score}", label(id)))
        .collect();
    Ok((ballot, rated.join(", ")))
}

/// `b3`: the second option's position and the score 3.
fn lettered_score(answer: &str) -> Option<(usize, i64)> {
    let mut chars = answer.chars();
    let letter = chars.next().filter(char::is_ascii_alphabetic)?;
    let score = chars.as_str().parse::<i64>().ok()?;
    let position = usize::from(letter.to_ascii_uppercase() as u8 - b'A');
    Some((position, score))
}

/// The answers and the voucher code at their end: the last token (`K7Q94M`), or the last two
/// when the dash split it (`K7Q-94M`, `K7Q 94M`). Without one, every token is an answer.
fn split_voucher<'t, 'a>(answers: &'t [&'a str]) -> (&'t [&'a str], Option<String>) {
    if let Some((last, rest)) = answers.split_last()
        && VoucherCode::parse(last).is_ok()
    {
        return (rest, Some((*last).to_owned()));
    }
    if let [rest @ .., first_half, second_half] = answers
        && first_half.len() == 3
        && second_half.len() == 3
    {
        let joined = format!("{first_half}{second_half}");
        if VoucherCode::parse(&joined).is_ok() {
            return (rest, Some(joined));
        }
    }
    (answers, None)
}

/// At most 20 characters of what the citizen sent, to quote it back.
pub(super) fn excerpt(answer: &str) -> String {
    answer.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords() -> Vec<String> {
        vec!["MAJI".into(), "TARIFF".into()]
    }

    #[test]
    fn keywords_are_found_whatever_the_case_spacing_or_glue() {
        let parsed = |text| parse(text, &keywords());
        assert_eq!(
            parsed("TARIFF 2"),
            Some(Parsed {
                keyword: "TARIFF".into(),
                answers: vec!["2"],
                rest: "2"
            })
        );
        assert_eq!(
            parsed("  tariff   b "),
            Some(Parsed {
                keyword: "TARIFF".into(),
                answers: vec!["b"],
                rest: "b"
            })
        );
        assert_eq!(
            parsed("Tariff 1,3"),
            Some(Parsed {
                keyword: "TARIFF".into(),
                answers: vec!["1", "3"],
                rest: "1,3"
            })
        );
        assert_eq!(
            parsed("TARIFF2"),
            Some(Parsed {
                keyword: "TARIFF".into(),
                answers: vec!["2"],
                rest: "2"
            })
        );
        assert_eq!(
            parsed("Huduma4 long queue, rude staff"),
            None,
            "not a keyword of this list"
        );
        assert_eq!(
            parse("Huduma4 long queue, rude staff", &["HUDUMA".to_owned()]).map(|p| p.rest),
            Some("4 long queue, rude staff")
        );
        assert_eq!(
            parsed("maji"),
            Some(Parsed {
                keyword: "MAJI".into(),
                answers: vec![],
                rest: ""
            })
        );
        assert_eq!(parsed("hello 2"), None);
        assert_eq!(parsed(""), None);
        assert_eq!(parsed("TARIFFS 2"), None);
    }

    #[test]
    fn a_voucher_code_is_read_from_the_end_with_or_without_its_dash() {
        let answers = |text| parse(text, &keywords()).expect("a keyword").answers;
        let split = |text| {
            let answers = answers(text);
            let (rest, code) = split_voucher(&answers);
            (rest.to_vec().join(" "), code)
        };
        assert_eq!(
            split("TARIFF 2 K7Q-94M"),
            ("2".into(), Some("K7Q94M".into()))
        );
        assert_eq!(
            split("tariff 2 k7q94m"),
            ("2".into(), Some("k7q94m".into()))
        );
        assert_eq!(
            split("TARIFF 1,3 K7Q 94M"),
            ("1 3".into(), Some("K7Q94M".into()))
        );
        assert_eq!(split("TARIFF 2"), ("2".into(), None));
        assert_eq!(split("TARIFF 2 K7Q"), ("2 K7Q".into(), None));
    }
}

//! Answering polls from a USSD menu (`*384*55#`), over the session-callback protocol USSD
//! aggregators use: each step is a form `POST` with `sessionId`, `serviceCode`, `phoneNumber`
//! and `text` — everything typed in this session so far, joined by `*` — answered with
//! `text/plain` starting `CON ` (show this and wait for input) or `END ` (show this and hang up).
//!
//! The menu is worked out afresh from `text` at each step, so the server keeps no session
//! state: choose the language (when the poll has several), see the question and the options —
//! paged with `99 More` when they do not fit one 182-character screen —, confirm, done. A wrong
//! entry shows the same screen again with a note; only the confirmation stores anything, so a
//! session that times out or is abandoned stores nothing.

use baraza_core::{Ballot, LanguageTag, LocalizedText, Poll, PollPhase, Slug};
use serde::Deserialize;

use super::ChannelSettings;
use super::phone::PhoneNumber;
use super::texts::{Texts, texts_for};
use super::ussd_scores;
use crate::AppState;
use crate::storage::{Channel, PhoneRoute, SubmitError};
use crate::vouchers::{self, Sender, VoucherCheck, VoucherCode};

/// The most characters one USSD screen shows.
pub const SCREEN_CHARS: usize = 182;
/// The entry that shows the next page of options (after the last, the first again).
pub(super) const MORE: &str = "99";
/// The entry that finishes ticking options on a poll that takes several.
const DONE: &str = "0";
/// How a ticked option is marked on a poll that takes several (a ranked poll shows its place,
/// `#1 `, instead).
const TICK: &str = "[x] ";

/// One step of a session, as the aggregator posts it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UssdStep {
    #[serde(rename = "sessionId")]
    pub(crate) _session_id: String,
    pub(crate) service_code: String,
    pub(crate) phone_number: String,
    #[serde(default)]
    pub(crate) text: String,
}

/// What to answer: a screen that waits for input, or a last one.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Screen {
    Continue(String),
    End(String),
}

impl Screen {
    pub(crate) fn into_body(self) -> String {
        match self {
            Self::Continue(text) => format!("CON {}", cut(&text)),
            Self::End(text) => format!("END {}", cut(&text)),
        }
    }
}

fn cut(text: &str) -> String {
    text.chars().take(SCREEN_CHARS).collect()
}

/// Where the entries of a session lead: the pure part of the menu.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    ChooseLanguage {
        error: bool,
    },
    /// The options, one page at a time. On a poll that takes several answers each entry ticks
    /// or unticks an option (`selected`, in the order ticked) and `0` finishes.
    ChooseOption {
        language: String,
        page: usize,
        selected: Vec<usize>,
        note: Option<Note>,
    },
    Confirm {
        language: String,
        selection: Vec<usize>,
        error: bool,
    },
    Confirmed {
        language: String,
        selection: Vec<usize>,
    },
    Cancelled {
        language: String,
    },
}

/// Why the options screen is shown again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Note {
    /// The entry is not an option on this page, nor a menu entry.
    Invalid,
    /// Ticking one more would pass the poll's maximum.
    TooMany,
    /// `0` came before the poll's minimum was ticked.
    TooFew,
}

/// The languages a poll can be shown in: its default first.
pub(super) fn languages(poll: &Poll) -> Vec<String> {
    languages_of(poll.default_language(), poll.question())
}

/// The languages `text` is in, `default` first: what an instrument can be shown in.
pub(super) fn languages_of(default: &LanguageTag, text: &LocalizedText) -> Vec<String> {
    let mut languages = vec![default.as_str().to_owned()];
    for language in text.languages() {
        if !languages.iter().any(|l| l == language.as_str()) {
            languages.push(language.as_str().to_owned());
        }
    }
    languages
}

/// The options on each page: as many as fit one screen under the question, with room for the
/// `99 More` line and, on a poll that takes several answers, the `0 Done` line and the ticks.
fn pages(poll: &Poll, language: &str) -> Vec<Vec<usize>> {
    let texts = texts_for(language);
    let question = poll
        .question()
        .resolve(&[language], poll.default_language());
    let several = !poll.kind().is_single_choice();
    let mut reserved = menu_line(MORE, texts.ussd_more).chars().count();
    // Ticks are counted on every line so that ticking never moves an option to another page.
    let mut tick = 0;
    if several {
        reserved += menu_line(DONE, texts.ussd_done).chars().count();
        tick = TICK.chars().count();
    }
    let labels: Vec<String> = (0..poll.options().len())
        .map(|index| label(poll, language, index))
        .collect();
    paginate(question, &labels, reserved, tick)
}

/// Cuts numbered `labels` (`1 …`, `2 …`) into pages that each fit one screen under `header`,
/// leaving `reserved` characters for the menu's own lines and `extra` more on every line.
pub(super) fn paginate(
    header: &str,
    labels: &[String],
    reserved: usize,
    extra: usize,
) -> Vec<Vec<usize>> {
    let budget = SCREEN_CHARS.saturating_sub(header.chars().count() + reserved);
    let mut pages = vec![Vec::new()];
    let mut used = 0;
    for (index, label) in labels.iter().enumerate() {
        let line = menu_line(&(index + 1).to_string(), label).chars().count() + extra;
        let page = pages
            .last_mut()
            .unwrap_or_else(|| unreachable!("never empty"));
        if !page.is_empty() && used + line > budget {
            pages.push(vec![index]);
            used = line;
        } else {
            page.push(index);
            used += line;
        }
    }
    pages
}

/// The language chosen by the first entries, when there are several, and the entries after
/// it; `Err(error)` while none is chosen, `error` telling whether something else was typed.
pub(super) fn pick_language<'t, 'a>(
    languages: &[String],
    inputs: &'t [&'a str],
) -> Result<(String, &'t [&'a str]), bool> {
    if let [only] = languages {
        return Ok((only.clone(), inputs));
    }
    for (index, entry) in inputs.iter().enumerate() {
        if let Some(language) = entry
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| languages.get(i))
        {
            return Ok((language.clone(), &inputs[index + 1..]));
        }
    }
    Err(!inputs.is_empty())
}

/// `"\n{entry} {text}"`: one line of a menu.
pub(super) fn menu_line(entry: &str, text: &str) -> String {
    format!("\n{entry} {text}")
}

fn walk(poll: &Poll, inputs: &[&str]) -> Step {
    let (language, mut rest) = match pick_language(&languages(poll), inputs) {
        Ok(picked) => picked,
        Err(error) => return Step::ChooseLanguage { error },
    };
    let pages = pages(poll, &language);
    let several = !poll.kind().is_single_choice();
    let (min, max) = poll.selection_range();
    let (min, max) = (min as usize, max as usize);
    let mut page = 0;
    let mut selected: Vec<usize> = Vec::new();
    let mut note = None;
    let selection = loop {
        let Some((first, after)) = rest.split_first() else {
            return Step::ChooseOption {
                language,
                page,
                selected,
                note,
            };
        };
        rest = after;
        if *first == MORE && pages.len() > 1 {
            page = (page + 1) % pages.len();
            note = None;
            continue;
        }
        if several && *first == DONE {
            if selected.len() < min {
                note = Some(Note::TooFew);
                continue;
            }
            break selected;
        }
        let Some(index) = first
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .filter(|index| pages[page].contains(index))
        else {
            note = Some(Note::Invalid);
            continue;
        };
        if !several {
            break vec![index];
        }
        note = None;
        if let Some(position) = selected.iter().position(|&i| i == index) {
            selected.remove(position);
        } else if selected.len() < max {
            selected.push(index);
        } else {
            note = Some(Note::TooMany);
        }
    };
    let mut error = false;
    for entry in rest {
        match *entry {
            "1" => {
                return Step::Confirmed {
                    language,
                    selection,
                };
            }
            "2" => return Step::Cancelled { language },
            _ => error = true,
        }
    }
    Step::Confirm {
        language,
        selection,
        error,
    }
}

pub(super) fn language_menu(languages: &[String], error: bool) -> String {
    let mut text = String::new();
    if error {
        text.push_str(texts_for("en").ussd_invalid);
        text.push('\n');
    }
    text.push_str("Choose a language:");
    for (i, language) in languages.iter().enumerate() {
        text.push_str(&format!("\n{} {}", i + 1, language_name(language)));
    }
    text
}

fn language_name(tag: &str) -> &str {
    match tag.split(['-', '_']).next().unwrap_or(tag) {
        "en" => "English",
        "sw" => "Kiswahili",
        "fr" => "Français",
        "ar" => "العربية",
        "pt" => "Português",
        "es" => "Español",
        other => other,
    }
}

/// The screen for the entries so far, storing the ballot when they confirm it.
pub(crate) async fn respond(
    state: &AppState,
    settings: &ChannelSettings,
    step: &UssdStep,
) -> Screen {
    let en = texts_for("en");
    let route = match state.database.ussd_route(step.service_code.trim()).await {
        Ok(Some(route)) => route,
        Ok(None) => return Screen::End(en.no_keywords.to_owned()),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "cannot read the USSD codes");
            return Screen::End(en.failed.to_owned());
        }
    };
    let Ok(phone) = PhoneNumber::parse(&step.phone_number, settings.country_code.as_deref()) else {
        return Screen::End(en.not_a_phone.to_owned());
    };
    // Replies name the instrument by its SMS keyword where it has one, else by the code dialled.
    let name = match state.database.sms_routes().await {
        Ok(routes) => routes.into_iter().find(|(_, to)| *to == route).map_or_else(
            || step.service_code.trim().to_owned(),
            |(keyword, _)| keyword,
        ),
        Err(_) => step.service_code.trim().to_owned(),
    };
    let inputs: Vec<&str> = if step.text.is_empty() {
        Vec::new()
    } else {
        step.text.split('*').map(str::trim).collect()
    };
    match route {
        PhoneRoute::Poll(slug) => answer_poll(state, settings, &slug, &phone, &name, &inputs).await,
        PhoneRoute::FeedbackForm(slug) => {
            super::feedback::ussd_screen(state, &slug, &name, &inputs).await
        }
    }
}

/// The screen of a poll's menu for the entries so far, storing the ballot when they confirm it.
async fn answer_poll(
    state: &AppState,
    settings: &ChannelSettings,
    slug: &Slug,
    phone: &PhoneNumber,
    name: &str,
    inputs: &[&str],
) -> Screen {
    let Ok(Some(poll)) = state.database.poll(slug).await else {
        return Screen::End(texts_for("en").failed.to_owned());
    };
    let texts = texts_for(poll.default_language().as_str());
    match poll.phase_at(state.now()) {
        PollPhase::Open => {}
        PollPhase::Draft | PollPhase::Upcoming => {
            return Screen::End(texts.not_open_yet.replace("{keyword}", name));
        }
        PollPhase::Closed => return Screen::End(texts.closed.replace("{keyword}", name)),
    }
    let voter = settings.phone_key.voter_token(phone);
    if inputs.is_empty() {
        match state.database.has_ballot(slug, &voter).await {
            Ok(true) => return Screen::End(texts.already_answered.replace("{keyword}", name)),
            Ok(false) => {}
            Err(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    "cannot check a USSD participant"
                );
                return Screen::End(texts.failed.to_owned());
            }
        }
    }
    let voucher_required = match state.database.voucher_required(slug).await {
        Ok(required) => required,
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "cannot read a poll's voucher rule"
            );
            return Screen::End(texts.failed.to_owned());
        }
    };
    // A poll that needs a voucher code asks for it first; the menu goes on after it.
    let (typed_voucher, inputs) = if voucher_required {
        match take_voucher(inputs) {
            Ok((code, rest)) => (Some(code), rest),
            Err(error) => {
                let note = if error {
                    format!("{}\n", texts.ussd_invalid)
                } else {
                    String::new()
                };
                return Screen::Continue(format!("{note}{}", texts.ussd_voucher));
            }
        }
    } else {
        (None, inputs)
    };
    if let Some(step) = ussd_scores::walk(&poll, inputs) {
        return ussd_scores::answer(state, &poll, step, name, &voter, typed_voucher).await;
    }
    match walk(&poll, inputs) {
        Step::ChooseLanguage { error } => Screen::Continue(language_menu(&languages(&poll), error)),
        Step::ChooseOption {
            language,
            page,
            selected,
            note,
        } => Screen::Continue(option_menu(&poll, &language, page, &selected, note)),
        Step::Confirm {
            language,
            selection,
            error,
        } => confirm_screen(&language, &labels(&poll, &language, &selection), error),
        Step::Cancelled { language } => Screen::End(texts_for(&language).ussd_cancelled.to_owned()),
        Step::Confirmed {
            language,
            selection,
        } => {
            let texts = texts_for(&language);
            let ids: Vec<String> = selection
                .iter()
                .map(|&option| poll.options()[option].id.as_str().to_owned())
                .collect();
            let Ok(ballot) = poll.check_ballot(&ids, &voter) else {
                return Screen::End(texts.invalid_answer.to_owned());
            };
            let answered = labels(&poll, &language, &selection);
            store(state, slug, name, texts, ballot, typed_voucher, &answered).await
        }
    }
}

/// The confirmation screen of `answer`, with a note when something else was typed.
pub(super) fn confirm_screen(language: &str, answer: &str, error: bool) -> Screen {
    let texts = texts_for(language);
    let note = if error {
        format!("{}\n", texts.ussd_invalid)
    } else {
        String::new()
    };
    let menu = format!("\n1 {}\n2 {}", texts.ussd_yes, texts.ussd_no);
    // A long answer (many choices or ratings) is shortened so the menu always fits the screen.
    let frame = texts.ussd_confirm.replace("{answer}", "");
    let room = SCREEN_CHARS
        .saturating_sub(note.chars().count() + frame.chars().count() + menu.chars().count());
    let answer = if answer.chars().count() > room {
        let kept: String = answer.chars().take(room.saturating_sub(1)).collect();
        format!("{kept}…")
    } else {
        answer.to_owned()
    };
    Screen::Continue(format!(
        "{note}{}{menu}",
        texts.ussd_confirm.replace("{answer}", &answer)
    ))
}

/// Stores a confirmed ballot, spending its voucher code, and says how that went.
pub(super) async fn store(
    state: &AppState,
    slug: &Slug,
    name: &str,
    texts: &Texts,
    ballot: Ballot,
    typed_voucher: Option<&str>,
    answered: &str,
) -> Screen {
    // As by SMS: counted before the code is looked at, taken back unless it is wrong.
    let now = state.now();
    let sender = Sender::Phone(ballot.voter().as_str().to_owned());
    let wrong_codes = state.database.wrong_codes();
    let attempting = typed_voucher.is_some();
    if attempting && !wrong_codes.attempt(slug, &sender, now) {
        return Screen::End(texts.voucher_blocked.replace("{keyword}", name));
    }
    let forgive = || {
        if attempting {
            wrong_codes.forgive(slug, &sender);
        }
    };
    let voucher = match vouchers::check(state, slug, typed_voucher).await {
        Ok(VoucherCheck::Missing) => {
            return Screen::End(texts.voucher_needed.replace("{keyword}", name));
        }
        Ok(VoucherCheck::Malformed) => {
            return Screen::End(texts.voucher_unknown.replace("{keyword}", name));
        }
        Ok(check) => check.into_hash(),
        Err(error) => {
            forgive();
            tracing::error!(error = format!("{error:#}"), "cannot check a voucher code");
            return Screen::End(texts.failed.to_owned());
        }
    };
    let stored = state
        .database
        .insert_ballot_with_voucher(ballot, now, Channel::Ussd, voucher)
        .await;
    if !matches!(stored, Err(SubmitError::VoucherUnknown)) {
        forgive();
    }
    match stored {
        Ok(()) => Screen::End(
            texts
                .recorded
                .replace("{keyword}", name)
                .replace("{answer}", answered),
        ),
        Err(SubmitError::AlreadyParticipated) => {
            Screen::End(texts.already_answered.replace("{keyword}", name))
        }
        Err(SubmitError::VoucherUnknown) => {
            Screen::End(texts.voucher_unknown.replace("{keyword}", name))
        }
        Err(SubmitError::VoucherUsed) => Screen::End(texts.voucher_used.to_owned()),
        Err(SubmitError::Overloaded | SubmitError::Unconfirmed(_)) => {
            Screen::End(texts.busy.to_owned())
        }
        Err(SubmitError::Database(error)) => {
            tracing::error!(error = format!("{error:#}"), "cannot store a USSD ballot");
            Screen::End(texts.failed.to_owned())
        }
    }
}

/// The first entry that is a voucher code, and the entries after it; `Err(error)` while none
/// is, `error` telling whether something else was typed.
fn take_voucher<'t, 'a>(inputs: &'t [&'a str]) -> Result<(&'a str, &'t [&'a str]), bool> {
    for (index, entry) in inputs.iter().enumerate() {
        if VoucherCode::parse(entry).is_ok() {
            return Ok((entry, &inputs[index + 1..]));
        }
    }
    Err(!inputs.is_empty())
}

fn label(poll: &Poll, language: &str, option: usize) -> String {
    poll.options()[option]
        .label
        .resolve(&[language], poll.default_language())
        .to_owned()
}

/// The labels of `selection`, joined for a confirmation (`none` for an empty approval ballot).
fn labels(poll: &Poll, language: &str, selection: &[usize]) -> String {
    if selection.is_empty() {
        return texts_for(language).ussd_none.to_owned();
    }
    selection
        .iter()
        .map(|&option| label(poll, language, option))
        .collect::<Vec<_>>()
        .join(", ")
}

fn option_menu(
    poll: &Poll,
    language: &str,
    page: usize,
    selected: &[usize],
    note: Option<Note>,
) -> String {
    let texts = texts_for(language);
    let pages = pages(poll, language);
    let several = !poll.kind().is_single_choice();
    let (min, max) = poll.selection_range();
    let mut text = String::new();
    if let Some(note) = note {
        text.push_str(&match note {
            Note::Invalid => texts.ussd_invalid.to_owned(),
            Note::TooMany => texts.ussd_too_many.replace("{count}", &max.to_string()),
            Note::TooFew => texts.ussd_too_few.replace("{count}", &min.to_string()),
        });
        text.push('\n');
    }
    text.push_str(
        poll.question()
            .resolve(&[language], poll.default_language()),
    );
    for &index in &pages[page.min(pages.len() - 1)] {
        // A ranked poll shows each ticked option's place (`#2 `, no wider than the tick the
        // pages leave room for); the others mark it `[x] `.
        let tick = match selected.iter().position(|&i| i == index) {
            Some(place) if poll.kind().is_ranked() => format!("#{} ", place + 1),
            Some(_) => TICK.to_owned(),
            None => String::new(),
        };
        let option = format!("{tick}{}", label(poll, language, index));
        text.push_str(&menu_line(&(index + 1).to_string(), &option));
    }
    if pages.len() > 1 {
        text.push_str(&menu_line(MORE, texts.ussd_more));
    }
    if several {
        text.push_str(&menu_line(DONE, texts.ussd_done));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll_of_kind(options: usize, languages: &[&str], kind: serde_json::Value) -> Poll {
        let text = |base: &str| {
            let mut map = serde_json::Map::new();
            for language in languages {
                map.insert((*language).into(), format!("{base} ({language})").into());
            }
            serde_json::Value::Object(map)
        };
        let options: Vec<serde_json::Value> = (1..=options)
            .map(|i| serde_json::json!({"id": format!("option-{i}"), "label": text(&format!("A rather long option label number {i}"))}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "slug": "water", "default_language": languages[0], "question": text("Which way?"),
            "kind": kind, "options": options, "status": "open"
        }))
        .expect("valid poll")
    }

    fn poll(options: usize, languages: &[&str]) -> Poll {
        poll_of_kind(
            options,
            languages,
            serde_json::json!({"type": "single_choice"}),
        )
    }

    fn options(page: usize, selected: &[usize], note: Option<Note>) -> Step {
        Step::ChooseOption {
            language: "en".into(),
            page,
            selected: selected.to_vec(),
            note,
        }
    }

    fn confirm(selection: &[usize], error: bool) -> Step {
        Step::Confirm {
            language: "en".into(),
            selection: selection.to_vec(),
            error,
        }
    }

    #[test]
    fn one_language_goes_straight_to_the_options_then_confirms() {
        let poll = poll(3, &["en"]);
        assert_eq!(walk(&poll, &[]), options(0, &[], None));
        assert_eq!(walk(&poll, &["2"]), confirm(&[1], false));
        assert_eq!(
            walk(&poll, &["2", "1"]),
            Step::Confirmed {
                language: "en".into(),
                selection: vec![1]
            }
        );
        assert_eq!(
            walk(&poll, &["2", "2"]),
            Step::Cancelled {
                language: "en".into()
            }
        );
    }

    #[test]
    fn several_languages_are_offered_first() {
        let poll = poll(3, &["en", "sw"]);
        assert_eq!(walk(&poll, &[]), Step::ChooseLanguage { error: false });
        assert_eq!(walk(&poll, &["7"]), Step::ChooseLanguage { error: true });
        assert_eq!(
            walk(&poll, &["7", "2"]),
            Step::ChooseOption {
                language: "sw".into(),
                page: 0,
                selected: vec![],
                note: None
            }
        );
    }

    #[test]
    fn options_that_do_not_fit_one_screen_are_paged() {
        let poll = poll(9, &["en"]);
        let pages = pages(&poll, "en");
        assert!(pages.len() >= 3, "{pages:?}");
        for page in 0..pages.len() {
            let menu = option_menu(&poll, "en", page, &[], None);
            assert!(menu.chars().count() <= SCREEN_CHARS, "{menu}");
            assert!(menu.contains("\n99 More"), "{menu}");
        }
        let last = pages[1][0] + 1;
        // An option of page two cannot be picked from page one…
        assert_eq!(
            walk(&poll, &[&last.to_string()]),
            options(0, &[], Some(Note::Invalid))
        );
        // …but after "99 More" it can.
        assert_eq!(
            walk(&poll, &["99", &last.to_string()]),
            confirm(&[last - 1], false)
        );
        // After the last page, "99" shows the first again.
        let round: Vec<&str> = vec!["99"; pages.len()];
        assert_eq!(walk(&poll, &round), options(0, &[], None));
    }

    #[test]
    fn wrong_entries_keep_the_screen_and_say_so() {
        let poll = poll(3, &["en"]);
        assert_eq!(walk(&poll, &["x"]), options(0, &[], Some(Note::Invalid)));
        assert_eq!(walk(&poll, &["x", "3"]), confirm(&[2], false));
        assert_eq!(walk(&poll, &["3", "5"]), confirm(&[2], true));
        // "0" finishes only where several answers are taken.
        assert_eq!(walk(&poll, &["0"]), options(0, &[], Some(Note::Invalid)));
    }

    #[test]
    fn several_answers_are_ticked_and_unticked_then_finished_with_zero() {
        let poll = poll_of_kind(
            3,
            &["en"],
            serde_json::json!({"type": "multiple_choice", "min_selections": 2, "max_selections": 2}),
        );
        assert_eq!(walk(&poll, &["3", "1"]), options(0, &[2, 0], None));
        let menu = option_menu(&poll, "en", 0, &[2, 0], None);
        assert!(menu.contains("\n1 [x] A rather"), "{menu}");
        assert!(menu.contains("\n2 A rather"), "{menu}");
        assert!(menu.ends_with("\n0 Done"), "{menu}");
        // Ticking again unticks.
        assert_eq!(walk(&poll, &["3", "1", "3"]), options(0, &[0], None));
        // Too few to finish, too many to tick: the same screen with the rule.
        assert_eq!(
            walk(&poll, &["1", "0"]),
            options(0, &[0], Some(Note::TooFew))
        );
        assert_eq!(
            walk(&poll, &["1", "2", "3"]),
            options(0, &[0, 1], Some(Note::TooMany))
        );
        let refused = option_menu(&poll, "en", 0, &[0, 1], Some(Note::TooMany));
        assert!(
            refused.starts_with("You can choose at most 2.\n"),
            "{refused}"
        );
        assert_eq!(walk(&poll, &["1", "2", "0"]), confirm(&[0, 1], false));
        assert_eq!(
            walk(&poll, &["1", "2", "0", "1"]),
            Step::Confirmed {
                language: "en".into(),
                selection: vec![0, 1]
            }
        );
    }

    #[test]
    fn an_approval_ballot_may_approve_none() {
        let poll = poll_of_kind(3, &["en"], serde_json::json!({"type": "approval"}));
        assert_eq!(walk(&poll, &["0"]), confirm(&[], false));
        assert_eq!(labels(&poll, "en", &[]), "none");
        assert_eq!(
            walk(&poll, &["1", "2", "3", "0"]),
            confirm(&[0, 1, 2], false)
        );
    }

    #[test]
    fn ticks_never_move_an_option_to_another_page() {
        let poll = poll_of_kind(
            12,
            &["en"],
            serde_json::json!({"type": "multiple_choice", "min_selections": 1, "max_selections": 12}),
        );
        let pages = pages(&poll, "en");
        assert!(pages.len() >= 3, "{pages:?}");
        for (page, indices) in pages.iter().enumerate() {
            let menu = option_menu(&poll, "en", page, indices, None);
            assert!(menu.chars().count() <= SCREEN_CHARS, "{menu}");
        }
    }
}

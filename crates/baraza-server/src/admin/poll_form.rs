//! The poll form of the admin site: what an official typed, turned into a `PollSpec` and
//! checked by the core, with every problem tied to the field it concerns.
//!
//! The form never re-implements the core's rules: it only reads the typed text (numbers,
//! dates, empty rows) and maps each `PollDefinitionError` to its field. Where the form cannot
//! build a part at all (a question with no text in any language), it reports that part and
//! lets the core check the rest with a stand-in, so every problem is shown at once.

use std::collections::BTreeMap;

use baraza_core::score::Scale;
use baraza_core::{
    DefinitionProblem, LocalizedText, MAX_OPTIONS, Poll, PollDefinitionError, PollKind,
    PollOptionSpec, PollSpec, PollStatus,
};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::texts::{Language, Texts};

/// Option rows a new poll's form starts with.
const FIRST_OPTION_ROWS: usize = 3;

/// The poll form's fields as typed. Missing fields read as empty.
#[derive(Debug, Clone, Default)]
pub(crate) struct PollForm {
    pub(crate) slug: String,
    pub(crate) default_language: String,
    /// The question in each of [`Language::ALL`], in that order.
    pub(crate) question: [String; 3],
    /// `single_choice`, `multiple_choice`, `approval`, `ranked` or `score`.
    pub(crate) kind: String,
    pub(crate) min_selections: String,
    pub(crate) max_selections: String,
    /// A score poll's lowest and highest score.
    pub(crate) scale_min: String,
    pub(crate) scale_max: String,
    /// Whether a score poll requires every option rated: a checked box sends `on`.
    pub(crate) require_all: bool,
    pub(crate) options: Vec<OptionRow>,
    /// `YYYY-MM-DDTHH:MM` in UTC, as an `<input type="datetime-local">` sends it.
    pub(crate) opens_at: String,
    pub(crate) closes_at: String,
}

/// One option row of the form.
#[derive(Debug, Clone, Default)]
pub(crate) struct OptionRow {
    pub(crate) id: String,
    /// The label in each of [`Language::ALL`].
    pub(crate) labels: [String; 3],
}

impl OptionRow {
    fn is_blank(&self) -> bool {
        self.id.trim().is_empty() && self.labels.iter().all(|label| label.trim().is_empty())
    }
}

/// One problem of a form: the field's `id` (for the summary's link) and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl FieldError {
    fn new(field: impl Into<String>, message: &str) -> Self {
        Self {
            field: field.into(),
            message: message.to_owned(),
        }
    }
}

/// The `id` and `name` of the question field in `language`.
pub(crate) fn question_field(language: Language) -> String {
    format!("question_{}", language.tag())
}

/// The `id` and `name` of option row `row`'s label in `language`.
pub(crate) fn option_label_field(row: usize, language: Language) -> String {
    format!("option_{row}_{}", language.tag())
}

/// The `id` and `name` of option row `row`'s identifier.
pub(crate) fn option_id_field(row: usize) -> String {
    format!("option_{row}_id")
}

impl PollForm {
    /// An empty form for a new poll in `language`.
    pub(crate) fn blank(language: Language) -> Self {
        Self {
            default_language: language.tag().to_owned(),
            kind: "single_choice".to_owned(),
            options: vec![OptionRow::default(); FIRST_OPTION_ROWS],
            ..Self::default()
        }
    }

    /// Reads a posted form. Option rows are numbered from 0; the highest number posted (and
    /// `option_rows`) decides how many rows there are, up to [`MAX_OPTIONS`] + 1.
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut form = Self::default();
        let mut rows = 0usize;
        for (name, value) in pairs {
            if name == "option_rows" {
                rows = rows.max(value.trim().parse().unwrap_or(0));
            } else if let Some((row, _)) = option_field(name) {
                rows = rows.max(row + 1);
            }
        }
        form.options = vec![OptionRow::default(); rows.min(MAX_OPTIONS + 1)];
        for (name, value) in pairs {
            let value = value.clone();
            match name.as_str() {
                "slug" => form.slug = value,
                "default_language" => form.default_language = value,
                "kind" => form.kind = value,
                "min_selections" => form.min_selections = value,
                "max_selections" => form.max_selections = value,
                "scale_min" => form.scale_min = value,
                "scale_max" => form.scale_max = value,
                "require_all" => form.require_all = !value.is_empty(),
                "opens_at" => form.opens_at = value,
                "closes_at" => form.closes_at = value,
                _ => {
                    if let Some(language) = name
                        .strip_prefix("question_")
                        .and_then(Language::from_tag_exact)
                    {
                        form.question[language.index()] = value;
                    } else if let Some((row, part)) = option_field(name)
                        && let Some(option) = form.options.get_mut(row)
                    {
                        match part {
                            OptionPart::Id => option.id = value,
                            OptionPart::Label(language) => option.labels[language.index()] = value,
                        }
                    }
                }
            }
        }
        form
    }

    /// The form showing `poll`, for editing it.
    pub(crate) fn from_poll(poll: &Poll) -> Self {
        let text = |text: &LocalizedText| {
            Language::ALL.map(|l| text.get(l.tag()).unwrap_or_default().to_owned())
        };
        let (kind, min, max) = match poll.kind() {
            PollKind::SingleChoice => ("single_choice", String::new(), String::new()),
            PollKind::MultipleChoice {
                min_selections,
                max_selections,
            } => (
                "multiple_choice",
                min_selections.to_string(),
                max_selections.to_string(),
            ),
            PollKind::Approval => ("approval", String::new(), String::new()),
            PollKind::Ranked => ("ranked", String::new(), String::new()),
            PollKind::Score { .. } => ("score", String::new(), String::new()),
        };
        let (scale_min, scale_max, require_all) = match poll.kind() {
            PollKind::Score { scale, require_all } => (
                scale.min().to_string(),
                scale.max().to_string(),
                require_all,
            ),
            _ => (String::new(), String::new(), false),
        };
        Self {
            slug: poll.slug().as_str().to_owned(),
            default_language: poll.default_language().as_str().to_owned(),
            question: text(poll.question()),
            kind: kind.to_owned(),
            min_selections: min,
            max_selections: max,
            scale_min,
            scale_max,
            require_all,
            options: poll
                .options()
                .iter()
                .map(|option| OptionRow {
                    id: option.id.as_str().to_owned(),
                    labels: text(&option.label),
                })
                .collect(),
            opens_at: poll.opens_at().map(local_input).unwrap_or_default(),
            closes_at: poll.closes_at().map(local_input).unwrap_or_default(),
        }
    }

    /// Adds an empty option row (the "add another option" button, which works without
    /// JavaScript), unless the form already has room for every option a poll may have.
    pub(crate) fn add_option_row(&mut self) {
        if self.options.len() < MAX_OPTIONS {
            self.options.push(OptionRow::default());
        }
    }

    /// The draft poll this form describes, or every problem with it, in the order of the
    /// fields on the page. When editing, `original` is the poll as stored: its texts in
    /// languages the form does not show (a poll made through the admin API in Arabic, say) are
    /// kept, an option's following its identifier, so editing on the site loses none.
    pub(crate) fn to_draft(
        &self,
        t: &Texts,
        original: Option<&Poll>,
    ) -> Result<Poll, Vec<FieldError>> {
        let mut errors = Vec::new();
        // A default language outside the site's languages is passed on as typed: the core
        // says whether it is a language tag, and the form reports it on the select.
        let default = Language::from_tag_exact(self.default_language.trim());
        let default_tag: &str = match default {
            Some(language) => language.tag(),
            None => self.default_language.trim(),
        };
        let stand_in_language = default.unwrap_or(Language::En);

        let mut question = localized(&self.question);
        if let Some(original) = original {
            question.extend(other_languages(original.question()));
        }
        if question.is_empty() {
            errors.push(FieldError::new(
                question_field(stand_in_language),
                t.question_missing,
            ));
            question.insert(stand_in_language.tag().to_owned(), "?".to_owned());
        }

        let (kind, kind_errors) = self.kind(t);
        let mut options = Vec::new();
        // The form row of each option given to the core, to put its problems beside it.
        let mut rows = Vec::new();
        for (row, option) in self.options.iter().enumerate() {
            if option.is_blank() {
                continue;
            }
            let mut label = localized(&option.labels);
            if let Some(before) = original.and_then(|poll| {
                poll.options()
                    .iter()
                    .find(|o| o.id.as_str() == option.id.trim())
            }) {
                label.extend(other_languages(&before.label));
            }
            if label.is_empty() {
                errors.push(FieldError::new(
                    option_label_field(row, stand_in_language),
                    t.label_missing,
                ));
                label.insert(stand_in_language.tag().to_owned(), "?".to_owned());
            }
            let id = match option.id.trim() {
                "" => derived_option_id(&label, default_tag, rows.len()),
                typed => typed.to_owned(),
            };
            options.push((id, label));
            rows.push(row);
        }
        let opens_at = parse_instant(&self.opens_at, "opens_at", t, &mut errors);
        let closes_at = parse_instant(&self.closes_at, "closes_at", t, &mut errors);
        errors.extend(kind_errors);

        // The texts are non-empty, trimmed and keyed by the site's tags, so they always build;
        // were that ever not so, the field is reported rather than the request failing.
        let question_text = LocalizedText::try_from(question).ok();
        if question_text.is_none() {
            errors.push(FieldError::new(
                question_field(stand_in_language),
                t.question_missing,
            ));
        }
        let mut option_specs = Vec::new();
        for ((id, label), row) in options.iter().zip(&rows) {
            match LocalizedText::try_from(label.clone()) {
                Ok(label) => option_specs.push(PollOptionSpec {
                    id: id.clone(),
                    label,
                }),
                Err(_) => errors.push(FieldError::new(
                    option_label_field(*row, stand_in_language),
                    t.label_missing,
                )),
            }
        }
        let Some(question) = question_text else {
            return Err(errors);
        };
        let spec = PollSpec {
            slug: self.slug.trim().to_owned(),
            default_language: default_tag.to_owned(),
            question,
            kind,
            options: option_specs,
            status: PollStatus::Draft,
            opens_at,
            closes_at,
        };
        let checked = Poll::try_from(spec);
        if let Err(problems) = &checked {
            for problem in &problems.0 {
                errors.push(field_of(problem, &rows, stand_in_language, t));
            }
        }
        match checked {
            Ok(poll) if errors.is_empty() => Ok(poll),
            _ => {
                errors.sort_by_key(|error| self.field_order(&error.field));
                errors.dedup();
                Err(errors)
            }
        }
    }

    /// The poll kind chosen, and the problems of its fields. Where a field cannot be read, a
    /// stand-in value lets the core check the rest of the form.
    fn kind(&self, t: &Texts) -> (PollKind, Vec<FieldError>) {
        let unreadable = |fields: Vec<&'static str>| {
            fields
                .into_iter()
                .map(|field| FieldError::new(field, t.number_invalid))
                .collect()
        };
        match self.kind.as_str() {
            "multiple_choice" => {
                let mut fields = Vec::new();
                let min = self
                    .min_selections
                    .trim()
                    .parse::<u32>()
                    .unwrap_or_else(|_| {
                        fields.push("min_selections");
                        1
                    });
                let filled = self.options.iter().filter(|o| !o.is_blank()).count();
                let max = self
                    .max_selections
                    .trim()
                    .parse::<u32>()
                    .unwrap_or_else(|_| {
                        fields.push("max_selections");
                        u32::try_from(filled).unwrap_or(u32::MAX).max(min)
                    });
                (
                    PollKind::MultipleChoice {
                        min_selections: min,
                        max_selections: max,
                    },
                    unreadable(fields),
                )
            }
            "approval" => (PollKind::Approval, Vec::new()),
            "ranked" => (PollKind::Ranked, Vec::new()),
            "score" => {
                let min = self.scale_min.trim().parse::<i64>();
                let max = self.scale_max.trim().parse::<i64>();
                let mut errors: Vec<FieldError> = unreadable(
                    [("scale_min", min.is_err()), ("scale_max", max.is_err())]
                        .into_iter()
                        .filter(|(_, bad)| *bad)
                        .map(|(field, _)| field)
                        .collect(),
                );
                let scale = match (min, max) {
                    (Ok(min), Ok(max)) => Scale::new(min, max).ok().or_else(|| {
                        errors.push(FieldError::new("scale_min", t.scale_invalid));
                        None
                    }),
                    _ => None,
                };
                // Without a scale the rest of the form is checked as an approval poll, whose
                // rules on options are the same.
                let kind = scale.map_or(PollKind::Approval, |scale| PollKind::Score {
                    scale,
                    require_all: self.require_all,
                });
                (kind, errors)
            }
            _ => (PollKind::SingleChoice, Vec::new()),
        }
    }

    /// Where a field is on the page, so the summary lists problems in reading order.
    fn field_order(&self, field: &str) -> usize {
        let language_rank = |tag: &str| Language::from_tag_exact(tag).map_or(0, Language::index);
        match field {
            "slug" => 0,
            "default_language" => 1,
            "min_selections" => 20,
            "max_selections" => 21,
            "scale_min" => 22,
            "scale_max" => 23,
            "opens_at" => 10_000,
            "closes_at" => 10_001,
            _ => {
                if let Some(tag) = field.strip_prefix("question_") {
                    return 2 + language_rank(tag);
                }
                match option_field(field) {
                    Some((row, OptionPart::Id)) => 100 + row * 10,
                    Some((row, OptionPart::Label(language))) => 101 + row * 10 + language.index(),
                    None => 9_999,
                }
            }
        }
    }
}

/// The field a problem found by the core belongs to, with its message. `rows`: the form row of
/// each option passed to the core, in order.
fn field_of(
    problem: &PollDefinitionError,
    rows: &[usize],
    language: Language,
    t: &Texts,
) -> FieldError {
    let row_of = |index: usize| rows.get(index).copied().unwrap_or(0);
    match problem {
        PollDefinitionError::Definition(DefinitionProblem::InvalidSlug { .. }) => {
            FieldError::new("slug", t.slug_invalid)
        }
        PollDefinitionError::Definition(DefinitionProblem::InvalidDefaultLanguage(_)) => {
            FieldError::new("default_language", t.default_language_invalid)
        }
        PollDefinitionError::Definition(
            shared @ DefinitionProblem::MissingDefaultLanguage { .. },
        ) => match shared.index_in("options") {
            Some(index) => {
                FieldError::new(option_label_field(row_of(index), language), t.label_missing)
            }
            None => FieldError::new(question_field(language), t.question_missing),
        },
        PollDefinitionError::OptionCount { .. } => {
            FieldError::new(option_label_field(0, language), t.option_count_wrong)
        }
        PollDefinitionError::Definition(shared @ DefinitionProblem::InvalidId { .. }) => {
            let row = row_of(shared.index_in("options").unwrap_or(0));
            FieldError::new(option_id_field(row), t.option_id_invalid)
        }
        PollDefinitionError::Definition(shared @ DefinitionProblem::DuplicateId { .. }) => {
            // The core names the later option with the identifier (typed or derived): the
            // one to change.
            let row = row_of(shared.index_in("options").unwrap_or(0));
            FieldError::new(option_id_field(row), t.option_id_duplicate)
        }
        PollDefinitionError::InvalidSelectionRange { .. } => {
            FieldError::new("min_selections", t.selection_range_invalid)
        }
        PollDefinitionError::ClosesBeforeOpening => {
            FieldError::new("closes_at", t.closes_before_opening)
        }
        PollDefinitionError::ScaleTooWide { .. } => FieldError::new("scale_min", t.scale_invalid),
        // A rule added to the core later: shown on the first field, in the core's words.
        other => FieldError {
            field: "slug".to_owned(),
            message: other.to_string(),
        },
    }
}

/// Which part of an option row a field name is.
enum OptionPart {
    Id,
    Label(Language),
}

/// Reads `option_{row}_id` and `option_{row}_{lang}`.
fn option_field(name: &str) -> Option<(usize, OptionPart)> {
    let (row, part) = name.strip_prefix("option_")?.split_once('_')?;
    let row = row.parse::<usize>().ok()?;
    let part = match part {
        "id" => OptionPart::Id,
        tag => OptionPart::Label(Language::from_tag_exact(tag)?),
    };
    Some((row, part))
}

/// The non-blank texts, trimmed, by language tag.
fn localized(texts: &[String; 3]) -> BTreeMap<String, String> {
    Language::ALL
        .into_iter()
        .zip(texts)
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(language, text)| (language.tag().to_owned(), text.trim().to_owned()))
        .collect()
}

/// The texts of `text` in languages other than the site's.
fn other_languages(text: &LocalizedText) -> Vec<(String, String)> {
    text.languages()
        .filter(|tag| Language::from_tag_exact(tag.as_str()).is_none())
        .filter_map(|tag| {
            text.get(tag.as_str())
                .map(|value| (tag.as_str().to_owned(), value.to_owned()))
        })
        .collect()
}

/// An option id made from its label in the default language (or the first label given).
fn derived_option_id(label: &BTreeMap<String, String>, default_tag: &str, index: usize) -> String {
    let text = label
        .get(default_tag)
        .or_else(|| label.values().next())
        .map_or("", String::as_str);
    derived_id(text, &format!("option-{}", index + 1))
}

/// An identifier made from `text`: its ASCII letters and digits in lower case, other runs of
/// characters as one hyphen, at most 48 characters; `fallback` when nothing is left.
pub(crate) fn derived_id(text: &str, fallback: &str) -> String {
    let mut id = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
        if id.len() >= 48 {
            break;
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        fallback.to_owned()
    } else {
        id.to_owned()
    }
}

/// Reads a `datetime-local` value (`YYYY-MM-DDTHH:MM`, seconds optional) as UTC; empty is
/// `None`, unreadable is a problem on `field`.
fn parse_instant(
    typed: &str,
    field: &str,
    t: &Texts,
    errors: &mut Vec<FieldError>,
) -> Option<OffsetDateTime> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let parsed = typed.split_once(['T', ' ']).and_then(|(date, time)| {
        let mut date = date.split('-').map(|part| part.parse::<u32>().ok());
        let (year, month, day) = (date.next()??, date.next()??, date.next()??);
        let mut time = time.split(':').map(|part| part.parse::<u8>().ok());
        let (hour, minute) = (time.next()??, time.next()??);
        let second = time.next().flatten().unwrap_or(0);
        let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
        let date =
            Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?)
                .ok()?;
        let time = Time::from_hms(hour, minute, second).ok()?;
        Some(PrimitiveDateTime::new(date, time).assume_utc())
    });
    if parsed.is_none() {
        errors.push(FieldError::new(field, t.datetime_invalid));
    }
    parsed
}

/// `instant` in UTC as a `datetime-local` input shows it.
pub(crate) fn local_input(instant: OffsetDateTime) -> String {
    let utc = instant.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::texts::EN;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn a_complete_form_makes_a_draft_with_derived_option_ids() {
        let form = PollForm::from_pairs(&pairs(&[
            ("slug", "kiosk-hours"),
            ("default_language", "en"),
            ("question_en", "When should kiosks open?"),
            ("question_sw", "Vibanda vifunguliwe lini?"),
            ("kind", "multiple_choice"),
            ("min_selections", "1"),
            ("max_selections", "2"),
            ("option_0_en", "Early morning"),
            ("option_1_en", "Late evening"),
            ("option_1_id", "evening"),
            ("option_2_en", ""),
            ("opens_at", "2027-01-31T09:00"),
        ]));
        let poll = form.to_draft(&EN, None).expect("valid");
        let ids: Vec<&str> = poll.options().iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["early-morning", "evening"]);
        assert_eq!(poll.status(), PollStatus::Draft);
        assert_eq!(poll.question().get("sw"), Some("Vibanda vifunguliwe lini?"));
        assert_eq!(
            poll.opens_at().map(local_input).as_deref(),
            Some("2027-01-31T09:00")
        );
        assert_eq!(
            PollForm::from_poll(&poll).options[1].labels[0],
            "Late evening"
        );
    }

    #[test]
    fn every_problem_is_reported_beside_its_field_in_page_order() {
        let form = PollForm::from_pairs(&pairs(&[
            ("slug", "Water Tariffs"),
            ("default_language", "en"),
            ("question_fr", "Quel tarif ?"),
            ("kind", "multiple_choice"),
            ("min_selections", "3"),
            ("max_selections", "two"),
            ("option_0_en", "Flat"),
            ("option_1_id", "flat"),
            ("option_1_en", "Flat again"),
            ("opens_at", "2027-02-01T09:00"),
            ("closes_at", "2027-01-01T09:00"),
        ]));
        let errors = form.to_draft(&EN, None).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "slug",
                "question_en",
                "min_selections",
                "max_selections",
                "option_1_id",
                "closes_at"
            ],
            "{errors:?}"
        );
    }

    #[test]
    fn an_empty_form_asks_for_the_question_and_the_options() {
        let errors = PollForm::blank(Language::En)
            .to_draft(&EN, None)
            .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["slug", "question_en", "option_0_en"]);
    }

    #[test]
    fn editing_keeps_texts_in_languages_the_form_does_not_show() {
        let original: Poll = serde_json::from_str(
            r#"{"slug":"p","default_language":"ar","question":{"ar":"سؤال؟","en":"Question?"},
            "kind":{"type":"single_choice"},"status":"draft",
            "options":[{"id":"a","label":{"ar":"أ","en":"A"}},{"id":"b","label":{"ar":"ب","en":"B"}}]}"#,
        )
        .expect("poll");
        let mut form = PollForm::from_poll(&original);
        assert_eq!(form.default_language, "ar");
        form.question[0] = "A better question?".to_owned();
        let edited = form.to_draft(&EN, Some(&original)).expect("valid");
        assert_eq!(edited.question().get("ar"), Some("سؤال؟"));
        assert_eq!(edited.question().get("en"), Some("A better question?"));
        assert_eq!(edited.options()[1].label.get("ar"), Some("ب"));
    }

    #[test]
    fn unreadable_dates_are_reported() {
        let form = PollForm::from_pairs(&pairs(&[("opens_at", "31/01/2027")]));
        let errors = form.to_draft(&EN, None).expect_err("invalid");
        assert!(
            errors
                .iter()
                .any(|e| e.field == "opens_at" && e.message == EN.datetime_invalid)
        );
    }
}

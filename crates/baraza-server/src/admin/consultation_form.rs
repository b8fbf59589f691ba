//! The consultation form of the admin site: what an official typed, turned into a draft
//! [`Consultation`] by the core's own steps (`Consultation::new`, `add_section`), with every
//! problem tied to the field it concerns.
//!
//! Like the poll form, it never re-implements the core's rules: it reads the typed text, skips
//! empty section rows, and maps each `ConsultationError` to its field. A part the form cannot
//! build at all (a title with no text in the default language) is reported, and a stand-in
//! lets the core check the rest, so every problem is shown at once.

use baraza_core::consultation::{
    Consultation, ConsultationError, ConsultationSettings, MAX_SECTIONS,
};
use baraza_core::{DefinitionProblem, LocalizedText};

use super::consultation_texts::ConsultationTexts;
use super::poll_form::{FieldError, derived_id};
use super::texts::{Language, Texts};

/// Section rows a new consultation's form starts with.
const FIRST_SECTION_ROWS: usize = 2;

/// The consultation form's fields as typed. Missing fields read as empty.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConsultationForm {
    pub(crate) slug: String,
    pub(crate) default_language: String,
    /// The title in each of [`Language::ALL`], in that order.
    pub(crate) title: [String; 3],
    /// Whether comments wait for a moderator before they are shown.
    pub(crate) premoderation: bool,
    pub(crate) sections: Vec<SectionRow>,
}

/// One section row of the form.
#[derive(Debug, Clone, Default)]
pub(crate) struct SectionRow {
    pub(crate) id: String,
    /// The title in each of [`Language::ALL`].
    pub(crate) titles: [String; 3],
    /// The text in each of [`Language::ALL`].
    pub(crate) texts: [String; 3],
}

impl SectionRow {
    fn is_blank(&self) -> bool {
        self.id.trim().is_empty()
            && self.titles.iter().all(|t| t.trim().is_empty())
            && self.texts.iter().all(|t| t.trim().is_empty())
    }
}

/// The `id` and `name` of the title field in `language`.
pub(crate) fn title_field(language: Language) -> String {
    format!("title_{}", language.tag())
}

/// The `id` and `name` of a section row's field: `id`, `title_en`, `text_sw`…
pub(crate) fn section_field(row: usize, part: &str) -> String {
    format!("section_{row}_{part}")
}

/// A section row's field name: its row and the part after `section_{row}_`.
fn section_part(name: &str) -> Option<(usize, &str)> {
    let rest = name.strip_prefix("section_")?;
    let (row, part) = rest.split_once('_')?;
    Some((row.parse().ok()?, part))
}

impl ConsultationForm {
    /// An empty form for a new consultation in `language`, premoderated as recommended.
    pub(crate) fn blank(language: Language) -> Self {
        Self {
            default_language: language.tag().to_owned(),
            premoderation: true,
            sections: vec![SectionRow::default(); FIRST_SECTION_ROWS],
            ..Self::default()
        }
    }

    /// Reads a posted form. The highest section row posted (and `section_rows`) decides how
    /// many rows there are, up to [`MAX_SECTIONS`] + 1. An unticked checkbox is not posted, so
    /// a posted form without `premoderation` turns it off.
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut rows = 0usize;
        for (name, value) in pairs {
            if name == "section_rows" {
                rows = rows.max(value.trim().parse().unwrap_or(0));
            } else if let Some((row, _)) = section_part(name) {
                rows = rows.max(row + 1);
            }
        }
        let mut form = Self {
            sections: vec![SectionRow::default(); rows.min(MAX_SECTIONS + 1)],
            ..Self::default()
        };
        for (name, value) in pairs {
            let value = value.clone();
            match name.as_str() {
                "slug" => form.slug = value,
                "default_language" => form.default_language = value,
                "premoderation" => form.premoderation = true,
                _ => {
                    if let Some(language) = name
                        .strip_prefix("title_")
                        .and_then(Language::from_tag_exact)
                    {
                        form.title[language.index()] = value;
                    } else if let Some((row, part)) = section_part(name)
                        && let Some(section) = form.sections.get_mut(row)
                    {
                        if part == "id" {
                            section.id = value;
                        } else if let Some(language) = part
                            .strip_prefix("title_")
                            .and_then(Language::from_tag_exact)
                        {
                            section.titles[language.index()] = value;
                        } else if let Some(language) = part
                            .strip_prefix("text_")
                            .and_then(Language::from_tag_exact)
                        {
                            section.texts[language.index()] = value;
                        }
                    }
                }
            }
        }
        form
    }

    /// The form showing draft `consultation`, for editing it.
    pub(crate) fn from_consultation(consultation: &Consultation) -> Self {
        let texts = |text: &LocalizedText| {
            Language::ALL.map(|language| text.get(language.tag()).unwrap_or_default().to_owned())
        };
        Self {
            slug: consultation.slug().as_str().to_owned(),
            default_language: consultation.default_language().as_str().to_owned(),
            title: texts(consultation.title()),
            premoderation: consultation.settings().premoderation,
            sections: consultation
                .sections()
                .iter()
                .map(|section| SectionRow {
                    id: section.id().as_str().to_owned(),
                    titles: texts(section.title()),
                    texts: texts(section.text()),
                })
                .collect(),
        }
    }

    /// Adds an empty section row ("add another section"), up to the core's limit.
    pub(crate) fn add_section_row(&mut self) {
        if self.sections.len() < MAX_SECTIONS {
            self.sections.push(SectionRow::default());
        }
    }

    /// The draft consultation the form describes, or every problem with it in page order.
    /// `settings` are the consultation's other settings (kept when editing).
    pub(crate) fn to_draft(
        &self,
        t: &Texts,
        c: &ConsultationTexts,
        settings: ConsultationSettings,
    ) -> Result<Consultation, Vec<FieldError>> {
        let mut errors = Vec::new();
        let error = |field: String, message: &str| FieldError {
            field,
            message: message.to_owned(),
        };
        let default = Language::from_tag_exact(self.default_language.trim());
        if default.is_none() {
            errors.push(error(
                "default_language".to_owned(),
                t.default_language_invalid,
            ));
        }
        let default = default.unwrap_or(Language::En);
        let localized = |texts: &[String; 3]| -> Option<LocalizedText> {
            let first = texts[default.index()].trim();
            if first.is_empty() {
                return None;
            }
            let mut text = LocalizedText::new(default.tag(), first).ok()?;
            for language in Language::ALL {
                let value = texts[language.index()].trim();
                if language != default && !value.is_empty() {
                    text = text.with(language.tag(), value).ok()?;
                }
            }
            Some(text)
        };
        // A stand-in where the form has no text, so the core still checks everything else.
        let stand_in = || LocalizedText::new(default.tag(), "-").ok();
        let title = localized(&self.title).or_else(|| {
            errors.push(error(title_field(default), c.title_missing));
            stand_in()
        });
        let settings = ConsultationSettings {
            premoderation: self.premoderation,
            ..settings
        };
        let mut consultation = match title
            .map(|title| Consultation::new(self.slug.trim(), default.tag(), title, settings))
        {
            Some(Ok(consultation)) => Some(consultation),
            Some(Err(problems)) => {
                for problem in problems.0 {
                    errors.push(match problem {
                        ConsultationError::Definition(DefinitionProblem::InvalidSlug {
                            ..
                        }) => error("slug".to_owned(), t.slug_invalid),
                        _ => error("default_language".to_owned(), t.default_language_invalid),
                    });
                }
                None
            }
            None => None,
        };
        let mut filled = 0usize;
        for (row, section) in self.sections.iter().enumerate() {
            if section.is_blank() {
                continue;
            }
            filled += 1;
            let title = localized(&section.titles).or_else(|| {
                errors.push(error(
                    section_field(row, &format!("title_{}", default.tag())),
                    c.section_title_missing,
                ));
                stand_in()
            });
            let text = localized(&section.texts).or_else(|| {
                errors.push(error(
                    section_field(row, &format!("text_{}", default.tag())),
                    c.section_text_missing,
                ));
                stand_in()
            });
            let typed_id = section.id.trim();
            let id = if typed_id.is_empty() {
                let default_title = section.titles[default.index()].trim();
                derived_id(default_title, &format!("section-{}", row + 1))
            } else {
                typed_id.to_owned()
            };
            let (Some(consultation), Some(title), Some(text)) = (&mut consultation, title, text)
            else {
                continue;
            };
            if let Err(problem) = consultation.add_section(&id, title, text) {
                let field = section_field(row, "id");
                errors.push(match problem {
                    ConsultationError::Definition(DefinitionProblem::DuplicateId { .. }) => {
                        error(field, c.section_id_duplicate)
                    }
                    ConsultationError::TooManySections => error(field, c.too_many_sections),
                    _ => error(field, c.section_id_invalid),
                });
            }
        }
        if filled == 0 {
            errors.push(error(
                section_field(0, &format!("title_{}", default.tag())),
                c.sections_missing,
            ));
        }
        match consultation {
            Some(consultation) if errors.is_empty() => Ok(consultation),
            _ => {
                errors.sort_by_key(|e| self.field_order(&e.field));
                Err(errors)
            }
        }
    }

    /// Where a field is on the page, so the error summary lists problems in reading order.
    fn field_order(&self, field: &str) -> usize {
        match field {
            "slug" => 0,
            "default_language" => 1,
            _ if field.starts_with("title_") => 2,
            _ => section_part(field).map_or(usize::MAX, |(row, part)| {
                let within = match part {
                    "id" => 2,
                    _ if part.starts_with("title_") => 0,
                    _ => 1,
                };
                3 + row * 3 + within
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::texts::EN;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn c() -> &'static ConsultationTexts {
        Language::En.consultation_texts()
    }

    #[test]
    fn a_complete_form_makes_a_draft_with_derived_section_ids() {
        let form = ConsultationForm::from_pairs(&pairs(&[
            ("slug", "bus-lanes-2027"),
            ("default_language", "en"),
            ("title_en", "Bus lanes on Moi Avenue"),
            ("title_sw", "Njia za mabasi"),
            ("premoderation", "on"),
            ("section_0_title_en", "The route"),
            ("section_0_text_en", "Buses would run from the station."),
            ("section_1_id", ""),
            ("section_2_title_en", "Fares & times"),
            ("section_2_text_en", "Fares stay the same."),
        ]));
        let draft = form
            .to_draft(&EN, c(), ConsultationSettings::default())
            .expect("the form is complete");
        assert_eq!(draft.slug().as_str(), "bus-lanes-2027");
        assert_eq!(draft.title().get("sw"), Some("Njia za mabasi"));
        let ids: Vec<&str> = draft.sections().iter().map(|s| s.id().as_str()).collect();
        assert_eq!(ids, ["the-route", "fares-times"]);
        assert!(draft.settings().premoderation);
    }

    #[test]
    fn every_problem_is_reported_beside_its_field_in_page_order() {
        let form = ConsultationForm::from_pairs(&pairs(&[
            ("slug", "Not A Slug"),
            ("default_language", "en"),
            ("title_fr", "Seulement en français"),
            ("section_0_id", "route"),
            ("section_0_title_en", "The route"),
            ("section_0_text_en", "Text"),
            ("section_1_id", "route"),
            ("section_1_title_en", "Again"),
            ("section_1_text_fr", "Texte"),
        ]));
        let errors = form
            .to_draft(&EN, c(), ConsultationSettings::default())
            .expect_err("the form has problems");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["slug", "title_en", "section_1_text_en"]);
        assert_eq!(errors[1].message, c().title_missing);
    }

    #[test]
    fn a_duplicate_section_id_is_reported_on_the_second_row() {
        let form = ConsultationForm::from_pairs(&pairs(&[
            ("slug", "water"),
            ("default_language", "en"),
            ("title_en", "Water"),
            ("section_0_id", "route"),
            ("section_0_title_en", "One"),
            ("section_0_text_en", "Text"),
            ("section_1_id", "route"),
            ("section_1_title_en", "Two"),
            ("section_1_text_en", "Text"),
        ]));
        let errors = form
            .to_draft(&EN, c(), ConsultationSettings::default())
            .expect_err("duplicate ids");
        assert_eq!(
            errors,
            [FieldError {
                field: "section_1_id".to_owned(),
                message: c().section_id_duplicate.to_owned(),
            }]
        );
    }

    #[test]
    fn a_form_without_sections_asks_for_one_and_premoderation_off_is_kept() {
        let form = ConsultationForm::from_pairs(&pairs(&[
            ("slug", "water"),
            ("default_language", "en"),
            ("title_en", "Water"),
        ]));
        assert!(!form.premoderation);
        let errors = form
            .to_draft(&EN, c(), ConsultationSettings::default())
            .expect_err("no sections");
        assert_eq!(errors[0].message, c().sections_missing);
    }

    #[test]
    fn editing_shows_the_draft_as_it_is() {
        let form = ConsultationForm::from_pairs(&pairs(&[
            ("slug", "water"),
            ("default_language", "sw"),
            ("title_sw", "Maji"),
            ("section_0_id", "bei"),
            ("section_0_title_sw", "Bei"),
            ("section_0_text_sw", "Maandishi"),
        ]));
        let draft = form
            .to_draft(&EN, c(), ConsultationSettings::default())
            .expect("complete");
        let shown = ConsultationForm::from_consultation(&draft);
        assert_eq!(shown.default_language, "sw");
        assert_eq!(shown.sections.len(), 1);
        assert_eq!(shown.sections[0].id, "bei");
        assert_eq!(shown.sections[0].texts[Language::Sw.index()], "Maandishi");
    }
}

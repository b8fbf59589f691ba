//! Storage: the serialisable record of a consultation, checked when read back.

#[allow(
    clippy::wildcard_imports,
    reason = "one module split in files: the imports and items of the parent are shared"
)]
use super::*;

/// The stored JSON shape of a [`Consultation`], as it serialises; deserialising a
/// `Consultation` goes through this record and [`Consultation::try_from`], which checks:
/// slug, language, title and settings as [`Consultation::new`] does; sections (at most
/// [`MAX_SECTIONS`], distinct ids, default-language texts, official responses only once
/// closed); the phase against the instants (`opened_at` from open on, `closed_at` from closed
/// on, an outcome exactly when published, in time order, at least one section once open);
/// and comments (none in draft, ids 1, 2, 3… in order, known sections, a stance exactly on
/// top-level comments, replies to an earlier top-level comment of the same section, texts
/// within the consultation's limit).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsultationRecord {
    slug: String,
    default_language: String,
    title: LocalizedText,
    settings: ConsultationSettings,
    phase: ConsultationPhase,
    sections: Vec<Section>,
    comments: Vec<Comment>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    opened_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    closed_at: Option<OffsetDateTime>,
    #[serde(default)]
    outcome: Option<Outcome>,
}

impl TryFrom<ConsultationRecord> for Consultation {
    type Error = ConsultationErrors;

    fn try_from(record: ConsultationRecord) -> Result<Self, Self::Error> {
        use ConsultationPhase as P;
        let mut consultation = Self::new(
            &record.slug,
            &record.default_language,
            record.title,
            record.settings,
        )?;
        let mut errors = Vec::new();
        let mut problem = |text: String| errors.push(ConsultationError::InconsistentRecord(text));
        let phase = record.phase;

        if record.sections.len() > MAX_SECTIONS {
            problem(format!(
                "a consultation may have at most {MAX_SECTIONS} sections"
            ));
        }
        if phase != P::Draft && record.sections.is_empty() {
            problem(format!(
                "a consultation that is {phase} needs at least one section"
            ));
        }
        let language = consultation.default_language.clone();
        for (index, section) in record.sections.iter().enumerate() {
            let id = section.id.as_str();
            if record.sections[..index].iter().any(|s| s.id == section.id) {
                problem(format!("section {id:?} appears twice"));
            }
            let texts = [
                ("title", Some(&section.title)),
                ("text", Some(&section.text)),
            ];
            let response = section.official_response.as_ref().map(|r| &r.text);
            for (field, text) in texts.into_iter().chain([("official response", response)]) {
                if let Some(text) = text
                    && !text.has(&language)
                {
                    problem(format!(
                        "section {id:?} {field} has no text in the default language {language}"
                    ));
                }
            }
            if section.official_response.is_some() && phase < P::Closed {
                problem(format!(
                    "section {id:?} has an official response, but the consultation is {phase}"
                ));
            }
        }

        match (phase >= P::Open, record.opened_at) {
            (true, None) => problem(format!("a consultation that is {phase} needs opened_at")),
            (false, Some(_)) => problem("a draft has no opened_at".to_owned()),
            _ => {}
        }
        match (phase >= P::Closed, record.closed_at) {
            (true, None) => problem(format!("a consultation that is {phase} needs closed_at")),
            (false, Some(_)) => problem(format!("a consultation that is {phase} has no closed_at")),
            _ => {}
        }
        match (phase == P::OutcomePublished, &record.outcome) {
            (true, None) => problem("a published outcome is missing".to_owned()),
            (false, Some(_)) => problem(format!("a consultation that is {phase} has no outcome")),
            _ => {}
        }
        let instants = [
            record.opened_at,
            record.closed_at,
            record.outcome.as_ref().map(|o| o.published_at),
        ];
        if instants
            .windows(2)
            .any(|w| matches!(w, [Some(a), Some(b)] if b < a))
        {
            problem(
                "opened_at, closed_at and the outcome's published_at must be in time order"
                    .to_owned(),
            );
        }
        if let Some(outcome) = &record.outcome
            && !outcome.summary.has(&language)
        {
            problem(format!(
                "the outcome summary has no text in the default language {language}"
            ));
        }

        if phase == P::Draft && !record.comments.is_empty() {
            problem("a draft has no comments".to_owned());
        }
        let max_len = consultation.settings.max_comment_len as usize;
        for (index, comment) in record.comments.iter().enumerate() {
            let id = comment.id;
            if id.0 != index as u64 + 1 {
                problem(format!(
                    "comment {id} is at position {}; ids run 1, 2, 3… in order",
                    index + 1
                ));
            }
            if !record.sections.iter().any(|s| s.id == comment.section) {
                problem(format!(
                    "comment {id} is on unknown section {:?}",
                    comment.section.as_str()
                ));
            }
            match (comment.parent, comment.stance) {
                (None, None) => problem(format!("comment {id} is top-level but has no stance")),
                (Some(_), Some(_)) => problem(format!("reply {id} has a stance")),
                (None, Some(_)) => {}
                (Some(parent), None) => {
                    let earlier = &record.comments[..index];
                    match earlier.iter().find(|c| c.id == parent) {
                        None => problem(format!(
                            "reply {id} answers comment {parent}, which does not come before it"
                        )),
                        Some(p) if p.parent.is_some() => {
                            problem(format!("reply {id} answers reply {parent}"))
                        }
                        Some(p) if p.section != comment.section => problem(format!(
                            "reply {id} is on another section than comment {parent}"
                        )),
                        Some(_) => {}
                    }
                }
            }
            let length = comment.text.as_str().chars().count();
            if length > max_len {
                problem(format!(
                    "comment {id} is {length} characters; the limit is {max_len}"
                ));
            }
        }

        if !errors.is_empty() {
            return Err(ConsultationErrors(errors));
        }
        consultation.phase = phase;
        consultation.sections = record.sections;
        consultation.comments = record.comments;
        consultation.opened_at = record.opened_at;
        consultation.closed_at = record.closed_at;
        consultation.outcome = record.outcome;
        Ok(consultation)
    }
}

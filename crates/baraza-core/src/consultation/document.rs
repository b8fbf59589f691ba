//! The document and its records: sections, comments, replies, reactions, moderation, outcome.

#[allow(
    clippy::wildcard_imports,
    reason = "one module split in files: the imports and items of the parent are shared"
)]
use super::*;
use crate::definition::{
    check_default_language, check_item_id, check_slug, report, require_default_language,
};

/// One section of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub(super) id: SectionId,
    pub(super) title: LocalizedText,
    pub(super) text: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) official_response: Option<OfficialResponse>,
}

impl Section {
    /// The stable id.
    pub fn id(&self) -> &SectionId {
        &self.id
    }

    /// The heading.
    pub fn title(&self) -> &LocalizedText {
        &self.title
    }

    /// The body.
    pub fn text(&self) -> &LocalizedText {
        &self.text
    }

    /// The official response, once given.
    pub fn official_response(&self) -> Option<&OfficialResponse> {
        self.official_response.as_ref()
    }
}

/// An official's answer to what was said about a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OfficialResponse {
    /// The answer.
    pub text: LocalizedText,
    /// When it was given.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Rfc3339"))]
    pub responded_at: OffsetDateTime,
}

/// What the public body did: the "we did" of the whole consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The summary of decisions.
    pub summary: LocalizedText,
    /// When it was published.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Rfc3339"))]
    pub published_at: OffsetDateTime,
}

/// A comment or reply with its moderation state, reports and reactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Comment {
    pub(super) id: CommentId,
    pub(super) section: SectionId,
    author: ParticipantId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) parent: Option<CommentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) stance: Option<Stance>,
    pub(super) text: CommentText,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Rfc3339"))]
    created_at: OffsetDateTime,
    state: ModerationState,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    moderated_at: Option<OffsetDateTime>,
    reports: BTreeSet<ParticipantId>,
    reactions: BTreeMap<ParticipantId, Reaction>,
}

impl Comment {
    /// The comment's id.
    pub fn id(&self) -> CommentId {
        self.id
    }

    /// The section commented on (a reply's is its parent's).
    pub fn section(&self) -> &SectionId {
        &self.section
    }

    /// Who wrote it.
    pub fn author(&self) -> &ParticipantId {
        &self.author
    }

    /// The comment replied to, for a reply.
    pub fn parent(&self) -> Option<CommentId> {
        self.parent
    }

    /// The stance of a top-level comment; `None` for a reply.
    pub fn stance(&self) -> Option<Stance> {
        self.stance
    }

    /// The text.
    pub fn text(&self) -> &CommentText {
        &self.text
    }

    /// When it was posted.
    pub fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }

    /// Its moderation state.
    pub fn state(&self) -> ModerationState {
        self.state
    }

    /// When a moderator last changed its state, if ever (automatic hiding does not count).
    pub fn moderated_at(&self) -> Option<OffsetDateTime> {
        self.moderated_at
    }

    /// Distinct participants who reported it since it was last restored.
    pub fn report_count(&self) -> usize {
        self.reports.len()
    }

    /// Agree reactions.
    pub fn agrees(&self) -> u64 {
        self.count_reactions(Reaction::Agree)
    }

    /// Disagree reactions.
    pub fn disagrees(&self) -> u64 {
        self.count_reactions(Reaction::Disagree)
    }

    /// The reaction of `participant`, if any.
    pub fn reaction_of(&self, participant: &ParticipantId) -> Option<Reaction> {
        self.reactions.get(participant).copied()
    }

    fn count_reactions(&self, kind: Reaction) -> u64 {
        self.reactions.values().filter(|&&r| r == kind).count() as u64
    }
}

/// A consultation: document, comments, moderation, responses and outcome, with the life-cycle
/// rules of the module docs enforced by every method.
///
/// It serialises to JSON for storage and deserialises with every invariant re-checked (see
/// [`ConsultationRecord`]), so a stored consultation that was edited by hand into an
/// impossible state is refused with every problem listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "ConsultationRecord")]
pub struct Consultation {
    slug: Slug,
    pub(super) default_language: LanguageTag,
    title: LocalizedText,
    pub(super) settings: ConsultationSettings,
    pub(super) phase: ConsultationPhase,
    pub(super) sections: Vec<Section>,
    pub(super) comments: Vec<Comment>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    pub(super) opened_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    pub(super) closed_at: Option<OffsetDateTime>,
    pub(super) outcome: Option<Outcome>,
}

impl Consultation {
    /// A new consultation in draft, with no sections. Reports every problem with the slug, the
    /// language, the title and the settings at once.
    pub fn new(
        slug: &str,
        default_language: &str,
        title: LocalizedText,
        settings: ConsultationSettings,
    ) -> Result<Self, ConsultationErrors> {
        let mut errors = Vec::new();
        let slug = report(check_slug(slug), &mut errors);
        let language = report(check_default_language(default_language), &mut errors);
        report(
            require_default_language(language.as_ref(), || "title".to_owned(), &title),
            &mut errors,
        );
        if settings.hide_after_reports == 0 {
            errors.push(ConsultationError::InvalidSetting {
                field: "hide_after_reports",
                rule: "at least 1",
                value: 0,
            });
        }
        if !(1..=MAX_COMMENT_LIMIT).contains(&settings.max_comment_len) {
            errors.push(ConsultationError::InvalidSetting {
                field: "max_comment_len",
                rule: "1 to 20000",
                value: settings.max_comment_len,
            });
        }
        match (slug, language) {
            (Some(slug), Some(default_language)) if errors.is_empty() => Ok(Self {
                slug,
                default_language,
                title,
                settings,
                phase: ConsultationPhase::Draft,
                sections: Vec::new(),
                comments: Vec::new(),
                opened_at: None,
                closed_at: None,
                outcome: None,
            }),
            _ => Err(ConsultationErrors(errors)),
        }
    }

    // --- getters -------------------------------------------------------------------------

    /// The consultation's identifier.
    pub fn slug(&self) -> &Slug {
        &self.slug
    }

    /// The language every text is guaranteed to have.
    pub fn default_language(&self) -> &LanguageTag {
        &self.default_language
    }

    /// The title.
    pub fn title(&self) -> &LocalizedText {
        &self.title
    }

    /// The rules in force.
    pub fn settings(&self) -> ConsultationSettings {
        self.settings
    }

    /// The current phase.
    pub fn phase(&self) -> ConsultationPhase {
        self.phase
    }

    /// The sections in document order; section `i` is numbered `i + 1`.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id.as_str() == id)
    }

    /// The number of the section with this id (1-based position).
    pub fn section_number(&self, id: &str) -> Option<usize> {
        self.section_index(id).map(|i| i + 1)
    }

    /// Every comment and reply in posting order, whatever its state (moderators' view).
    pub fn comments(&self) -> &[Comment] {
        &self.comments
    }

    /// The comment with this id.
    pub fn comment_by_id(&self, id: CommentId) -> Option<&Comment> {
        self.comment_index(id).map(|i| &self.comments[i])
    }

    /// The published comments and replies in posting order (the public's view).
    pub fn published_comments(&self) -> impl Iterator<Item = &Comment> {
        self.comments.iter().filter(|c| c.state.is_published())
    }

    /// When the consultation opened.
    pub fn opened_at(&self) -> Option<OffsetDateTime> {
        self.opened_at
    }

    /// When the consultation closed.
    pub fn closed_at(&self) -> Option<OffsetDateTime> {
        self.closed_at
    }

    /// The outcome, once published.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    // --- helpers -------------------------------------------------------------------------

    fn require(&self, action: Action) -> Result<(), ConsultationError> {
        if self.phase.allows(action) {
            Ok(())
        } else {
            Err(ConsultationError::WrongPhase {
                action,
                phase: self.phase,
            })
        }
    }

    fn require_not_before(
        action: Action,
        now: OffsetDateTime,
        previous: Option<OffsetDateTime>,
    ) -> Result<(), ConsultationError> {
        match previous {
            Some(previous) if now < previous => Err(ConsultationError::TimeBeforePreviousStep {
                action,
                now,
                previous,
            }),
            _ => Ok(()),
        }
    }

    fn require_language(
        &self,
        field: String,
        text: &LocalizedText,
    ) -> Result<(), ConsultationError> {
        require_default_language(Some(&self.default_language), || field, text)?;
        Ok(())
    }

    fn section_index(&self, id: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.id.as_str() == id)
    }

    fn existing_section(&self, id: &str) -> Result<usize, ConsultationError> {
        self.section_index(id)
            .ok_or_else(|| ConsultationError::SectionNotFound { id: id.to_owned() })
    }

    fn comment_index(&self, id: CommentId) -> Option<usize> {
        // Ids are assigned in order from 1, so the id is the position plus one.
        let index = usize::try_from(id.0.checked_sub(1)?).ok()?;
        (index < self.comments.len()).then_some(index)
    }

    fn existing_comment(&self, id: CommentId) -> Result<usize, ConsultationError> {
        self.comment_index(id)
            .ok_or(ConsultationError::CommentNotFound { id })
    }

    fn published_comment(&self, id: CommentId) -> Result<usize, ConsultationError> {
        let index = self.existing_comment(id)?;
        if self.comments[index].state.is_published() {
            Ok(index)
        } else {
            Err(ConsultationError::CommentNotPublished { id })
        }
    }

    fn initial_state(&self) -> ModerationState {
        if self.settings.premoderation {
            ModerationState::Pending
        } else {
            ModerationState::Published
        }
    }

    fn push_comment(
        &mut self,
        section: SectionId,
        author: &ParticipantId,
        parent: Option<CommentId>,
        stance: Option<Stance>,
        text: CommentText,
        now: OffsetDateTime,
    ) -> CommentId {
        let id = CommentId(self.comments.len() as u64 + 1);
        self.comments.push(Comment {
            id,
            section,
            author: author.clone(),
            parent,
            stance,
            text,
            created_at: now,
            state: self.initial_state(),
            moderated_at: None,
            reports: BTreeSet::new(),
            reactions: BTreeMap::new(),
        });
        id
    }

    // --- draft: the document -------------------------------------------------------------

    /// Replaces the title (draft only).
    pub fn set_title(&mut self, title: LocalizedText) -> Result<(), ConsultationError> {
        self.require(Action::EditDocument)?;
        self.require_language("title".to_owned(), &title)?;
        self.title = title;
        Ok(())
    }

    /// Appends a section (draft only). Its number is its position.
    pub fn add_section(
        &mut self,
        id: &str,
        title: LocalizedText,
        text: LocalizedText,
    ) -> Result<(), ConsultationError> {
        self.require(Action::EditDocument)?;
        let section_id = check_item_id(
            id.to_owned(),
            || format!("sections[{}].id", self.sections.len()),
            SectionId::parse,
            |id| self.sections.iter().any(|s| &s.id == id),
        )?;
        if self.sections.len() >= MAX_SECTIONS {
            return Err(ConsultationError::TooManySections);
        }
        self.require_language(format!("section {id} title"), &title)?;
        self.require_language(format!("section {id} text"), &text)?;
        self.sections.push(Section {
            id: section_id,
            title,
            text,
            official_response: None,
        });
        Ok(())
    }

    /// Replaces a section's title and text (draft only); its id stays.
    pub fn edit_section(
        &mut self,
        id: &str,
        title: LocalizedText,
        text: LocalizedText,
    ) -> Result<(), ConsultationError> {
        self.require(Action::EditDocument)?;
        let index = self.existing_section(id)?;
        self.require_language(format!("section {id} title"), &title)?;
        self.require_language(format!("section {id} text"), &text)?;
        let section = &mut self.sections[index];
        section.title = title;
        section.text = text;
        Ok(())
    }

    /// Removes a section (draft only); later sections are renumbered.
    pub fn remove_section(&mut self, id: &str) -> Result<(), ConsultationError> {
        self.require(Action::EditDocument)?;
        let index = self.existing_section(id)?;
        self.sections.remove(index);
        Ok(())
    }

    /// Moves a section to 0-based `position` (draft only); sections are renumbered.
    pub fn move_section(&mut self, id: &str, position: usize) -> Result<(), ConsultationError> {
        self.require(Action::EditDocument)?;
        let index = self.existing_section(id)?;
        if position >= self.sections.len() {
            return Err(ConsultationError::PositionOutOfRange {
                position,
                count: self.sections.len(),
            });
        }
        let section = self.sections.remove(index);
        self.sections.insert(position, section);
        Ok(())
    }

    // --- life cycle ----------------------------------------------------------------------

    /// Draft → open, at `now`. Needs at least one section.
    pub fn open(&mut self, now: OffsetDateTime) -> Result<(), ConsultationError> {
        self.require(Action::Open)?;
        if self.sections.is_empty() {
            return Err(ConsultationError::NoSections);
        }
        self.phase = ConsultationPhase::Open;
        self.opened_at = Some(now);
        Ok(())
    }

    /// Open → closed, at `now` (not before opening).
    pub fn close(&mut self, now: OffsetDateTime) -> Result<(), ConsultationError> {
        self.require(Action::Close)?;
        Self::require_not_before(Action::Close, now, self.opened_at)?;
        self.phase = ConsultationPhase::Closed;
        self.closed_at = Some(now);
        Ok(())
    }

    /// Closed → outcome published, at `now` (not before closing); once only.
    pub fn publish_outcome(
        &mut self,
        summary: LocalizedText,
        now: OffsetDateTime,
    ) -> Result<(), ConsultationError> {
        self.require(Action::PublishOutcome)?;
        Self::require_not_before(Action::PublishOutcome, now, self.closed_at)?;
        self.require_language("outcome summary".to_owned(), &summary)?;
        self.outcome = Some(Outcome {
            summary,
            published_at: now,
        });
        self.phase = ConsultationPhase::OutcomePublished;
        Ok(())
    }

    // --- open: participation -------------------------------------------------------------

    /// Posts a top-level comment on a section (open only). Returns its id; it starts pending
    /// or published depending on [`ConsultationSettings::premoderation`].
    pub fn comment(
        &mut self,
        section: &str,
        author: &ParticipantId,
        stance: Stance,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<CommentId, ConsultationError> {
        self.require(Action::Comment)?;
        Self::require_not_before(Action::Comment, now, self.opened_at)?;
        let index = self.existing_section(section)?;
        let text = CommentText::parse(text, self.settings.max_comment_len)?;
        let section = self.sections[index].id.clone();
        Ok(self.push_comment(section, author, None, Some(stance), text, now))
    }

    /// Replies to a published top-level comment (open only). Returns the reply's id.
    pub fn reply(
        &mut self,
        parent: CommentId,
        author: &ParticipantId,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<CommentId, ConsultationError> {
        self.require(Action::Reply)?;
        Self::require_not_before(Action::Reply, now, self.opened_at)?;
        let index = self.existing_comment(parent)?;
        if self.comments[index].parent.is_some() {
            return Err(ConsultationError::ReplyToReply { parent });
        }
        self.published_comment(parent)?;
        let text = CommentText::parse(text, self.settings.max_comment_len)?;
        let section = self.comments[index].section.clone();
        Ok(self.push_comment(section, author, Some(parent), None, text, now))
    }

    /// Sets `participant`'s reaction to a published comment (open only), replacing any
    /// earlier one, which is returned.
    pub fn react(
        &mut self,
        comment: CommentId,
        participant: &ParticipantId,
        reaction: Reaction,
    ) -> Result<Option<Reaction>, ConsultationError> {
        self.require(Action::React)?;
        let index = self.published_comment(comment)?;
        Ok(self.comments[index]
            .reactions
            .insert(participant.clone(), reaction))
    }

    /// Withdraws `participant`'s reaction to a published comment (open only), returning it.
    pub fn withdraw_reaction(
        &mut self,
        comment: CommentId,
        participant: &ParticipantId,
    ) -> Result<Option<Reaction>, ConsultationError> {
        self.require(Action::React)?;
        let index = self.published_comment(comment)?;
        Ok(self.comments[index].reactions.remove(participant))
    }

    /// Reports a published comment on behalf of `participant` (any phase after draft). Returns
    /// the comment's state afterwards: `hidden` once it has
    /// [`ConsultationSettings::hide_after_reports`] distinct reports.
    pub fn report(
        &mut self,
        comment: CommentId,
        participant: &ParticipantId,
    ) -> Result<ModerationState, ConsultationError> {
        self.require(Action::Report)?;
        let index = self.published_comment(comment)?;
        let threshold = self.settings.hide_after_reports as usize;
        let target = &mut self.comments[index];
        if !target.reports.insert(participant.clone()) {
            return Err(ConsultationError::AlreadyReported { id: comment });
        }
        if target.reports.len() >= threshold {
            target.state = ModerationState::Hidden;
        }
        Ok(target.state)
    }

    /// Applies a moderator's step to a comment at `now` (phases in the module docs' table).
    /// Returns the new state.
    pub fn moderate(
        &mut self,
        comment: CommentId,
        action: ModerationAction,
        now: OffsetDateTime,
    ) -> Result<ModerationState, ConsultationError> {
        self.require(match action {
            ModerationAction::Publish | ModerationAction::Restore => Action::PublishOrRestore,
            ModerationAction::Reject { .. } | ModerationAction::Hide => Action::RejectOrHide,
        })?;
        let index = self.existing_comment(comment)?;
        let target = &mut self.comments[index];
        let next = action
            .apply_to(target.state)
            .ok_or(ConsultationError::InvalidModeration {
                id: comment,
                action: action.name(),
                from: target.state.name(),
            })?;
        if action == ModerationAction::Restore {
            target.reports.clear();
        }
        target.state = next;
        target.moderated_at = Some(now);
        Ok(next)
    }

    // --- closed: responses ---------------------------------------------------------------

    /// Gives, or replaces, the official response to a section (closed only).
    pub fn respond(
        &mut self,
        section: &str,
        text: LocalizedText,
        now: OffsetDateTime,
    ) -> Result<(), ConsultationError> {
        self.require(Action::Respond)?;
        Self::require_not_before(Action::Respond, now, self.closed_at)?;
        let index = self.existing_section(section)?;
        self.require_language(format!("official response to section {section}"), &text)?;
        self.sections[index].official_response = Some(OfficialResponse {
            text,
            responded_at: now,
        });
        Ok(())
    }

    // --- reporting -----------------------------------------------------------------------

    /// "We asked, you said, we did": per section, what was asked, what published comments
    /// said and what officials answered, plus the outcome. Available in every phase (as a
    /// preview before the outcome); only published comments are counted.
    pub fn outcome_report(&self) -> OutcomeReport {
        let sections = self
            .sections
            .iter()
            .enumerate()
            .map(|(index, section)| {
                let mut said = YouSaid::default();
                for comment in self
                    .published_comments()
                    .filter(|c| c.section == section.id)
                {
                    match comment.stance {
                        Some(Stance::Support) => said.support += 1,
                        Some(Stance::Oppose) => said.oppose += 1,
                        Some(Stance::Neutral) => said.neutral += 1,
                        Some(Stance::Question) => said.question += 1,
                        None => said.replies += 1,
                    }
                    said.agrees += comment.agrees();
                    said.disagrees += comment.disagrees();
                    if comment.parent.is_none() {
                        said.participants.insert(comment.author.clone());
                    }
                }
                SectionReport {
                    number: index + 1,
                    id: section.id.clone(),
                    we_asked: section.title.clone(),
                    you_said: SectionSaid {
                        support: said.support,
                        oppose: said.oppose,
                        neutral: said.neutral,
                        question: said.question,
                        replies: said.replies,
                        agrees: said.agrees,
                        disagrees: said.disagrees,
                        commenters: said.participants.len() as u64,
                    },
                    we_did: section.official_response.clone(),
                }
            })
            .collect();
        OutcomeReport {
            consultation: self.slug.clone(),
            phase: self.phase,
            sections,
            outcome: self.outcome.clone(),
        }
    }
}

#[derive(Default)]
struct YouSaid {
    support: u64,
    oppose: u64,
    neutral: u64,
    question: u64,
    replies: u64,
    agrees: u64,
    disagrees: u64,
    participants: BTreeSet<ParticipantId>,
}

/// The "we asked, you said, we did" summary of a consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OutcomeReport {
    /// The consultation.
    pub consultation: Slug,
    /// Its phase when the report was made.
    pub phase: ConsultationPhase,
    /// One entry per section, in document order.
    pub sections: Vec<SectionReport>,
    /// The outcome, once published.
    pub outcome: Option<Outcome>,
}

/// One section of an [`OutcomeReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SectionReport {
    /// The section's number (1-based).
    pub number: usize,
    /// The section's id.
    pub id: SectionId,
    /// We asked: the section's title.
    pub we_asked: LocalizedText,
    /// You said: counts over published comments.
    pub you_said: SectionSaid,
    /// We did: the official response, if given.
    pub we_did: Option<OfficialResponse>,
}

/// Counts over the published comments of one section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SectionSaid {
    /// Top-level comments in support.
    pub support: u64,
    /// Top-level comments against.
    pub oppose: u64,
    /// Neutral top-level comments.
    pub neutral: u64,
    /// Questions.
    pub question: u64,
    /// Replies.
    pub replies: u64,
    /// Agree reactions on its published comments and replies.
    pub agrees: u64,
    /// Disagree reactions on its published comments and replies.
    pub disagrees: u64,
    /// Distinct authors of published top-level comments.
    pub commenters: u64,
}

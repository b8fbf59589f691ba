//! Aggregates: counts, CSAT and NPS with intervals, grouping by page and period.

#[allow(
    clippy::wildcard_imports,
    reason = "one module split in files: the imports and items of the parent are shared"
)]
use super::*;

/// A count for one choice or reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChoiceCount {
    /// The choice.
    pub id: OptionId,
    /// How many answers picked it.
    pub count: u64,
}

/// Counts for a `useful` question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UsefulCounts {
    /// "Yes" answers.
    pub yes: u64,
    /// "No" answers.
    pub no: u64,
    /// How often each reason was given, in the question's order.
    pub reasons: Vec<ChoiceCount>,
    /// Answers with a comment.
    pub comments: u64,
}

impl UsefulCounts {
    /// The share of "yes" among all yes/no answers with its Wilson interval; `None` without
    /// answers.
    pub fn useful_share(&self, confidence: Confidence) -> Option<Proportion> {
        wilson_interval(self.yes, self.yes.saturating_add(self.no), confidence)
    }
}

/// Counts for a `csat` question: `distribution[i]` answers scored `i + 1`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CsatCounts {
    /// Answers per score 1–5.
    pub distribution: [u64; 5],
}

impl CsatCounts {
    /// All answers.
    pub fn count(&self) -> u64 {
        self.distribution.iter().sum()
    }

    /// Answers of 4 or 5.
    pub fn satisfied(&self) -> u64 {
        self.distribution[3] + self.distribution[4]
    }

    /// The CSAT share (answers of 4 or 5 over all answers) with its Wilson interval; CSAT %
    /// is this times 100. `None` without answers.
    pub fn csat(&self, confidence: Confidence) -> Option<Proportion> {
        wilson_interval(self.satisfied(), self.count(), confidence)
    }

    /// The exact mean score; `None` without answers.
    pub fn mean(&self) -> Option<Ratio> {
        DistributionSummary::of(1, &self.distribution).mean
    }

    /// The exact median score (midpoint rule of [`crate::score`]); `None` without answers.
    pub fn median(&self) -> Option<Ratio> {
        DistributionSummary::of(1, &self.distribution).median
    }
}

/// Counts for an `nps` question: `distribution[i]` answers scored `i`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NpsCounts {
    /// Answers per score 0–10.
    pub distribution: [u64; 11],
}

impl NpsCounts {
    /// All answers.
    pub fn count(&self) -> u64 {
        self.distribution.iter().sum()
    }

    /// Answers of 9 or 10.
    pub fn promoters(&self) -> u64 {
        self.distribution[9..].iter().sum()
    }

    /// Answers of 7 or 8.
    pub fn passives(&self) -> u64 {
        self.distribution[7..9].iter().sum()
    }

    /// Answers of 0 to 6.
    pub fn detractors(&self) -> u64 {
        self.distribution[..7].iter().sum()
    }

    /// The NPS with its interval; `None` without answers.
    pub fn score(&self, confidence: Confidence) -> Option<NpsScore> {
        nps_interval(
            self.promoters(),
            self.passives(),
            self.detractors(),
            confidence,
        )
    }

    /// The exact mean score; `None` without answers.
    pub fn mean(&self) -> Option<Ratio> {
        DistributionSummary::of(0, &self.distribution).mean
    }
}

/// Counts for a `single_choice` question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChoiceCounts {
    /// Each option's count, in the question's order.
    pub options: Vec<ChoiceCount>,
}

impl ChoiceCounts {
    /// All answers.
    pub fn count(&self) -> u64 {
        self.options.iter().map(|o| o.count).sum()
    }

    /// The share of the option with this id among all answers, with its Wilson interval;
    /// `None` for an unknown option or without answers.
    pub fn share(&self, id: &str, confidence: Confidence) -> Option<Proportion> {
        let option = self.options.iter().find(|o| o.id.as_str() == id)?;
        wilson_interval(option.count, self.count(), confidence)
    }
}

/// The counts of one question, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionCounts {
    /// A `useful` question.
    Useful(UsefulCounts),
    /// A `csat` question.
    Csat(CsatCounts),
    /// An `nps` question.
    Nps(NpsCounts),
    /// A `single_choice` question.
    SingleChoice(ChoiceCounts),
    /// A `free_text` question (only the number answered is kept).
    FreeText,
}

/// The aggregate of one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QuestionAggregate {
    /// The question.
    pub id: Slug,
    /// Responses that answered it.
    pub answered: u64,
    /// The counts for its kind.
    pub counts: QuestionCounts,
}

/// A response that cannot go into this aggregate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FeedbackTallyError {
    /// The response was validated against another form.
    #[error("response to form {response_form} given to the aggregate of form {aggregate_form}")]
    WrongForm {
        /// The aggregate's form.
        aggregate_form: Slug,
        /// The response's form.
        response_form: Slug,
    },
    /// The response does not fit this form's questions (the form changed since).
    #[error("the answer to question {question} does not fit form {form}")]
    AnswerDoesNotFit {
        /// The form.
        form: Slug,
        /// The question.
        question: Slug,
    },
}

/// Running counts of the responses to one form; add responses with
/// [`FeedbackAggregate::record`]. Serialises for publication; it is built only by counting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeedbackAggregate {
    form: Slug,
    responses: u64,
    questions: Vec<QuestionAggregate>,
}

fn zero_counts(choices: &[PollOption]) -> Vec<ChoiceCount> {
    choices
        .iter()
        .map(|c| ChoiceCount {
            id: c.id.clone(),
            count: 0,
        })
        .collect()
}

/// The position of `id` in `counts`.
fn position(counts: &[ChoiceCount], id: &OptionId) -> Option<usize> {
    counts.iter().position(|c| c.id == *id)
}

impl FeedbackAggregate {
    /// An empty aggregate for `form`.
    pub fn new(form: &FeedbackForm) -> Self {
        let questions = form
            .questions
            .iter()
            .map(|q| QuestionAggregate {
                id: q.id.clone(),
                answered: 0,
                counts: match &q.kind {
                    QuestionKind::Useful { reasons, .. } => QuestionCounts::Useful(UsefulCounts {
                        yes: 0,
                        no: 0,
                        reasons: zero_counts(reasons),
                        comments: 0,
                    }),
                    QuestionKind::Csat => QuestionCounts::Csat(CsatCounts::default()),
                    QuestionKind::Nps => QuestionCounts::Nps(NpsCounts::default()),
                    QuestionKind::SingleChoice { options } => {
                        QuestionCounts::SingleChoice(ChoiceCounts {
                            options: zero_counts(options),
                        })
                    }
                    QuestionKind::FreeText { .. } => QuestionCounts::FreeText,
                },
            })
            .collect();
        Self {
            form: form.slug.clone(),
            responses: 0,
            questions,
        }
    }

    /// Adds one response. Nothing is counted if it is rejected.
    pub fn record(&mut self, response: &FeedbackResponse) -> Result<(), FeedbackTallyError> {
        let slots = self.plan(response)?;
        self.apply(response, slots);
        Ok(())
    }

    /// Checks every answer of `response` against this aggregate and says where each goes, so
    /// that a rejected response changes nothing.
    fn plan(
        &self,
        response: &FeedbackResponse,
    ) -> Result<Vec<(usize, Vec<usize>)>, FeedbackTallyError> {
        if response.form != self.form {
            return Err(FeedbackTallyError::WrongForm {
                aggregate_form: self.form.clone(),
                response_form: response.form.clone(),
            });
        }
        response
            .answers
            .iter()
            .map(|answer| {
                self.slot_for(answer)
                    .ok_or_else(|| FeedbackTallyError::AnswerDoesNotFit {
                        form: self.form.clone(),
                        question: answer.question.clone(),
                    })
            })
            .collect()
    }

    fn apply(&mut self, response: &FeedbackResponse, slots: Vec<(usize, Vec<usize>)>) {
        for (answer, (index, positions)) in response.answers.iter().zip(slots) {
            let aggregate = &mut self.questions[index];
            aggregate.answered += 1;
            match (&mut aggregate.counts, &answer.value) {
                (
                    QuestionCounts::Useful(counts),
                    AnswerValue::Useful {
                        useful, comment, ..
                    },
                ) => {
                    if *useful {
                        counts.yes += 1;
                    } else {
                        counts.no += 1;
                    }
                    for position in positions {
                        counts.reasons[position].count += 1;
                    }
                    counts.comments += u64::from(comment.is_some());
                }
                (QuestionCounts::Csat(counts), AnswerValue::Csat(score)) => {
                    counts.distribution[usize::from(*score - 1)] += 1;
                }
                (QuestionCounts::Nps(counts), AnswerValue::Nps(score)) => {
                    counts.distribution[usize::from(*score)] += 1;
                }
                (QuestionCounts::SingleChoice(counts), AnswerValue::Choice(_)) => {
                    for position in positions {
                        counts.options[position].count += 1;
                    }
                }
                _ => {}
            }
        }
        self.responses += 1;
    }

    /// Where an answer goes: the question's index and the positions of its choices or
    /// reasons; `None` when it does not fit.
    fn slot_for(&self, answer: &Answer) -> Option<(usize, Vec<usize>)> {
        let index = self
            .questions
            .iter()
            .position(|q| q.id == answer.question)?;
        let positions = match (&self.questions[index].counts, &answer.value) {
            (QuestionCounts::Useful(counts), AnswerValue::Useful { reasons, .. }) => reasons
                .iter()
                .map(|r| position(&counts.reasons, r))
                .collect::<Option<Vec<_>>>()?,
            (QuestionCounts::Csat(_), AnswerValue::Csat(score)) if (1..=5).contains(score) => {
                Vec::new()
            }
            (QuestionCounts::Nps(_), AnswerValue::Nps(score)) if *score <= 10 => Vec::new(),
            (QuestionCounts::SingleChoice(counts), AnswerValue::Choice(id)) => {
                vec![position(&counts.options, id)?]
            }
            (QuestionCounts::FreeText, AnswerValue::Text(_)) => Vec::new(),
            _ => return None,
        };
        Some((index, positions))
    }

    /// The form counted.
    pub fn form(&self) -> &Slug {
        &self.form
    }

    /// Responses recorded.
    pub fn responses(&self) -> u64 {
        self.responses
    }

    /// Per-question aggregates, in form order.
    pub fn questions(&self) -> &[QuestionAggregate] {
        &self.questions
    }

    /// The aggregate of the question with this id.
    pub fn question(&self, id: &str) -> Option<&QuestionAggregate> {
        self.questions.iter().find(|q| q.id.as_str() == id)
    }

    /// The counts of a `useful` question; `None` if there is no such question of that kind.
    pub fn useful(&self, id: &str) -> Option<&UsefulCounts> {
        match &self.question(id)?.counts {
            QuestionCounts::Useful(counts) => Some(counts),
            _ => None,
        }
    }

    /// The counts of a `csat` question; `None` if there is no such question of that kind.
    pub fn csat(&self, id: &str) -> Option<&CsatCounts> {
        match &self.question(id)?.counts {
            QuestionCounts::Csat(counts) => Some(counts),
            _ => None,
        }
    }

    /// The counts of an `nps` question; `None` if there is no such question of that kind.
    pub fn nps(&self, id: &str) -> Option<&NpsCounts> {
        match &self.question(id)?.counts {
            QuestionCounts::Nps(counts) => Some(counts),
            _ => None,
        }
    }

    /// The counts of a `single_choice` question; `None` if there is no such question of that
    /// kind.
    pub fn single_choice(&self, id: &str) -> Option<&ChoiceCounts> {
        match &self.question(id)?.counts {
            QuestionCounts::SingleChoice(counts) => Some(counts),
            _ => None,
        }
    }
}

/// One aggregate per page or service key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageGroups {
    empty: FeedbackAggregate,
    groups: BTreeMap<PageKey, FeedbackAggregate>,
}

impl PageGroups {
    /// No groups yet, for `form`.
    pub fn new(form: &FeedbackForm) -> Self {
        Self {
            empty: FeedbackAggregate::new(form),
            groups: BTreeMap::new(),
        }
    }

    /// Adds a response to its page's aggregate. Nothing is counted if it is rejected.
    pub fn record(&mut self, response: &FeedbackResponse) -> Result<(), FeedbackTallyError> {
        // Check against the empty aggregate first so a rejected response creates no group.
        let slots = self.empty.plan(response)?;
        self.groups
            .entry(response.page.clone())
            .or_insert_with(|| self.empty.clone())
            .apply(response, slots);
        Ok(())
    }

    /// The aggregates by page key, in key order (pages without responses are absent).
    pub fn groups(&self) -> &BTreeMap<PageKey, FeedbackAggregate> {
        &self.groups
    }

    /// The aggregate of one page, if it has responses.
    pub fn get(&self, page: &str) -> Option<&FeedbackAggregate> {
        self.groups.get(page)
    }
}

/// Why period boundaries are unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PeriodBoundariesError {
    /// Fewer than two boundaries make no period.
    #[error("give at least 2 period boundaries; got {count}")]
    TooFew {
        /// How many were given.
        count: usize,
    },
    /// The boundaries must strictly increase.
    #[error("period boundary {index} is not after boundary {}", index - 1)]
    NotIncreasing {
        /// Position of the first boundary that is not after its predecessor.
        index: usize,
    },
}

/// One period of a [`PeriodGroups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period<'a> {
    /// Start of the period (inclusive).
    pub start: OffsetDateTime,
    /// End of the period (exclusive).
    pub end: OffsetDateTime,
    /// The responses submitted in `[start, end)`.
    pub aggregate: &'a FeedbackAggregate,
}

/// One aggregate per period between caller-given boundaries (rules in the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodGroups {
    boundaries: Vec<OffsetDateTime>,
    periods: Vec<FeedbackAggregate>,
    before: u64,
    after: u64,
}

impl PeriodGroups {
    /// Periods `[b0, b1), [b1, b2), …` for `form`; the boundaries must strictly increase.
    pub fn new(
        form: &FeedbackForm,
        boundaries: Vec<OffsetDateTime>,
    ) -> Result<Self, PeriodBoundariesError> {
        if boundaries.len() < 2 {
            return Err(PeriodBoundariesError::TooFew {
                count: boundaries.len(),
            });
        }
        if let Some(index) = (1..boundaries.len()).find(|&i| boundaries[i] <= boundaries[i - 1]) {
            return Err(PeriodBoundariesError::NotIncreasing { index });
        }
        Ok(Self {
            periods: vec![FeedbackAggregate::new(form); boundaries.len() - 1],
            boundaries,
            before: 0,
            after: 0,
        })
    }

    /// Adds a response to the aggregate of the period it was submitted in, or to the count of
    /// responses outside every period. Nothing is counted if it is rejected.
    pub fn record(&mut self, response: &FeedbackResponse) -> Result<(), FeedbackTallyError> {
        // Every period aggregate has the same form and questions; check against the first, so
        // a response outside every period is checked too.
        let slots = match self.periods.first() {
            Some(first) => first.plan(response)?,
            None => Vec::new(),
        };
        let at = response.submitted_at;
        // Number of boundaries at or before `at`: 0 means before the first.
        let passed = self.boundaries.partition_point(|&b| b <= at);
        match passed {
            0 => self.before += 1,
            n if n == self.boundaries.len() => self.after += 1,
            n => self.periods[n - 1].apply(response, slots),
        }
        Ok(())
    }

    /// The periods in time order.
    pub fn periods(&self) -> impl Iterator<Item = Period<'_>> {
        self.boundaries
            .windows(2)
            .zip(&self.periods)
            .map(|(bounds, aggregate)| Period {
                start: bounds[0],
                end: bounds[1],
                aggregate,
            })
    }

    /// Responses submitted before the first boundary.
    pub fn before_first(&self) -> u64 {
        self.before
    }

    /// Responses submitted at or after the last boundary.
    pub fn at_or_after_last(&self) -> u64 {
        self.after
    }
}

//! Reading participatory-budgeting elections in the pabulib `.pb` format.
//!
//! [pabulib](https://pabulib.org/format) is the open library of real PB elections. A `.pb` file is
//! UTF-8 text in three sections, in this order, each a line with the section name, a header row
//! and data rows, fields separated by `;` and optionally double-quoted (a quoted field may hold
//! `;`; `""` is a quote):
//!
//! ```text
//! META
//! key;value
//! budget;411000            required; amounts may have decimals ("411000.00", "0.9", "1.09")
//! vote_type;approval       required: approval, ordinal, cumulative, scoring or choose-1
//! num_projects;8           optional, checked against the PROJECTS rows
//! num_votes;315            optional, checked against the VOTES rows
//! min_length;1             optional, fewest projects on a ballot
//! max_length;5             optional, most projects on a ballot
//! max_sum_cost;411000      optional, most a ballot's projects may cost together
//! …                        any other key is kept as is (see PabulibFile::meta)
//! PROJECTS
//! project_id;cost;votes;name;selected     project_id and cost required, in any column;
//! G113NN;200000;186;New kerbs;1           the other columns become Project::metadata
//! VOTES
//! voter_id;age;vote                        voter_id and vote required; `points` for
//! 1401204269;88;G105NN,G113NN              cumulative and scoring votes
//! ```
//!
//! Amounts (`budget`, `cost`, `max_sum_cost`) are read exactly: when any has decimal places,
//! the instance counts every amount in the smallest unit needed
//! ([`PbInstance::decimal_places`]; up to [`MAX_DECIMAL_PLACES`](super::MAX_DECIMAL_PLACES)),
//! so `0.9` and `1.09` become 90 and 109 hundredths. Counts (`min_length`, `num_votes`,
//! `points`…) are whole numbers.
//!
//! Every problem is reported with its line number (1-based, counting every line of the file),
//! all at once; no line is skipped silently, and each problem is reported once, at its own
//! line: a vote naming a project whose PROJECTS row was refused is not reported again. Votes are checked against the instance: unknown or
//! repeated project ids, `min_length`/`max_length` and `max_sum_cost` are errors, as are
//! repeated voter ids, a `points` list whose length differs from the `vote` list, and a
//! choose-1 vote that names other than one project.
//!
//! ```
//! use baraza_budgeting::{GreedyRule, MesOptions, pabulib};
//! let file = pabulib::parse_str("META\nkey;value\nbudget;1000\nvote_type;approval\n\
//!     PROJECTS\nproject_id;cost;name\n1;600;\"Park; with trees\"\n2;500;Pool\n3;300;Lights\n\
//!     VOTES\nvoter_id;vote\n1;1,2\n2;1,2\n3;2,3\n4;1\n")?;
//! assert_eq!(file.instance().projects()[0].name(), "Park; with trees");
//! let election = file.approval_election()?;
//! assert_eq!(election.greedy(&GreedyRule::default())?.selected(), ["1", "3"]);
//!
//! let errors = pabulib::parse_str("META\nkey;value\nbudget;1000\nvote_type;approval\n\
//!     PROJECTS\nproject_id;cost\n1;600\nVOTES\nvoter_id;vote\n1;1\n2;7\n").unwrap_err();
//! assert_eq!(errors.to_string(), "line 11: vote names project \"7\", which is not in PROJECTS");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::BufRead;

use crate::code::ErrorCode;

mod decimal;

pub use decimal::AmountProblem;
use decimal::Decimal;

use super::ballot::{PbBallotError, PbElection};
use super::instance::{
    BallotKind, BallotRules, PbInstance, PbInstanceError, PbInstanceSpec, ProjectId,
    ProjectIdError, ProjectSpec,
};

/// How the voters of a pabulib file voted (META `vote_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteType {
    /// `approval`: a set of projects.
    Approval,
    /// `ordinal`: projects in order of preference.
    Ordinal,
    /// `cumulative`: points distributed over projects.
    Cumulative,
    /// `scoring`: a score per project.
    Scoring,
    /// `choose-1`: exactly one project.
    ChooseOne,
}

impl VoteType {
    /// The name pabulib uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approval => "approval",
            Self::Ordinal => "ordinal",
            Self::Cumulative => "cumulative",
            Self::Scoring => "scoring",
            Self::ChooseOne => "choose-1",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "approval" => Self::Approval,
            "ordinal" => Self::Ordinal,
            "cumulative" => Self::Cumulative,
            "scoring" => Self::Scoring,
            "choose-1" => Self::ChooseOne,
            _ => return None,
        })
    }
}

impl fmt::Display for VoteType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One voter's ballot. Projects are positions in [`PabulibFile::instance`]'s projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PabulibBallot {
    /// Approved projects, in the order written.
    Approval(Vec<usize>),
    /// Projects from most to least preferred.
    Ordinal(Vec<usize>),
    /// Projects with the points given to each.
    Cumulative(Vec<(usize, u64)>),
    /// Projects with the score given to each.
    Scoring(Vec<(usize, i64)>),
    /// The one chosen project.
    ChooseOne(usize),
}

/// One row of the VOTES section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PabulibVote {
    voter_id: String,
    ballot: PabulibBallot,
    fields: Vec<String>,
}

impl PabulibVote {
    /// The voter's id.
    pub fn voter_id(&self) -> &str {
        &self.voter_id
    }

    /// The ballot.
    pub fn ballot(&self) -> &PabulibBallot {
        &self.ballot
    }

    /// The other columns (age, sex, voting method…), in the order of
    /// [`PabulibFile::voter_fields`].
    pub fn fields(&self) -> &[String] {
        &self.fields
    }
}

/// A parsed, fully checked pabulib file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PabulibFile {
    meta: Vec<(String, String)>,
    instance: PbInstance,
    vote_type: VoteType,
    voter_fields: Vec<String>,
    votes: Vec<PabulibVote>,
}

impl PabulibFile {
    /// Every META entry, in file order.
    pub fn meta(&self) -> &[(String, String)] {
        &self.meta
    }

    /// The value of a META key.
    pub fn meta_value(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The instance: the budget, the projects in file order, and ballot rules from
    /// `min_length`, `max_length` and `max_sum_cost`.
    pub fn instance(&self) -> &PbInstance {
        &self.instance
    }

    /// The file's vote type.
    pub fn vote_type(&self) -> VoteType {
        self.vote_type
    }

    /// Names of the VOTES columns other than `voter_id`, `vote` and `points`.
    pub fn voter_fields(&self) -> &[String] {
        &self.voter_fields
    }

    /// The votes, in file order.
    pub fn votes(&self) -> &[PabulibVote] {
        &self.votes
    }

    /// The votes as an approval election, for greedy and MES. Works for `approval` and
    /// `choose-1` files (a choice of one is an approval of one); other vote types carry
    /// information these rules would throw away, so they are refused.
    pub fn approval_election(&self) -> Result<PbElection, NotApprovalVotes> {
        let mut election = PbElection::new(self.instance.clone());
        for vote in &self.votes {
            match &vote.ballot {
                PabulibBallot::Approval(projects) => {
                    let indices: Vec<u32> = projects.iter().map(|&p| p as u32).collect();
                    election.push_indices(&indices);
                }
                PabulibBallot::ChooseOne(project) => election.push_indices(&[*project as u32]),
                _ => {
                    return Err(NotApprovalVotes {
                        vote_type: self.vote_type,
                    });
                }
            }
        }
        Ok(election)
    }
}

/// The file's votes are not approval votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the votes are {vote_type}; greedy and equal-shares outcomes need approval (or choose-1) votes"
)]
pub struct NotApprovalVotes {
    /// The file's vote type.
    pub vote_type: VoteType,
}

/// One problem in a pabulib file, at a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct PabulibError {
    /// 1-based line number (for a missing section: the line after the last).
    pub line: u64,
    /// What is wrong.
    pub kind: PabulibErrorKind,
}

/// What is wrong with a line of a pabulib file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PabulibErrorKind {
    /// The text cannot be read as `;`-separated fields (invalid UTF-8, for one).
    #[error("unreadable: {message}")]
    Unreadable {
        /// The reader's explanation.
        message: String,
    },
    /// A data row comes before the first section line.
    #[error("expected the section line META")]
    OutsideSection,
    /// A section is out of order or repeated.
    #[error(
        "section {found} is out of place; sections are META, PROJECTS, VOTES, once each, in that order"
    )]
    SectionOrder {
        /// The section found.
        found: &'static str,
    },
    /// A section is missing.
    #[error("the {section} section is missing")]
    MissingSection {
        /// The missing section.
        section: &'static str,
    },
    /// A section's header lacks a required column.
    #[error("the {section} header has no {column:?} column")]
    MissingColumn {
        /// The section.
        section: &'static str,
        /// The missing column.
        column: &'static str,
    },
    /// A header names a column twice.
    #[error("the {section} header names column {column:?} twice")]
    DuplicateColumn {
        /// The section.
        section: &'static str,
        /// The repeated column.
        column: String,
    },
    /// A row has a different number of fields than its header.
    #[error("expected {expected} fields like the {section} header, found {found}")]
    FieldCount {
        /// The section.
        section: &'static str,
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// A META key appears twice.
    #[error("META key {key:?} is given twice")]
    DuplicateMetaKey {
        /// The key.
        key: String,
    },
    /// A required META key is absent.
    #[error("META has no {key:?} entry")]
    MissingMetaKey {
        /// The key.
        key: &'static str,
    },
    /// An amount (`budget`, `cost`, `max_sum_cost`) cannot be read.
    #[error("{field} {value:?} {problem}")]
    InvalidAmount {
        /// Which field.
        field: &'static str,
        /// The text found.
        value: String,
        /// What is wrong with it.
        problem: AmountProblem,
    },
    /// A number field is not a whole, non-negative number.
    #[error("{field} {value:?} is not a whole number{hint}")]
    InvalidNumber {
        /// Which field (`budget`, `cost`, `max_length`, `points`…).
        field: &'static str,
        /// The text found.
        value: String,
        /// Extra explanation, possibly empty.
        hint: &'static str,
    },
    /// The vote type is not one pabulib defines.
    #[error("vote_type {value:?} is not approval, ordinal, cumulative, scoring or choose-1")]
    UnknownVoteType {
        /// The text found.
        value: String,
    },
    /// A META count disagrees with the rows.
    #[error("META says {key} is {declared}, but the file has {found}")]
    CountMismatch {
        /// `num_projects` or `num_votes`.
        key: &'static str,
        /// The declared count.
        declared: u64,
        /// The counted rows.
        found: u64,
    },
    /// A project id is invalid.
    #[error("project_id {id:?} {source}")]
    InvalidProjectId {
        /// The id.
        id: String,
        /// The rule it breaks.
        source: ProjectIdError,
    },
    /// Two projects share an id.
    #[error("project_id {id:?} is used twice")]
    DuplicateProjectId {
        /// The id.
        id: String,
    },
    /// The instance built from META and PROJECTS is invalid.
    #[error("{0}")]
    Instance(PbInstanceError),
    /// A voter id is empty.
    #[error("voter_id is empty")]
    EmptyVoterId,
    /// Two votes share a voter id.
    #[error("voter_id {id:?} is used twice")]
    DuplicateVoterId {
        /// The id.
        id: String,
    },
    /// A vote names a project that is not in PROJECTS.
    #[error("vote names project {id:?}, which is not in PROJECTS")]
    UnknownProject {
        /// The id.
        id: String,
    },
    /// A vote breaks a ballot rule (a repeated project, `min_length`, `max_length`,
    /// `max_sum_cost`).
    #[error("vote: {0}")]
    Ballot(PbBallotError),
    /// A vote's `points` list does not match its `vote` list.
    #[error("vote lists {projects} project(s) but points lists {points}")]
    PointsCount {
        /// Projects in `vote`.
        projects: usize,
        /// Entries in `points`.
        points: usize,
    },
    /// A choose-1 vote does not name exactly one project.
    #[error("a choose-1 vote names exactly one project; this one names {given}")]
    ChooseOneCount {
        /// Projects named.
        given: usize,
    },
}

/// Every problem found in a pabulib file, in line order (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PabulibErrors(Vec<PabulibError>);

impl PabulibErrors {
    /// The problems.
    pub fn errors(&self) -> &[PabulibError] {
        &self.0
    }

    /// The stable code for an unusable file.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::InvalidPabulibFile
    }
}

impl fmt::Display for PabulibErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::code::write_joined(f, &self.0)
    }
}

impl std::error::Error for PabulibErrors {}

/// Parses a pabulib file held in memory.
pub fn parse_str(text: &str) -> Result<PabulibFile, PabulibErrors> {
    parse_reader(text.as_bytes())
}

/// Parses a pabulib file from a reader (a file, a network body…). The reader is read to the end.
pub fn parse_reader(reader: impl BufRead) -> Result<PabulibFile, PabulibErrors> {
    // Records end at '\n' only, so that the reader's line numbers count every line of a file
    // with Windows line ends too; the '\r' left at the end of such a line is removed below.
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(reader);
    let mut parser = Parser::default();
    let mut record = csv::StringRecord::new();
    let mut last_line = 0;
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(last_line + 1, |p| p.line());
                last_line = line;
                if record.iter().next_back().is_some_and(|f| f.ends_with('\r')) {
                    let count = record.len();
                    let mut stripped =
                        csv::StringRecord::with_capacity(record.as_slice().len(), count);
                    for (i, field) in record.iter().enumerate() {
                        stripped.push_field(if i + 1 == count {
                            field.trim_end_matches('\r')
                        } else {
                            field
                        });
                    }
                    if stripped.len() == 1 && stripped[0].is_empty() {
                        continue; // a blank line
                    }
                    parser.record(line, &stripped);
                } else {
                    parser.record(line, &record);
                }
            }
            Err(error) => {
                let line = error.position().map_or(last_line + 1, |p| p.line());
                let fatal = !matches!(error.kind(), csv::ErrorKind::Utf8 { .. });
                parser.error(
                    line,
                    PabulibErrorKind::Unreadable {
                        message: match error.kind() {
                            csv::ErrorKind::Utf8 { .. } => "the line is not valid UTF-8".to_owned(),
                            _ => error.to_string(),
                        },
                    },
                );
                if fatal || line <= last_line {
                    break;
                }
                last_line = line;
            }
        }
    }
    parser.finish(last_line + 1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Meta,
    Projects,
    Votes,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Self::Meta => "META",
            Self::Projects => "PROJECTS",
            Self::Votes => "VOTES",
        }
    }

    fn parse(field: &str) -> Option<Self> {
        match field.trim() {
            "META" => Some(Self::Meta),
            "PROJECTS" => Some(Self::Projects),
            "VOTES" => Some(Self::Votes),
            _ => None,
        }
    }
}

/// Column positions of the PROJECTS header.
#[derive(Debug)]
struct ProjectColumns {
    names: Vec<String>,
    id: usize,
    cost: usize,
    name: Option<usize>,
}

/// Column positions of the VOTES header.
#[derive(Debug)]
struct VoteColumns {
    len: usize,
    voter_id: usize,
    vote: usize,
    points: Option<usize>,
    /// Other columns: (position, name).
    others: Vec<(usize, String)>,
}

#[derive(Debug, Default)]
struct Parser {
    errors: Vec<PabulibError>,
    section: Option<Section>,
    section_line: BTreeMap<Section, u64>,
    expecting_header: bool,
    meta: Vec<(String, String)>,
    meta_lines: BTreeMap<String, u64>,
    project_columns: Option<ProjectColumns>,
    /// Header columns of a section whose header was unusable; its rows are not checked.
    broken_header: bool,
    /// Projects read so far, with their line and their cost before it is scaled to the
    /// instance's minor unit (known only once every amount is read).
    projects: Vec<(u64, ProjectSpec, Decimal)>,
    project_ids: BTreeSet<String>,
    /// Ids of PROJECTS rows that were refused: votes naming them are not checked, since the
    /// problem is already reported at the row.
    refused_project_ids: BTreeSet<String>,
    project_rows: u64,
    /// Built when the VOTES section starts; `None` if META or PROJECTS were unusable.
    instance: Option<(PbInstance, VoteType)>,
    vote_columns: Option<VoteColumns>,
    voter_ids: BTreeSet<String>,
    vote_rows: u64,
    votes: Vec<PabulibVote>,
}

impl Parser {
    fn error(&mut self, line: u64, kind: PabulibErrorKind) {
        self.errors.push(PabulibError { line, kind });
    }

    fn record(&mut self, line: u64, record: &csv::StringRecord) {
        if record.len() == 1
            && let Some(section) = Section::parse(&record[0])
        {
            self.start_section(line, section);
            return;
        }
        match self.section {
            None => self.error(line, PabulibErrorKind::OutsideSection),
            Some(section) if self.expecting_header => {
                self.expecting_header = false;
                self.header(line, section, record);
            }
            Some(section) if self.broken_header => match section {
                // Rows under an unusable header are not checked, but still counted.
                Section::Projects => self.project_rows += 1,
                Section::Votes => self.vote_rows += 1,
                Section::Meta => {}
            },
            Some(Section::Meta) => self.meta_row(line, record),
            Some(Section::Projects) => self.project_row(line, record),
            Some(Section::Votes) => self.vote_row(line, record),
        }
    }

    fn start_section(&mut self, line: u64, section: Section) {
        let in_order = match self.section {
            None => section == Section::Meta,
            Some(current) => section > current,
        };
        if !in_order || self.section_line.contains_key(&section) {
            self.error(
                line,
                PabulibErrorKind::SectionOrder {
                    found: section.name(),
                },
            );
        }
        // Sections skipped over are reported as missing at the point they were needed.
        for missing in [Section::Meta, Section::Projects] {
            if missing < section && !self.section_line.contains_key(&missing) {
                self.section_line.insert(missing, line);
                self.error(
                    line,
                    PabulibErrorKind::MissingSection {
                        section: missing.name(),
                    },
                );
            }
        }
        self.section_line.insert(section, line);
        self.section = Some(section);
        self.expecting_header = true;
        self.broken_header = false;
        if section == Section::Votes {
            self.instance = self.build_instance(line);
        }
    }

    fn header(&mut self, line: u64, section: Section, record: &csv::StringRecord) {
        let names: Vec<String> = record.iter().map(|f| f.trim().to_owned()).collect();
        let mut seen = BTreeSet::new();
        for name in &names {
            if !seen.insert(name.as_str()) {
                self.error(
                    line,
                    PabulibErrorKind::DuplicateColumn {
                        section: section.name(),
                        column: name.clone(),
                    },
                );
                self.broken_header = true;
            }
        }
        let position = |column: &str| names.iter().position(|n| n == column);
        let require = |parser: &mut Self, column: &'static str| {
            let found = position(column);
            if found.is_none() {
                parser.error(
                    line,
                    PabulibErrorKind::MissingColumn {
                        section: section.name(),
                        column,
                    },
                );
                parser.broken_header = true;
            }
            found
        };
        match section {
            Section::Meta => {
                let key = require(self, "key");
                let value = require(self, "value");
                if key.is_some() && value.is_some() && (key != Some(0) || names.len() != 2) {
                    self.error(
                        line,
                        PabulibErrorKind::FieldCount {
                            section: "META",
                            expected: 2,
                            found: names.len(),
                        },
                    );
                    self.broken_header = true;
                }
            }
            Section::Projects => {
                let id = require(self, "project_id");
                let cost = require(self, "cost");
                if let (Some(id), Some(cost)) = (id, cost) {
                    self.project_columns = Some(ProjectColumns {
                        name: position("name"),
                        names: names.clone(),
                        id,
                        cost,
                    });
                }
            }
            Section::Votes => {
                let voter_id = require(self, "voter_id");
                let vote = require(self, "vote");
                let needs_points = matches!(
                    self.instance,
                    Some((_, VoteType::Cumulative | VoteType::Scoring))
                );
                let points = if needs_points {
                    require(self, "points")
                } else {
                    position("points")
                };
                if let (Some(voter_id), Some(vote)) = (voter_id, vote) {
                    let others = names
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != voter_id && *i != vote && Some(*i) != points)
                        .map(|(i, n)| (i, n.clone()))
                        .collect();
                    self.vote_columns = Some(VoteColumns {
                        len: names.len(),
                        voter_id,
                        vote,
                        points,
                        others,
                    });
                }
            }
        }
    }

    fn field_count(&mut self, line: u64, section: Section, expected: usize, found: usize) -> bool {
        if expected == found {
            return true;
        }
        self.error(
            line,
            PabulibErrorKind::FieldCount {
                section: section.name(),
                expected,
                found,
            },
        );
        false
    }

    fn meta_row(&mut self, line: u64, record: &csv::StringRecord) {
        if !self.field_count(line, Section::Meta, 2, record.len()) {
            return;
        }
        let key = record[0].trim().to_owned();
        let value = record[1].trim().to_owned();
        if self.meta_lines.contains_key(&key) {
            self.error(line, PabulibErrorKind::DuplicateMetaKey { key });
            return;
        }
        self.meta_lines.insert(key.clone(), line);
        self.meta.push((key, value));
    }

    fn project_row(&mut self, line: u64, record: &csv::StringRecord) {
        self.project_rows += 1;
        let Some(columns) = &self.project_columns else {
            return;
        };
        if record.len() != columns.names.len() {
            let expected = columns.names.len();
            self.field_count(line, Section::Projects, expected, record.len());
            return;
        }
        let id_text = record[columns.id].trim().to_owned();
        let cost_text = record[columns.cost].to_owned();
        let name = columns
            .name
            .map(|n| record[n].to_owned())
            .unwrap_or_default();
        let metadata: BTreeMap<String, String> = columns
            .names
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != columns.id && *i != columns.cost && Some(*i) != columns.name)
            .map(|(i, n)| (n.clone(), record[i].to_owned()))
            .collect();
        let id = match ProjectId::parse(id_text.clone()) {
            Ok(_) if self.project_ids.contains(&id_text) => {
                self.error(line, PabulibErrorKind::DuplicateProjectId { id: id_text });
                None
            }
            Ok(id) => {
                self.project_ids.insert(id_text);
                Some(id)
            }
            Err(source) => {
                self.refused_project_ids.insert(id_text.clone());
                self.error(
                    line,
                    PabulibErrorKind::InvalidProjectId {
                        id: id_text,
                        source,
                    },
                );
                None
            }
        };
        let cost = self.amount(line, "cost", &cost_text);
        match (id, cost) {
            (Some(id), Some(cost)) => {
                let spec = ProjectSpec {
                    id: id.into(),
                    name,
                    cost: 0, // scaled in `build_instance`
                    metadata,
                };
                self.projects.push((line, spec, cost));
            }
            (Some(id), None) => {
                self.refused_project_ids.insert(id.into());
            }
            (None, _) => {}
        }
    }

    /// An amount, exactly; `None` after reporting the problem.
    fn amount(&mut self, line: u64, field: &'static str, text: &str) -> Option<Decimal> {
        match Decimal::parse(text) {
            Ok(amount) => Some(amount),
            Err(problem) => {
                self.error(
                    line,
                    PabulibErrorKind::InvalidAmount {
                        field,
                        value: text.to_owned(),
                        problem,
                    },
                );
                None
            }
        }
    }

    /// A META amount with its line: `Some(None)` when absent, `None` when unreadable.
    fn meta_amount(&mut self, key: &'static str) -> Option<Option<(u64, Decimal)>> {
        let Some((_, value)) = self.meta.iter().find(|(k, _)| k == key) else {
            return Some(None);
        };
        let value = value.clone();
        let line = self.meta_lines.get(key).copied().unwrap_or(0);
        self.amount(line, key, &value)
            .map(|amount| Some((line, amount)))
    }

    /// `amount` in units of `10^-places`; `None` after reporting that it does not fit.
    fn scale(
        &mut self,
        line: u64,
        field: &'static str,
        amount: Decimal,
        places: u8,
    ) -> Option<u64> {
        match amount.to_minor_units(places) {
            Ok(units) => Some(units),
            Err(problem) => {
                let value = amount.to_string();
                self.error(
                    line,
                    PabulibErrorKind::InvalidAmount {
                        field,
                        value,
                        problem,
                    },
                );
                None
            }
        }
    }

    /// A whole non-negative number; `12.00` is accepted, `12.5` is not.
    fn number(&mut self, line: u64, field: &'static str, text: &str) -> Option<u64> {
        match parse_whole(text) {
            Ok(n) => Some(n),
            Err(hint) => {
                self.error(
                    line,
                    PabulibErrorKind::InvalidNumber {
                        field,
                        value: text.to_owned(),
                        hint,
                    },
                );
                None
            }
        }
    }

    fn meta_number(&mut self, key: &'static str) -> Option<Option<u64>> {
        let Some((_, value)) = self.meta.iter().find(|(k, _)| k == key) else {
            return Some(None);
        };
        let value = value.clone();
        let line = self.meta_lines.get(key).copied().unwrap_or(0);
        self.number(line, key, &value).map(Some)
    }

    fn build_instance(&mut self, votes_line: u64) -> Option<(PbInstance, VoteType)> {
        let meta_line = self.section_line.get(&Section::Meta).copied().unwrap_or(1);
        let budget = match self.meta_amount("budget") {
            Some(Some(budget)) => Some(budget),
            Some(None) => {
                self.error(
                    votes_line,
                    PabulibErrorKind::MissingMetaKey { key: "budget" },
                );
                None
            }
            None => None,
        };
        let vote_type = match self.meta.iter().find(|(k, _)| k == "vote_type") {
            None => {
                self.error(
                    votes_line,
                    PabulibErrorKind::MissingMetaKey { key: "vote_type" },
                );
                None
            }
            Some((_, value)) => match VoteType::parse(value) {
                Some(t) => Some(t),
                None => {
                    let value = value.clone();
                    let line = self
                        .meta_lines
                        .get("vote_type")
                        .copied()
                        .unwrap_or(meta_line);
                    self.error(line, PabulibErrorKind::UnknownVoteType { value });
                    None
                }
            },
        };
        let min_length = self.meta_number("min_length");
        let max_length = self.meta_number("max_length");
        let max_sum_cost = self.meta_amount("max_sum_cost");
        let too_big = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let (Some(budget), Some(vote_type), Some(min), Some(max), Some(max_sum_cost)) =
            (budget, vote_type, min_length, max_length, max_sum_cost)
        else {
            return None;
        };
        // Without a usable PROJECTS header there are no projects to check votes against.
        self.project_columns.as_ref()?;
        // One minor unit for every amount: the finest any of them needs.
        let places = std::iter::once(budget.1.places())
            .chain(max_sum_cost.map(|(_, m)| m.places()))
            .chain(self.projects.iter().map(|(_, _, cost)| cost.places()))
            .max()
            .unwrap_or(0);
        let budget = self.scale(budget.0, "budget", budget.1, places);
        let max_total_cost = match max_sum_cost {
            None => Some(None),
            Some((line, amount)) => self.scale(line, "max_sum_cost", amount, places).map(Some),
        };
        let mut projects = Vec::with_capacity(self.projects.len());
        for (line, mut spec, cost) in std::mem::take(&mut self.projects) {
            match self.scale(line, "cost", cost, places) {
                Some(units) => {
                    spec.cost = units;
                    projects.push(spec);
                }
                None => {
                    self.refused_project_ids.insert(spec.id);
                }
            }
        }
        let (Some(budget), Some(max_total_cost)) = (budget, max_total_cost) else {
            return None;
        };
        let spec = PbInstanceSpec {
            budget,
            projects,
            ballot_rules: BallotRules {
                kind: BallotKind::Approval,
                min_selections: min.map_or(0, too_big),
                max_selections: max.map(too_big),
                max_total_cost,
            },
            decimal_places: places,
        };
        match PbInstance::new(spec) {
            Ok(instance) => Some((instance, vote_type)),
            Err(errors) => {
                for error in errors.0 {
                    // No projects because every row was refused: those rows say why.
                    if error == PbInstanceError::NoProjects && !self.refused_project_ids.is_empty()
                    {
                        continue;
                    }
                    let line = match &error {
                        PbInstanceError::ZeroBudget => self.meta_lines.get("budget").copied(),
                        PbInstanceError::InvalidSelectionRange { .. } => {
                            self.meta_lines.get("min_length").copied()
                        }
                        _ => None,
                    };
                    let line = line
                        .or_else(|| self.section_line.get(&Section::Projects).copied())
                        .unwrap_or(meta_line);
                    self.error(line, PabulibErrorKind::Instance(error));
                }
                None
            }
        }
    }

    fn vote_row(&mut self, line: u64, record: &csv::StringRecord) {
        self.vote_rows += 1;
        let (Some(columns), Some((instance, vote_type))) = (&self.vote_columns, &self.instance)
        else {
            return;
        };
        if record.len() != columns.len {
            let expected = columns.len;
            self.field_count(line, Section::Votes, expected, record.len());
            return;
        }
        let vote_type = *vote_type;
        let voter_id = record[columns.voter_id].trim().to_owned();
        let ids: Vec<&str> = split_list(&record[columns.vote]);
        let points: Option<Vec<&str>> = columns.points.map(|p| split_list(&record[p]));
        let fields: Vec<String> = columns
            .others
            .iter()
            .map(|(i, _)| record[*i].to_owned())
            .collect();
        let mut errors = Vec::new();
        let names_refused_project = ids.iter().any(|id| self.refused_project_ids.contains(*id));
        if voter_id.is_empty() {
            errors.push(PabulibErrorKind::EmptyVoterId);
        } else if self.voter_ids.contains(&voter_id) {
            errors.push(PabulibErrorKind::DuplicateVoterId {
                id: voter_id.clone(),
            });
        }
        let indices = match instance.check_selections(&ids) {
            // The refused project's own row carries the error; checking this vote against an
            // instance without that project would only repeat it.
            _ if names_refused_project => None,
            Ok((indices, _)) => Some(indices),
            Err(problems) => {
                for problem in problems.errors() {
                    errors.push(match problem {
                        PbBallotError::UnknownProject { id } => {
                            PabulibErrorKind::UnknownProject { id: id.clone() }
                        }
                        other => PabulibErrorKind::Ballot(other.clone()),
                    });
                }
                None
            }
        };
        if vote_type == VoteType::ChooseOne && ids.len() != 1 {
            errors.push(PabulibErrorKind::ChooseOneCount { given: ids.len() });
        }
        let mut parsed_points: Vec<i128> = Vec::new();
        if matches!(vote_type, VoteType::Cumulative | VoteType::Scoring) {
            let points = points.unwrap_or_default();
            if points.len() != ids.len() {
                errors.push(PabulibErrorKind::PointsCount {
                    projects: ids.len(),
                    points: points.len(),
                });
            }
            for text in points {
                let parsed = if vote_type == VoteType::Cumulative {
                    parse_whole(text).map(i128::from)
                } else {
                    parse_signed(text).map(i128::from)
                };
                match parsed {
                    Ok(p) => parsed_points.push(p),
                    Err(hint) => errors.push(PabulibErrorKind::InvalidNumber {
                        field: "points",
                        value: text.to_owned(),
                        hint,
                    }),
                }
            }
        }
        if !errors.is_empty() {
            for kind in errors {
                self.error(line, kind);
            }
            return;
        }
        let Some(indices) = indices else { return };
        let projects: Vec<usize> = indices.iter().map(|&i| i as usize).collect();
        let ballot = match vote_type {
            VoteType::Approval => PabulibBallot::Approval(projects),
            VoteType::Ordinal => PabulibBallot::Ordinal(projects),
            VoteType::ChooseOne => PabulibBallot::ChooseOne(projects[0]),
            VoteType::Cumulative => PabulibBallot::Cumulative(
                projects
                    .into_iter()
                    .zip(parsed_points)
                    .map(|(p, n)| (p, u64::try_from(n).unwrap_or(u64::MAX)))
                    .collect(),
            ),
            VoteType::Scoring => PabulibBallot::Scoring(
                projects
                    .into_iter()
                    .zip(parsed_points)
                    .map(|(p, n)| (p, i64::try_from(n).unwrap_or(i64::MAX)))
                    .collect(),
            ),
        };
        self.voter_ids.insert(voter_id.clone());
        self.votes.push(PabulibVote {
            voter_id,
            ballot,
            fields,
        });
    }

    fn finish(mut self, end_line: u64) -> Result<PabulibFile, PabulibErrors> {
        for section in [Section::Meta, Section::Projects, Section::Votes] {
            if !self.section_line.contains_key(&section) {
                self.error(
                    end_line,
                    PabulibErrorKind::MissingSection {
                        section: section.name(),
                    },
                );
            }
        }
        if self.section == Some(Section::Votes) && self.expecting_header {
            self.error(
                end_line,
                PabulibErrorKind::MissingColumn {
                    section: "VOTES",
                    column: "voter_id",
                },
            );
        }
        for (key, found) in [
            ("num_projects", self.project_rows),
            ("num_votes", self.vote_rows),
        ] {
            if let Some(Some(declared)) = self.meta_number(key)
                && declared != found
            {
                let line = self.meta_lines.get(key).copied().unwrap_or(0);
                self.error(
                    line,
                    PabulibErrorKind::CountMismatch {
                        key,
                        declared,
                        found,
                    },
                );
            }
        }
        let voter_fields: Vec<String> = self
            .vote_columns
            .as_ref()
            .map(|c| c.others.iter().map(|(_, n)| n.clone()).collect())
            .unwrap_or_default();
        match self.instance {
            Some((instance, vote_type)) if self.errors.is_empty() => Ok(PabulibFile {
                meta: self.meta,
                instance,
                vote_type,
                voter_fields,
                votes: self.votes,
            }),
            _ => {
                let mut errors = self.errors;
                errors.sort_by_key(|e| e.line);
                Err(PabulibErrors(errors))
            }
        }
    }
}

/// The comma-separated items of a `vote` or `points` field; an empty field is an empty list.
fn split_list(field: &str) -> Vec<&str> {
    let field = field.trim();
    if field.is_empty() {
        Vec::new()
    } else {
        field.split(',').map(str::trim).collect()
    }
}

fn parse_whole(text: &str) -> Result<u64, &'static str> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    // `12.00` is accepted, as pabulib files write counts that way too; `12.5` is not.
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b == b'0')
    {
        return Err("");
    }
    whole.parse().map_err(|_| " that fits in 64 bits")
}

fn parse_signed(text: &str) -> Result<i64, &'static str> {
    let text = text.trim();
    match text.strip_prefix('-') {
        Some(rest) => {
            let magnitude = parse_whole(rest)?;
            i64::try_from(magnitude)
                .map(|m| -m)
                .map_err(|_| " that fits in 64 bits")
        }
        None => {
            parse_whole(text).and_then(|m| i64::try_from(m).map_err(|_| " that fits in 64 bits"))
        }
    }
}

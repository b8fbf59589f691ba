//! Projects, budgets and ballot rules: the definition of a participatory-budgeting election.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::code::write_joined;

/// The longest project id accepted, in characters.
pub const MAX_PROJECT_ID_LEN: usize = 128;

/// The most decimal places an instance's amounts may have ([`PbInstanceSpec::decimal_places`]).
///
/// Nine places leave room for amounts up to about 18 billion currency units in 64 bits. (The
/// JSON schema of [`PbInstanceSpec`] repeats the 9.)
pub const MAX_DECIMAL_PLACES: u8 = 9;

/// An exact amount of money: a whole number of minor units, `minor_units / 10^decimal_places`
/// currency units.
///
/// Every amount of a participatory-budgeting instance (budget, costs, a ballot's cost limit, an
/// outcome's total) is a `u64` of the instance's minor units, so the rules compare and add them
/// exactly; `Amount` pairs such a number with [`PbInstance::decimal_places`] to show it.
/// `Display` writes the shortest exact decimal: `Amount::new(109, 2)` is `1.09`,
/// `Amount::new(390, 2)` is `3.9`, `Amount::new(400, 0)` is `400`.
///
/// ```
/// use baraza_budgeting::Amount;
/// assert_eq!(Amount::new(109, 2).to_string(), "1.09");
/// assert_eq!(Amount::new(390, 2).to_string(), "3.9");
/// assert_eq!(Amount::new(5, 3).to_string(), "0.005");
/// assert_eq!(Amount::new(411_000, 0).to_string(), "411000");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Amount {
    minor_units: u64,
    decimal_places: u8,
}

impl Amount {
    /// `minor_units / 10^decimal_places` currency units.
    pub fn new(minor_units: u64, decimal_places: u8) -> Self {
        Self {
            minor_units,
            decimal_places,
        }
    }

    /// The amount in minor units.
    pub fn minor_units(self) -> u64 {
        self.minor_units
    }

    /// How many decimal places one currency unit has here.
    pub fn decimal_places(self) -> u8 {
        self.decimal_places
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let places = usize::from(self.decimal_places);
        if places == 0 {
            return write!(f, "{}", self.minor_units);
        }
        let digits = format!("{:0>width$}", self.minor_units, width = places + 1);
        let (whole, fraction) = digits.split_at(digits.len() - places);
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() {
            f.write_str(whole)
        } else {
            write!(f, "{whole}.{fraction}")
        }
    }
}

/// A project's identifier, as the city or the pabulib file spells it (`"G113NN"`, `"1940"`).
///
/// 1 to [`MAX_PROJECT_ID_LEN`] characters, without `,` or `;` (pabulib separates ids in a vote
/// with commas and fields with semicolons), without control characters and without leading or
/// trailing white space.
///
/// ```
/// use baraza_budgeting::ProjectId;
/// assert_eq!(ProjectId::parse("G113NN").unwrap().as_str(), "G113NN");
/// assert!(ProjectId::parse("12,13").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProjectId(String);

/// Why a string is not a [`ProjectId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectIdError {
    /// The id is empty.
    #[error("is empty")]
    Empty,
    /// The id is longer than [`MAX_PROJECT_ID_LEN`] characters.
    #[error("is {len} characters long; the limit is {MAX_PROJECT_ID_LEN}")]
    TooLong {
        /// Length of the rejected id, in characters.
        len: usize,
    },
    /// The id contains `,`, `;` or a control character.
    #[error("contains {found:?}; ',', ';' and control characters are not allowed")]
    InvalidCharacter {
        /// The first offending character.
        found: char,
    },
    /// The id starts or ends with white space.
    #[error("starts or ends with white space")]
    EdgeWhitespace,
}

impl ProjectId {
    /// Checks `text` and wraps it.
    pub fn parse(text: impl Into<String>) -> Result<Self, ProjectIdError> {
        let text = text.into();
        if text.is_empty() {
            return Err(ProjectIdError::Empty);
        }
        let len = text.chars().count();
        if len > MAX_PROJECT_ID_LEN {
            return Err(ProjectIdError::TooLong { len });
        }
        if let Some(found) = text
            .chars()
            .find(|c| *c == ',' || *c == ';' || c.is_control())
        {
            return Err(ProjectIdError::InvalidCharacter { found });
        }
        if text.trim() != text {
            return Err(ProjectIdError::EdgeWhitespace);
        }
        Ok(Self(text))
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProjectId {
    type Error = ProjectIdError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(text)
    }
}

impl From<ProjectId> for String {
    fn from(id: ProjectId) -> Self {
        id.0
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for ProjectId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ProjectId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A project citizens can fund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    id: ProjectId,
    name: String,
    cost: u64,
    metadata: BTreeMap<String, String>,
}

impl Project {
    /// The project's id.
    pub fn id(&self) -> &ProjectId {
        &self.id
    }

    /// Its name as shown to citizens (may be empty when the source has none).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What it costs, in the instance's minor units (whole currency units unless
    /// [`PbInstance::decimal_places`] is above 0).
    pub fn cost(&self) -> u64 {
        self.cost
    }

    /// Free-form attributes (pabulib's `category`, `target`, `votes`, `selected`, …).
    pub fn metadata(&self) -> &BTreeMap<String, String> {
        &self.metadata
    }
}

/// The unchecked shape of a [`Project`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectSpec {
    /// See [`ProjectId`].
    pub id: String,
    /// The name shown to citizens.
    #[serde(default)]
    pub name: String,
    /// The cost in minor units: whole currency units unless
    /// [`PbInstanceSpec::decimal_places`] is above 0.
    pub cost: u64,
    /// Free-form attributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

impl ProjectSpec {
    /// A project spec with an id and a cost, no name and no metadata.
    pub fn new(id: impl Into<String>, cost: u64) -> Self {
        Self {
            id: id.into(),
            name: String::new(),
            cost,
            metadata: BTreeMap::new(),
        }
    }
}

/// What a ballot is.
///
/// JSON: `"approval"` or `"knapsack"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BallotKind {
    /// The citizen approves any projects they like (within the selection bounds and the
    /// optional cost cap of [`BallotRules`]).
    #[default]
    Approval,
    /// Knapsack (cost) ballot: the approved projects must fit the budget together, as if the
    /// citizen were spending it. The limit is the budget, or `max_total_cost` if lower.
    Knapsack,
}

/// What makes a ballot valid, besides naming existing projects once each.
///
/// JSON: `{"kind": "approval", "min_selections": 1, "max_selections": 5}`; every field is
/// optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BallotRules {
    /// Approval or knapsack.
    #[serde(default)]
    pub kind: BallotKind,
    /// The fewest projects a ballot must approve (pabulib `min_length`); 0 allows blank ballots.
    #[serde(default)]
    pub min_selections: u32,
    /// The most projects a ballot may approve (pabulib `max_length`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_selections: Option<u32>,
    /// The most the approved projects may cost together (pabulib `max_sum_cost`), in the
    /// instance's minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total_cost: Option<u64>,
}

impl BallotRules {
    /// Approval ballots with no bounds.
    pub fn approval() -> Self {
        Self::default()
    }

    /// Knapsack ballots: the approved projects must fit the budget.
    pub fn knapsack() -> Self {
        Self {
            kind: BallotKind::Knapsack,
            ..Self::default()
        }
    }

    /// The cap on a ballot's total cost under an election with budget `budget`, if any.
    pub fn cost_limit(&self, budget: u64) -> Option<u64> {
        match self.kind {
            BallotKind::Approval => self.max_total_cost,
            BallotKind::Knapsack => Some(self.max_total_cost.map_or(budget, |m| m.min(budget))),
        }
    }
}

/// A participatory-budgeting instance as written by an official or stored: the unchecked shape of
/// a [`PbInstance`].
///
/// Amounts are whole numbers of minor units: with `"decimal_places": 2`, a `"cost": 109` is
/// 1.09 currency units. Whole numbers keep amounts exact (no binary fractions) and the rules
/// simple; the default, 0, means whole currency units.
///
/// ```
/// use baraza_budgeting::{PbInstance, PbInstanceSpec};
/// let spec: PbInstanceSpec = serde_json::from_str(r#"{
///     "budget": 1000,
///     "projects": [
///         {"id": "park", "name": "A pocket park", "cost": 600},
///         {"id": "lights", "name": "Street lights", "cost": 300, "metadata": {"district": "north"}}
///     ],
///     "ballot_rules": {"kind": "knapsack", "max_selections": 2}
/// }"#).unwrap();
/// let instance = PbInstance::try_from(spec).unwrap();
/// assert_eq!(instance.projects()[1].metadata()["district"], "north");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PbInstanceSpec {
    /// The money to spend, in minor units (at least 1).
    pub budget: u64,
    /// The projects, in the order that breaks ties where a rule says "instance order" (for a
    /// pabulib file, the order of its PROJECTS section).
    pub projects: Vec<ProjectSpec>,
    /// What makes a ballot valid.
    #[serde(default)]
    pub ballot_rules: BallotRules,
    /// How many decimal places a currency unit has in `budget`, the costs and
    /// `ballot_rules.max_total_cost`: they count units of `10^-decimal_places`. 0 (the
    /// default) to [`MAX_DECIMAL_PLACES`].
    #[serde(default, skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "schema", schemars(range(max = 9)))]
    pub decimal_places: u8,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_zero(places: &u8) -> bool {
    *places == 0
}

/// A problem with an instance definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PbInstanceError {
    /// The budget is zero.
    #[error("budget must be at least 1")]
    ZeroBudget,
    /// There are no projects.
    #[error("an instance needs at least one project")]
    NoProjects,
    /// A project id is invalid.
    #[error("projects[{index}].id {id:?} {source}")]
    InvalidProjectId {
        /// Position of the project.
        index: usize,
        /// The rejected id.
        id: String,
        /// Which rule it breaks.
        source: ProjectIdError,
    },
    /// Two projects share an id.
    #[error("project id {id:?} is used twice")]
    DuplicateProjectId {
        /// The repeated id.
        id: String,
    },
    /// `decimal_places` is above [`MAX_DECIMAL_PLACES`].
    #[error("decimal_places {places} is above the limit of {MAX_DECIMAL_PLACES}")]
    TooManyDecimalPlaces {
        /// The places given.
        places: u8,
    },
    /// `min_selections` exceeds `max_selections`.
    #[error("ballot_rules: min_selections {min} is greater than max_selections {max}")]
    InvalidSelectionRange {
        /// `min_selections` as given.
        min: u32,
        /// `max_selections` as given.
        max: u32,
    },
}

/// Every problem found in an instance definition (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PbInstanceErrors(pub Vec<PbInstanceError>);

impl fmt::Display for PbInstanceErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for PbInstanceErrors {}

/// A checked participatory-budgeting instance: a budget, projects with distinct valid ids, and
/// consistent ballot rules. Serialises to, and deserialises (with checks) from,
/// [`PbInstanceSpec`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "PbInstanceSpec", into = "PbInstanceSpec")]
pub struct PbInstance {
    budget: u64,
    projects: Vec<Project>,
    ballot_rules: BallotRules,
    decimal_places: u8,
    by_id: BTreeMap<String, usize>,
}

impl TryFrom<PbInstanceSpec> for PbInstance {
    type Error = PbInstanceErrors;

    fn try_from(spec: PbInstanceSpec) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        if spec.budget == 0 {
            errors.push(PbInstanceError::ZeroBudget);
        }
        if spec.projects.is_empty() {
            errors.push(PbInstanceError::NoProjects);
        }
        if spec.decimal_places > MAX_DECIMAL_PLACES {
            errors.push(PbInstanceError::TooManyDecimalPlaces {
                places: spec.decimal_places,
            });
        }
        let rules = spec.ballot_rules;
        if let Some(max) = rules.max_selections
            && rules.min_selections > max
        {
            errors.push(PbInstanceError::InvalidSelectionRange {
                min: rules.min_selections,
                max,
            });
        }
        let mut projects = Vec::with_capacity(spec.projects.len());
        let mut by_id = BTreeMap::new();
        for (index, project) in spec.projects.into_iter().enumerate() {
            match ProjectId::parse(project.id.clone()) {
                Ok(id) if by_id.contains_key(id.as_str()) => {
                    errors.push(PbInstanceError::DuplicateProjectId { id: project.id });
                }
                Ok(id) => {
                    by_id.insert(id.as_str().to_owned(), projects.len());
                    projects.push(Project {
                        id,
                        name: project.name,
                        cost: project.cost,
                        metadata: project.metadata,
                    });
                }
                Err(source) => errors.push(PbInstanceError::InvalidProjectId {
                    index,
                    id: project.id,
                    source,
                }),
            }
        }
        if errors.is_empty() {
            Ok(Self {
                budget: spec.budget,
                projects,
                ballot_rules: rules,
                decimal_places: spec.decimal_places,
                by_id,
            })
        } else {
            Err(PbInstanceErrors(errors))
        }
    }
}

impl From<PbInstance> for PbInstanceSpec {
    fn from(instance: PbInstance) -> Self {
        Self {
            budget: instance.budget,
            projects: instance
                .projects
                .into_iter()
                .map(|p| ProjectSpec {
                    id: p.id.into(),
                    name: p.name,
                    cost: p.cost,
                    metadata: p.metadata,
                })
                .collect(),
            ballot_rules: instance.ballot_rules,
            decimal_places: instance.decimal_places,
        }
    }
}

impl PbInstance {
    /// Checks a spec; shorthand for `PbInstance::try_from(spec)`.
    pub fn new(spec: PbInstanceSpec) -> Result<Self, PbInstanceErrors> {
        Self::try_from(spec)
    }

    /// The money to spend, in minor units.
    pub fn budget(&self) -> u64 {
        self.budget
    }

    /// How many decimal places a currency unit has in this instance's amounts (0: whole
    /// units).
    pub fn decimal_places(&self) -> u8 {
        self.decimal_places
    }

    /// `minor_units` of this instance as an [`Amount`], for display.
    pub fn amount(&self, minor_units: u64) -> Amount {
        Amount::new(minor_units, self.decimal_places)
    }

    /// The projects, in instance order.
    pub fn projects(&self) -> &[Project] {
        &self.projects
    }

    /// What makes a ballot valid.
    pub fn ballot_rules(&self) -> &BallotRules {
        &self.ballot_rules
    }

    /// The position of the project with this id in [`projects`](Self::projects).
    pub fn project_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The project with this id.
    pub fn project(&self, id: &str) -> Option<&Project> {
        self.project_index(id).map(|i| &self.projects[i])
    }
}

//! Ranked ballots as CSV: one ballot per line, candidate names in preference order.
//!
//! Every function comes in two forms: `parse_*` takes the whole file as bytes (the fast path:
//! nothing is copied), `read_*` takes any [`io::Read`](std::io::Read) and reads it to the end
//! first. Each reads into one of four shapes:
//!
//! | candidates | ballots in line order | a [`BallotPool`] (distinct ballots, counted) |
//! |---|---|---|
//! | a known list | [`parse_csv_ballots`] | [`parse_csv_pool`] |
//! | every name found | [`parse_csv_contest`] | [`parse_csv_contest_pool`] |
//!
//! The pool forms are the ones to count large files with: they keep one entry per distinct
//! ballot and allocate nothing per line (`benches/ranked_files.rs`: a million ballots, 24 MB,
//! read and counted in well under a second).

mod scan;

use std::fmt;
use std::io::Read;

use crate::code::ErrorCode;

use super::ballot::{RankedBallot, RankedBallotError};
use super::candidate::{Candidates, CandidatesError};
use super::pool::BallotPool;
use super::rules::Rules;

/// How ranked-ballot CSV is read.
///
/// The format is RFC 4180 CSV: one ballot per line, one field per rank, most preferred first;
/// lines end with LF or CRLF, and a UTF-8 byte order mark at the start is skipped. A name
/// containing a comma, a double quote or a line break is double-quoted (`"Brennan, Michael
/// F."`, the quote right after the comma), with inner quotes doubled (`"Ada ""the Countess"""`).
/// Whitespace around a field is ignored. An empty field is a skipped rank, so `Ada,,Grace`
/// skips rank 2, and a line holding only `""` is a blank ballot. Lines of different lengths are
/// fine. Empty lines are refused, except at the end of the input. There is no header line
/// unless [`CsvOptions::header`] says so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CsvOptions {
    /// When set, a field may mark several candidates at one rank (an overvote), separated by
    /// this character, as RCTab's `overvoteDelimiter` does: with `'|'`, `Ada|Grace` marks
    /// both. Default: none (a field is one name).
    pub overvote_delimiter: Option<char>,
    /// Whether the first line is a header (column names, not a ballot) to skip. Default: no.
    pub header: bool,
}

impl CsvOptions {
    /// Options reading `delimiter` as the separator of several marks at one rank.
    pub fn with_overvote_delimiter(delimiter: char) -> Self {
        Self {
            overvote_delimiter: Some(delimiter),
            ..Self::default()
        }
    }

    /// These options, with the first line skipped as a header.
    pub fn skipping_header(self) -> Self {
        Self {
            header: true,
            ..self
        }
    }
}

/// One problem in ranked-ballot CSV. Lines are numbered from 1; a quoted field spanning lines
/// is reported at the line where its record starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    /// The input could not be read to its end (the only problem reported then: nothing is parsed).
    #[error("line {line}: cannot read the input: {message}")]
    Read {
        /// The line reached.
        line: u64,
        /// The reader's message.
        message: String,
    },
    /// A field is not UTF-8.
    #[error("line {line}, rank {rank}: the field is not valid UTF-8")]
    InvalidUtf8 {
        /// The line.
        line: u64,
        /// The field's rank (1-based).
        rank: usize,
    },
    /// A quoted field is still open at the end of the input (a quote is missing).
    #[error("line {line}: a quoted field opened here is never closed; a quote is missing")]
    UnclosedQuote {
        /// The line where the record holding the field starts.
        line: u64,
    },
    /// An empty line where a ballot was expected.
    #[error("line {line} is empty; write a blank ballot as \"\"")]
    EmptyLine {
        /// The line.
        line: u64,
    },
    /// With an overvote delimiter, a field with an empty part, such as `Ada|`.
    #[error("line {line}, rank {rank}: {field:?} has an empty name between overvote delimiters")]
    EmptyMark {
        /// The line.
        line: u64,
        /// The field's rank (1-based).
        rank: usize,
        /// The field.
        field: String,
    },
    /// The ballot on this line is not valid.
    #[error("line {line}: {error}")]
    Ballot {
        /// The line.
        line: u64,
        /// The problem.
        error: RankedBallotError,
    },
    /// A candidate name contains the overvote delimiter, so fields would be ambiguous.
    #[error("candidate {name:?} contains the overvote delimiter {delimiter:?}")]
    DelimiterInName {
        /// The name.
        name: String,
        /// The delimiter.
        delimiter: char,
    },
    /// The names found do not make a valid candidate list (e.g. more than
    /// [`MAX_CANDIDATES`]).
    #[error("{0}")]
    Candidates(CandidatesError),
}

impl CsvError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Ballot { error, .. } => error.code(),
            Self::Candidates(_) => ErrorCode::InvalidCandidates,
            Self::Read { .. }
            | Self::InvalidUtf8 { .. }
            | Self::UnclosedQuote { .. }
            | Self::EmptyLine { .. }
            | Self::EmptyMark { .. }
            | Self::DelimiterInName { .. } => ErrorCode::MalformedCsv,
        }
    }

    /// The line the problem is on, if it is on one.
    pub fn line(&self) -> Option<u64> {
        match self {
            Self::Read { line, .. }
            | Self::InvalidUtf8 { line, .. }
            | Self::UnclosedQuote { line }
            | Self::EmptyLine { line }
            | Self::EmptyMark { line, .. }
            | Self::Ballot { line, .. } => Some(*line),
            Self::DelimiterInName { .. } | Self::Candidates(_) => None,
        }
    }
}

/// Every problem found in ranked-ballot CSV, in line order (never empty). Bad lines are never
/// skipped: the whole input is refused, with each problem reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvErrors(pub Vec<CsvError>);

impl CsvErrors {
    /// The problems.
    pub fn errors(&self) -> &[CsvError] {
        &self.0
    }

    /// The first problem's code.
    pub fn primary_code(&self) -> ErrorCode {
        self.0
            .first()
            .map_or(ErrorCode::MalformedCsv, CsvError::code)
    }
}

impl fmt::Display for CsvErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::code::write_joined(f, &self.0)
    }
}

impl std::error::Error for CsvErrors {}

/// Ballots read from CSV together with the candidates found in them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvContest {
    /// Every name that appears, sorted (by Unicode code point), so that the list (and the
    /// tie-breaks that use its order) do not depend on the order of the ballots.
    pub candidates: Candidates,
    /// The ballots, in line order.
    pub ballots: Vec<RankedBallot>,
}

/// Reads ranked ballots for a known candidate list; every name must be one of `candidates`.
///
/// ```
/// use baraza_ranked::{Candidates, CsvOptions, read_csv_ballots};
/// let candidates = Candidates::new(["Brennan, Michael F.", "Duson, Jill C."])?;
/// let csv = "\"Duson, Jill C.\",\"Brennan, Michael F.\"\n\"Brennan, Michael F.\"\n";
/// let ballots = read_csv_ballots(csv.as_bytes(), &candidates, &CsvOptions::default())?;
/// assert_eq!(ballots.len(), 2);
///
/// let errors = read_csv_ballots("Duson\n".as_bytes(), &candidates, &CsvOptions::default())
///     .unwrap_err();
/// assert_eq!(errors.to_string(), "line 1: rank 1 marks \"Duson\", who is not a candidate");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv_ballots(
    input: impl Read,
    candidates: &Candidates,
    options: &CsvOptions,
) -> Result<Vec<RankedBallot>, CsvErrors> {
    parse_csv_ballots(&read_all(input)?, candidates, options)
}

/// [`read_csv_ballots`] from the bytes of the whole file.
pub fn parse_csv_ballots(
    bytes: &[u8],
    candidates: &Candidates,
    options: &CsvOptions,
) -> Result<Vec<RankedBallot>, CsvErrors> {
    scan::ballots(bytes, candidates, options)
}

/// Reads ranked ballots straight into a [`BallotPool`], without keeping them: memory grows with
/// the number of distinct ballots, not with the file. The pool is returned only if every line
/// is valid.
///
/// ```
/// use baraza_ranked::{Candidates, CsvOptions, Rules, read_csv_pool};
/// let candidates = Candidates::new(["Ada", "Grace"])?;
/// let csv = "Ada\nGrace,Ada\nAda\n";
/// let pool = read_csv_pool(csv.as_bytes(), &candidates, &Rules::default(), &CsvOptions::default())?;
/// assert_eq!((pool.ballots(), pool.distinct_ballots()), (3, 2));
/// let count = pool.instant_runoff()?;
/// assert_eq!(count.name(count.winner().unwrap()), "Ada");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv_pool(
    input: impl Read,
    candidates: &Candidates,
    rules: &Rules,
    options: &CsvOptions,
) -> Result<BallotPool, CsvErrors> {
    parse_csv_pool(&read_all(input)?, candidates, rules, options)
}

/// [`read_csv_pool`] from the bytes of the whole file.
pub fn parse_csv_pool(
    bytes: &[u8],
    candidates: &Candidates,
    rules: &Rules,
    options: &CsvOptions,
) -> Result<BallotPool, CsvErrors> {
    scan::pool(bytes, candidates, rules, options)
}

/// Reads ranked ballots and takes the candidates to be every name that appears (see
/// [`CsvContest::candidates`] for their order). Use [`read_csv_ballots`] when the official list
/// is known: it catches misspelt names, and keeps candidates nobody ranked.
///
/// ```
/// use baraza_ranked::{CsvOptions, read_csv_contest};
/// let contest = read_csv_contest("Grace,Ada\nAda\n".as_bytes(), &CsvOptions::default())?;
/// assert_eq!(contest.candidates.names(), ["Ada", "Grace"]);
/// assert_eq!(contest.ballots.len(), 2);
/// # Ok::<(), baraza_ranked::CsvErrors>(())
/// ```
pub fn read_csv_contest(input: impl Read, options: &CsvOptions) -> Result<CsvContest, CsvErrors> {
    parse_csv_contest(&read_all(input)?, options)
}

/// [`read_csv_contest`] from the bytes of the whole file.
pub fn parse_csv_contest(bytes: &[u8], options: &CsvOptions) -> Result<CsvContest, CsvErrors> {
    let (candidates, ballots) = scan::contest(bytes, options)?;
    Ok(CsvContest {
        candidates,
        ballots,
    })
}

/// Reads ranked ballots into a [`BallotPool`] whose candidates are every name that appears,
/// sorted as in [`CsvContest::candidates`] ([`BallotPool::candidates`] gives them): what
/// [`read_csv_contest`] reads, ready to count, in memory that grows with the number of
/// distinct ballots.
///
/// ```
/// use baraza_ranked::{CsvOptions, Rules, read_csv_contest_pool};
/// let csv = "Grace,Ada\nAda\nAda,Grace\n";
/// let pool = read_csv_contest_pool(csv.as_bytes(), &Rules::default(), &CsvOptions::default())?;
/// assert_eq!(pool.candidates().names(), ["Ada", "Grace"]);
/// let count = pool.instant_runoff()?;
/// assert_eq!(count.name(count.winner().unwrap()), "Ada");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv_contest_pool(
    input: impl Read,
    rules: &Rules,
    options: &CsvOptions,
) -> Result<BallotPool, CsvErrors> {
    parse_csv_contest_pool(&read_all(input)?, rules, options)
}

/// [`read_csv_contest_pool`] from the bytes of the whole file.
pub fn parse_csv_contest_pool(
    bytes: &[u8],
    rules: &Rules,
    options: &CsvOptions,
) -> Result<BallotPool, CsvErrors> {
    scan::contest_pool(bytes, rules, options)
}

/// The whole input; a read failure is reported at the line reached.
fn read_all(mut input: impl Read) -> Result<Vec<u8>, CsvErrors> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|error| {
        CsvErrors(vec![CsvError::Read {
            line: bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1,
            message: error.to_string(),
        }])
    })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates() -> Candidates {
        Candidates::new(["Ada", "Grace", "Brennan, Michael F."]).unwrap()
    }

    fn ranks_of(ballot: &RankedBallot, candidates: &Candidates) -> Vec<Vec<String>> {
        ballot
            .ranks()
            .map(|marks| {
                marks
                    .iter()
                    .map(|&c| candidates.name(c).to_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn reads_quoted_names_skipped_ranks_and_blank_ballots() {
        let c = candidates();
        let csv = "Ada,\"Brennan, Michael F.\"\r\nGrace,,Ada\n\"\"\n  Grace  \n";
        let ballots = read_csv_ballots(csv.as_bytes(), &c, &CsvOptions::default()).unwrap();
        let read: Vec<_> = ballots.iter().map(|b| ranks_of(b, &c)).collect();
        assert_eq!(
            read,
            [
                vec![
                    vec!["Ada".to_owned()],
                    vec!["Brennan, Michael F.".to_owned()]
                ],
                vec![vec!["Grace".to_owned()], vec![], vec!["Ada".to_owned()]],
                vec![vec![]],
                vec![vec!["Grace".to_owned()]],
            ]
        );
        assert!(ballots[2].is_blank());
    }

    #[test]
    fn reports_every_bad_line_with_its_number() {
        let csv = "Ada\nAda,Bob\n\nGrace,Grace\n\"multi\nline\",Ada\nGrace\n\n\n";
        let errors =
            read_csv_ballots(csv.as_bytes(), &candidates(), &CsvOptions::default()).unwrap_err();
        assert_eq!(
            errors.to_string(),
            "line 2: rank 2 marks \"Bob\", who is not a candidate; \
             line 3 is empty; write a blank ballot as \"\"; \
             line 5: rank 1 marks \"multi\\nline\", who is not a candidate"
        );
        assert_eq!(errors.errors()[1].line(), Some(3));
        assert_eq!(errors.primary_code(), ErrorCode::UnknownCandidate);
    }

    #[test]
    fn line_numbers_survive_crlf_quoted_line_breaks_and_leading_empty_lines() {
        let csv = "\r\nAda\r\n\r\n\"Grace\r\nHopper\",Ada\r\nZed\r\n\r\n";
        let errors =
            read_csv_ballots(csv.as_bytes(), &candidates(), &CsvOptions::default()).unwrap_err();
        let lines: Vec<_> = errors
            .errors()
            .iter()
            .map(|e| (e.line(), e.code()))
            .collect();
        assert_eq!(
            lines,
            [
                (Some(1), ErrorCode::MalformedCsv),
                (Some(3), ErrorCode::MalformedCsv),
                (Some(4), ErrorCode::UnknownCandidate),
                (Some(6), ErrorCode::UnknownCandidate),
            ]
        );
    }

    #[test]
    fn overvote_delimiter_marks_several_candidates() {
        let c = candidates();
        let options = CsvOptions::with_overvote_delimiter('|');
        let ballots = read_csv_ballots("Ada | Grace,Ada\n".as_bytes(), &c, &options).unwrap();
        assert_eq!(
            ranks_of(&ballots[0], &c),
            [
                vec!["Ada".to_owned(), "Grace".to_owned()],
                vec!["Ada".to_owned()]
            ]
        );
        let errors = read_csv_ballots("Ada|\nAda|Ada\n".as_bytes(), &c, &options).unwrap_err();
        assert_eq!(
            errors.errors(),
            [
                CsvError::EmptyMark {
                    line: 1,
                    rank: 1,
                    field: "Ada|".into()
                },
                CsvError::Ballot {
                    line: 2,
                    error: RankedBallotError::MarkedTwiceAtRank {
                        rank: 1,
                        name: "Ada".into()
                    }
                },
            ]
        );
        let comma = Candidates::new(["A|B"]).unwrap();
        assert_eq!(
            read_csv_ballots("".as_bytes(), &comma, &options)
                .unwrap_err()
                .errors(),
            [CsvError::DelimiterInName {
                name: "A|B".into(),
                delimiter: '|'
            }]
        );
    }

    #[test]
    fn a_pool_read_from_csv_counts_like_the_ballots() {
        let c = candidates();
        let csv = "Ada,Grace\nGrace\nAda\n\"Brennan, Michael F.\",Grace\n";
        let rules = Rules::default();
        let pool = read_csv_pool(csv.as_bytes(), &c, &rules, &CsvOptions::default()).unwrap();
        let ballots = read_csv_ballots(csv.as_bytes(), &c, &CsvOptions::default()).unwrap();
        assert_eq!(pool.ballots(), 4);
        assert_eq!(
            pool.instant_runoff().unwrap(),
            super::super::instant_runoff(&c, &ballots, &rules).unwrap()
        );
        let errors =
            read_csv_pool("Ada\nBob\n".as_bytes(), &c, &rules, &CsvOptions::default()).unwrap_err();
        assert_eq!(errors.errors()[0].line(), Some(2));
    }

    #[test]
    fn invalid_utf8_is_reported_and_reading_goes_on() {
        let input: &[u8] = b"Ada\n\xff\xfe,Ada\nZed\n";
        let errors = read_csv_ballots(input, &candidates(), &CsvOptions::default()).unwrap_err();
        assert_eq!(
            errors.errors(),
            [
                CsvError::InvalidUtf8 { line: 2, rank: 1 },
                CsvError::Ballot {
                    line: 3,
                    error: RankedBallotError::UnknownCandidate {
                        rank: 1,
                        name: "Zed".into()
                    }
                }
            ]
        );
    }

    #[test]
    fn discovered_candidates_are_sorted_and_ballots_renumbered() {
        let contest = read_csv_contest(
            "Zoe,Ada\nMia\nAda,Zoe,Mia\n".as_bytes(),
            &CsvOptions::default(),
        )
        .unwrap();
        assert_eq!(contest.candidates.names(), ["Ada", "Mia", "Zoe"]);
        assert_eq!(
            ranks_of(&contest.ballots[0], &contest.candidates),
            [vec!["Zoe".to_owned()], vec!["Ada".to_owned()]]
        );
        let errors = read_csv_contest(
            "Ada|Ada\n".as_bytes(),
            &CsvOptions::with_overvote_delimiter('|'),
        )
        .unwrap_err();
        assert_eq!(
            errors.to_string(),
            "line 1: rank 1 marks candidate \"Ada\" more than once"
        );
    }
}

//! Ranked ballots as CSV: one ballot per line, candidate names in preference order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::BufRead;

use crate::error::ErrorCode;

use super::ballot::{RankedBallot, RankedBallotError};
use super::candidate::{CandidateId, Candidates, CandidatesError, MAX_CANDIDATES};
use super::pool::BallotPool;
use super::rules::Rules;

/// How ranked-ballot CSV is read.
///
/// The format is RFC 4180 CSV without a header: one ballot per line, one field per rank, most
/// preferred first. A name containing a comma, a double quote or a line break is double-quoted
/// (`"Brennan, Michael F."`, the quote right after the comma), with inner quotes doubled.
/// Whitespace around a field is ignored. An empty field is a skipped rank, so `Ada,,Grace` skips rank 2, and a line holding
/// only `""` is a blank ballot. Lines of different lengths are fine. Empty lines are refused,
/// except at the end of the input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CsvOptions {
    /// When set, a field may mark several candidates at one rank (an overvote), separated by
    /// this character, as RCTab's `overvoteDelimiter` does: with `'|'`, `Ada|Grace` marks
    /// both. Default: none (a field is one name).
    pub overvote_delimiter: Option<char>,
}

impl CsvOptions {
    /// Options reading `delimiter` as the separator of several marks at one rank.
    pub fn with_overvote_delimiter(delimiter: char) -> Self {
        Self {
            overvote_delimiter: Some(delimiter),
        }
    }
}

/// One problem in ranked-ballot CSV. Lines are numbered from 1; a quoted field spanning lines
/// is reported at the line where its record starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    /// The input could not be read (reported by the reader; nothing after it is read).
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
        crate::poll::write_joined(f, &self.0)
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
/// use baraza_core::ranked::{Candidates, CsvOptions, read_csv_ballots};
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
    input: impl BufRead,
    candidates: &Candidates,
    options: &CsvOptions,
) -> Result<Vec<RankedBallot>, CsvErrors> {
    let mut errors = delimiter_conflicts(candidates, options);
    let mut ballots = Vec::new();
    for_each_record(input, options, &mut errors, |line, ranks, errors| {
        match RankedBallot::from_names(candidates, ranks) {
            Ok(ballot) => ballots.push(ballot),
            Err(problems) => errors.extend(
                problems
                    .0
                    .into_iter()
                    .map(|error| CsvError::Ballot { line, error }),
            ),
        }
    });
    if errors.is_empty() {
        Ok(ballots)
    } else {
        Err(CsvErrors(errors))
    }
}

/// Reads ranked ballots straight into a [`BallotPool`], without keeping them: memory grows with
/// the number of distinct ballots, not with the file. The pool is returned only if every line
/// is valid.
///
/// ```
/// use baraza_core::ranked::{Candidates, CsvOptions, Rules, read_csv_pool};
/// let candidates = Candidates::new(["Ada", "Grace"])?;
/// let csv = "Ada\nGrace,Ada\nAda\n";
/// let pool = read_csv_pool(csv.as_bytes(), &candidates, &Rules::default(), &CsvOptions::default())?;
/// assert_eq!((pool.ballots(), pool.distinct_ballots()), (3, 2));
/// let count = pool.instant_runoff()?;
/// assert_eq!(count.name(count.winner().unwrap()), "Ada");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv_pool(
    input: impl BufRead,
    candidates: &Candidates,
    rules: &Rules,
    options: &CsvOptions,
) -> Result<BallotPool, CsvErrors> {
    let mut errors = delimiter_conflicts(candidates, options);
    let mut pool = BallotPool::new(candidates, rules);
    for_each_record(input, options, &mut errors, |line, ranks, errors| {
        match RankedBallot::from_names(candidates, ranks) {
            // The ballot was built from this very list: it cannot be foreign.
            Ok(ballot) => {
                let _ = pool.push(&ballot);
            }
            Err(problems) => errors.extend(
                problems
                    .0
                    .into_iter()
                    .map(|error| CsvError::Ballot { line, error }),
            ),
        }
    });
    if errors.is_empty() {
        Ok(pool)
    } else {
        Err(CsvErrors(errors))
    }
}

/// Candidate names that contain the overvote delimiter.
fn delimiter_conflicts(candidates: &Candidates, options: &CsvOptions) -> Vec<CsvError> {
    let Some(delimiter) = options.overvote_delimiter else {
        return Vec::new();
    };
    candidates
        .names()
        .iter()
        .filter(|name| name.contains(delimiter))
        .map(|name| CsvError::DelimiterInName {
            name: name.clone(),
            delimiter,
        })
        .collect()
}

/// Reads ranked ballots and takes the candidates to be every name that appears (see
/// [`CsvContest::candidates`] for their order). Use [`read_csv_ballots`] when the official list
/// is known: it catches misspelt names, and keeps candidates nobody ranked.
///
/// ```
/// use baraza_core::ranked::{CsvOptions, read_csv_contest};
/// let contest = read_csv_contest("Grace,Ada\nAda\n".as_bytes(), &CsvOptions::default())?;
/// assert_eq!(contest.candidates.names(), ["Ada", "Grace"]);
/// assert_eq!(contest.ballots.len(), 2);
/// # Ok::<(), baraza_core::ranked::CsvErrors>(())
/// ```
pub fn read_csv_contest(
    input: impl BufRead,
    options: &CsvOptions,
) -> Result<CsvContest, CsvErrors> {
    let mut errors = Vec::new();
    // Names numbered in order of first appearance, renumbered in sorted order at the end.
    let mut seen: BTreeMap<String, CandidateId> = BTreeMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut overflow: BTreeSet<String> = BTreeSet::new();
    let mut ballots = Vec::new();
    for_each_record(input, options, &mut errors, |line, ranks, errors| {
        let mut ids = Vec::with_capacity(ranks.len());
        for rank in ranks {
            let mut marks = Vec::with_capacity(rank.len());
            for name in rank {
                let id = match seen.get(name.as_str()) {
                    Some(&id) => id,
                    None if names.len() < MAX_CANDIDATES => {
                        let id = CandidateId(names.len() as u16);
                        seen.insert(name.clone(), id);
                        names.push(name.clone());
                        id
                    }
                    None => {
                        // Counted only, so the error reports how many names there are.
                        overflow.insert(name.clone());
                        continue;
                    }
                };
                marks.push(id);
            }
            ids.push(marks);
        }
        match RankedBallot::from_ranks(&ids) {
            Ok(ballot) => ballots.push(ballot),
            Err(problems) => errors.extend(problems.0.into_iter().map(|error| CsvError::Ballot {
                line,
                error: name_marks(error, &names),
            })),
        }
    });
    if !overflow.is_empty() {
        errors.push(CsvError::Candidates(CandidatesError::TooMany {
            count: names.len() + overflow.len(),
        }));
    }
    if !errors.is_empty() {
        return Err(CsvErrors(errors));
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(&names[b]));
    let mut new_ids = vec![CandidateId(0); names.len()];
    for (new, &old) in order.iter().enumerate() {
        new_ids[old] = CandidateId(new as u16);
    }
    for ballot in &mut ballots {
        ballot.renumber(&new_ids);
    }
    let sorted: Vec<String> = order.iter().map(|&old| names[old].clone()).collect();
    let candidates = match Candidates::new(sorted) {
        Ok(candidates) => candidates,
        Err(problems) => {
            return Err(CsvErrors(
                problems.0.into_iter().map(CsvError::Candidates).collect(),
            ));
        }
    };
    Ok(CsvContest {
        candidates,
        ballots,
    })
}

/// Replaces `#index` in a ballot error by the candidate's name.
fn name_marks(error: RankedBallotError, names: &[String]) -> RankedBallotError {
    match error {
        RankedBallotError::MarkedTwiceAtRank { rank, name } => {
            let name = name
                .strip_prefix('#')
                .and_then(|index| index.parse::<usize>().ok())
                .and_then(|index| names.get(index).cloned())
                .unwrap_or(name);
            RankedBallotError::MarkedTwiceAtRank { rank, name }
        }
        other => other,
    }
}

/// Calls `ballot(line, ranks, errors)` for every record, each rank as its list of names; adds
/// the format problems to `errors`.
fn for_each_record(
    input: impl BufRead,
    options: &CsvOptions,
    errors: &mut Vec<CsvError>,
    mut ballot: impl FnMut(u64, &[Vec<String>], &mut Vec<CsvError>),
) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(Recorder {
            inner: input,
            window: Vec::new(),
            total_read: 0,
        });
    let mut record = csv::ByteRecord::new();
    let mut ranks: Vec<Vec<String>> = Vec::new();
    // Lines ended before the current record's span, and whether that span's predecessor ended
    // with '\r' (the '\n' of a CRLF then opens the next span).
    let mut lines_before = 0_u64;
    let mut after_cr = false;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                errors.push(CsvError::Read {
                    line: lines_before + 1,
                    message: error.to_string(),
                });
                break;
            }
        }
        // csv reports positions in bytes exactly (its line numbers count skipped empty lines
        // late), and skips empty lines silently: find them in the bytes of the record's span,
        // which runs from the end of the previous record to the end of this one.
        let span_end = reader.position().byte();
        let recorder = reader.get_mut();
        let span_len = recorder.window.len() - recorder.unread_after(span_end);
        let span = &recorder.window[..span_len];
        let mut line = lines_before + 1;
        let mut at = 0;
        if after_cr && span.first() == Some(&b'\n') {
            line += 1;
            at = 1;
        }
        while let Some(&byte @ (b'\n' | b'\r')) = span.get(at) {
            if byte == b'\n' {
                errors.push(CsvError::EmptyLine { line });
                line += 1;
            }
            at += 1;
        }
        lines_before += span.iter().filter(|&&b| b == b'\n').count() as u64;
        after_cr = span.last() == Some(&b'\r');
        recorder.window.drain(..span_len);

        ranks.clear();
        let mut ok = true;
        for (index, field) in record.iter().enumerate() {
            let rank = index + 1;
            let Ok(field) = std::str::from_utf8(field) else {
                errors.push(CsvError::InvalidUtf8 { line, rank });
                ok = false;
                continue;
            };
            let marks = match options.overvote_delimiter {
                Some(delimiter) if !field.is_empty() => {
                    let parts: Vec<String> = field
                        .split(delimiter)
                        .map(|p| p.trim().to_owned())
                        .collect();
                    if parts.iter().any(String::is_empty) {
                        errors.push(CsvError::EmptyMark {
                            line,
                            rank,
                            field: field.to_owned(),
                        });
                        ok = false;
                    }
                    parts
                }
                _ if field.is_empty() => Vec::new(),
                _ => vec![field.to_owned()],
            };
            ranks.push(marks);
        }
        if ok {
            ballot(line, &ranks, errors);
        }
    }
}

/// Passes bytes through to the CSV reader and keeps those it has not yet turned into records,
/// so that line numbers and empty lines can be found exactly.
struct Recorder<R> {
    inner: R,
    /// Bytes from the end of the last record handled to the end of what was read.
    window: Vec<u8>,
    /// Bytes read so far: the absolute offset of the end of `window`.
    total_read: u64,
}

impl<R> Recorder<R> {
    /// How many bytes of the window lie beyond absolute offset `offset` (a position the csv
    /// reader has reached, so inside the window).
    fn unread_after(&self, offset: u64) -> usize {
        (self.total_read - offset) as usize
    }
}

impl<R: std::io::Read> std::io::Read for Recorder<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.window.extend_from_slice(&buf[..n]);
        self.total_read += n as u64;
        Ok(n)
    }
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

//! The byte-level reader under the CSV functions: records and fields are found in one byte
//! slice, candidate names are interned once, and a ballot is assembled in reused buffers, so
//! nothing is allocated per field (nor, on the way into a pool, per ballot).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use super::super::ballot::{MAX_RANKS, RANK, RankedBallot, RankedBallotError};
use super::super::candidate::{CandidateId, Candidates, CandidatesError, MAX_CANDIDATES};
use super::super::pool::{BallotPool, FxHasher};
use super::super::rules::Rules;
use super::{CsvError, CsvErrors, CsvOptions};

type FxBuild = BuildHasherDefault<FxHasher>;

/// The UTF-8 byte order mark some spreadsheet programs write first; skipped, as RFC 4180
/// readers do.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Walks the records of RFC 4180 CSV: fields separated by `,`, records by LF, CRLF or CR; a
/// field opening with `"` is quoted until the next lone `"` (`""` inside is one quote) and may
/// span lines; text after the closing quote is kept; a `"` elsewhere is an ordinary byte.
/// Fields are trimmed of ASCII whitespace. These are the rules of the `csv` crate this reader
/// replaced, so files read the same way, except that a quote left open at the end of the input
/// is an error instead of a field running to the end.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Line feeds passed so far: the line of `pos` is `lines + 1`.
    lines: u64,
    /// A quoted field whose value is not a slice of the input (it holds `""`, or text after
    /// its closing quote), copied out.
    unescaped: Vec<u8>,
}

/// A quoted field still open at the end of the input.
struct UnclosedQuote;

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            pos: if bytes.starts_with(BOM) { BOM.len() } else { 0 },
            lines: 0,
            unescaped: Vec::new(),
        }
    }

    /// Moves to the start of the next record and returns its line, reporting each empty line
    /// passed on the way; `None` at the end of the input (empty lines at the end are fine).
    fn next_record(&mut self, errors: &mut Vec<CsvError>) -> Option<u64> {
        let first_empty = self.lines + 1;
        loop {
            match self.bytes.get(self.pos) {
                None => return None,
                Some(b'\n') => {
                    self.lines += 1;
                    self.pos += 1;
                }
                Some(b'\r') => self.pos += 1,
                Some(_) => break,
            }
        }
        errors.extend((first_empty..=self.lines).map(|line| CsvError::EmptyLine { line }));
        Some(self.lines + 1)
    }

    /// Reads the record at the current position, passing each field to `field`, and moves past
    /// its line end. After an unclosed quote the whole input has been consumed.
    fn fields(&mut self, mut field: impl FnMut(&[u8])) -> Result<(), UnclosedQuote> {
        let bytes = self.bytes;
        loop {
            let start = self.pos;
            if bytes.get(start) == Some(&b'"') {
                self.unescaped.clear();
                let mut segment = start + 1;
                let close = loop {
                    let Some(offset) = bytes[segment..].iter().position(|&b| b == b'"') else {
                        self.lines += line_feeds(&bytes[start..]);
                        self.pos = bytes.len();
                        return Err(UnclosedQuote);
                    };
                    let quote = segment + offset;
                    if bytes.get(quote + 1) != Some(&b'"') {
                        break quote;
                    }
                    self.unescaped.extend_from_slice(&bytes[segment..=quote]);
                    segment = quote + 2;
                };
                self.lines += line_feeds(&bytes[start..close]);
                let end = field_end(bytes, close + 1);
                if segment == start + 1 && end == close + 1 {
                    field(bytes[segment..close].trim_ascii());
                } else {
                    self.unescaped.extend_from_slice(&bytes[segment..close]);
                    self.unescaped.extend_from_slice(&bytes[close + 1..end]);
                    field(self.unescaped.trim_ascii());
                }
                self.pos = end;
            } else {
                let end = field_end(bytes, start);
                field(bytes[start..end].trim_ascii());
                self.pos = end;
            }
            match bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                        self.lines += 1;
                    }
                    return Ok(());
                }
                Some(_) => {
                    // A line feed: `field_end` stops at nothing else.
                    self.pos += 1;
                    self.lines += 1;
                    return Ok(());
                }
                None => return Ok(()),
            }
        }
    }
}

/// Where the unquoted field starting at `from` ends: the next `,`, LF or CR, or the end.
fn field_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| matches!(b, b',' | b'\n' | b'\r'))
        .map_or(bytes.len(), |offset| from + offset)
}

fn line_feeds(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Candidate names by their bytes: a fixed list, or the names found so far.
struct Interner<'c> {
    ids: HashMap<Cow<'c, [u8]>, CandidateId, FxBuild>,
    /// A direct-mapped cache in front of `ids` for names of at most [`SHORT_NAME`] bytes, each
    /// packed into a `u128`: a hit costs one multiplication and one comparison, where the map
    /// hashes and compares bytes. Slot `i` holds `(packed name, id)`, or `(0, _)` (no name
    /// packs to 0).
    recent: Box<[(u128, CandidateId); RECENT_SLOTS]>,
    /// `None` for a fixed list, where an unknown name is an error; otherwise every name found,
    /// in order of first appearance, with those past [`MAX_CANDIDATES`] counted apart.
    found: Option<(Vec<String>, BTreeSet<Vec<u8>>)>,
}

/// Names up to this many bytes go through [`Interner::recent`].
const SHORT_NAME: usize = 15;
const RECENT_BITS: u32 = 10;
const RECENT_SLOTS: usize = 1 << RECENT_BITS;

/// `name`'s bytes and length in one number, or `None` if it is longer than [`SHORT_NAME`].
/// One-to-one on short names: the length sits in the top byte, above the bytes.
fn packed_name(name: &[u8]) -> Option<u128> {
    if name.len() > SHORT_NAME {
        return None;
    }
    let bytes = name
        .iter()
        .fold(0_u128, |packed, &byte| packed << 8 | u128::from(byte));
    Some(bytes | (name.len() as u128) << 120)
}

fn recent_slot(packed: u128) -> usize {
    let folded = (packed as u64) ^ ((packed >> 64) as u64);
    (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (u64::BITS - RECENT_BITS)) as usize
}

/// Why a name has no id.
enum Miss<'f> {
    /// Not a candidate of the fixed list.
    Unknown(&'f str),
    NotUtf8,
    /// A new name past [`MAX_CANDIDATES`] (already counted).
    Overflow,
}

impl<'c> Interner<'c> {
    fn fixed(candidates: &'c Candidates) -> Self {
        let ids = candidates
            .ids()
            .map(|id| (Cow::Borrowed(candidates.name(id).as_bytes()), id))
            .collect();
        Self {
            ids,
            recent: Box::new([(0, CandidateId(0)); RECENT_SLOTS]),
            found: None,
        }
    }

    fn discovering() -> Self {
        Self {
            ids: HashMap::default(),
            recent: Box::new([(0, CandidateId(0)); RECENT_SLOTS]),
            found: Some((Vec::new(), BTreeSet::new())),
        }
    }

    fn id<'f>(&mut self, name: &'f [u8]) -> Result<CandidateId, Miss<'f>> {
        let packed = packed_name(name);
        if let Some(packed) = packed {
            let (held, id) = self.recent[recent_slot(packed)];
            if held == packed {
                return Ok(id);
            }
        }
        let id = self.look_up(name)?;
        if let Some(packed) = packed {
            self.recent[recent_slot(packed)] = (packed, id);
        }
        Ok(id)
    }

    fn look_up<'f>(&mut self, name: &'f [u8]) -> Result<CandidateId, Miss<'f>> {
        if let Some(&id) = self.ids.get(name) {
            return Ok(id);
        }
        let text = std::str::from_utf8(name).map_err(|_| Miss::NotUtf8)?;
        let Some((names, overflow)) = &mut self.found else {
            return Err(Miss::Unknown(text));
        };
        if names.len() == MAX_CANDIDATES {
            overflow.insert(name.to_vec());
            return Err(Miss::Overflow);
        }
        let id = CandidateId(names.len() as u16);
        names.push(text.to_owned());
        self.ids.insert(Cow::Owned(name.to_vec()), id);
        Ok(id)
    }
}

/// One ballot being read: its marks, and where each rank's marks start.
#[derive(Default)]
pub(super) struct BallotScratch {
    marks: Vec<CandidateId>,
    rank_starts: Vec<u32>,
}

impl BallotScratch {
    fn clear(&mut self) {
        self.marks.clear();
        self.rank_starts.clear();
    }

    fn open_rank(&mut self) {
        self.rank_starts.push(self.marks.len() as u32);
    }

    /// The marks of the rank opened last.
    fn current_rank(&self) -> &[CandidateId] {
        let start = self.rank_starts.last().map_or(0, |&start| start as usize);
        &self.marks[start..]
    }

    /// Writes the ballot in the layout of [`RankedBallot`]: the marks alone when every rank
    /// holds exactly one, otherwise each rank opened by [`RANK`].
    fn encode(&self, out: &mut Vec<u16>) {
        out.clear();
        let simple = self.marks.len() == self.rank_starts.len()
            && self
                .rank_starts
                .iter()
                .enumerate()
                .all(|(index, &start)| start as usize == index);
        if simple {
            out.extend(self.marks.iter().map(|mark| mark.0));
            return;
        }
        for (index, &start) in self.rank_starts.iter().enumerate() {
            let end = self
                .rank_starts
                .get(index + 1)
                .map_or(self.marks.len(), |&end| end as usize);
            out.push(RANK.0);
            out.extend(self.marks[start as usize..end].iter().map(|mark| mark.0));
        }
    }
}

/// Reads every record of `bytes` against `interner`, handing each valid ballot to `ballot` and
/// collecting every problem.
struct Reader<'c, 'o> {
    options: &'o CsvOptions,
    interner: Interner<'c>,
    scratch: BallotScratch,
    /// The current record's ballot problems, reported only if its fields are well formed.
    pending: Vec<RankedBallotError>,
    errors: Vec<CsvError>,
}

impl Reader<'_, '_> {
    fn read(&mut self, bytes: &[u8], mut ballot: impl FnMut(&BallotScratch)) {
        let mut scanner = Scanner::new(bytes);
        let mut header = self.options.header;
        while let Some(line) = scanner.next_record(&mut self.errors) {
            let mut rank = 0;
            let mut well_formed = true;
            self.scratch.clear();
            self.pending.clear();
            let read = scanner.fields(|field| {
                if !header {
                    rank += 1;
                    well_formed &= self.field(line, rank, field);
                }
            });
            if read.is_err() {
                self.errors.push(CsvError::UnclosedQuote { line });
                return;
            }
            if std::mem::take(&mut header) || !well_formed {
                continue;
            }
            if rank > MAX_RANKS {
                self.pending
                    .insert(0, RankedBallotError::TooManyRanks { ranks: rank });
            }
            if self.pending.is_empty() {
                ballot(&self.scratch);
            } else {
                self.errors.extend(
                    self.pending
                        .drain(..)
                        .map(|error| CsvError::Ballot { line, error }),
                );
            }
        }
    }

    /// Adds the field at `rank` to the ballot; `false` when it is malformed (reported).
    fn field(&mut self, line: u64, rank: usize, field: &[u8]) -> bool {
        self.scratch.open_rank();
        if field.is_empty() {
            return true;
        }
        let Some(delimiter) = self.options.overvote_delimiter else {
            return self.mark(line, rank, field);
        };
        let Ok(text) = std::str::from_utf8(field) else {
            self.errors.push(CsvError::InvalidUtf8 { line, rank });
            return false;
        };
        if text.split(delimiter).any(|part| part.trim().is_empty()) {
            self.errors.push(CsvError::EmptyMark {
                line,
                rank,
                field: text.to_owned(),
            });
            return false;
        }
        text.split(delimiter)
            .all(|part| self.mark(line, rank, part.trim().as_bytes()))
    }

    /// Marks the candidate called `name` at the current rank; `false` when the name is not
    /// UTF-8 (reported).
    fn mark(&mut self, line: u64, rank: usize, name: &[u8]) -> bool {
        match self.interner.id(name) {
            Ok(id) if self.scratch.current_rank().contains(&id) => {
                self.pending.push(RankedBallotError::MarkedTwiceAtRank {
                    rank,
                    name: String::from_utf8_lossy(name).into_owned(),
                });
            }
            Ok(id) => self.scratch.marks.push(id),
            Err(Miss::Unknown(name)) => self.pending.push(RankedBallotError::UnknownCandidate {
                rank,
                name: name.to_owned(),
            }),
            Err(Miss::Overflow) => {}
            Err(Miss::NotUtf8) => {
                self.errors.push(CsvError::InvalidUtf8 { line, rank });
                return false;
            }
        }
        true
    }
}

/// Identical ballots as read, counted: a pool is built from them once the candidate list is
/// final, so its work is done per distinct ballot.
#[derive(Default)]
struct DistinctBallots {
    /// Short ballots of one mark per rank, packed into a `u64` by [`pack_ballot`]: most real
    /// ballots. A table of 16-byte entries stays in cache where slices would not, and its
    /// random access is most of the cost of grouping a million ballots.
    packed: HashMap<u64, u64, FxBuild>,
    /// The others, by their encoding (see [`BallotScratch::encode`]).
    other: HashMap<Box<[u16]>, u64, FxBuild>,
    key: Vec<u16>,
}

/// Set in a packed ballot whose marks take 8 bits each (4 otherwise).
const WIDE: u64 = 1 << 63;

impl DistinctBallots {
    fn add(&mut self, ballot: &BallotScratch) {
        ballot.encode(&mut self.key);
        if let Some(packed) = pack_ballot(&self.key, ballot.rank_starts.len()) {
            *self.packed.entry(packed).or_insert(0) += 1;
            return;
        }
        match self.other.get_mut(self.key.as_slice()) {
            Some(count) => *count += 1,
            None => {
                self.other.insert(self.key.as_slice().into(), 1);
            }
        }
    }

    /// A pool of these ballots, their candidates first renumbered by `new_ids` if given.
    fn into_pool(
        self,
        candidates: &Candidates,
        rules: &Rules,
        new_ids: Option<&[CandidateId]>,
    ) -> BallotPool {
        let mut pool = BallotPool::new(candidates, rules);
        let mut push = |encoding: &[u16], count: u64| {
            let mut ballot = RankedBallot::from_encoding(encoding);
            if let Some(new_ids) = new_ids {
                ballot.renumber(new_ids);
            }
            // Every id was handed out for this list (or renumbered into it): never foreign.
            let _ = pool.push_many(&ballot, count);
        };
        let mut encoding = Vec::new();
        for (packed, count) in self.packed {
            let (bits, mask) = if packed & WIDE == 0 {
                (4, 0xf)
            } else {
                (8, 0xff)
            };
            encoding.clear();
            let mut rest = packed & !WIDE;
            while rest != 0 {
                encoding.push((rest & mask) as u16 - 1);
                rest >>= bits;
            }
            encoding.reverse();
            push(&encoding, count);
        }
        for (encoding, count) in self.other {
            push(&encoding, count);
        }
        pool
    }
}

/// The ballot encoded as `encoding`, with `ranks` ranks, packed into a `u64` if it has one
/// mark per rank and either at most 15 ranks and candidates below 15, or at most 7 ranks and
/// candidates below 255. Each mark is stored as `id + 1` in 4 bits, or in 8 with [`WIDE`] set,
/// so no two ballots pack alike.
fn pack_ballot(encoding: &[u16], ranks: usize) -> Option<u64> {
    // The simple encoding is one mark per rank (a rank opener is above every limit here).
    if encoding.len() != ranks {
        return None;
    }
    let widest = encoding.iter().copied().max().unwrap_or(0);
    let (bits, flag) = match (widest, ranks) {
        (0..15, 0..=15) => (4, 0),
        (0..255, 0..=7) => (8, WIDE),
        _ => return None,
    };
    let packed = encoding
        .iter()
        .fold(0_u64, |packed, &mark| packed << bits | u64::from(mark + 1));
    Some(packed | flag)
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

fn reader<'c, 'o>(
    interner: Interner<'c>,
    options: &'o CsvOptions,
    errors: Vec<CsvError>,
) -> Reader<'c, 'o> {
    Reader {
        options,
        interner,
        scratch: BallotScratch::default(),
        pending: Vec::new(),
        errors,
    }
}

fn finish<T>(value: T, errors: Vec<CsvError>) -> Result<T, CsvErrors> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(CsvErrors(errors))
    }
}

/// Ballots for a fixed list, in line order.
pub(super) fn ballots(
    bytes: &[u8],
    candidates: &Candidates,
    options: &CsvOptions,
) -> Result<Vec<RankedBallot>, CsvErrors> {
    let mut reader = reader(
        Interner::fixed(candidates),
        options,
        delimiter_conflicts(candidates, options),
    );
    let mut ballots = Vec::new();
    let mut encoding = Vec::new();
    reader.read(bytes, |ballot| {
        ballot.encode(&mut encoding);
        ballots.push(RankedBallot::from_encoding(&encoding));
    });
    finish(ballots, reader.errors)
}

/// A pool for a fixed list.
pub(super) fn pool(
    bytes: &[u8],
    candidates: &Candidates,
    rules: &Rules,
    options: &CsvOptions,
) -> Result<BallotPool, CsvErrors> {
    let mut reader = reader(
        Interner::fixed(candidates),
        options,
        delimiter_conflicts(candidates, options),
    );
    let mut distinct = DistinctBallots::default();
    reader.read(bytes, |ballot| distinct.add(ballot));
    let errors = reader.errors;
    finish(distinct, errors).map(|distinct| distinct.into_pool(candidates, rules, None))
}

/// Ballots whose candidates are every name found, in line order, with those candidates.
pub(super) fn contest(
    bytes: &[u8],
    options: &CsvOptions,
) -> Result<(Candidates, Vec<RankedBallot>), CsvErrors> {
    let mut reader = reader(Interner::discovering(), options, Vec::new());
    let mut ballots = Vec::new();
    let mut encoding = Vec::new();
    reader.read(bytes, |ballot| {
        ballot.encode(&mut encoding);
        ballots.push(RankedBallot::from_encoding(&encoding));
    });
    let (candidates, new_ids) = sorted_candidates(reader.interner, reader.errors)?;
    for ballot in &mut ballots {
        ballot.renumber(&new_ids);
    }
    Ok((candidates, ballots))
}

/// A pool whose candidates are every name found.
pub(super) fn contest_pool(
    bytes: &[u8],
    rules: &Rules,
    options: &CsvOptions,
) -> Result<BallotPool, CsvErrors> {
    let mut reader = reader(Interner::discovering(), options, Vec::new());
    let mut distinct = DistinctBallots::default();
    reader.read(bytes, |ballot| distinct.add(ballot));
    let (candidates, new_ids) = sorted_candidates(reader.interner, reader.errors)?;
    Ok(distinct.into_pool(&candidates, rules, Some(&new_ids)))
}

/// The names found, sorted, and the new id of each old one; or every problem.
fn sorted_candidates(
    interner: Interner<'_>,
    mut errors: Vec<CsvError>,
) -> Result<(Candidates, Vec<CandidateId>), CsvErrors> {
    let (names, overflow) = interner.found.unwrap_or_default();
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
    let sorted: Vec<&String> = order.iter().map(|&old| &names[old]).collect();
    let candidates = Candidates::new(sorted.into_iter().cloned()).map_err(|problems| {
        CsvErrors(problems.0.into_iter().map(CsvError::Candidates).collect())
    })?;
    Ok((candidates, new_ids))
}

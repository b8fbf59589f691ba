//! The byte-level ranked-ballot CSV reader: RFC 4180 details (quotes and their escapes, CRLF,
//! a byte order mark, a header line), one test per error with its line, and the pool forms
//! (packed and unpacked ballots) agreeing with the ballots read one by one.

use baraza_ranked::ErrorCode;
use baraza_ranked::{
    BallotPool, Candidates, CandidatesError, CsvError, CsvOptions, MAX_CANDIDATES, MAX_RANKS,
    RankedBallot, RankedBallotError, Rules, parse_csv_ballots, parse_csv_contest,
    parse_csv_contest_pool, parse_csv_pool, read_csv_ballots, read_csv_contest_pool, read_csv_pool,
};

fn names(ballot: &RankedBallot, candidates: &Candidates) -> Vec<Vec<String>> {
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

fn read(csv: &str, candidates: &Candidates) -> Vec<Vec<Vec<String>>> {
    parse_csv_ballots(csv.as_bytes(), candidates, &CsvOptions::default())
        .expect("valid CSV")
        .iter()
        .map(|ballot| names(ballot, candidates))
        .collect()
}

fn errors(csv: &[u8], candidates: &Candidates, options: &CsvOptions) -> Vec<CsvError> {
    parse_csv_ballots(csv, candidates, options)
        .expect_err("the CSV is refused")
        .errors()
        .to_vec()
}

fn one(name: &str) -> Vec<String> {
    vec![name.to_owned()]
}

#[test]
fn quoted_names_keep_commas_line_breaks_and_doubled_quotes() {
    let candidates = Candidates::new([
        "Brennan, Michael F.",
        "Ada \"the Countess\" Lovelace",
        "Line\nbreak",
        "Grace",
    ])
    .expect("valid names");
    let csv = "\"Brennan, Michael F.\",\"Ada \"\"the Countess\"\" Lovelace\"\n\
               \"Line\nbreak\",\"Grace\"  \n\
               \"\"\n\
               \"Gra\"ce\n";
    assert_eq!(
        read(csv, &candidates),
        [
            vec![
                one("Brennan, Michael F."),
                one("Ada \"the Countess\" Lovelace")
            ],
            vec![one("Line\nbreak"), one("Grace")],
            vec![vec![]],
            // Text after a closing quote is kept, as the `csv` crate keeps it.
            vec![one("Grace")],
        ]
    );
}

#[test]
fn a_quote_inside_a_field_or_after_spaces_is_an_ordinary_character() {
    let candidates = Candidates::new(["Ada", "Grace"]).expect("valid names");
    let errors = errors(
        b"Ada,  \"Grace\"\nA\"da\n",
        &candidates,
        &CsvOptions::default(),
    );
    assert_eq!(
        errors,
        [
            CsvError::Ballot {
                line: 1,
                error: RankedBallotError::UnknownCandidate {
                    rank: 2,
                    name: "\"Grace\"".into()
                }
            },
            CsvError::Ballot {
                line: 2,
                error: RankedBallotError::UnknownCandidate {
                    rank: 1,
                    name: "A\"da".into()
                }
            },
        ]
    );
}

#[test]
fn crlf_lf_and_a_byte_order_mark_read_alike() {
    let candidates = Candidates::new(["Ada", "Grace"]).expect("valid names");
    let lf = read("Ada,Grace\nGrace\n,Ada\n", &candidates);
    assert_eq!(read("Ada,Grace\r\nGrace\r\n,Ada\r\n", &candidates), lf);
    assert_eq!(read("\u{feff}Ada,Grace\nGrace\n,Ada", &candidates), lf);
    assert_eq!(
        lf,
        [
            vec![one("Ada"), one("Grace")],
            vec![one("Grace")],
            vec![vec![], one("Ada")]
        ]
    );
    // A byte order mark anywhere else is part of a name.
    assert_eq!(
        errors(
            "Ada\n\u{feff}Grace\n".as_bytes(),
            &candidates,
            &CsvOptions::default()
        ),
        [CsvError::Ballot {
            line: 2,
            error: RankedBallotError::UnknownCandidate {
                rank: 1,
                name: "\u{feff}Grace".into()
            }
        }]
    );
}

#[test]
fn a_header_line_is_skipped_only_when_asked_and_still_counts_as_line_1() {
    let candidates = Candidates::new(["Ada", "Grace"]).expect("valid names");
    let csv = b"rank 1,rank 2\nAda,Grace\nBob\n";
    let options = CsvOptions::default().skipping_header();
    assert_eq!(
        errors(csv, &candidates, &options),
        [CsvError::Ballot {
            line: 3,
            error: RankedBallotError::UnknownCandidate {
                rank: 1,
                name: "Bob".into()
            }
        }]
    );
    let ballots = parse_csv_ballots(b"\"rank, 1\"\nAda\n", &candidates, &options)
        .expect("the header is not a ballot");
    assert_eq!(ballots.len(), 1);
    assert_eq!(
        errors(csv, &candidates, &CsvOptions::default())[0].line(),
        Some(1)
    );
}

#[test]
fn an_unclosed_quote_is_reported_where_its_record_starts() {
    let candidates = Candidates::new(["Ada", "Grace"]).expect("valid names");
    let errors = errors(
        b"Ada\nBob\nGrace,\"Ada\nAda\nGrace\n",
        &candidates,
        &CsvOptions::default(),
    );
    assert_eq!(
        errors,
        [
            CsvError::Ballot {
                line: 2,
                error: RankedBallotError::UnknownCandidate {
                    rank: 1,
                    name: "Bob".into()
                }
            },
            CsvError::UnclosedQuote { line: 3 },
        ]
    );
    assert_eq!(errors[1].code(), ErrorCode::MalformedCsv);
    assert_eq!(
        errors[1].to_string(),
        "line 3: a quoted field opened here is never closed; a quote is missing"
    );
}

#[test]
fn a_candidate_marked_twice_at_one_rank_and_too_many_ranks_are_reported() {
    let candidates = Candidates::new(["Ada", "Grace"]).expect("valid names");
    let options = CsvOptions::with_overvote_delimiter('|');
    let long = vec!["Ada"; MAX_RANKS + 1].join(",");
    let csv = format!("Ada|Grace|Ada\n{long}\n");
    assert_eq!(
        errors(csv.as_bytes(), &candidates, &options),
        [
            CsvError::Ballot {
                line: 1,
                error: RankedBallotError::MarkedTwiceAtRank {
                    rank: 1,
                    name: "Ada".into()
                }
            },
            CsvError::Ballot {
                line: 2,
                error: RankedBallotError::TooManyRanks {
                    ranks: MAX_RANKS + 1
                }
            },
        ]
    );
}

#[test]
fn a_read_failure_is_reported_at_the_line_reached() {
    /// Gives `prefix`, then fails.
    struct Failing(&'static [u8]);
    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("disk unplugged"));
            }
            let n = self.0.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let candidates = Candidates::new(["Ada"]).expect("valid names");
    let errors = read_csv_ballots(
        Failing(b"Ada\nAda\nAd"),
        &candidates,
        &CsvOptions::default(),
    )
    .expect_err("the read fails");
    assert_eq!(
        errors.errors(),
        [CsvError::Read {
            line: 3,
            message: "disk unplugged".into()
        }]
    );
    assert_eq!(errors.primary_code(), ErrorCode::MalformedCsv);
}

#[test]
fn discovering_more_than_the_most_candidates_is_one_error_and_no_names_is_another() {
    let csv: String = (0..=MAX_CANDIDATES).map(|i| format!("C{i}\n")).collect();
    let errors =
        parse_csv_contest(csv.as_bytes(), &CsvOptions::default()).expect_err("too many names");
    assert_eq!(
        errors.errors(),
        [CsvError::Candidates(CandidatesError::TooMany {
            count: MAX_CANDIDATES + 1
        })]
    );
    let errors = parse_csv_contest_pool(b"\n\n", &Rules::default(), &CsvOptions::default())
        .expect_err("no names");
    assert_eq!(
        errors.errors(),
        [CsvError::Candidates(CandidatesError::Empty)]
    );
}

/// Ballots of every shape the pool reader groups differently: short ones packed 4 bits a mark,
/// ballots of 16 ranks, candidates past 15 (8 bits a mark) and past 255, overvotes, skipped
/// ranks and blank ballots.
fn mixed_file(candidates: &Candidates) -> String {
    let name = |i: usize| candidates.names()[i].clone();
    let mut csv = String::new();
    for round in 0..3 {
        csv.push_str(&format!("{},{}\n", name(0), name(1)));
        csv.push_str(&format!("{},{}\n", name(14), name(16)));
        csv.push_str(&format!("{}\n", name(300)));
        let sixteen: Vec<String> = (0..16).map(name).collect();
        csv.push_str(&sixteen.join(","));
        csv.push('\n');
        let eight_wide: Vec<String> = (20..28).map(name).collect();
        csv.push_str(&eight_wide.join(","));
        csv.push('\n');
        csv.push_str(&format!("{}|{},{}\n", name(2), name(3), name(4)));
        csv.push_str(&format!(",,{}\n", name(5)));
        csv.push_str("\"\"\n");
        csv.push_str(&format!("{},{},{}\n", name(round), name(7), name(round)));
    }
    csv
}

#[test]
fn pools_read_from_csv_group_ballots_as_pushing_each_one_does() {
    let candidates =
        Candidates::new((0..400).map(|i| format!("Candidate {i:03}"))).expect("valid names");
    let options = CsvOptions::with_overvote_delimiter('|');
    let csv = mixed_file(&candidates);
    for rules in [
        Rules::default(),
        Rules {
            exhaust_on_repeated_candidate: true,
            max_skipped_ranks: Some(1),
            ..Rules::default()
        },
    ] {
        let ballots =
            parse_csv_ballots(csv.as_bytes(), &candidates, &options).expect("valid ballots");
        let mut expected = BallotPool::new(&candidates, &rules);
        for ballot in &ballots {
            expected.push(ballot).expect("own candidates");
        }
        let pool =
            parse_csv_pool(csv.as_bytes(), &candidates, &rules, &options).expect("valid pool");
        assert_eq!(pool.ballots(), 27);
        assert_eq!(pool.reduced(), expected.reduced());
        let from_reader =
            read_csv_pool(csv.as_bytes(), &candidates, &rules, &options).expect("valid pool");
        assert_eq!(from_reader.reduced(), expected.reduced());

        // Discovered candidates: only the names used, sorted (zero-padded numbers sort as
        // numbers), so compare by name.
        let discovered =
            read_csv_contest_pool(csv.as_bytes(), &rules, &options).expect("valid contest");
        let contest = parse_csv_contest(csv.as_bytes(), &options).expect("valid contest");
        assert_eq!(discovered.candidates(), &contest.candidates);
        let mut by_ballots = BallotPool::new(&contest.candidates, &rules);
        for ballot in &contest.ballots {
            by_ballots.push(ballot).expect("own candidates");
        }
        assert_eq!(discovered.reduced(), by_ballots.reduced());
        let named = |pool: &BallotPool| -> Vec<(Vec<String>, u64)> {
            pool.reduced()
                .into_iter()
                .map(|(sequence, _, count)| {
                    let names = sequence
                        .iter()
                        .map(|&c| pool.candidates().name(c).to_owned())
                        .collect();
                    (names, count)
                })
                .collect()
        };
        let mut fixed = named(&pool);
        let mut found = named(&discovered);
        fixed.sort();
        found.sort();
        assert_eq!(found, fixed);
        assert_eq!(
            discovered.instant_runoff().expect("counts").winners().len(),
            1
        );
    }
}

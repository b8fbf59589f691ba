//! Run with: cargo run -p example-pb-tally -- FILE.pb
//!
//! Reads a participatory-budgeting election in the pabulib `.pb` format (https://pabulib.org)
//! and prints what two rules would fund, one line each:
//!
//! ```text
//! greedy: ID, ID, … (cost N)
//! mes: ID, ID, … (cost N)
//! ```
//!
//! * `greedy`: greedy by votes — projects by approval count, most first, ties in the file's
//!   PROJECTS order; each funded if it still fits; projects without votes left out.
//! * `mes`: the Method of Equal Shares with cost utilities, completed by Add1 (per-voter budget
//!   raised one currency unit at a time while the outcome stays within the budget, as
//!   equalshares.net computes it) and then a greedy fill (see `baraza_core::budgeting`).
//!
//! Project ids are written exactly as in the file, in the order the rule selected them,
//! separated by `", "`; then a space and `(cost N)`, the total cost in currency units with no
//! separators, as an exact decimal when the file's amounts have decimals (`(cost 3.9)`). When a rule funds nothing the line is `greedy: (cost 0)`.
//!
//! Errors go to standard error: every bad line of the file with its number (exit status 1), or
//! the usage (exit status 2).

use std::fs::File;
use std::io::BufReader;
use std::process::ExitCode;

use baraza_core::budgeting::{GreedyRule, MesOptions, pabulib};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: example-pb-tally FILE.pb");
        return ExitCode::from(2);
    };
    let shown = path.to_string_lossy().into_owned();
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("{shown}: {error}");
            return ExitCode::from(1);
        }
    };
    let parsed = match pabulib::parse_reader(BufReader::new(file)) {
        Ok(parsed) => parsed,
        Err(errors) => {
            for error in errors.errors() {
                eprintln!("{shown}: {error}");
            }
            return ExitCode::from(1);
        }
    };
    let election = match parsed.approval_election() {
        Ok(election) => election,
        Err(error) => {
            eprintln!("{shown}: {error}");
            return ExitCode::from(1);
        }
    };
    let greedy = match election.greedy(&GreedyRule::default()) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("{shown}: {error}");
            return ExitCode::from(1);
        }
    };
    let mes = election.equal_shares(&MesOptions::default());
    println!("greedy: {greedy}");
    println!("mes: {}", mes.outcome());
    ExitCode::SUCCESS
}

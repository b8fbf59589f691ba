//! The command-line contract of `example-rank-tally`: one `Round N` line per round, then
//! `winner: NAME` or `elected: NAME, NAME, …` (one CSV record), checked line by line on the
//! small files in `test_data/`.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_example-rank-tally"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the example runs")
}

fn stdout_lines(output: &Output) -> Vec<String> {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn one_seat_is_counted_by_instant_runoff() {
    let lines = stdout_lines(&run(&["test_data/council.csv"]));
    assert_eq!(
        lines,
        [
            "Round 1: Baraka 2, Mwangi 4, \"Okafor, Ada\" 3 | threshold 5 | exhausted 0 | eliminated: Baraka",
            "Round 2: Mwangi 6, \"Okafor, Ada\" 3 | threshold 5 | exhausted 0 | elected: Mwangi",
            "winner: Mwangi",
        ]
    );
}

#[test]
fn several_seats_are_counted_by_stv_and_listed_as_one_csv_record() {
    let lines = stdout_lines(&run(&["test_data/council.csv", "--seats", "2"]));
    assert_eq!(
        lines,
        [
            "Round 1: Baraka 2, Mwangi 4, \"Okafor, Ada\" 3 | threshold 4 | exhausted 0 | elected: Mwangi",
            "Round 2: Baraka 2, Mwangi 4 (elected), \"Okafor, Ada\" 3 | threshold 4 | exhausted 0 | eliminated: Baraka",
            "Round 3: Mwangi 4 (elected), \"Okafor, Ada\" 3 | threshold 4 | exhausted 2 | elected: \"Okafor, Ada\"",
            "Round 4: Mwangi 4 (elected), \"Okafor, Ada\" 3 (elected) | threshold 4 | exhausted 2",
            "elected: Mwangi, \"Okafor, Ada\"",
        ]
    );
}

#[test]
fn stv_surpluses_move_with_truncated_fractions() {
    let lines = stdout_lines(&run(&["--seats", "2", "test_data/board.csv"]));
    assert_eq!(
        lines,
        [
            "Round 1: Achieng 6, Baraka 0, Chebet 3 | threshold 4 | exhausted 0 | elected: Achieng",
            "Round 2: Achieng 4 (elected), Baraka 1.9998, Chebet 3 | threshold 4 | exhausted 0 | residual surplus 0.0002 | eliminated: Baraka",
            "Round 3: Achieng 4 (elected), Chebet 3 | threshold 4 | exhausted 1.9998 | residual surplus 0.0002 | elected: Chebet",
            "Round 4: Achieng 4 (elected), Chebet 3 (elected) | threshold 4 | exhausted 1.9998 | residual surplus 0.0002",
            "elected: Achieng, Chebet",
        ]
    );
}

#[test]
fn bad_lines_are_reported_by_number_and_nothing_is_counted() {
    let output = run(&["test_data/bad.csv"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        "test_data/bad.csv: line 3 is empty; write a blank ballot as \"\""
    );
}

#[test]
fn usage_errors_exit_with_2_and_help_documents_the_default_rules() {
    let output = run(&["test_data/council.csv", "--seats", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("--seats 0: not a number >= 1"));
    let help = stdout_lines(&run(&["--help"])).join("\n");
    assert!(help.contains("Usage: example-rank-tally FILE.csv [--seats N]"));
    assert!(help.contains("Default rules"));
    let too_many = run(&["test_data/council.csv", "--seats", "4"]);
    assert_eq!(too_many.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&too_many.stderr).trim_end(),
        "test_data/council.csv: 4 seats cannot be filled from 3 declared candidate(s)"
    );
}

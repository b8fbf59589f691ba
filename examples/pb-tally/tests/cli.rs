//! The command-line contract of `example-pb-tally`: two lines, `greedy: …` and `mes: …`, each
//! with the total cost as ` (cost N)`.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_example-pb-tally"))
        .args(args)
        .output()
        .expect("the example runs")
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn prints_greedy_and_mes_lines_with_their_costs() {
    let output = run(&[&data("district.pb")]);
    assert!(output.status.success(), "{output:?}");
    // Greedy gives the 6 bridge voters everything that fits. MES gives each side its share
    // (B1, B2 at 50 per bridge voter, M1 at 62.5 per market voter), and the greedy fill adds X;
    // Z has no votes and is never funded. Cross-checked with pabutools (crosscheck.py in
    // baraza-core's test_data/budgeting).
    assert_eq!(
        String::from_utf8(output.stdout).expect("utf-8"),
        "greedy: B1, B2, B3 (cost 900)\nmes: B1, B2, M1, X (cost 1000)\n"
    );
    assert!(output.stderr.is_empty());
}

#[test]
fn reports_every_bad_line_and_fails() {
    let output = run(&[&data("bad.pb")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    let path = data("bad.pb");
    assert_eq!(
        stderr,
        format!(
            "{path}: line 8: cost \"lots\" is not a non-negative decimal number (digits with an \
             optional decimal point, like 1500 or 0.9)\n\
             {path}: line 12: vote names project \"C\", which is not in PROJECTS\n"
        )
    );
}

#[test]
fn refuses_non_approval_votes_clearly() {
    let output = run(&[&data("ordinal.pb")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert!(
        stderr.ends_with(
            "the votes are ordinal; greedy and equal-shares outcomes need approval (or choose-1) votes\n"
        ),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).expect("utf-8"),
        "usage: example-pb-tally FILE.pb\n"
    );
    let missing = run(&[&data("no-such-file.pb")]);
    assert_eq!(missing.status.code(), Some(1));
}

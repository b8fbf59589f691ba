//! What the runs measured, checked against the issue-6 targets, and the tables printed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::process::Command;

use anyhow::Context as _;

use super::{Engine, Options};

/// Share of answers that may be unexpected (or socket errors) before the run fails.
const FAILURE_TOLERANCE: f64 = 0.001;
/// Peak resident memory allowed by issue 6, in bytes (64 MB).
const RSS_TARGET_BYTES: u64 = 64_000_000;
/// Issue 6: SQLite's ballots/s at 32 connections at least this many times Isso's comments/s.
const ISSO_RATIO_TARGET: f64 = 40.0;

/// The server a run measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum System {
    Baraza(Engine),
    /// The comment server issue 6 compares Baraza with.
    Isso,
}

impl System {
    pub(super) fn name(self) -> &'static str {
        match self {
            System::Baraza(engine) => engine.name(),
            System::Isso => "isso",
        }
    }
}

/// What one server measured, or why it was skipped.
pub(super) struct Report {
    pub(super) system: System,
    pub(super) skipped: Option<String>,
    pub(super) runs: Vec<Measurement>,
    /// Peak RSS of each server process, with what it served.
    pub(super) peak_rss: Vec<(&'static str, u64)>,
    pub(super) notes: Vec<String>,
}

/// What one wrk run measured.
pub(super) struct Measurement {
    pub(super) system: System,
    pub(super) scenario: &'static str,
    pub(super) connections: u64,
    pub(super) expected_status: u16,
    /// Answers with the expected status.
    pub(super) ok: u64,
    pub(super) seconds: f64,
    pub(super) p50_ms: f64,
    pub(super) p99_ms: f64,
    /// Other statuses and how often each came.
    pub(super) unexpected: BTreeMap<u16, u64>,
    pub(super) socket_errors: u64,
    /// CPU time the server used during the run, in cores (1.0 = one core busy throughout).
    pub(super) server_cores: f64,
    /// The same for wrk, which shares the machine.
    pub(super) wrk_cores: f64,
}

impl Measurement {
    /// Parses the `baraza-bench key=value…` line printed by the Lua script's `done`.
    pub(super) fn parse(
        line: &str,
        system: System,
        scenario: &'static str,
        connections: u32,
        expected_status: u16,
    ) -> anyhow::Result<Self> {
        let fields: BTreeMap<&str, &str> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|field| field.split_once('='))
            .collect();
        let number = |key: &str| -> anyhow::Result<u64> {
            let value = fields
                .get(key)
                .with_context(|| format!("no {key} in `{line}`"))?;
            value
                .parse()
                .with_context(|| format!("{key}={value} is not a count in `{line}`"))
        };
        let mut ok = 0;
        let mut unexpected = BTreeMap::new();
        let statuses = fields.get("statuses").copied().unwrap_or_default();
        for pair in statuses.split(',').filter(|pair| !pair.is_empty()) {
            let (status, count) = pair
                .split_once(':')
                .with_context(|| format!("bad status count `{pair}` in `{line}`"))?;
            let status: u16 = status
                .parse()
                .with_context(|| format!("bad status in `{line}`"))?;
            let count: u64 = count
                .parse()
                .with_context(|| format!("bad count in `{line}`"))?;
            if status == expected_status {
                ok += count;
            } else {
                *unexpected.entry(status).or_default() += count;
            }
        }
        let micros_to_ms = |micros: u64| micros as f64 / 1000.0;
        Ok(Self {
            system,
            scenario,
            connections: connections.into(),
            expected_status,
            ok,
            seconds: number("duration_us")? as f64 / 1e6,
            p50_ms: micros_to_ms(number("p50_us")?),
            p99_ms: micros_to_ms(number("p99_us")?),
            unexpected,
            socket_errors: number("connect")?
                + number("read")?
                + number("write")?
                + number("timeout")?,
            server_cores: 0.0,
            wrk_cores: 0.0,
        })
    }

    fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.ok as f64 / self.seconds
        } else {
            0.0
        }
    }

    fn non_2xx(&self) -> u64 {
        self.unexpected
            .iter()
            .filter(|(status, _)| !(200..300).contains(*status))
            .map(|(_, count)| count)
            .sum()
    }

    fn failed_answers(&self) -> u64 {
        self.unexpected.values().sum::<u64>() + self.socket_errors
    }

    /// Why this run failed, if more answers were wrong than the tolerance allows.
    pub(super) fn failure(&self) -> Option<String> {
        let answers = self.ok + self.failed_answers();
        let allowed = (answers as f64 * FAILURE_TOLERANCE).floor() as u64;
        (self.failed_answers() > allowed).then(|| {
            let statuses: Vec<String> = self
                .unexpected
                .iter()
                .map(|(status, count)| format!("{count} × {status}"))
                .collect();
            format!(
                "{} {} at {} connections: {} of {answers} answers were not {} ({}; {} socket errors)",
                self.system.name(),
                self.scenario,
                self.connections,
                self.failed_answers(),
                self.expected_status,
                if statuses.is_empty() { "no other status".to_owned() } else { statuses.join(", ") },
                self.socket_errors,
            )
        })
    }

    /// The issue-6 target of this run and whether it was met, or "" when it has none.
    fn target(&self) -> String {
        let (rate, p99) = match (self.system, self.scenario, self.connections) {
            (System::Baraza(Engine::Sqlite), "ballots", 32) => (15_000.0, Some(20.0)),
            (System::Baraza(Engine::Postgres), "ballots", 32) => (5_000.0, Some(30.0)),
            (System::Baraza(_), "results" | "results, 1M stored", 32) => (25_000.0, None),
            _ => return String::new(),
        };
        let met = self.per_second() >= rate && p99.is_none_or(|limit| self.p99_ms <= limit);
        let p99 = p99
            .map(|limit| format!(", p99 ≤ {limit} ms"))
            .unwrap_or_default();
        format!(
            "≥ {}/s{p99}: {}",
            thousands(rate as u64),
            if met { "met" } else { "MISSED" }
        )
    }

    pub(super) fn summary(&self) -> String {
        format!(
            "{} {} at {} connections: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms, {} failed",
            self.system.name(),
            self.scenario,
            self.connections,
            self.per_second(),
            self.p50_ms,
            self.p99_ms,
            self.failed_answers()
        )
    }
}

impl Report {
    pub(super) fn new(system: System) -> Self {
        Self {
            system,
            skipped: None,
            runs: Vec::new(),
            peak_rss: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The rate of `scenario` at 32 connections, when it was measured.
    fn rate_at_32(&self, scenario: &str) -> Option<f64> {
        self.runs
            .iter()
            .find(|run| run.scenario == scenario && run.connections == 32)
            .map(Measurement::per_second)
    }

    pub(super) fn failures(&self) -> Vec<String> {
        self.runs.iter().filter_map(Measurement::failure).collect()
    }
}

/// Prints the tables; `load_average` is /proc/loadavg's three figures before the first run.
pub(super) fn print_reports(reports: &[Report], options: &Options, load_average: &str) {
    let mut out = String::new();
    let command = std::iter::once("cargo xtask".to_owned())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ");
    let _ = writeln!(out, "\nServer benchmark: {command}");
    let _ = writeln!(
        out,
        "{}, commit {}, {}, load average before the runs {}; wrk {} threads, {} s a run, same machine",
        command_line(Command::new("date").args(["-u", "+%Y-%m-%d"]))
            .unwrap_or_else(|| "date unknown".into()),
        commit(),
        machine(),
        load_average,
        options.threads,
        options.duration,
    );
    let _ = writeln!(
        out,
        "CPU columns: cores used during the run (2.00 = two cores busy throughout)."
    );
    let _ = writeln!(
        out,
        "requests/s counts answers with the expected status: 201 for ballots and Isso's comments, \
         200 for reads."
    );
    for report in reports {
        let _ = writeln!(out, "\n{}", report.system.name());
        if let Some(reason) = &report.skipped {
            let _ = writeln!(out, "  {reason}");
            continue;
        }
        let _ = writeln!(
            out,
            "| engine | scenario | connections | requests/s | p50 ms | p99 ms | non-2xx | socket errors | server CPU | wrk CPU | target |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for run in &report.runs {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.2} | {:.2} | {} | {} | {:.2} | {:.2} | {} |",
                run.system.name(),
                run.scenario,
                run.connections,
                thousands(run.per_second().round() as u64),
                run.p50_ms,
                run.p99_ms,
                run.non_2xx(),
                run.socket_errors,
                run.server_cores,
                run.wrk_cores,
                run.target(),
            );
        }
        for (served, bytes) in &report.peak_rss {
            let verdict = if *bytes <= RSS_TARGET_BYTES {
                "met"
            } else {
                "MISSED"
            };
            let _ = writeln!(
                out,
                "peak RSS ({served}): {:.1} MB (target ≤ 64 MB: {verdict})",
                *bytes as f64 / 1e6
            );
        }
        for note in &report.notes {
            let _ = writeln!(out, "{note}");
        }
    }
    let ratios = isso_ratios(reports);
    if !ratios.is_empty() {
        let _ = writeln!(
            out,
            "\nBaraza ballots/s ÷ Isso comments/s at 32 connections, same run:"
        );
        for ratio in ratios {
            let _ = writeln!(out, "{ratio}");
        }
    }
    print!("{out}");
}

/// One line per Baraza engine: its ballots/s at 32 connections over Isso's comments/s, with the
/// issue's target for SQLite. Empty when Isso was not part of the run.
fn isso_ratios(reports: &[Report]) -> Vec<String> {
    let Some(isso) = reports.iter().find(|report| report.system == System::Isso) else {
        return Vec::new();
    };
    let Some(comments) = isso.rate_at_32("comments") else {
        return vec!["not measured: Isso was skipped or failed".to_owned()];
    };
    reports
        .iter()
        .filter_map(|report| match report.system {
            System::Baraza(engine) => Some((engine, report.rate_at_32("ballots")?)),
            System::Isso => None,
        })
        .map(|(engine, ballots)| {
            let ratio = if comments > 0.0 {
                format!("{:.0}×", ballots / comments)
            } else {
                "unbounded (no comment stored)".to_owned()
            };
            let target = match engine {
                Engine::Sqlite if comments > 0.0 => format!(
                    " (target ≥ {ISSO_RATIO_TARGET:.0}×: {})",
                    if ballots / comments >= ISSO_RATIO_TARGET {
                        "met"
                    } else {
                        "MISSED"
                    }
                ),
                Engine::Sqlite | Engine::Postgres => String::new(),
            };
            format!(
                "{}: {} ÷ {:.1} = {ratio}{target}",
                engine.name(),
                thousands(ballots.round() as u64),
                comments
            )
        })
        .collect()
}

/// `1234567` as `1,234,567`.
pub(super) fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn command_line(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The commit measured, marked when the work tree has changes.
fn commit() -> String {
    let head = command_line(Command::new("git").args(["rev-parse", "--short", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    let dirty =
        command_line(Command::new("git").args(["status", "--porcelain", "--untracked-files=no"]))
            .is_some_and(|status| !status.is_empty());
    if dirty {
        format!("{head} + uncommitted changes")
    } else {
        head
    }
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .and_then(|rest| rest.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpus} CPUs ({model})")
}

#[cfg(test)]
mod tests {
    use super::{Measurement, Report, System, isso_ratios, thousands};
    use crate::bench_server::Engine;

    const LINE: &str = "baraza-bench requests=20100 duration_us=2000000 p50_us=1500 p99_us=21000 \
                        connect=0 read=1 write=0 timeout=0 statuses=201:20000,409:99";

    #[test]
    fn the_script_line_gives_rate_latency_and_unexpected_statuses() {
        let run = Measurement::parse(LINE, System::Baraza(Engine::Sqlite), "ballots", 32, 201)
            .expect("the line has every field");
        assert_eq!(run.ok, 20_000);
        assert!((run.per_second() - 10_000.0).abs() < 1e-9);
        assert!((run.p50_ms - 1.5).abs() < 1e-9);
        assert!((run.p99_ms - 21.0).abs() < 1e-9);
        assert_eq!(run.non_2xx(), 99);
        assert_eq!(run.socket_errors, 1);
        assert_eq!(run.target(), "≥ 15,000/s, p99 ≤ 20 ms: MISSED");
        let failure = run
            .failure()
            .expect("100 wrong answers of 20,100 is over 0.1 %");
        assert!(failure.contains("99 × 409"), "{failure}");
    }

    #[test]
    fn a_few_wrong_answers_are_tolerated() {
        let line = LINE.replace("409:99", "409:19");
        let run = Measurement::parse(&line, System::Baraza(Engine::Sqlite), "ballots", 32, 201)
            .expect("the line has every field");
        assert_eq!(run.failure(), None);
    }

    #[test]
    fn a_line_without_latency_is_an_error() {
        let line = LINE.replace("p99_us=21000 ", "");
        assert!(
            Measurement::parse(&line, System::Baraza(Engine::Sqlite), "ballots", 32, 201).is_err()
        );
    }

    /// A report of one run at 32 connections: `ok` expected answers in 10 s.
    fn report(system: System, scenario: &'static str, ok: u64) -> Report {
        let line = format!(
            "baraza-bench requests={ok} duration_us=10000000 p50_us=1000 p99_us=2000 \
             connect=0 read=0 write=0 timeout=0 statuses=201:{ok}"
        );
        let mut report = Report::new(system);
        report.runs.push(
            Measurement::parse(&line, system, scenario, 32, 201).expect("the line has every field"),
        );
        report
    }

    #[test]
    fn the_isso_ratio_divides_ballots_by_comments_at_32_connections() {
        let reports = [
            report(System::Baraza(Engine::Sqlite), "ballots", 160_000),
            report(System::Baraza(Engine::Postgres), "ballots", 30_000),
            report(System::Isso, "comments", 640),
        ];
        assert_eq!(
            isso_ratios(&reports),
            [
                "sqlite: 16,000 ÷ 64.0 = 250× (target ≥ 40×: met)",
                "postgres: 3,000 ÷ 64.0 = 47×",
            ]
        );
        let slow = [
            report(System::Baraza(Engine::Sqlite), "ballots", 20_000),
            report(System::Isso, "comments", 640),
        ];
        assert_eq!(
            isso_ratios(&slow),
            ["sqlite: 2,000 ÷ 64.0 = 31× (target ≥ 40×: MISSED)"]
        );
    }

    #[test]
    fn no_isso_report_means_no_ratio_and_a_skipped_one_says_so() {
        let baraza = report(System::Baraza(Engine::Sqlite), "ballots", 160_000);
        assert!(isso_ratios(std::slice::from_ref(&baraza)).is_empty());
        let mut skipped = Report::new(System::Isso);
        skipped.skipped = Some("skipped (--skip-isso)".to_owned());
        let ratios = isso_ratios(&[baraza, skipped]);
        assert_eq!(ratios, ["not measured: Isso was skipped or failed"]);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}

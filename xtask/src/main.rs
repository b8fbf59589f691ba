//! Baraza's development tasks, run as `cargo xtask <task>`. Each task does its own set-up
//! (toolchain target, wasm-bindgen CLI, npm tools, Chromium), idempotently, so a fresh machine
//! needs no other step.
//!
//! * `cargo xtask demo` – build everything and serve the demo site until stopped.
//! * `cargo xtask test` – every check and test: format, lints, packaging of the published
//!   crates, unit, API and browser tests.
//! * `cargo xtask dist` – build the widget bundle into `target/widgets` and report its size.
//! * `cargo xtask bench-wasm [BENCH…]` – run the Criterion benchmarks of the core and of the
//!   crates it re-exports compiled to WebAssembly (wasm32-wasip1) under Node's WASI.
//! * `cargo xtask package` – `cargo package` for the crates meant for the public registry
//!   (baraza-ranked, baraza-budgeting, baraza-core), together, verifying that each builds from
//!   its packaged sources alone.
//! * `cargo xtask bench-server` – the release server under load (wrk over loopback) on SQLite
//!   and PostgreSQL: ballots/s, results reads/s, p50/p99 latency and peak RSS.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};

mod bench_server;
mod dist;
mod setup;

#[derive(Debug, Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Build the widgets and the server, then serve the demo site (honours BARAZA_LISTEN).
    Demo,
    /// Run every check and test, as CI does.
    Test,
    /// Build the widget bundle into target/widgets and check it against the size budget.
    Dist,
    /// Run the benchmarks of baraza-core, baraza-ranked and baraza-budgeting compiled to
    /// WebAssembly (wasm32-wasip1) under Node's WASI.
    BenchWasm {
        /// Benchmarks to run (file names in the three crates' benches/); all when none is given.
        benches: Vec<String>,
    },
    /// `cargo package` the crates meant for the public registry (baraza-ranked,
    /// baraza-budgeting, baraza-core): each packaged and built from its package alone.
    Package,
    /// Load-test the release server over loopback with wrk, on SQLite and PostgreSQL.
    BenchServer(bench_server::Options),
}

fn main() -> anyhow::Result<()> {
    let root = workspace_root()?;
    std::env::set_current_dir(&root)?;
    match Cli::parse().task {
        Task::Demo => demo(&root),
        Task::Test => test(&root),
        Task::BenchWasm { benches } => bench_wasm(&root, &benches),
        Task::BenchServer(options) => bench_server::bench(&root, &options),
        Task::Package => package(),
        Task::Dist => {
            setup::wasm_toolchain(&root)?;
            setup::npm_tools(&root)?;
            dist::build(&root).map(drop)
        }
    }
}

/// The crates meant for the public Rust registry, dependencies first. Everything else in the
/// workspace (server, widgets, xtask, examples) stays `publish = false`.
const PUBLISHED: [&str; 3] = ["baraza-ranked", "baraza-budgeting", "baraza-core"];

/// Packages the published crates together: cargo resolves their path dependencies on each
/// other from the packages being made, so this works before any of them is on the registry
/// (it still reads the registry's index for the other dependencies).
fn package() -> anyhow::Result<()> {
    let mut command = cargo();
    // `--allow-dirty`: this checks that the crates package and build, during development as in
    // CI; whether the tree is committed matters only to a real `cargo publish`, which checks it.
    command.args(["package", "--allow-dirty"]);
    for package in PUBLISHED {
        command.args(["--package", package]);
    }
    run(&mut command)
}

fn workspace_root() -> anyhow::Result<PathBuf> {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .context("xtask lives inside the workspace")
}

/// Runs a command to completion, failing with the command line if it fails.
pub(crate) fn run(command: &mut Command) -> anyhow::Result<()> {
    eprintln!("xtask: {}", describe(command));
    let status = command
        .status()
        .with_context(|| format!("cannot start {}", describe(command)))?;
    if !status.success() {
        bail!("{} failed with {status}", describe(command));
    }
    Ok(())
}

pub(crate) fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| part.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn demo(root: &Path) -> anyhow::Result<()> {
    setup::wasm_toolchain(root)?;
    setup::npm_tools(root)?;
    dist::build(root)?;
    // The server reads BARAZA_LISTEN, BARAZA_DATABASE_URL... itself; the demo lets any site embed
    // and loads the demo polls the www/ page shows.
    run(cargo()
        .args([
            "run",
            "--quiet",
            "--package",
            "baraza-server",
            "--bin",
            "baraza",
            "--",
            "serve",
            "--demo",
        ])
        .env(
            "BARAZA_ALLOWED_ORIGINS",
            std::env::var("BARAZA_ALLOWED_ORIGINS").unwrap_or_else(|_| "*".into()),
        ))
}

fn bench_wasm(root: &Path, benches: &[String]) -> anyhow::Result<()> {
    setup::rust_target("wasm32-wasip1")?;
    let runner = format!(
        "node --no-warnings {}",
        root.join("xtask/js/wasi-run.mjs").display()
    );
    let mut command = cargo();
    command.args(["bench", "--target", "wasm32-wasip1"]);
    // Cargo finds each `--bench NAME` in whichever of these packages has it.
    for package in PUBLISHED {
        command.args(["--package", package]);
    }
    for bench in benches {
        command.args(["--bench", bench]);
    }
    run(command.env("CARGO_TARGET_WASM32_WASIP1_RUNNER", runner))
}

fn test(root: &Path) -> anyhow::Result<()> {
    setup::wasm_toolchain(root)?;
    setup::npm_tools(root)?;
    setup::chromium()?;
    setup::kannel()?;
    run(cargo().args(["fmt", "--all", "--check"]))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The core must stay portable: it is also compiled for browsers.
    run(cargo().args([
        "build",
        "--package",
        "baraza-core",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    // The crates meant for the public registry must package and build from their packages
    // alone (about 15 s warm, under a minute cold).
    package()?;
    dist::build(root)?;
    // BARAZA_REQUIRE_KANNEL: the SMS test against the real gateway fails instead of skipping.
    run(cargo()
        .args(["test", "--workspace"])
        .env("BARAZA_REQUIRE_KANNEL", "1"))?;
    // The server suite again on PostgreSQL (every machine of this project runs one on
    // 127.0.0.1:5432; each test creates and drops its own database).
    run(cargo()
        .args(["test", "--package", "baraza-server"])
        .env("BARAZA_TEST_DATABASE", "postgres")
        .env("BARAZA_REQUIRE_KANNEL", "1"))?;
    run(cargo().args(["build", "--package", "baraza-server", "--bin", "baraza"]))?;
    let target_dir = root.join("target");
    run(Command::new("node")
        .args(["--test", "--test-concurrency=1", "tests/browser/"])
        .env("BARAZA_BIN", target_dir.join("debug").join("baraza"))
        .env("BARAZA_WIDGETS_DIR", target_dir.join("widgets"))
        .env("BARAZA_WWW_DIR", root.join("www"))
        .env("CHROMIUM_PATH", setup::CHROMIUM))
}

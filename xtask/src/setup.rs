//! Idempotent installation of the tools the build and the tests need, from the registries this
//! project may use (rustup, crates.io, npm, Debian) and nowhere else.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::{cargo, run};

/// Where Debian's Chromium lives; browser tests drive it, never a downloaded browser.
pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";

fn output(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A Rust compilation target, added with rustup unless it is installed already.
pub(crate) fn rust_target(target: &str) -> anyhow::Result<()> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|line| line.trim() == target) {
        run(Command::new("rustup").args(["target", "add", target]))?;
    }
    Ok(())
}

/// The wasm32 target and a wasm-bindgen CLI of exactly the version in Cargo.lock.
pub(crate) fn wasm_toolchain(root: &Path) -> anyhow::Result<()> {
    rust_target("wasm32-unknown-unknown")?;
    let wanted = locked_version(root, "wasm-bindgen")?;
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) != Some(wanted.as_str()) {
        // Not --locked: the CLI's own lock file asks for versions the registry mirror may lack.
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted]))?;
    }
    Ok(())
}

/// The version of `package` recorded in Cargo.lock.
fn locked_version(root: &Path, package: &str) -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"")
            && let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    bail!("{package} is not in Cargo.lock")
}

/// wasm-opt (npm `binaryen`), terser, playwright-core and axe-core at the versions in
/// package-lock.json.
pub(crate) fn npm_tools(root: &Path) -> anyhow::Result<()> {
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(root))
}

/// Debian's Chromium and ChromeDriver, for the browser tests.
pub(crate) fn chromium() -> anyhow::Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    run(Command::new("apt-get").arg("update").arg("-qq"))
        .context("installing Chromium needs apt-get (as root); or install Debian's chromium and chromium-driver")?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Debian's Kannel SMS gateway (`bearerbox`, `smsbox`) and its phone simulator `fakesmsc`
/// (`kannel-extras`), for the SMS tests against a real gateway.
pub(crate) fn kannel() -> anyhow::Result<()> {
    let installed = [
        "/usr/sbin/bearerbox",
        "/usr/sbin/smsbox",
        "/usr/lib/kannel/test/fakesmsc",
    ]
    .iter()
    .all(|path| Path::new(path).exists());
    if installed {
        return Ok(());
    }
    run(Command::new("apt-get").arg("update").arg("-qq")).context(
        "installing Kannel needs apt-get (as root); or install Debian's kannel and kannel-extras",
    )?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "kannel",
            "kannel-extras",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

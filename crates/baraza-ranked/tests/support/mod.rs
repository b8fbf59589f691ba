//! Locating the reference data that the conformance tests check against.
//!
//! The reference folder (RCTab's regression cases under `rcv/`, pabulib elections under `pb/`;
//! see the README.md in it) is never copied into this repository. It is found at
//! `$BARAZA_REFERENCE_DIR`, or by default at `../shared/reference` beside the checkout.
//!
//! When a piece of it is missing, a conformance test cannot check anything, so what happens
//! depends on where it runs:
//!
//! * in CI (`CI` set to anything but `false`/`0`, as GitHub Actions and most CI systems do) or
//!   with `BARAZA_REQUIRE_REFERENCE=1`, the test fails, naming the case and the missing path;
//! * otherwise it is skipped, and says so on the terminal even though cargo captures the output
//!   of passing tests.

#![allow(
    dead_code,
    reason = "each test crate includes this module and uses a different subset of it"
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The variable naming the reference folder.
pub(crate) const REFERENCE_DIR_VAR: &str = "BARAZA_REFERENCE_DIR";
/// The variable that makes missing reference data a failure outside CI.
pub(crate) const REQUIRE_VAR: &str = "BARAZA_REQUIRE_REFERENCE";

/// The reference folder: `$BARAZA_REFERENCE_DIR`, else `../shared/reference` beside the checkout.
pub(crate) fn reference_root() -> PathBuf {
    std::env::var_os(REFERENCE_DIR_VAR).map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/reference"
            ))
        },
        PathBuf::from,
    )
}

/// Whether missing reference data must fail the test rather than skip it.
pub(crate) fn reference_required() -> bool {
    let truthy = |name: &str| {
        std::env::var(name).is_ok_and(|value| {
            let value = value.trim();
            !value.is_empty() && value != "0" && !value.eq_ignore_ascii_case("false")
        })
    };
    truthy("CI") || truthy(REQUIRE_VAR)
}

/// The path of `relative` inside the reference folder, when it exists.
///
/// When it does not, this panics (in CI or with `BARAZA_REQUIRE_REFERENCE=1`) with a message
/// naming `case` and the path, or otherwise writes a visible skip notice and returns `None`.
#[track_caller]
pub(crate) fn reference_path(relative: &str, case: &str) -> Option<PathBuf> {
    let path = reference_root().join(relative);
    if path.exists() {
        return Some(path);
    }
    missing(&path, case);
    None
}

/// Reports that `path`, needed by `case`, is missing: a failure when required, else a skip.
#[track_caller]
pub(crate) fn missing(path: &Path, case: &str) {
    let message = format!(
        "reference data for {case} not found: {} does not exist \
         (set {REFERENCE_DIR_VAR} to the reference folder)",
        path.display()
    );
    assert!(
        !reference_required(),
        "{message}; missing reference data fails the test in CI and with {REQUIRE_VAR}=1"
    );
    // Straight to the process's stderr: `eprintln!` output of a passing test is captured by the
    // test harness and never shown, and a silent skip would look like a pass.
    let _ignored = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED: {message}. Nothing was checked for this case; \
         CI=true or {REQUIRE_VAR}=1 makes this a failure. ***"
    );
}

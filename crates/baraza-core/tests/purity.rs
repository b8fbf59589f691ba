//! The core must stay pure: no async runtime, database, HTTP stack or browser bindings in its
//! dependency tree. It is shared by the server and the wasm widgets, and its results must be
//! reproducible from its inputs alone; I/O belongs in `baraza-server`, browser glue in
//! `baraza-widgets`.

use std::collections::BTreeSet;
use std::process::Command;

/// Crates (and their `-suffixed` companions such as `tokio-macros`) that mean I/O, async
/// runtimes or browser bindings.
const FORBIDDEN: &[&str] = &[
    "tokio",
    "sqlx",
    "axum",
    "hyper",
    "web-sys",
    "js-sys",
    "wasm-bindgen",
    "mio",
    "reqwest",
];

/// `cargo tree` for the normal (non-dev, non-build) dependencies of this crate, one crate per
/// line, e.g. `serde v1.0.228` or `baraza-core v0.1.0 (/path)`.
fn dependency_tree(extra_args: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "baraza-core",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(extra_args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree can be started");
    assert!(
        output.status.success(),
        "cargo tree {extra_args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).expect("cargo tree prints UTF-8");
    assert!(
        tree.lines().any(|line| line.starts_with("baraza-core ")),
        "the tree must list baraza-core itself, or this check proves nothing:\n{tree}"
    );
    tree
}

/// The crate name at the start of each line.
fn crate_names(tree: &str) -> BTreeSet<&str> {
    tree.lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect()
}

/// Forbidden crates present in `tree`.
fn forbidden_in(tree: &str) -> Vec<&str> {
    crate_names(tree)
        .into_iter()
        .filter(|name| {
            FORBIDDEN.iter().any(|forbidden| {
                *name == *forbidden
                    || name
                        .strip_prefix(forbidden)
                        .is_some_and(|rest| rest.starts_with('-'))
            })
        })
        .collect()
}

fn assert_pure(tree: &str, which: &str) {
    let found = forbidden_in(tree);
    assert!(
        found.is_empty(),
        "baraza-core must stay pure (no I/O, no async runtime, no browser bindings), but its \
         {which} dependency tree contains {found:?}. Move the code that needs them to \
         baraza-server or baraza-widgets and pass values into the core instead.\n{tree}"
    );
}

#[test]
fn core_dependency_tree_has_no_io_runtime_or_browser_crates() {
    let tree = dependency_tree(&[]);
    assert_pure(&tree, "host");
}

#[test]
fn core_dependency_tree_has_no_io_runtime_or_browser_crates_on_any_target() {
    // Target-specific dependencies (e.g. `[target.'cfg(target_arch = "wasm32")'.dependencies]`,
    // through which js-sys and wasm-bindgen usually arrive) only show up with `--target all`.
    let tree = dependency_tree(&["--target", "all"]);
    assert_pure(&tree, "all-targets");
}

#[test]
fn core_dependency_tree_lists_the_dependencies_it_is_known_to_have() {
    // Guards the parsing above: if the output format changed, the names would not be found.
    let tree = dependency_tree(&[]);
    let names = crate_names(&tree);
    for expected in ["baraza-core", "serde", "thiserror", "time"] {
        assert!(names.contains(expected), "{expected} missing from\n{tree}");
    }
}

#[test]
fn forbidden_crates_are_recognised_in_cargo_tree_output() {
    // The check itself must be able to fail: a tree with forbidden crates is caught, including
    // repeated entries marked `(*)` and companion crates, but look-alike names are not.
    let tree = "baraza-core v0.1.0 (/work/main/crates/baraza-core)\n\
                serde v1.0.228\n\
                tokio v1.47.0\n\
                tokio-macros v2.5.0 (proc-macro)\n\
                wasm-bindgen v0.2.130 (*)\n\
                minimal-lexical v0.2.1\n\
                hyperloglog v1.0.0\n";
    assert_eq!(
        forbidden_in(tree),
        ["tokio", "tokio-macros", "wasm-bindgen"]
    );
}

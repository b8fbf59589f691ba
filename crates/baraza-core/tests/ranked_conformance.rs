//! The RCTab conformance cases of `baraza-ranked` (its `tests/conformance.rs`), run by
//! baraza-core's tests too: baraza-core re-exports that crate as `baraza_core::ranked` and its
//! README claims those counts, so `cargo test -p baraza-core` must fail in CI when the
//! reference data is missing, exactly as `cargo test -p baraza-ranked` does.

#[path = "../../baraza-ranked/tests/conformance.rs"]
mod conformance;

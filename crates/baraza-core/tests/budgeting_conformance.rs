//! The pabulib conformance elections of `baraza-budgeting` (its `tests/conformance.rs`), run by
//! baraza-core's tests too: baraza-core re-exports that crate as `baraza_core::budgeting` and
//! its README claims those outcomes, so `cargo test -p baraza-core` must fail in CI when the
//! reference data is missing, exactly as `cargo test -p baraza-budgeting` does.

#[path = "../../baraza-budgeting/tests/conformance.rs"]
mod conformance;

//! kripke: an explicit-state model checker for distributed protocols.
//!
//! The pipeline runs one way: [`parser`] (text to AST) → [`sema`] (names,
//! types, finiteness, desugaring into the core program) → checker. See
//! ARCHITECTURE.md for the map and the invariants of each layer.

pub mod checker;
pub mod diag;
pub mod expect;
pub mod explain;
pub mod frontend;
pub mod model;
pub mod outputs;
pub mod parser;
pub mod report;
pub mod sema;
pub mod stdlib;

/// Exit codes, shared by every subcommand.
pub mod exit {
    /// Every property holds (or, for `lint`, the spec is clean).
    pub const OK: i32 = 0;
    /// A property is violated or a deadlock was found.
    pub const VIOLATION: i32 = 1;
    /// The spec (or the command line) has errors.
    pub const SPEC_ERROR: i32 = 2;
    /// A limit stopped the run before it finished.
    pub const INCOMPLETE: i32 = 3;
    /// kripke itself failed.
    pub const INTERNAL: i32 = 4;
}

//! The explorer: breadth-first (or depth-first) search of a model's
//! reachable states, checking invariants, deadlocks and constraints, and
//! rebuilding and re-validating the counterexample it reports.
//!
//! Architecture invariant: the checker sees a model only through the
//! [`Model`] trait. It knows nothing of the language, its AST or its types,
//! so it can be tested (below) and benchmarked on hand-written toy models.
//!
//! Counting follows TLC: *distinct* states are the reachable states that
//! satisfy the constraints; *generated* states are the initial states plus
//! every successor computed, duplicates included; *depth* is the number of
//! states on the longest shortest path from an initial state (one initial
//! state and no steps is depth 1). A successor outside the constraints is
//! checked against the invariants, but neither stored nor explored.

mod explore;
pub mod liveness;
pub mod store;
#[cfg(test)]
mod tests;

pub use explore::{
    Config, Control, Limit, Outcome, Progress, Stats, TraceStep, Verdict, check, check_observed,
    validate, validate_outcome,
};

use std::hash::Hash;

/// What the explorer needs from a model.
pub trait Model {
    /// A state: compared and hashed as a whole.
    type State: Clone + Eq + Hash;
    /// What a step is called in a trace (an action and its arguments);
    /// equal labels are the same action instance (for fairness).
    type Label: Clone + Eq + Hash + std::fmt::Debug;
    /// An error in the model found while running it.
    type Error: Clone + PartialEq + std::fmt::Debug;

    fn initial_states(&self) -> Result<Vec<Self::State>, Self::Error>;
    /// Appends every successor of `s`, each with the step that leads to it,
    /// in a deterministic order.
    fn successors(
        &self,
        s: &Self::State,
        out: &mut Vec<(Self::Label, Self::State)>,
    ) -> Result<(), Self::Error>;
    /// The first invariant (by index) that `s` violates.
    fn violated_invariant(&self, s: &Self::State) -> Result<Option<usize>, Self::Error>;
    /// Whether `s` satisfies every constraint (is explored further).
    fn within_constraints(&self, s: &Self::State) -> Result<bool, Self::Error>;
    /// Whether `s` may have no successor without that being a deadlock.
    fn may_stop(&self, s: &Self::State) -> Result<bool, Self::Error>;

    /// Whether the model reduces states by symmetry: the explorer then
    /// stores and expands `canonical(s)` for every state `s`.
    fn reduces(&self) -> bool {
        false
    }
    /// A representative of `s`'s symmetry class: the same for every state
    /// of the class, and reached by runs that mirror those reaching `s`.
    fn canonical(&self, s: &Self::State) -> Self::State {
        s.clone()
    }
    /// `successors`, each made canonical: the same as calling `canonical`
    /// on each, which a model may do more cheaply while it builds them.
    fn canonical_successors(
        &self,
        s: &Self::State,
        out: &mut Vec<(Self::Label, Self::State)>,
    ) -> Result<(), Self::Error> {
        let from = out.len();
        self.successors(s, out)?;
        for (_, t) in &mut out[from..] {
            *t = self.canonical(t);
        }
        Ok(())
    }

    /// The successors the explorer takes: those of `canonical_successors`
    /// if `canonical`, else of `successors`, in the same order, packed
    /// (each one's `state_words()` words appended to `words`, see
    /// [`Model::pack`]) with their labels as runs (a label and how many
    /// successors in a row have it). A model can build them there without
    /// making a `State` of each: most successors of a large model are
    /// states seen before, dropped as soon as they are fingerprinted.
    fn packed_successors(
        &self,
        s: &Self::State,
        canonical: bool,
        words: &mut Vec<u64>,
        runs: &mut Vec<(Self::Label, u32)>,
    ) -> Result<(), Self::Error> {
        let mut out = Vec::new();
        if canonical {
            self.canonical_successors(s, &mut out)?;
        } else {
            self.successors(s, &mut out)?;
        }
        for (l, t) in out {
            self.pack(&t, words);
            runs.push((l, 1));
        }
        Ok(())
    }
    /// `violated_invariant` of the state packed in `words` (see
    /// [`Model::pack`]): the explorer checks successors as it has them,
    /// packed, and a model may check them there without unpacking.
    fn violated_invariant_packed(&self, words: &[u64]) -> Result<Option<usize>, Self::Error> {
        self.violated_invariant(&self.unpack(words))
    }
    /// `within_constraints` of the state packed in `words`.
    fn within_constraints_packed(&self, words: &[u64]) -> Result<bool, Self::Error> {
        self.within_constraints(&self.unpack(words))
    }
    /// Whether the model has constraints: without, `within_constraints`
    /// is true of every state, and the explorer need not ask.
    fn has_constraints(&self) -> bool {
        true
    }

    /// The temporal properties to check, each a conjunction of the forms
    /// the liveness checker decides, over the model's state predicates.
    fn properties(&self) -> Vec<liveness::Property> {
        Vec::new()
    }
    /// Appends whether each state predicate (numbered by `properties`)
    /// holds in `s`.
    fn predicates(&self, s: &Self::State, out: &mut Vec<bool>) -> Result<(), Self::Error> {
        let _ = (s, out);
        Ok(())
    }
    /// The fairness of a step's action instance.
    fn fairness(&self, label: &Self::Label) -> liveness::Fair {
        let _ = label;
        liveness::Fair::None
    }

    /// How many 64-bit words [`Model::pack`] writes for every state: the
    /// explorer keeps its frontier as one flat array of them, with no
    /// allocation per state.
    fn state_words(&self) -> usize;
    /// Appends exactly `state_words()` words that [`Model::unpack`] turns
    /// back into `s`.
    fn pack(&self, s: &Self::State, out: &mut Vec<u64>);
    fn unpack(&self, words: &[u64]) -> Self::State;
}

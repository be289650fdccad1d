//! Fixes as pure plans: the exact change, a before/after diff of the container args, and a sentence.
//!
//! A plan is computed from the snapshot; [`crate::cluster::apply`] sends it (dry-run first, then for
//! real after the user confirms). Nothing here does I/O.

pub mod args;
pub mod csr;
pub mod plan;

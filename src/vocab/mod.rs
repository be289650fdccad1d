//! The vocabulary: the words every layer of mstui uses, as data, with no dependency on the rest
//! of the crate. It is the bottom layer (see CONTRIBUTING.md for the whole order).
//!
//! - [`RuleId`]: the failure modes F01–F40 by name, [`Step`] (the runbook's four steps) and
//!   [`Severity`], in [`rule`];
//! - [`catalog`]: one entry per rule — step, default severity, cause rank, title and explanation
//!   in English and Korean, the fixes it may offer;
//! - [`FixId`] with every property of a fix ([`FixInfo`]) and [`Action`], what a change needs
//!   permission to do, in [`fix`];
//! - [`Lang`], [`Text`] (a static string in both languages) and [`Prose`] (one made at run time),
//!   in [`lang`];
//! - [`Version`], a metrics-server version, which decides flags, defaults and log wording.
//!
//! # Recipe: add a rule (F41)
//!
//! 1. Here: a name at the end of the `rule_ids!` list in `rule.rs` (it becomes F41), and its
//!    entry at the end of the table in `catalog.rs` — step, severity, [`CauseRank`], title and
//!    explanation in both languages, the fixes it may offer. The table is sized by the list, so
//!    the compiler asks for the entry; the tests of this module check its order and its Korean.
//! 2. The evidence: a log signature in `logs/signatures.rs` (one table row naming the rule), or a
//!    check in the `diagnose/rules/` file of the leg it belongs to (`Finding::from_catalog`).
//! 3. Its tests: a positive and a negative case next to the code of step 2; `tests/readme.rs`
//!    then asks for the README table to be regenerated (`UPDATE_README=1 cargo test --test readme`).
//!
//! # Recipe: add a fix
//!
//! 1. Here: a variant of [`FixId`] (and in [`FixId::ALL`]) and its [`FixInfo`] row: stable name,
//!    summary in both languages, the [`Action`] it needs, whether it edits args, its warnings.
//! 2. Its plan: for an args fix, one arm in `fix/plan/args.rs` `ops_for` saying which flags
//!    change; other kinds get a planner file of their own in `fix/plan/`.
//! 3. Offer it: add it to the `fixes` of the catalog entries it fixes (step 1 of the rule recipe)
//!    and, where the evidence decides, to the rule's `with_fixes` call. Tests: a plan test in
//!    `fix/plan_tests.rs`.
//!
//! The TUI, `check` (text and JSON) and the permission gate read everything else from the
//! tables above, so no other file names the new rule or fix.

pub mod catalog;
pub mod fix;
pub mod lang;
pub mod rule;
pub mod version;

pub use catalog::{CauseRank, RuleInfo};
pub use fix::{Action, FixId, FixInfo};
pub use lang::{Lang, Prose, Text};
pub use rule::{RuleId, Severity, Step};
pub use version::Version;

//! The rules, by area. Each module exposes `check(&Ctx, &mut Vec<Finding>)`; the order of the
//! calls in [`run`] follows the triage chain (failure-modes §4): APIService → endpoints → pod →
//! logs → kubelets → data → HPAs. Order does not affect the result, which is sorted afterwards.
//!
//! Most rules read objects and log lines; `certs`, `kubelet`, `rbac` and `clock` read evidence
//! the cluster layer measured beyond the log's wording (certificates, kubelet `/configz`,
//! SubjectAccessReviews for metrics-server's ServiceAccount, node Leases). A finding they share
//! with a log rule merges into it (same rule, step and title), so one finding shows both.

mod access;
mod certs;
mod clock;
mod config;
mod hpa;
mod kubelet;
mod nodes;
mod pod;
mod rbac;
mod registration;
mod scrape;

use super::context::Ctx;
use super::finding::Finding;

pub(crate) fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    registration::check(ctx, out);
    pod::check(ctx, out);
    scrape::check(ctx, out);
    certs::check(ctx, out);
    kubelet::check(ctx, out);
    rbac::check(ctx, out);
    nodes::check(ctx, out);
    clock::check(ctx, out);
    hpa::check(ctx, out);
    config::check(ctx, out);
    access::check(ctx, out);
}

/// Rules that look at the other findings (F40: only worth saying when a fix would edit).
pub(crate) fn run_after(ctx: &Ctx, out: &mut Vec<Finding>) {
    config::managed(ctx, out);
}

/// At most this many log excerpts per finding; the rest is summarised.
pub(crate) const MAX_EXCERPTS: usize = 3;

/// `a, b, c` for a list of names.
pub(crate) fn join<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ")
}

//! Log lines: classification (pure) and sanitising of untrusted text.
//!
//! - [`classify::classify`] reads one line of any metrics-server version (klog text or
//!   JSON, optionally wrapped by `kubectl logs --prefix/--timestamps` or the CRI format),
//!   and returns its level, the catalog rule it is evidence for, fields and highlight spans.
//! - [`classify::scrape_failures`] lists every node of a scrape-failure line.
//! - [`candidates::candidate_literals`] is what a prefilter must search for so that it
//!   never hides a line [`classify::classify`] would match.
//! - [`sanitize::sanitize`] makes pod text safe to draw; [`classify::segments`] combines
//!   both for the UI.

pub mod candidates;
pub mod classify;
mod envelope;
mod json;
mod klog;
pub mod sanitize;
mod scrape;
mod signatures;
mod text;

pub use classify::{
    Classified, HlSpan, Level, LineFields, ScrapeFailure, Segment, SpanClass, classify,
    scrape_failures, segments,
};
pub use sanitize::sanitize;

#[cfg(test)]
mod tests;

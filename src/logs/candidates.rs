//! What a raw line must contain for [`classify`](super::classify) to give it a severity.
//!
//! A prefilter (`analyze-logs` over gigabyte logs) searches blocks for these literals and runs
//! the full classifier only on lines that contain one. The list is derived from the tables the
//! classifier itself uses, so a new signature is a candidate without a second edit.
//!
//! Why it is complete: every signature needs one of the
//! [`prefilter_anchors`](super::signatures) (both tables' anchors and the structured scrape
//! message) in the unescaped message or a value. Those are substrings of the raw line, or
//! unescaped from one. An anchor with `"` or `\` is written escaped inside a quoted value, so
//! its escaped spelling is a literal too. An anchor can also hide behind an escape of one of its
//! own characters (`\u0078509`); such an escape starts with one of [`ESCAPES`], which are
//! candidates as well. Real loggers almost never write those in a line's ASCII text, so they
//! cost nothing in practice.

use super::signatures::prefilter_anchors;

/// Escapes (Go `strconv.Quote` and JSON) that can spell a printable ASCII character.
const ESCAPES: &[&str] = &[
    r"\x", r"\u", r"\U", r"\'", r"\/", r"\0", r"\1", r"\2", r"\3", r"\4", r"\5", r"\6", r"\7",
];

/// The literals, deduplicated, in a stable order.
pub fn candidate_literals() -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for a in prefilter_anchors() {
        all.push(a.to_owned());
        if a.contains(['"', '\\']) {
            // Go and JSON quoting both write `"` as `\"` and `\` as `\\`.
            all.push(a.replace('\\', r"\\").replace('"', r#"\""#));
        }
    }
    all.extend(ESCAPES.iter().map(|e| (*e).to_owned()));
    all.sort_unstable();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_single_line_and_not_empty() {
        let all = candidate_literals();
        assert!(all.iter().any(|l| l == "Failed to scrape node"));
        assert!(
            all.iter().any(|l| l == r#"\"400 Bad Request"#),
            "escaped spelling"
        );
        for l in all {
            assert!(!l.is_empty() && !l.contains(['\n', '\r']), "{l:?}");
        }
    }
}

//! Pure edits of a container's arg list (or `command` tail) and a line diff for the preview.
//!
//! Edits find flags with the same pflag scanner that computes the effective flags
//! ([`crate::flags::scan`]), so `--f=v`, `--f v` and shorthands are all recognised and a value
//! item is never mistaken for a flag or left behind.

use crate::flags::{ArgFlag, scan};
use serde::Serialize;

/// Every occurrence of `name` (any spelling) in `argv`.
fn occurrences(argv: &[String], name: &str) -> Vec<ArgFlag> {
    let name = name.trim_start_matches('-');
    scan(argv)
        .flags
        .into_iter()
        .filter(|f| f.name == name)
        .collect()
}

/// Whether `name` appears in `argv` (any spelling).
pub fn has_flag(argv: &[String], name: &str) -> bool {
    !occurrences(argv, name).is_empty()
}

/// Replace every occurrence of `name` with the single item `item`, placed where the first
/// occurrence was; append it when the flag is absent.
fn replace_all(argv: &[String], name: &str, item: String) -> Vec<String> {
    let found = occurrences(argv, name);
    let Some(first) = found.first().map(|f| f.start) else {
        return append(argv, item);
    };
    let mut out = Vec::with_capacity(argv.len() + 1);
    for (i, a) in argv.iter().enumerate() {
        if i == first {
            out.push(item.clone());
        }
        if !covered(&found, i) {
            out.push(a.clone());
        }
    }
    out
}

/// Whether argv item `i` belongs to one of `flags` (the flag itself or its separate value).
fn covered(flags: &[ArgFlag], i: usize) -> bool {
    flags
        .iter()
        .any(|f| (f.start..f.start + f.len).contains(&i))
}

/// Append a flag, but before a `--` terminator: after it pflag treats everything as positional.
fn append(argv: &[String], item: String) -> Vec<String> {
    let mut out = argv.to_vec();
    let at = argv.iter().position(|a| a == "--").unwrap_or(argv.len());
    out.insert(at, item);
    out
}

/// Set a scalar or string-slice flag to exactly one `--name=value`.
pub fn set_flag(argv: &[String], name: &str, value: &str) -> Vec<String> {
    let name = name.trim_start_matches('-');
    replace_all(argv, name, format!("--{name}={value}"))
}

/// Turn a bool flag on with exactly one bare `--name` (also replaces `--name=false`).
pub fn add_bool_flag(argv: &[String], name: &str) -> Vec<String> {
    let name = name.trim_start_matches('-');
    replace_all(argv, name, format!("--{name}"))
}

/// Remove every occurrence of `name`, with its separate value item if it has one.
pub fn remove_flag(argv: &[String], name: &str) -> Vec<String> {
    let found = occurrences(argv, name);
    argv.iter()
        .enumerate()
        .filter(|(i, _)| !covered(&found, *i))
        .map(|(_, a)| a.clone())
        .collect()
}

/// Remove the occurrences of `name` whose value satisfies `pred`.
pub fn remove_flag_if(
    argv: &[String],
    name: &str,
    pred: impl Fn(Option<&str>) -> bool,
) -> Vec<String> {
    let found: Vec<ArgFlag> = occurrences(argv, name)
        .into_iter()
        .filter(|f| pred(f.value.as_deref()))
        .collect();
    argv.iter()
        .enumerate()
        .filter(|(i, _)| !covered(&found, *i))
        .map(|(_, a)| a.clone())
        .collect()
}

/// One line of a before/after diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    Same,
    Removed,
    Added,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub kind: DiffKind,
    pub text: String,
}

impl DiffLine {
    fn new(kind: DiffKind, text: &str) -> Self {
        DiffLine {
            kind,
            text: text.to_string(),
        }
    }

    /// `  text`, `- text` or `+ text`, as a unified diff shows it.
    pub fn render(&self) -> String {
        let mark = match self.kind {
            DiffKind::Same => ' ',
            DiffKind::Removed => '-',
            DiffKind::Added => '+',
        };
        format!("{mark} {}", self.text)
    }
}

/// Line diff by longest common subsequence. Arg lists are a few dozen lines, so the quadratic
/// table is fine. Removals come before additions at each change, like `diff -u`.
pub fn diff(before: &[String], after: &[String]) -> Vec<DiffLine> {
    let lcs = lcs_table(before, after);
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(before.len().max(after.len()));
    while i < before.len() || j < after.len() {
        if i < before.len() && j < after.len() && before[i] == after[j] {
            out.push(DiffLine::new(DiffKind::Same, &before[i]));
            (i, j) = (i + 1, j + 1);
        } else if j == after.len() || (i < before.len() && lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(DiffLine::new(DiffKind::Removed, &before[i]));
            i += 1;
        } else {
            out.push(DiffLine::new(DiffKind::Added, &after[j]));
            j += 1;
        }
    }
    out
}

/// `t[i][j]` = length of the LCS of `a[i..]` and `b[j..]`.
fn lcs_table(a: &[String], b: &[String]) -> Vec<Vec<usize>> {
    let mut t = vec![vec![0; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            t[i][j] = if a[i] == b[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn rendered(d: &[DiffLine]) -> Vec<String> {
        d.iter().map(DiffLine::render).collect()
    }

    #[test]
    fn set_replaces_every_spelling_at_the_first_position() {
        let before = v(&[
            "--cert-dir=/tmp",
            "--kubelet-preferred-address-types",
            "Hostname",
            "--secure-port=10250",
            "--kubelet-preferred-address-types=InternalDNS",
        ]);
        let after = set_flag(
            &before,
            "kubelet-preferred-address-types",
            "InternalIP,ExternalIP,Hostname",
        );
        assert_eq!(
            after,
            v(&[
                "--cert-dir=/tmp",
                "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                "--secure-port=10250",
            ])
        );
    }

    #[test]
    fn set_appends_when_absent_but_before_the_terminator() {
        assert_eq!(
            set_flag(&v(&["--cert-dir=/tmp"]), "--metric-resolution", "15s"),
            v(&["--cert-dir=/tmp", "--metric-resolution=15s"])
        );
        assert_eq!(
            set_flag(
                &v(&["--cert-dir=/tmp", "--", "x"]),
                "metric-resolution",
                "15s"
            ),
            v(&["--cert-dir=/tmp", "--metric-resolution=15s", "--", "x"])
        );
        assert_eq!(
            set_flag(&[], "metric-resolution", "15s"),
            v(&["--metric-resolution=15s"])
        );
    }

    #[test]
    fn set_handles_shorthands() {
        let after = set_flag(&v(&["-l", "a=b", "--v=2"]), "node-selector", "pool=x");
        assert_eq!(after, v(&["--node-selector=pool=x", "--v=2"]));
    }

    #[test]
    fn add_bool_replaces_false_and_duplicates() {
        let before = v(&[
            "--kubelet-insecure-tls=false",
            "--cert-dir=/tmp",
            "--kubelet-insecure-tls",
        ]);
        assert_eq!(
            add_bool_flag(&before, "kubelet-insecure-tls"),
            v(&["--kubelet-insecure-tls", "--cert-dir=/tmp"])
        );
        assert_eq!(
            add_bool_flag(&v(&["--cert-dir=/tmp"]), "kubelet-insecure-tls"),
            v(&["--cert-dir=/tmp", "--kubelet-insecure-tls"])
        );
    }

    #[test]
    fn bool_flag_does_not_swallow_the_next_item() {
        // `false` here is a positional argument, not the flag's value: it stays.
        let before = v(&["--kubelet-insecure-tls", "false", "--v=2"]);
        assert_eq!(
            remove_flag(&before, "kubelet-insecure-tls"),
            v(&["false", "--v=2"])
        );
    }

    #[test]
    fn remove_every_occurrence_and_separate_values() {
        let before = v(&[
            "--kubelet-port",
            "10255",
            "--cert-dir=/tmp",
            "--kubelet-port=10255",
        ]);
        assert_eq!(
            remove_flag(&before, "kubelet-port"),
            v(&["--cert-dir=/tmp"])
        );
        assert_eq!(remove_flag(&before, "not-there"), before);
        assert!(has_flag(&before, "--kubelet-port"));
        assert!(!has_flag(&before, "kubelet-insecure-tls"));
    }

    #[test]
    fn remove_if_filters_by_value() {
        let before = v(&["--kubelet-port=10255", "--kubelet-port=10260"]);
        assert_eq!(
            remove_flag_if(&before, "kubelet-port", |val| val == Some("10255")),
            v(&["--kubelet-port=10260"])
        );
    }

    #[test]
    fn diff_of_an_insertion() {
        let d = diff(&v(&["a", "b"]), &v(&["a", "x", "b"]));
        assert_eq!(rendered(&d), ["  a", "+ x", "  b"]);
    }

    #[test]
    fn diff_of_a_replacement_puts_removal_first() {
        let d = diff(&v(&["a", "b", "c"]), &v(&["a", "B", "c"]));
        assert_eq!(rendered(&d), ["  a", "- b", "+ B", "  c"]);
    }

    #[test]
    fn diff_edge_cases() {
        assert!(diff(&[], &[]).is_empty());
        assert_eq!(rendered(&diff(&[], &v(&["a"]))), ["+ a"]);
        assert_eq!(rendered(&diff(&v(&["a"]), &[])), ["- a"]);
        assert_eq!(
            rendered(&diff(&v(&["a", "b"]), &v(&["b", "a"]))),
            ["- a", "  b", "+ a"]
        );
        let same = v(&["x", "y"]);
        assert!(diff(&same, &same).iter().all(|l| l.kind == DiffKind::Same));
    }

    #[test]
    fn diff_line_serializes_lowercase() {
        let j = serde_json::to_value(DiffLine::new(DiffKind::Added, "--x")).unwrap();
        assert_eq!(j, serde_json::json!({"kind": "added", "text": "--x"}));
    }
}

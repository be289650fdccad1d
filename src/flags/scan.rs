//! Reading an argv list the way pflag does: `--f=v`, `--f v`, bool flags that never take the next
//! argument, shorthands, `--` ending the flags.

use super::spec::FlagKind::Bool;
use super::spec::{find_shorthand, flag_kind};

/// One flag as pflag reads it from an argv list, with where it sits in that list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgFlag {
    /// Long name with shorthands resolved (`-l` → `node-selector`); unknown shorthands keep
    /// their dash (`-x`).
    pub name: String,
    /// `None` for a bool flag written without a value (it means `true`).
    pub value: Option<String>,
    /// Index of the first argv item of this flag.
    pub start: usize,
    /// Number of argv items: 2 for `--flag value`, else 1.
    pub len: usize,
}

/// A flag pflag refuses at startup (metrics-server panics with the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ScanError {
    pub(super) flag: String,
    pub(super) message: String,
}

/// argv split into flags, positional arguments and syntax errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub flags: Vec<ArgFlag>,
    /// Non-flag items (index, text): cobra accepts and ignores them.
    pub positional: Vec<(usize, String)>,
    pub(super) errors: Vec<ScanError>,
}

/// Split argv like `pflag.FlagSet.Parse` with interspersed arguments.
pub fn scan(argv: &[String]) -> Scan {
    let mut out = Scan::default();
    let mut i = 0;
    while i < argv.len() {
        let item = &argv[i];
        if item == "--" {
            // Everything after the terminator is positional.
            out.positional.extend(
                argv.iter()
                    .enumerate()
                    .skip(i + 1)
                    .map(|(j, s)| (j, s.clone())),
            );
            break;
        }
        i += if let Some(long) = item.strip_prefix("--") {
            scan_long(argv, i, long, &mut out)
        } else if item.len() > 1 && item.starts_with('-') {
            scan_short(argv, i, &item[1..], &mut out)
        } else {
            out.positional.push((i, item.clone()));
            1
        };
    }
    out
}

/// `--name`, `--name=value` or `--name value`. Returns how many items were consumed.
pub(super) fn scan_long(argv: &[String], i: usize, long: &str, out: &mut Scan) -> usize {
    if long.is_empty() || long.starts_with('-') || long.starts_with('=') {
        out.errors.push(ScanError {
            flag: argv[i].clone(),
            message: format!("bad flag syntax: {}", argv[i]),
        });
        return 1;
    }
    if let Some((name, value)) = long.split_once('=') {
        out.flags.push(flag(name, Some(value), i, 1));
        return 1;
    }
    let next = argv.get(i + 1);
    match flag_kind(long) {
        Some(Bool) => {
            out.flags.push(flag(long, None, i, 1));
            1
        }
        Some(_) => match next {
            Some(v) => {
                out.flags.push(flag(long, Some(v), i, 2));
                2
            }
            None => {
                out.errors.push(ScanError {
                    flag: format!("--{long}"),
                    message: format!("flag needs an argument: --{long}"),
                });
                1
            }
        },
        // Unknown flag: guess that it takes the next item as its value unless that item is
        // itself a flag. metrics-server would refuse it anyway; the guess only affects display.
        None => match next.filter(|v| !v.starts_with('-')) {
            Some(v) => {
                out.flags.push(flag(long, Some(v), i, 2));
                2
            }
            None => {
                out.flags.push(flag(long, None, i, 1));
                1
            }
        },
    }
}

/// `-l sel`, `-l=sel`, `-lsel`, `-v2`, `-h`. Returns how many items were consumed.
pub(super) fn scan_short(argv: &[String], i: usize, shorts: &str, out: &mut Scan) -> usize {
    let mut rest = shorts;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        let Some(spec) = find_shorthand(c) else {
            // Unknown shorthand: keep it whole, pflag would stop here with an error.
            let value = (!rest.is_empty()).then_some(rest);
            out.flags.push(flag(&format!("-{c}"), value, i, 1));
            return 1;
        };
        let inline = rest.strip_prefix('=');
        if spec.kind == Bool {
            if let Some(v) = inline {
                out.flags.push(flag(spec.name, Some(v), i, 1));
                return 1;
            }
            // Combined bool shorthands (`-hv2`): keep reading letters.
            out.flags.push(flag(spec.name, None, i, 1));
            continue;
        }
        let inline = inline.or((!rest.is_empty()).then_some(rest));
        return match (inline, argv.get(i + 1)) {
            (Some(v), _) => {
                out.flags.push(flag(spec.name, Some(v), i, 1));
                1
            }
            (None, Some(v)) => {
                out.flags.push(flag(spec.name, Some(v), i, 2));
                2
            }
            (None, None) => {
                out.errors.push(ScanError {
                    flag: format!("-{c}"),
                    message: format!("flag needs an argument: '{c}' in -{shorts}"),
                });
                1
            }
        };
    }
    1
}

pub(super) fn flag(name: &str, value: Option<&str>, start: usize, len: usize) -> ArgFlag {
    ArgFlag {
        name: name.to_string(),
        value: value.map(str::to_string),
        start,
        len,
    }
}

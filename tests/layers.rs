//! The layer order of CONTRIBUTING.md, enforced: a module of `src/` may use modules of lower
//! layers (and others of its own layer, as long as no cycle forms), never one above it. The test
//! reads the sources, so a new upward `use crate::…` fails here with the file that has it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom to top. A top-level module of `src/` missing here fails the test, so a new module
/// has to take a place in the order.
const LAYERS: &[&[&str]] = &[
    &["vocab"],
    &["certs", "flags", "logs", "metrics", "nodes"],
    &["install", "snapshot"],
    &["diagnose", "fix", "rollout", "top"],
    &["cluster"],
    &["analyze", "report", "demo", "fleet", "bundle", "audit"],
    &["tui"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Test code may reach anywhere (fixtures, samples); only what ships is layered.
fn is_test_file(rel: &Path) -> bool {
    rel.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c == "tests" || c == "tests.rs" || c.ends_with("_tests.rs") || c == "sample.rs"
    })
}

/// The source without its inline `#[cfg(test)] mod tests { … }` (always last in a file) and
/// without comments.
fn shipped_code(text: &str) -> String {
    let code = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    code.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Top-level modules a piece of code names through `crate::`.
fn used_modules(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    used.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            used.insert(name);
        }
    }
    used
}

/// module → (used module → a file that uses it)
fn dependencies() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut deps: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for path in files {
        let rel = path.strip_prefix(&src).expect("under src").to_path_buf();
        let top = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .unwrap_or_default();
        if top == "lib" || top == "main" || is_test_file(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source is readable");
        let entry = deps.entry(top.clone()).or_default();
        for used in used_modules(&shipped_code(&text)) {
            if used != top {
                entry
                    .entry(used)
                    .or_insert_with(|| rel.display().to_string());
            }
        }
    }
    deps
}

#[test]
fn every_module_has_a_layer() {
    for module in dependencies().keys() {
        assert!(
            layer_of(module).is_some(),
            "src/{module} has no layer: add it to LAYERS here and to CONTRIBUTING.md"
        );
    }
}

#[test]
fn no_module_uses_one_above_it() {
    let mut upward = Vec::new();
    for (module, used) in dependencies() {
        let Some(own) = layer_of(&module) else {
            continue;
        };
        for (target, file) in used {
            if layer_of(&target).is_some_and(|l| l > own) {
                upward.push(format!("{file}: {module} uses {target}, a higher layer"));
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

#[test]
fn modules_of_one_layer_form_no_cycle() {
    let deps = dependencies();
    // Depth-first search for a path back to the start, within the same layer.
    fn reaches(
        deps: &BTreeMap<String, BTreeMap<String, String>>,
        from: &str,
        goal: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let Some(next) = deps.get(from) else {
            return false;
        };
        next.keys()
            .any(|n| n == goal || (seen.insert(n.clone()) && reaches(deps, n, goal, seen)))
    }
    for module in deps.keys() {
        assert!(
            !reaches(&deps, module, module, &mut BTreeSet::new()),
            "{module} depends on itself through other modules: {:?}",
            deps[module]
        );
    }
}

#[test]
fn the_checker_sees_grouped_and_plain_imports() {
    let code = "use crate::{vocab::RuleId, flags};\nlet x = crate::logs::classify(l);";
    let used = used_modules(code);
    assert_eq!(
        used,
        ["flags", "logs", "vocab"]
            .map(String::from)
            .into_iter()
            .collect()
    );
    assert!(used_modules(&shipped_code("// crate::tui in a comment")).is_empty());
}

//! README.md's key table and rule list are generated from the code (the keymap table and the
//! rule catalog), so they cannot drift. On a mismatch the test shows the expected block; run
//! with `UPDATE_README=1` to rewrite the marked sections in place.

use mstui::tui::keymap::{Context, help_rows};
use mstui::vocab::Lang;
use mstui::vocab::catalog;

fn keys_table() -> String {
    let mut out = String::from("| where | keys | what it does |\n|---|---|---|\n");
    for ctx in Context::ALL {
        let name = ctx.name().en.to_lowercase();
        for (keys, what) in help_rows(ctx, Lang::En) {
            out.push_str(&format!("| {name} | `{keys}` | {what} |\n"));
        }
    }
    out
}

fn rules_table() -> String {
    let mut out = String::from("| rule | step | what it means |\n|---|---|---|\n");
    for r in catalog::all() {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            r.id,
            r.step.number(),
            r.title(Lang::En)
        ));
    }
    out
}

fn check_section(readme: &mut String, name: &str, expected: &str) -> Result<(), String> {
    let begin = format!("<!-- {name}:begin -->\n");
    let end = format!("<!-- {name}:end -->");
    let (Some(b), Some(e)) = (readme.find(&begin), readme.find(&end)) else {
        return Err(format!("README.md lacks the markers {begin:?} … {end:?}"));
    };
    let current = &readme[b + begin.len()..e];
    if current == expected {
        return Ok(());
    }
    if std::env::var_os("UPDATE_README").is_some() {
        readme.replace_range(b + begin.len()..e, expected);
        return Ok(());
    }
    Err(format!(
        "README section `{name}` is out of date; expected:\n{expected}"
    ))
}

#[test]
fn readme_tables_match_the_keymap_and_the_catalog() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let mut readme = std::fs::read_to_string(path).expect("README.md is readable");
    let original = readme.clone();
    let results = [
        check_section(&mut readme, "keys", &keys_table()),
        check_section(&mut readme, "rules", &rules_table()),
    ];
    if readme != original {
        std::fs::write(path, &readme).expect("README.md is writable");
    }
    let errors: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
}

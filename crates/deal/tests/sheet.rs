//! The sheet's table of keys is the one definition of the format: the key tables of
//! `docs/deal-sheet.md` are generated from it, and the `init` template uses only its
//! keys and shows every one of its sections.
//!
//! Run with `BOXFLOW_BLESS=1` to rewrite the generated part of the documentation.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use boxflow_deal::sheet::{self, Kind, Section};

const BEGIN: &str = "<!-- keys:begin -->\n";
const END: &str = "<!-- keys:end -->";

#[test]
fn the_documented_key_tables_are_the_generated_ones() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/deal-sheet.md");
    let doc = fs::read_to_string(&path).expect("docs/deal-sheet.md is readable");
    let (Some(b), Some(e)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("docs/deal-sheet.md has no {BEGIN:?} ... {END:?} markers");
    };
    let start = b + BEGIN.len();
    assert!(start <= e, "the markers are out of order");
    let generated = format!("\n{}\n", sheet::markdown_key_tables());
    let committed = doc.get(start..e).unwrap_or("");
    if committed == generated {
        return;
    }
    let bless = std::env::var_os("BOXFLOW_BLESS").is_some_and(|v| v == "1");
    if bless {
        let updated = format!("{}{generated}{}", &doc[..start], &doc[e..]);
        fs::write(&path, updated).expect("docs/deal-sheet.md is writable");
        return;
    }
    let line = committed
        .lines()
        .zip(generated.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    panic!(
        "docs/deal-sheet.md differs from sheet::markdown_key_tables() from line {} of the \
         generated part; run with BOXFLOW_BLESS=1 to rewrite it\n--- committed\n{}\n--- generated\n{}",
        line + 1,
        committed.lines().nth(line).unwrap_or(""),
        generated.lines().nth(line).unwrap_or("")
    );
}

/// Walks a TOML table as the sheet's `section`, recording each section reached and
/// each key the section does not have.
fn walk(
    path: &str,
    section: &'static Section,
    table: &toml::Table,
    seen: &mut BTreeSet<&'static str>,
    unknown: &mut Vec<String>,
) {
    seen.insert(section.path);
    for (name, value) in table {
        let here = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let Some(key) = section.key(name) else {
            unknown.push(here);
            continue;
        };
        match (key.kind, value) {
            (Kind::Table(s), toml::Value::Table(t)) => walk(&here, s, t, seen, unknown),
            (Kind::Tables(s), toml::Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let toml::Value::Table(t) = item {
                        walk(&format!("{here}[{i}]"), s, t, seen, unknown);
                    }
                }
            }
            (Kind::NamedTables(s), toml::Value::Table(named)) => {
                for (n, item) in named {
                    if let toml::Value::Table(t) = item {
                        walk(&format!("{here}.{n}"), s, t, seen, unknown);
                    }
                }
            }
            _ => {}
        }
    }
}

#[test]
fn the_template_uses_only_keys_of_the_sheet_and_shows_every_section() {
    let template: toml::Table = toml::from_str(boxflow_deal::TEMPLATE).expect("TOML");
    let mut seen = BTreeSet::new();
    let mut unknown = Vec::new();
    walk("", &sheet::ROOT, &template, &mut seen, &mut unknown);
    assert!(unknown.is_empty(), "keys not in the sheet: {unknown:?}");
    let missing: Vec<&str> = sheet::SECTIONS
        .iter()
        .map(|s| s.path)
        .filter(|p| !seen.contains(p))
        .collect();
    assert!(
        missing.is_empty(),
        "sections not in the template: {missing:?}"
    );
}

#[test]
fn the_walk_sees_a_key_the_sheet_does_not_have() {
    let broken = boxflow_deal::TEMPLATE.replace("max_ltv", "max_lvt");
    let template: toml::Table = toml::from_str(&broken).expect("TOML");
    let mut unknown = Vec::new();
    walk(
        "",
        &sheet::ROOT,
        &template,
        &mut BTreeSet::new(),
        &mut unknown,
    );
    assert_eq!(unknown, ["covenants.max_lvt"]);
}

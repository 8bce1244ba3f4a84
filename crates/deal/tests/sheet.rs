//! The sheet's table of keys is the one definition of the format: the key tables of
//! `docs/deal-sheet.md` are generated from it, and the `init` template uses only its
//! keys and shows every one of its sections.
//!
//! Run with `BOXFLOW_BLESS=1` to rewrite the generated part of the documentation.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use boxflow_deal::sheet::{self, DefaultValue, Kind, Need, Section};

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

/// One step from a table to one of its sections' instances.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// The path of every instance of every section in `table` (read as `section`), with
/// the section it is an instance of: `facility[0].rate` is `[Key(facility), Index(0),
/// Key(rate)]`.
fn instances(
    section: &'static Section,
    table: &toml::Table,
    here: &mut Vec<Step>,
    out: &mut Vec<(&'static Section, Vec<Step>)>,
) {
    out.push((section, here.clone()));
    for (name, value) in table {
        let Some(key) = section.key(name) else {
            continue;
        };
        here.push(Step::Key(name.clone()));
        match (key.kind, value) {
            (Kind::Table(s), toml::Value::Table(t)) => instances(s, t, here, out),
            (Kind::Tables(s), toml::Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let toml::Value::Table(t) = item {
                        here.push(Step::Index(i));
                        instances(s, t, here, out);
                        here.pop();
                    }
                }
            }
            (Kind::NamedTables(s), toml::Value::Table(named)) => {
                for (n, item) in named {
                    if let toml::Value::Table(t) = item {
                        here.push(Step::Key(n.clone()));
                        instances(s, t, here, out);
                        here.pop();
                    }
                }
            }
            _ => {}
        }
        here.pop();
    }
}

/// The table at `path` in `table`.
fn at<'a>(table: &'a mut toml::Table, path: &[Step]) -> &'a mut toml::Table {
    let mut t = table;
    let mut steps = path.iter().peekable();
    while let Some(step) = steps.next() {
        let Step::Key(name) = step else {
            panic!("a path starts each step with a key: {path:?}");
        };
        let v = t.get_mut(name).expect("the path exists");
        let v = match steps.peek() {
            Some(Step::Index(i)) => {
                steps.next();
                v.as_array_mut()
                    .and_then(|a| a.get_mut(*i))
                    .expect("an item")
            }
            _ => v,
        };
        t = v.as_table_mut().expect("a table");
    }
    t
}

/// `sheet` as its minimal form: every key that is neither required nor one of a
/// section's `one_of` is left out, sections aside (a section left out would leave its
/// keys unchecked).
fn minimal(section: &'static Section, table: &mut toml::Table) {
    table.retain(|name, _| {
        section.key(name).is_some_and(|k| {
            matches!(k.need, Need::Required | Need::OneOf)
                || matches!(
                    k.kind,
                    Kind::Table(_) | Kind::Tables(_) | Kind::NamedTables(_)
                )
        })
    });
    for (name, value) in table.iter_mut() {
        let Some(key) = section.key(name) else {
            continue;
        };
        match (key.kind, value) {
            (Kind::Table(s), toml::Value::Table(t)) => minimal(s, t),
            (Kind::Tables(s), toml::Value::Array(items)) => {
                for item in items {
                    if let toml::Value::Table(t) = item {
                        minimal(s, t);
                    }
                }
            }
            (Kind::NamedTables(s), toml::Value::Table(named)) => {
                for (_, item) in named.iter_mut() {
                    if let toml::Value::Table(t) = item {
                        minimal(s, t);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `s` as a TOML basic string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `v` written on one line, tables as inline tables (the reader takes both forms).
fn inline(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => quoted(s),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => format!("{f:?}"),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(a) => {
            let items: Vec<String> = a.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        toml::Value::Table(t) => {
            let items: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{} = {}", quoted(k), inline(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

/// The deal a sheet reads as, or its errors rendered.
fn read(sheet: &toml::Table, name: &str) -> Result<boxflow_deal::Deal, String> {
    let text: String = sheet
        .iter()
        .map(|(k, v)| format!("{} = {}\n", quoted(k), inline(v)))
        .collect();
    boxflow_deal::parse(&text, name)
        .map(|d| d.into_deal())
        .map_err(|e| format!("{e:?}"))
}

/// The sheets the defaults are checked on: the template, the reference deal and the
/// stress fixture (its scenarios), each as written and in its minimal form (required
/// keys only: no other key beside the one checked).
fn bases() -> Vec<(String, toml::Table)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for (name, text) in [
        ("template".to_string(), boxflow_deal::TEMPLATE.to_string()),
        (
            "fixtures/reference.toml".to_string(),
            fs::read_to_string(root.join("fixtures/reference.toml")).expect("readable"),
        ),
        (
            "fixtures/stress.toml".to_string(),
            fs::read_to_string(root.join("fixtures/stress.toml")).expect("readable"),
        ),
    ] {
        let table: toml::Table = toml::from_str(&text).expect("TOML");
        let mut small = table.clone();
        minimal(&sheet::ROOT, &mut small);
        assert!(
            read(&small, "minimal.toml").is_ok(),
            "the minimal form of {name} is a valid sheet: {:?}",
            read(&small, "minimal.toml").err()
        );
        out.push((format!("{name} (minimal)"), small));
        out.push((name, table));
    }
    out
}

/// The reader's defaults are the table's: for every key the table gives a default,
/// in every instance of its section in every base sheet, the sheet without the key and
/// the sheet with the key written as its default read as the same deal. Where one of
/// the two is not a valid sheet there (`re_lease_after = 0` needs `default_period`),
/// that instance is skipped, but every key is checked somewhere.
#[test]
fn the_reader_applies_the_defaults_of_the_table() {
    let mut checked: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut failures = Vec::new();
    for (name, base) in bases() {
        let close = base
            .get("deal")
            .and_then(|d| d.get("close"))
            .cloned()
            .expect("deal.close");
        let mut found = Vec::new();
        instances(&sheet::ROOT, &base, &mut Vec::new(), &mut found);
        for (section, path) in found {
            for key in section.keys {
                let Some(default) = key.need.default_value() else {
                    continue;
                };
                let value = match default {
                    DefaultValue::Close => close.clone(),
                    DefaultValue::Toml(text) => {
                        let t: toml::Table =
                            toml::from_str(&format!("v = {text}")).expect("a TOML value");
                        t["v"].clone()
                    }
                    _ => panic!("{}.{}: an unknown kind of default", section.path, key.name),
                };
                let mut without = base.clone();
                at(&mut without, &path).remove(key.name);
                let mut with = base.clone();
                at(&mut with, &path).insert(key.name.to_string(), value.clone());
                let (Ok(a), Ok(b)) = (read(&without, "without.toml"), read(&with, "with.toml"))
                else {
                    continue;
                };
                checked.insert((section.path, key.name));
                if a != b {
                    failures.push(format!(
                        "{name}: {path:?}: `{}` left out is not `{} = {}` (the table's default)",
                        key.name,
                        key.name,
                        inline(&value)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let unchecked: Vec<String> = sheet::SECTIONS
        .iter()
        .flat_map(|s| s.keys.iter().map(move |k| (s, k)))
        .filter(|(s, k)| k.need.default_value().is_some() && !checked.contains(&(s.path, k.name)))
        .map(|(s, k)| format!("{}.{}", s.path, k.name))
        .collect();
    assert!(
        unchecked.is_empty(),
        "defaults no base sheet could check: {unchecked:?}"
    );
    assert!(
        checked.len() >= 30,
        "only {} defaults checked",
        checked.len()
    );
}

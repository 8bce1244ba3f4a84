//! Golden files for invalid deal sheets: each `fixtures/invalid/NAME.toml` must fail to
//! read as `boxflow check` reads it (with the `[[property]]` rules), and its errors,
//! rendered by [`boxflow::deal::render`], must equal `fixtures/invalid/NAME.stderr`
//! byte for byte.
//!
//! Run with `BLESS=1` to (re)write the golden files, then read every changed one.

use std::fs;
use std::path::Path;

#[test]
fn invalid_fixtures_render_their_golden_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("fixtures").join("invalid");
    let bless = std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0");

    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("fixtures/invalid exists")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?;
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 15, "only {} invalid fixtures", names.len());

    let mut failures = Vec::new();
    for name in &names {
        let file = format!("fixtures/invalid/{name}.toml");
        let bytes = fs::read(root.join(&file)).expect("fixture is readable");
        let rules = &boxflow::scenario::prove::property_rules;
        let errors = match boxflow::deal::parse_bytes_with_rules(&bytes, &file, rules) {
            Ok(_) => {
                failures.push(format!(
                    "{file}: read without error, but it is an invalid fixture"
                ));
                continue;
            }
            Err(errors) => errors,
        };
        let rendered = boxflow::deal::render(&errors);
        let golden = dir.join(format!("{name}.stderr"));
        if bless {
            fs::write(&golden, &rendered).expect("golden file is writable");
            continue;
        }
        match fs::read_to_string(&golden) {
            Ok(expected) if expected == rendered => {}
            Ok(expected) => failures.push(format!(
                "{file}: output differs from {name}.stderr\n--- expected\n{expected}--- actual\n{rendered}"
            )),
            Err(_) => failures.push(format!(
                "{file}: no golden file {name}.stderr (run with BLESS=1)\n--- actual\n{rendered}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_golden_file_has_its_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("invalid");
    for entry in fs::read_dir(&dir).expect("fixtures/invalid exists") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "stderr") {
            assert!(
                path.with_extension("toml").exists(),
                "{} has no fixture",
                path.display()
            );
        }
    }
}

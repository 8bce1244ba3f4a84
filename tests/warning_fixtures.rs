//! Golden files for deal-sheet warnings: each `fixtures/warnings/NAME.toml` is a valid
//! deal sheet with at least one warning, and its warnings, rendered by
//! [`boxflow::deal::render_warnings`], must equal `fixtures/warnings/NAME.stderr` byte
//! for byte. Every bundled deal sheet, and the template, has no warning at all.
//!
//! Run with `BLESS=1` to (re)write the golden files, then read every changed one.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("fixture folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn warning_fixtures_render_their_golden_files() {
    let dir = root().join("fixtures").join("warnings");
    let bless = std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let files = toml_files(&dir);
    assert!(files.len() >= 3, "only {} warning fixtures", files.len());

    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_stem().and_then(|s| s.to_str()).expect("a name");
        let file = format!("fixtures/warnings/{name}.toml");
        let text = fs::read_to_string(path).expect("fixture is readable");
        let sheet = match boxflow::deal::parse_with_warnings(&text, &file) {
            Ok(sheet) => sheet,
            Err(e) => {
                failures.push(format!("{file}: not valid: {e}"));
                continue;
            }
        };
        if sheet.warnings.is_empty() {
            failures.push(format!("{file}: no warning"));
            continue;
        }
        let rendered = boxflow::deal::render_warnings(&sheet);
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
fn bundled_deal_sheets_have_no_warnings() {
    let fixtures = root().join("fixtures");
    let mut files = toml_files(&fixtures);
    files.extend(toml_files(&fixtures.join("portfolio")));
    assert!(files.len() >= 10, "only {} bundled sheets", files.len());
    for path in files {
        let sheet = boxflow::deal::read_file_with_warnings(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            sheet.warnings.is_empty(),
            "{}:\n{}",
            path.display(),
            boxflow::deal::render_warnings(&sheet)
        );
    }
    let template = boxflow::deal::parse_with_warnings(boxflow::deal::TEMPLATE, "template.toml")
        .expect("the template is valid");
    assert!(template.warnings.is_empty());
}

#[test]
fn every_golden_file_has_its_fixture() {
    let dir = root().join("fixtures").join("warnings");
    for entry in fs::read_dir(&dir).expect("fixtures/warnings exists") {
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

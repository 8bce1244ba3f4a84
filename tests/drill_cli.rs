//! `boxflow run --scenario [--vs base]`, per-line shocks and breakpoints, the first new
//! event and `stress --format matrix` on the bundled fixtures: each output checked
//! against another output of the same figures (a stress row, two runs, the grid's
//! points).

use std::path::PathBuf;
use std::process::Command;
use std::str::FromStr;

use boxflow::core::Decimal;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn boxflow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("boxflow runs")
}

fn ok(args: &[&str]) -> String {
    let out = boxflow(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).unwrap()
}

fn fails_with(args: &[&str], words: &[&str]) {
    let out = boxflow(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    for w in words {
        assert!(err.contains(w), "{args:?}: {err}");
    }
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("{v} is not a string"))).unwrap()
}

/// The figures a run's summary and a stress row both hold, as the stress row writes
/// them.
const SHARED: [&str; 8] = [
    "min_dscr",
    "min_dscr_period",
    "min_dscr_total",
    "lender_loss",
    "equity_irr",
    "senior_lender_irr",
    "senior_repaid_period",
    "total_distributions",
];

const SPECS: [&str; 4] = [
    "default=18,gap=6,re_lease=0.60",
    "price_haircut@Phase 2=0.2",
    "default@Phase 1=24,re_lease@Phase 1=0.5",
    "rate=300,delay=2",
];

#[test]
fn run_scenario_gives_the_figures_of_its_stress_row() {
    for spec in SPECS {
        let run = json(&[
            "run",
            "fixtures/reference.toml",
            "--scenario",
            spec,
            "--format",
            "json",
        ]);
        assert_eq!(run["scenario"]["name"], spec);
        assert_eq!(run["scenario"]["against"], "the debt sized at close");
        let stress = json(&[
            "stress",
            "fixtures/reference.toml",
            "--scenario",
            spec,
            "--format",
            "json",
            "--no-solve",
        ]);
        let row = &stress["scenarios"][1];
        assert_eq!(row["name"], spec);
        for key in SHARED {
            assert_eq!(run["summary"][key], row[key], "{spec}: {key}");
        }
        assert_eq!(
            run["summary"]["halfway_covenant"], row["halfway_covenant"],
            "{spec}"
        );
        // The debt is the one sized at close, as in the base case.
        assert_eq!(
            run["summary"]["senior_commitment"],
            stress["senior_commitment"]
        );
    }
}

#[test]
fn vs_base_deltas_are_the_differences_of_the_two_runs() {
    let base = json(&["run", "fixtures/reference.toml", "--format", "json"]);
    for spec in SPECS {
        let scenario = json(&[
            "run",
            "fixtures/reference.toml",
            "--scenario",
            spec,
            "--format",
            "json",
        ]);
        let vs = json(&[
            "run",
            "fixtures/reference.toml",
            "--scenario",
            spec,
            "--vs",
            "base",
            "--format",
            "json",
        ]);
        let (b, s) = (&base["summary"], &scenario["summary"]);
        for key in ["lender_loss", "total_distributions"] {
            // Money to the cent: exactly the difference.
            assert_eq!(
                dec(&vs["delta"][key]),
                dec(&s[key]) - dec(&b[key]),
                "{spec}: {key}"
            );
        }
        for key in ["min_dscr", "equity_irr", "senior_lender_irr"] {
            // Ratios are printed to ten decimals: the delta of the exact figures is within
            // one unit of the tenth decimal of the difference of the printed ones.
            let printed = dec(&s[key]) - dec(&b[key]);
            match &vs["delta"][key] {
                Value::Null => assert!(
                    key == "min_dscr" && dec(&s[key]).is_sign_negative(),
                    "{spec}: {key}"
                ),
                d => assert!(
                    (dec(d) - printed).abs() <= Decimal::new(1, 10),
                    "{spec}: {key}: {d} against {printed}"
                ),
            }
        }
        for key in ["min_dscr_period", "senior_repaid_period"] {
            match (s[key].as_i64(), b[key].as_i64()) {
                (Some(x), Some(y)) => assert_eq!(vs["delta"][key], x - y, "{spec}: {key}"),
                _ => assert_eq!(vs["delta"][key], Value::Null, "{spec}: {key}"),
            }
        }
        assert_eq!(vs["base"]["name"], "base case");
        assert_eq!(vs["scenario_outcome"]["name"], spec);
        assert_eq!(
            vs["delta"]["covenants"],
            vs["base"]["covenants"] != vs["scenario_outcome"]["covenants"]
        );
    }
    let table = ok(&[
        "run",
        "fixtures/reference.toml",
        "--scenario",
        "price_haircut@Phase 2=0.2",
        "--vs",
        "base",
    ]);
    assert!(table.contains("scenario `price_haircut@Phase 2=0.2`, against the debt sized at close"));
    assert!(table.contains("first_new_event"), "{table}");
}

#[test]
fn run_scenario_by_its_sheet_name_is_the_same_run_as_its_spec() {
    let by_name = json(&[
        "run",
        "fixtures/mixed.toml",
        "--scenario",
        "H200 hall priced 20% lower",
        "--format",
        "json",
    ]);
    let by_spec = json(&[
        "run",
        "fixtures/mixed.toml",
        "--scenario",
        "haircut@H200 hall=0.20",
        "--format",
        "json",
    ]);
    assert_eq!(by_name["summary"], by_spec["summary"]);
    assert_eq!(by_name["scenario"]["line"], "H200 hall");
    let csv = ok(&[
        "run",
        "fixtures/mixed.toml",
        "--scenario",
        "haircut@H200 hall=0.20",
        "--format",
        "csv",
    ]);
    assert_eq!(csv.lines().count(), 61, "a header and 60 periods");
}

#[test]
fn a_line_that_names_no_line_or_two_lines_is_an_error() {
    fails_with(
        &[
            "run",
            "fixtures/reference.toml",
            "--scenario",
            "haircut@Phase 3=0.1",
        ],
        &["names no capacity line", "did you mean `Phase 1`?"],
    );
    fails_with(
        &[
            "stress",
            "fixtures/reference.toml",
            "--scenario",
            "opex@Phase 2=0.1",
        ],
        &["shocks the whole box"],
    );
    fails_with(
        &[
            "run",
            "fixtures/reference.toml",
            "--scenario",
            "haircut@Phase 2=0.1,delay=2",
        ],
        &["target one line or every line"],
    );
    let dir = tempfile::tempdir().unwrap();
    let twice = std::fs::read_to_string(root().join("fixtures/reference.toml"))
        .unwrap()
        .replace("name = \"Phase 2\"", "name = \"Phase 1\"");
    let path = dir.path().join("twice.toml");
    std::fs::write(&path, twice).unwrap();
    fails_with(
        &[
            "run",
            path.to_str().unwrap(),
            "--scenario",
            "default@Phase 1=12",
        ],
        &[
            "the name of 2 capacity lines",
            "give each capacity line its own `name`",
        ],
    );
    // A usage error (clap's exit status 2).
    let out = boxflow(&["run", "fixtures/reference.toml", "--vs", "base"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--scenario"));
}

#[test]
fn per_line_breakpoints_for_lines_of_different_prices() {
    let text = ok(&["stress", "fixtures/mixed.toml"]);
    assert!(
        text.contains("lowest price of `A100 hall` (the other lines as written)"),
        "{text}"
    );
    assert!(
        text.contains("lowest price of `H200 hall` (the other lines as written)"),
        "{text}"
    );
    assert!(!text.contains("NOT MONOTONE"), "{text}");
    let v = json(&["stress", "fixtures/mixed.toml", "--format", "json"]);
    assert_eq!(v["solvers"]["min_price"], Value::Null);
    let lines = v["solvers"]["min_price_by_line"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], "A100 hall");
    assert_eq!(lines[1]["line"], "H200 hall");
    for l in lines {
        assert_eq!(l["checked"], true, "{l}");
    }
    // One price on the reference deal, whose lines share theirs.
    let v = json(&["stress", "fixtures/reference.toml", "--format", "json"]);
    assert_eq!(v["solvers"]["min_price"]["price"], "2.8683");
    assert_eq!(v["solvers"]["min_price_by_line"], serde_json::json!([]));
}

#[test]
fn the_first_new_event_leaves_out_the_base_case_s_events() {
    let v = json(&[
        "stress",
        "fixtures/stress.toml",
        "--format",
        "json",
        "--no-solve",
    ]);
    let rows = v["scenarios"].as_array().unwrap();
    assert_eq!(rows[0]["first_new_event"], Value::Null);
    let base = json(&["run", "fixtures/stress.toml", "--format", "json"]);
    let base_events: Vec<(String, i64)> = base["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap_or_default().to_string(),
                e["period"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    for row in &rows[1..] {
        if let Value::Object(e) = &row["first_new_event"] {
            let key = (
                e["event"].as_str().unwrap().to_string(),
                e["period"].as_i64().unwrap(),
            );
            assert!(!base_events.contains(&key), "{key:?}");
        }
    }
    let csv = ok(&[
        "stress",
        "fixtures/stress.toml",
        "--format",
        "csv",
        "--no-solve",
    ]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("first_event,first_event_period,first_new_event,first_new_event_period")
    );
    let table = ok(&["stress", "fixtures/stress.toml", "--no-solve"]);
    assert!(table.contains("first new event"), "{table}");
}

const GRID: &str = "price=2.00..2.40:0.20,default=24|36|48";

#[test]
fn the_matrix_cells_are_the_grid_s_points() {
    let points = json(&[
        "stress",
        "fixtures/reference.toml",
        "--grid",
        GRID,
        "--format",
        "json",
    ]);
    let points = points["points"].as_array().unwrap();
    assert_eq!(points.len(), 9);
    for metric in ["lender_loss", "min_dscr", "covenants", "min_dscr_period"] {
        let csv = ok(&[
            "stress",
            "fixtures/reference.toml",
            "--grid",
            GRID,
            "--format",
            "matrix-csv",
            "--metric",
            metric,
        ]);
        let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
        assert_eq!(rows[0], ["price \\ default", "24", "36", "48"]);
        assert_eq!(rows.len(), 4);
        for p in points {
            let (price, default) = (
                p["values"]["price"].as_str().unwrap(),
                p["values"]["default"].as_str().unwrap(),
            );
            let r = rows.iter().position(|r| r[0] == price).unwrap();
            let c = rows[0].iter().position(|h| *h == default).unwrap();
            let want = match &p["outcome"][metric] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            assert_eq!(
                rows[r][c], want,
                "{metric} at price {price}, default {default}"
            );
        }
    }
    // The terminal matrix marks exactly the points that fail a covenant.
    let text = ok(&[
        "stress",
        "fixtures/reference.toml",
        "--grid",
        GRID,
        "--format",
        "matrix",
        "--metric",
        "min_dscr",
    ]);
    assert!(text.lines().all(|l| l.chars().count() <= 120), "{text}");
    let failing = points
        .iter()
        .filter(|p| p["outcome"]["covenants"] == "fail")
        .count();
    assert_eq!(
        text.matches('*').count(),
        failing + 1,
        "one mark a failing cell, one in the legend:\n{text}"
    );
    assert!(text.contains(&format!("{failing} of 9 points")), "{text}");
    for p in points {
        let price = p["values"]["price"].as_str().unwrap();
        let row = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{price} |")))
            .unwrap();
        let cells: Vec<&str> = row.split('|').nth(1).unwrap().split_whitespace().collect();
        let c = ["24", "36", "48"]
            .iter()
            .position(|d| *d == p["values"]["default"].as_str().unwrap())
            .unwrap();
        assert_eq!(
            cells[c].ends_with('*'),
            p["outcome"]["covenants"] == "fail",
            "{row}"
        );
    }
}

#[test]
fn a_matrix_needs_two_keys_a_metric_and_a_bounded_size() {
    let matrix = |grid: &str| {
        vec![
            "stress".to_string(),
            "fixtures/reference.toml".into(),
            "--grid".into(),
            grid.into(),
            "--format".into(),
            "matrix".into(),
            "--metric".into(),
            "min_dscr".into(),
        ]
    };
    let run = |args: Vec<String>, words: &[&str]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails_with(&args, words);
    };
    run(
        matrix("price=2.00..2.40:0.20"),
        &["exactly two keys", "this one has 1"],
    );
    run(
        matrix("price=2.00..2.40:0.20,default=24|36,rate=0|100"),
        &["exactly two keys", "this one has 3"],
    );
    run(
        matrix("price=1.00..3.01:0.01,default=24|36"),
        &["more than 200 a side"],
    );
    run(
        matrix("price=2.00..2.40:0.20,default=6..60:3"),
        &["more than 120", "--format matrix-csv"],
    );
    fails_with(
        &[
            "stress",
            "fixtures/reference.toml",
            "--grid",
            GRID,
            "--format",
            "matrix",
        ],
        &["--metric NAME", "min_dscr"],
    );
    fails_with(
        &[
            "stress",
            "fixtures/reference.toml",
            "--grid",
            GRID,
            "--format",
            "matrix",
            "--metric",
            "min_dcsr",
        ],
        &["did you mean `min_dscr`?"],
    );
    fails_with(
        &[
            "stress",
            "fixtures/reference.toml",
            "--grid",
            GRID,
            "--metric",
            "min_dscr",
        ],
        &["--format matrix"],
    );
    fails_with(
        &[
            "stress",
            "fixtures/reference.toml",
            "--format",
            "matrix",
            "--metric",
            "min_dscr",
        ],
        &["--grid"],
    );
    // A single-value key fixes a shock: two keys still vary.
    let text = ok(&[
        "stress",
        "fixtures/reference.toml",
        "--grid",
        "price=2.00..2.40:0.20,gap=6,default=24|36,re_lease=0.5",
        "--format",
        "matrix",
        "--metric",
        "lender_loss",
    ]);
    assert!(text.contains("fixed: gap=6, re_lease=0.5"), "{text}");
}

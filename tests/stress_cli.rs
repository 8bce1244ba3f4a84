//! `boxflow stress` and `boxflow portfolio` on the bundled fixtures.

use std::path::PathBuf;
use std::process::Command;

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

#[test]
fn stress_the_reference_deal_prints_the_base_case_and_the_breakpoints() {
    let text = ok(&["stress", "fixtures/reference.toml"]);
    assert!(text.contains("base case"), "{text}");
    assert!(text.contains("Breakpoints"), "{text}");
    assert!(text.contains("per GPU-hour"), "{text}");
    assert!(!text.contains("NOT MONOTONE"), "{text}");
}

#[test]
fn stress_json_holds_every_scenario_and_checked_solvers() {
    let v = json(&[
        "stress",
        "fixtures/stress.toml",
        "--format",
        "json",
        "--scenario",
        "name=Rates up,rate=300",
        "--re-lease-after",
        "6",
        "--re-lease-share",
        "0.3",
    ]);
    let scenarios = v["scenarios"].as_array().unwrap();
    // The base case, the sheet's 7 scenarios and the command line's.
    assert_eq!(scenarios.len(), 9);
    assert_eq!(scenarios[0]["name"], "base case");
    assert_eq!(scenarios[0]["covenants"], "pass");
    assert_eq!(scenarios[0]["lender_loss"], "0.00");
    assert_eq!(scenarios[0]["min_dscr"], "1.3000000000");
    assert_eq!(scenarios[8]["name"], "Rates up");
    assert_eq!(v["senior_commitment"], "518926087.20");
    let s = &v["solvers"];
    assert_eq!(s["min_price"]["checked"], true);
    assert_eq!(s["min_price"]["price"].as_str().unwrap().len(), 6); // d.dddd
    assert_eq!(s["earliest_safe_default"]["checked"], true);
    assert_eq!(s["earliest_safe_default"]["re_lease"]["after_periods"], 6);
    assert_eq!(s["max_rate_shock"]["checked"], true);
    // Money as strings with two decimals.
    for o in scenarios {
        let loss = o["lender_loss"].as_str().unwrap();
        assert_eq!(loss.split('.').nth(1).map(str::len), Some(2), "{loss}");
    }
}

#[test]
fn a_grid_runs_every_point_as_csv_and_json() {
    let csv = ok(&[
        "stress",
        "fixtures/reference.toml",
        "--grid",
        "price=1.60..2.60:0.10,default=6..60:6",
        "--format",
        "csv",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 11 * 10);
    assert!(lines[0].starts_with("price,default,covenants,"));
    assert!(lines[1].starts_with("1.60,6,fail,"), "{}", lines[1]);
    let v = json(&[
        "stress",
        "fixtures/reference.toml",
        "--grid",
        "rate=0|300",
        "--format",
        "json",
    ]);
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[1]["values"]["rate"], "300");
    assert_eq!(points[0]["outcome"]["covenants"], "pass");
}

#[test]
fn grid_json_lists_the_sheets_warnings() {
    // fixtures/warnings/units.toml is valid with 6 warnings (`boxflow run` lists the
    // same 6 in tests/cli.rs), the first its price of 1606 per GPU-hour on line 22.
    let args = [
        "stress",
        "fixtures/warnings/units.toml",
        "--grid",
        "rate=0|300",
        "--format",
        "json",
    ];
    let text = ok(&args);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["points"].as_array().unwrap().len(), 2);
    let warnings = v["warnings"].as_array().expect("a warnings list");
    assert_eq!(warnings.len(), 6);
    assert_eq!(warnings[0]["code"], "price_out_of_range");
    assert_eq!(
        warnings[0]["path"],
        "contract.capacity[0].price_per_gpu_hour"
    );
    assert_eq!(warnings[0]["line"], 22);
    // Streamed, yet printed exactly as serde_json pretty-prints the whole object.
    assert_eq!(text, serde_json::to_string_pretty(&v).unwrap() + "\n");

    // A sheet without warnings: an empty list, as `run` and `size` print.
    let v = json(&[
        "stress",
        "fixtures/reference.toml",
        "--grid",
        "rate=0",
        "--format",
        "json",
    ]);
    assert_eq!(v["warnings"], serde_json::json!([]));
}

#[test]
fn bad_scenarios_and_grids_exit_1_with_a_message() {
    for args in [
        &["stress", "fixtures/reference.toml", "--grid", "default=61"][..],
        &["stress", "fixtures/reference.toml", "--grid", "prize=1"],
        &[
            "stress",
            "fixtures/reference.toml",
            "--scenario",
            "default=0",
        ],
        &["stress", "fixtures/reference.toml", "--gearing", "1.5"],
        &[
            "stress",
            "fixtures/invalid/scenario-default-after-term.toml",
        ],
    ] {
        let out = boxflow(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("error"),
            "{args:?}"
        );
    }
}

#[test]
fn the_portfolio_folder_runs_in_every_format() {
    let text = ok(&["portfolio", "fixtures/portfolio/"]);
    assert!(text.contains("Cost of debt by vintage"), "{text}");
    let v = json(&["portfolio", "fixtures/portfolio", "--format", "json"]);
    let boxes = v["boxes"].as_array().unwrap();
    assert!(boxes.len() >= 5);
    let years: Vec<&str> = v["vintages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| &x["close"].as_str().unwrap()[..4])
        .collect();
    for year in ["2023", "2024", "2025", "2026"] {
        assert!(years.contains(&year), "{years:?}");
    }
    let first_month = &v["months"][0];
    assert_eq!(first_month["month"], "2023-08");
    // Every month's sources equal its uses, to the cent, in the JSON as in the table.
    assert!(
        text.contains("Sources and uses by calendar month"),
        "{text}"
    );
    for m in v["months"].as_array().unwrap() {
        assert_eq!(m["sources"], m["uses"], "{m}");
        assert!(m["sources"].as_str().unwrap().contains('.'), "{m}");
    }
    for b in boxes {
        assert!(
            b["events"].is_string() && b["covenants_breached"].is_string(),
            "{b}"
        );
    }
    let csv = ok(&[
        "portfolio",
        "fixtures/portfolio",
        "--format",
        "csv",
        "--table",
        "vintages",
    ]);
    assert!(csv.starts_with("close,boxes,commitments,"), "{csv}");
    assert_eq!(
        csv.lines().count(),
        1 + v["vintages"].as_array().unwrap().len()
    );
    let months = ok(&["portfolio", "fixtures/portfolio", "--format", "csv"]);
    assert!(months
        .lines()
        .next()
        .unwrap()
        .contains("cost_of_debt_2023-08-01"));
    // Single files work too, and a folder without deal sheets is an error.
    ok(&[
        "portfolio",
        "fixtures/reference.toml",
        "fixtures/fixed-rate.toml",
    ]);
    assert_eq!(
        boxflow(&["portfolio", "fixtures/invalid/no-such-folder"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn stress_writes_atomically_with_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stress.json");
    let out = boxflow(&[
        "stress",
        "fixtures/reference.toml",
        "--no-solve",
        "--format",
        "json",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(v["solvers"], Value::Null);
    assert_eq!(v["scenarios"].as_array().unwrap().len(), 1);
}

// ---------------------------------------------------------------------------
// Hardening: scenario lines, grids, bad scenarios and portfolio paths.
// ---------------------------------------------------------------------------

fn fails_with(args: &[&str], words: &str) {
    let out = boxflow(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(stderr.contains(words), "{args:?}: {stderr}");
}

#[test]
fn scenario_lines_refuse_repeated_keys_and_counts_beyond_u32() {
    let r = "fixtures/reference.toml";
    fails_with(
        &["stress", r, "--scenario", "price=1,price=2"],
        "appears twice",
    );
    fails_with(
        &["stress", r, "--scenario", "life=4294967296"],
        "4294967295",
    );
}

#[test]
fn a_grid_with_a_scenario_runs_the_scenario_at_every_point() {
    let r = "fixtures/reference.toml";
    let v = json(&[
        "stress",
        r,
        "--grid",
        "price=2.00|2.50",
        "--scenario",
        "default=18",
        "--format",
        "json",
    ]);
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    for p in points {
        assert_eq!(p["values"]["default"], "18", "{p}");
        // A default in period 18 shows in the outcome's first event or losses.
        assert!(p["outcome"].is_object(), "{p}");
    }
    fails_with(
        &["stress", r, "--grid", "price=2", "--scenario", "price=3"],
        "both in the grid and in --scenario",
    );
}

#[test]
fn a_scenario_that_cannot_run_gets_its_own_row() {
    // 2,048 + 1,024 GPUs at 1e15 a GPU-hour invoice more than money holds.
    let v = json(&[
        "stress",
        "fixtures/reference.toml",
        "--scenario",
        "name=absurd,price=1000000000000000",
        "--no-solve",
        "--format",
        "json",
    ]);
    let scenarios = v["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 2);
    assert_eq!(scenarios[0]["name"], "base case");
    assert!(scenarios[0]["error"].is_null());
    assert_eq!(scenarios[1]["name"], "absurd");
    assert!(scenarios[1]["error"].is_string(), "{}", scenarios[1]);
}

#[test]
fn the_table_refuses_a_grid_too_big_to_read() {
    // 20,001 points; refused before any run.
    fails_with(
        &[
            "stress",
            "fixtures/reference.toml",
            "--grid",
            "price=0..2:0.0001",
        ],
        "--format csv",
    );
}

#[test]
fn a_big_grid_streams_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("grid.json");
    ok(&[
        "stress",
        "fixtures/reference.toml",
        "--grid",
        "price=1.00..3.00:0.01,default=6..60:6",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    // 201 prices times 10 default periods.
    assert_eq!(v["points"].as_array().unwrap().len(), 2010);
    assert_eq!(v["points"][0]["values"]["price"], "1.00");
    assert_eq!(v["points"][2009]["values"]["default"], "60");
}

#[cfg(unix)]
#[test]
fn portfolio_refuses_what_is_not_a_file_and_counts_a_file_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("x.toml")).unwrap();
    let fifo = dir.path().join("pipe.toml");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let out = boxflow(&["portfolio", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // Both bad paths are reported, not only the first.
    assert!(stderr.contains("x.toml` is not a regular file"), "{stderr}");
    assert!(
        stderr.contains("pipe.toml` is not a regular file"),
        "{stderr}"
    );

    let f = "fixtures/portfolio/2025-05-ddtl-3.toml";
    let twice = boxflow(&["portfolio", f, f, "--format", "json"]);
    assert!(twice.status.success());
    let stderr = String::from_utf8_lossy(&twice.stderr);
    assert!(
        stderr.contains("warning:") && stderr.contains("counted once"),
        "{stderr}"
    );
    let v: Value = serde_json::from_slice(&twice.stdout).unwrap();
    assert_eq!(v["boxes"].as_array().unwrap().len(), 1);

    // The same deal under another file name: one box, and a warning naming both.
    let copy = dir.path().join("copy.toml");
    std::fs::copy(f, &copy).unwrap();
    let copied = boxflow(&["portfolio", f, copy.to_str().unwrap(), "--format", "json"]);
    assert!(copied.status.success());
    let stderr = String::from_utf8_lossy(&copied.stderr);
    assert!(
        stderr.contains("holds the same deal as") && stderr.contains("counted once"),
        "{stderr}"
    );
    let v: Value = serde_json::from_slice(&copied.stdout).unwrap();
    assert_eq!(v["boxes"].as_array().unwrap().len(), 1);
}

#[test]
fn every_metric_is_a_key_of_the_stress_row_in_json_and_csv() {
    use boxflow::scenario::Metric;
    // fixtures/junior.toml has a junior facility: the combined DSCR is then at most
    // the senior one (its denominator adds the junior's debt service to the same CFADS).
    let v = json(&[
        "stress",
        "fixtures/junior.toml",
        "--format",
        "json",
        "--no-solve",
    ]);
    let base = &v["scenarios"][0];
    for m in Metric::ALL {
        assert!(
            base.as_object().unwrap().contains_key(m.name()),
            "{} missing from {base}",
            m.name()
        );
    }
    let senior: f64 = base["min_dscr"].as_str().unwrap().parse().unwrap();
    let total: f64 = base["min_dscr_total"].as_str().unwrap().parse().unwrap();
    assert!(total <= senior, "combined {total} > senior {senior}");
    assert!(matches!(base["covenants"].as_str(), Some("pass" | "fail")));
    let csv = ok(&[
        "stress",
        "fixtures/junior.toml",
        "--format",
        "csv",
        "--no-solve",
    ]);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for m in Metric::ALL {
        assert!(
            header.contains(&m.name()),
            "{} missing from {header:?}",
            m.name()
        );
    }
}

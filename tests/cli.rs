//! The `boxflow` command line on the bundled fixtures.

use std::path::{Path, PathBuf};
use std::process::Command;

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

fn valid_fixtures() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| format!("fixtures/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    out.sort();
    out
}

#[test]
fn every_valid_fixture_checks_and_runs_with_its_invariants() {
    let fixtures = valid_fixtures();
    assert!(fixtures.len() >= 7, "{fixtures:?}");
    for f in &fixtures {
        let check = boxflow(&["check", f]);
        assert!(
            check.status.success(),
            "{f}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let deal = boxflow::deal::read_file(&root().join(f)).unwrap();
        let run = boxflow::waterfall::run(&deal).unwrap();
        assert_eq!(run.verify(), vec![], "{f}");
        for format in ["table", "json", "csv"] {
            let out = boxflow(&["run", f, "--format", format]);
            assert!(
                out.status.success(),
                "{f} {format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn invalid_fixtures_exit_one() {
    let dir = root().join("fixtures/invalid");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            let rel = format!(
                "fixtures/invalid/{}",
                path.file_name().unwrap().to_string_lossy()
            );
            let out = boxflow(&["check", &rel]);
            assert_eq!(out.status.code(), Some(1), "{rel}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains(&format!("--> {rel}:")), "{rel}: {stderr}");
            n += 1;
        }
    }
    assert!(n >= 15);
}

#[test]
fn json_follows_section_13_formats() {
    let out = boxflow(&["run", "fixtures/reference.toml", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["summary"];
    for key in [
        "senior_commitment",
        "sizing_binding",
        "min_dscr",
        "min_dscr_period",
        "avg_dscr",
        "llcr",
        "halfway_period",
        "senior_repaid_period",
        "senior_balance_at_halfway",
        "halfway_covenant",
        "equity_irr",
        "project_irr",
        "senior_lender_irr",
        "npv",
        "wal_years",
        "payback_period",
        "terminal_value",
        "lender_loss",
        "total_invoice",
        "total_collections",
        "total_opex",
        "total_fees",
        "total_interest",
        "total_principal",
        "total_distributions",
        "total_equity",
    ] {
        assert!(s.get(key).is_some(), "summary.{key}");
    }
    // Money: exactly two decimals. Ratios: exactly ten.
    assert_eq!(s["senior_commitment"], "518926087.20");
    assert_eq!(s["lender_loss"], "0.00");
    assert_eq!(s["min_dscr"], "1.3000000000");
    assert_eq!(s["halfway_covenant"], "pass");
    assert_eq!(s["sizing_binding"], "dscr");
    assert_eq!(v["closing"]["uses"]["upfront_fees"]["DDTL"], "7783891.31");
    let p1 = &v["periods"][0];
    assert_eq!(p1["dscr"], "1.3000000007");
    assert_eq!(p1["dsra"]["target"], "94803666.88");
    assert_eq!(p1["facilities"][0]["rate"], "0.0765000000");
    assert_eq!(p1["events"][0], "lockup");
    assert_eq!(v["periods"][30]["dscr"], serde_json::Value::Null);
    assert_eq!(v["periods"].as_array().unwrap().len(), 60);
    // No money string anywhere is "-0.00".
    assert!(!String::from_utf8_lossy(&out.stdout).contains("\"-0.00\""));
}

#[test]
fn out_writes_the_whole_file_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("run.csv");
    let t = target.to_string_lossy().to_string();
    let out = boxflow(&[
        "run",
        "fixtures/reference.toml",
        "--format",
        "csv",
        "--out",
        &t,
    ]);
    assert!(out.status.success());
    let csv = std::fs::read_to_string(&target).unwrap();
    assert_eq!(csv.lines().count(), 61); // header + 60 periods
                                         // A failing run (an invalid deal) leaves no file behind.
    let bad = dir.path().join("bad.csv");
    let b = bad.to_string_lossy().to_string();
    let out = boxflow(&["run", "fixtures/invalid/missing-key.toml", "--out", &b]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!Path::new(&bad).exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn init_writes_a_template_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.toml");
    let p = path.to_string_lossy().to_string();
    assert!(boxflow(&["init", &p]).status.success());
    assert!(boxflow(&["check", &p]).status.success());
    // It never overwrites.
    assert_eq!(boxflow(&["init", &p]).status.code(), Some(1));
}

#[test]
fn size_reports_a_commitment_repaid_by_halfway() {
    let out = boxflow(&["size", "fixtures/reference.toml", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["facilities"][0];
    assert_eq!(f["commitment"], "518926087.20");
    assert_eq!(f["sizing_binding"], "dscr");
    assert_eq!(f["halfway_covenant"], "pass");
    assert_eq!(f["repaid_period"], 30);
    // Period 1 of the schedule: interest, fee and principal of the worked example.
    let r1 = &f["schedule"][0];
    assert_eq!(r1["interest"], "2620792.96");
    assert_eq!(r1["commitment_fee"], "52132.85");
    assert_eq!(r1["principal"], "7410568.00");
    let table = boxflow(&["size", "fixtures/reference.toml"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("518,926,087.20"));
}

#[test]
fn schema_is_json() {
    let out = boxflow(&["schema"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("properties").is_some());
}

// ---------------------------------------------------------------------------
// Hardening: output files and the standard streams.
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn out_through_a_symlink_replaces_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target_dir = tempfile::tempdir().unwrap();
    let target = target_dir.path().join("real.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = boxflow(&[
        "run",
        "fixtures/reference.toml",
        "--format",
        "json",
        "--out",
        link.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert!(written.is_object());
}

#[cfg(target_os = "linux")]
#[test]
fn out_to_a_full_device_is_an_error_and_the_device_stays() {
    let out = boxflow(&["run", "fixtures/reference.toml", "--out", "/dev/full"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(stderr.contains("no space left on device"), "{stderr}");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/full")
        .unwrap()
        .file_type()
        .is_char_device());
    let null = boxflow(&["run", "fixtures/reference.toml", "--out", "/dev/null"]);
    assert!(
        null.status.success(),
        "{}",
        String::from_utf8_lossy(&null.stderr)
    );
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn report_writes_both_files_or_neither() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let xlsx = dir.path().join("no-such-folder").join("r.xlsx");
    let out = boxflow(&[
        "report",
        "fixtures/reference.toml",
        "--html",
        html.to_str().unwrap(),
        "--xlsx",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!html.exists(), "the HTML report was written alone");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    // 3000 sheets print about 84 kB of `ok:` lines, more than a pipe holds, so the
    // writes after the reader has gone fail with a broken pipe.
    let mut args = vec!["check".to_string()];
    args.extend(std::iter::repeat_n(
        "fixtures/reference.toml".to_string(),
        3000,
    ));
    let mut child = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(&args)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(&first, b"o");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[cfg(target_os = "linux")]
#[test]
fn full_standard_streams_are_errors_not_panics() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(["check", "fixtures/reference.toml"])
        .current_dir(root())
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(stderr.contains("no space left on device"), "{stderr}");
    let bad = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(["check", "fixtures/invalid/amount-and-sizing.toml"])
        .current_dir(root())
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
}

// ---------------------------------------------------------------------------
// Hardening: `check` refuses what `run` would refuse, at the key that causes it.
// ---------------------------------------------------------------------------

/// `check` on the reference sheet with `from` replaced by `to`: exit 1 and the
/// message on standard error, which must name `path` with its line.
fn check_refuses(from: &str, to: &str, located: &str, words: &str) {
    let text = std::fs::read_to_string(root().join("fixtures/reference.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deal.toml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    let out = boxflow(&["check", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{to}: {stderr}");
    assert!(stderr.contains(located), "{to}: {stderr}");
    assert!(stderr.contains(words), "{to}: {stderr}");
    let run = boxflow(&["run", path.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
}

#[test]
fn check_refuses_amounts_the_engine_cannot_form() {
    // 1e15 units at the reference's unit cost is far above 1e15 dollars.
    check_refuses(
        "units = 2048",
        "units = 1000000000000000",
        "deal.toml:41:",
        "unit_cost",
    );
    check_refuses(
        "pue = \"1.30\"",
        "pue = \"999999999999999\"",
        "deal.toml:62:",
        "pue",
    );
    check_refuses(
        "dscr = \"1.30\"",
        "dscr = \"1e-28\"",
        "deal.toml:81:",
        "sizing.dscr",
    );
}

#[test]
fn check_refuses_a_long_name_at_its_key() {
    let long = "x".repeat(201);
    check_refuses(
        "name = \"Phase 1\"",
        &format!("name = \"{long}\""),
        "deal.toml:28:",
        "201 characters",
    );
}

#[test]
fn check_refuses_capex_after_the_contract_without_a_facility() {
    let text = std::fs::read_to_string(root().join("fixtures/reference.toml")).unwrap();
    // No facility (and nothing that needs one), and a payment after the 60-month term.
    let facility = text.find("[[facility]]").unwrap();
    let reserve = text.find("[reserve]").unwrap();
    let covenants_end = text.find("[curves.SOFR3M]").unwrap();
    let sheet = format!("{}{}", &text[..facility], &text[covenants_end..]).replace(
        "{ date = 2026-03-10, share = \"0.70\" }",
        "{ date = 2031-03-10, share = \"0.70\" }",
    );
    assert!(reserve > facility && reserve < covenants_end);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deal.toml");
    std::fs::write(&path, sheet).unwrap();
    let out = boxflow(&["check", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("after the contract ends"), "{stderr}");
    assert!(stderr.contains("deal.toml:51:"), "{stderr}");
}

#[test]
fn check_prints_warnings_and_denies_them_on_request() {
    let sheet = "fixtures/warnings/units.toml";
    let out = boxflow(&["check", sheet]);
    assert!(out.status.success(), "warnings alone do not fail `check`");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("warning: "), "{err}");
    assert!(err.contains("warning: deal sheet `fixtures/warnings/units.toml`: 6 warnings"));
    let out = boxflow(&["check", "--deny-warnings", sheet]);
    assert_eq!(out.status.code(), Some(1));
    let out = boxflow(&["check", "--deny-warnings", "fixtures/reference.toml"]);
    assert!(out.status.success());
}

#[test]
fn json_output_lists_warnings_and_verdicts() {
    let out = boxflow(&["run", "fixtures/warnings/units.toml", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let warnings = v["warnings"].as_array().expect("a warnings list");
    assert_eq!(warnings.len(), 6);
    // `price_per_gpu_hour = "1606"` is on line 22, its value at column 22.
    assert_eq!(warnings[0]["code"], "price_out_of_range");
    assert_eq!(
        warnings[0]["path"],
        "contract.capacity[0].price_per_gpu_hour"
    );
    assert_eq!(
        (warnings[0]["line"].as_u64(), warnings[0]["column"].as_u64()),
        (Some(22), Some(22))
    );
    assert!(v["verdicts"].is_array());

    let out = boxflow(&["size", "fixtures/reference.toml", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert_eq!(v["verdicts"], serde_json::json!([]));
}

#[test]
fn a_junior_due_after_halfway_is_judged_at_its_own_deadline() {
    let out = boxflow(&["size", "fixtures/junior.toml"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("FAIL"), "{text}");
    // The junior repays by month 42: its own deadline check, not the halfway one.
    assert!(
        text.contains("deadline check: period 42, balance 0.00"),
        "{text}"
    );
    assert!(text.contains("DSCR all debt"), "{text}");
}

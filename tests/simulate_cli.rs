//! `boxflow simulate` from the command line: the JSON keys the issue names, the same
//! bytes whatever the number of threads, the base case when nothing is drawn, and
//! errors that say what would fix them.

use std::path::PathBuf;
use std::process::Command;

fn boxflow(args: &[&str], threads: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("boxflow runs")
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn the_same_seed_prints_the_same_bytes_on_one_thread_or_two() {
    let args = [
        "simulate",
        "fixtures/simulation.toml",
        "--runs",
        "400",
        "--seed",
        "5",
        "--format",
        "json",
    ];
    let one = boxflow(&args, "1");
    let two = boxflow(&args, "2");
    assert_eq!(one.stdout, two.stdout);
    let v = json(&one);
    for key in [
        "runs",
        "probability_of_payment_default",
        "probability_of_halfway_fail",
        "probability_of_lockup",
        "expected_lender_loss",
        "lender_loss_quantiles",
        "equity_irr_quantiles",
        "loss_given_customer_default",
    ] {
        assert!(v.get(key).is_some(), "no {key} in {v}");
    }
    assert_eq!(v["runs"], 400);
    assert_eq!(v["seed"], 5);
    for q in ["p95", "p99"] {
        assert!(v["lender_loss_quantiles"][q].is_string());
    }
    for q in ["p5", "p50", "p95"] {
        assert!(v["equity_irr_quantiles"].get(q).is_some());
    }
    // The table runs the same draws.
    let table = boxflow(
        &[
            "simulate",
            "fixtures/simulation.toml",
            "--runs",
            "400",
            "--seed",
            "5",
        ],
        "2",
    );
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("400 simulated runs (seed 5)"), "{text}");
    assert!(text.contains("note: only 400 runs"), "{text}");
}

#[test]
fn without_a_simulation_every_run_is_the_base_case() {
    let v = json(&boxflow(
        &[
            "simulate",
            "fixtures/reference.toml",
            "--runs",
            "20",
            "--format",
            "json",
        ],
        "2",
    ));
    let deal = boxflow::deal::read_file(&PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/reference.toml"
    )))
    .unwrap();
    let run = boxflow::waterfall::run(&deal).unwrap();
    assert_eq!(
        v["expected_lender_loss"],
        run.summary.lender_loss.to_string()
    );
    let irr = boxflow::report::json::ratio(run.summary.equity_irr);
    assert_eq!(v["equity_irr_quantiles"]["p5"], irr);
    assert_eq!(v["equity_irr_quantiles"]["p95"], irr);
    assert_eq!(v["probability_of_payment_default"], "0.0000000000");
    assert_eq!(v["probability_of_lockup"], "0.0000000000");
    assert!(v["notes"][0]
        .as_str()
        .unwrap()
        .contains("nothing is drawn, every run is the base case"));
}

#[test]
fn a_bad_run_count_says_what_would_do() {
    let out = boxflow(
        &["simulate", "fixtures/simulation.toml", "--runs", "0"],
        "1",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--runs 0 is outside 1 to 1,000,000"), "{err}");
}

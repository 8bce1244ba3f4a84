//! Snapshots (insta) of the reference deal's table, CSV and JSON, each anchored to
//! the hand-checked figures of the shared worked example (shared/worked-example.md),
//! and the terminal table's flags: `--periods`, `--no-color`, colour only on a TTY.
//!
//! The snapshots live in `tests/snapshots/`; CI (CI=true) fails on any difference
//! and never writes a new snapshot.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn boxflow(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env("COLUMNS", "120")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The worked example's figures as the table prints them (thousands separators).
const HAND_CHECKED_TABLE: [&str; 12] = [
    "518,926,087.20",   // senior commitment
    "21,453,864.96",    // period 1 collections
    "13,108,541.96",    // period 1 CFADS
    "7,410,568.00",     // period 1 scheduled principal
    "390,432,765.52",   // period 1 senior closing balance
    "89,577,228.51",    // period 1 DSRA closing
    "30,271,904.00",    // period 30 distribution
    "31,509,183.80",    // period 31 distribution
    "539,721,657.53",   // NPV
    "1,177,522,067.64", // total distributions
    "377,729,984.47",   // total equity
    "2,337,433,190.40", // total invoice
];

/// The thirteen columns the period table showed before it fitted the terminal.
const CLASSIC: &str = "period,end,collections,opex_fees,cfads,interest_paid,principal_paid,\
                       prepaid,closing,dsra_closing,dscr,distribution,events";

/// The cells of the table row that starts with period `k`, if shown.
fn find_row(table: &str, k: usize) -> Option<Vec<String>> {
    let line = table.lines().find(|l| {
        l.trim_start_matches('│')
            .split('┆')
            .next()
            .is_some_and(|c| c.trim() == k.to_string())
    })?;
    Some(
        line.trim_matches('│')
            .split('┆')
            .map(|c| c.trim().to_string())
            .collect(),
    )
}

/// The cells of the table row that starts with period `k`.
fn table_row(table: &str, k: usize) -> Vec<String> {
    find_row(table, k).unwrap_or_else(|| panic!("no row {k}"))
}

#[test]
fn table_snapshot_holds_the_hand_checked_figures() {
    let text = boxflow(&["run", "fixtures/reference.toml", "--columns", CLASSIC]);
    insta::assert_snapshot!("reference_table", text);
    for figure in HAND_CHECKED_TABLE {
        assert!(text.contains(figure), "{figure}");
    }
    // Columns: k, end, collections, opex+fees, CFADS, interest, principal, prepaid,
    // senior bal, DSRA, DSCR, distribution, events.
    let p1 = table_row(&text, 1);
    assert_eq!(p1[1], "2026-02-01");
    assert_eq!(p1[2], "21,453,864.96");
    assert_eq!(p1[3], "8,345,323.00"); // opex 8,320,323.00 + fees 25,000.00
    assert_eq!(p1[4], "13,108,541.96");
    assert_eq!(p1[6], "7,410,568.00");
    assert_eq!(p1[8], "390,432,765.52");
    assert_eq!(p1[9], "89,577,228.51");
    assert_eq!(p1[10], "1.3000x"); // 1.3000000007 to four decimals
    assert_eq!(p1[11], "0.00");
    assert_eq!(p1[12], "LU"); // a lock-up, spelled out in the legend below the table
    assert!(text.contains("\nevents: LU lock-up\n"), "{text}");
    let p30 = table_row(&text, 30);
    assert_eq!(p30[8], "0.00");
    assert_eq!(p30[11], "30,271,904.00");
    let p31 = table_row(&text, 31);
    assert_eq!(p31[10], "-");
    assert_eq!(p31[11], "31,509,183.80");
    // The lock-ups of periods 1-5 and 16-20, nothing else.
    let lockups: Vec<usize> = (1..=60)
        .filter(|k| table_row(&text, *k)[12] == "LU")
        .collect();
    assert_eq!(lockups, [1, 2, 3, 4, 5, 16, 17, 18, 19, 20]);
    // Piped: no colour.
    assert!(!text.contains('\x1b'));
}

#[test]
fn csv_snapshot_holds_the_hand_checked_figures() {
    let text = boxflow(&["run", "fixtures/reference.toml", "--format", "csv"]);
    insta::assert_snapshot!("reference_csv", text);
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 60);
    let p1 = &records[0];
    for (name, value) in [
        ("invoice", "26817331.20"),
        ("prepayment_credit", "5363466.24"),
        ("collections", "21453864.96"),
        ("opex", "8320323.00"),
        ("fees", "25000.00"),
        ("cfads", "13108541.96"),
        ("DDTL.opening", "397843333.52"),
        ("DDTL.rate", "0.0765000000"),
        ("DDTL.interest_due", "2620792.96"),
        ("DDTL.commitment_fee_due", "52132.85"),
        ("DDTL.principal_paid", "7410568.00"),
        ("DDTL.closing", "390432765.52"),
        ("dsra_opening", "86552180.36"),
        ("dsra_target", "94803666.88"),
        ("dsra_deposit", "3025048.15"),
        ("dsra_closing", "89577228.51"),
        ("dscr", "1.3000000007"),
        ("distribution", "0.00"),
        ("events", "lockup"),
    ] {
        assert_eq!(&p1[col(name)], value, "period 1 {name}");
    }
    let p30 = &records[29];
    assert_eq!(&p30[col("DDTL.opening")], "23145279.55");
    assert_eq!(&p30[col("DDTL.principal_paid")], "23145279.55");
    assert_eq!(&p30[col("DDTL.closing")], "0.00");
    assert_eq!(&p30[col("dscr")], "1.3000000000");
    assert_eq!(&p30[col("dsra_release")], "23286080.00");
    assert_eq!(&p30[col("distribution")], "30271904.00");
    let p31 = &records[30];
    assert_eq!(&p31[col("dscr")], "");
    assert_eq!(&p31[col("distribution")], "31509183.80");
}

#[test]
fn json_snapshot_holds_the_hand_checked_figures() {
    let text = boxflow(&["run", "fixtures/reference.toml", "--format", "json"]);
    insta::assert_snapshot!("reference_json", text);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let s = &v["summary"];
    for (key, value) in [
        ("senior_commitment", "518926087.20"),
        ("sizing_binding", "dscr"),
        ("min_dscr", "1.3000000000"),
        ("avg_dscr", "1.3000000004"),
        ("llcr", "1.2960376630"),
        ("halfway_covenant", "pass"),
        ("equity_irr", "0.4738326617"),
        ("project_irr", "0.3907908432"),
        ("senior_lender_irr", "0.0913816635"),
        ("npv", "539721657.53"),
        ("wal_years", "1.4652179736"),
        ("terminal_value", "190464000.00"),
        ("lender_loss", "0.00"),
        ("total_invoice", "2337433190.40"),
        ("total_collections", "2187433190.40"),
        ("total_opex", "519796799.28"),
        ("total_fees", "1500000.00"),
        ("total_interest", "56240416.64"),
        ("total_principal", "518926087.20"),
        ("total_distributions", "1177522067.64"),
        ("total_equity", "377729984.47"),
    ] {
        assert_eq!(s[key], value, "summary.{key}");
    }
    for (key, value) in [
        ("min_dscr_period", 22),
        ("halfway_period", 30),
        ("senior_repaid_period", 30),
        ("payback_period", 34),
    ] {
        assert_eq!(s[key], value, "summary.{key}");
    }
    let c = &v["closing"];
    assert_eq!(c["sources"]["draws"]["DDTL"], "397843333.52");
    assert_eq!(c["sources"]["prepayment"], "150000000.00");
    assert_eq!(c["sources"]["equity"], "276604738.15");
    assert_eq!(c["sources"]["total"], "824448071.67");
    assert_eq!(c["uses"]["capex"], "730112000.00");
    assert_eq!(c["uses"]["upfront_fees"]["DDTL"], "7783891.31");
    assert_eq!(c["uses"]["dsra"], "86552180.36");
    assert_eq!(c["uses"]["total"], "824448071.67");
    let p1 = &v["periods"][0];
    assert_eq!(p1["dscr"], "1.3000000007");
    assert_eq!(p1["cfads"], "13108541.96");
    assert_eq!(p1["facilities"][0]["interest_due"], "2620792.96");
    assert_eq!(p1["facilities"][0]["commitment_fee_due"], "52132.85");
    assert_eq!(p1["facilities"][0]["principal_paid"], "7410568.00");
    assert_eq!(p1["dsra"]["deposit"], "3025048.15");
    let p30 = &v["periods"][29];
    assert_eq!(p30["distribution"], "30271904.00");
    assert_eq!(p30["dsra"]["release"], "23286080.00");
    assert_eq!(v["periods"][30]["dscr"], serde_json::Value::Null);
    assert_eq!(v["periods"][30]["distribution"], "31509183.80");
    let events: Vec<(String, u64)> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap().to_string(),
                e["period"].as_u64().unwrap(),
            )
        })
        .collect();
    let lockup = |k| ("lockup".to_string(), k);
    assert_eq!(
        events,
        [1, 2, 3, 4, 5, 16, 17, 18, 19, 20].map(lockup).to_vec()
    );
}

#[test]
fn periods_flag_shows_part_of_the_run() {
    let text = boxflow(&[
        "run",
        "fixtures/reference.toml",
        "--periods",
        "28..31",
        "--columns",
        CLASSIC,
    ]);
    insta::assert_snapshot!("reference_table_28_31", text);
    assert_eq!(table_row(&text, 30)[11], "30,271,904.00");
    assert_eq!(table_row(&text, 31)[11], "31,509,183.80");
    for k in [1, 27, 32, 60] {
        assert!(find_row(&text, k).is_none(), "period {k} shown");
    }
    // The summary is still the whole run's.
    assert!(text.contains("518,926,087.20") && text.contains("1,177,522,067.64"));

    let csv = boxflow(&[
        "run",
        "fixtures/reference.toml",
        "--format",
        "csv",
        "--periods",
        "30",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[1].starts_with("30,2028-06-01,2028-07-01,30,"));
    assert!(lines[1].contains(",30271904.00,"));

    for bad in ["0..3", "5..2", "1..61", "x", ""] {
        let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
            .args(["run", "fixtures/reference.toml", "--periods", bad])
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--periods"), "{bad}: {err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(["run", "fixtures/reference.toml", "--format", "json"])
        .args(["--periods", "1..2"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn colour_highlights_breaches_only_when_asked() {
    let deal = boxflow::deal::read_file(&root().join("fixtures/reference.toml")).unwrap();
    let run = boxflow::waterfall::run(&deal).unwrap();
    use boxflow::report::table::{period_table_with, TableOptions};
    let plain = period_table_with(&run, &TableOptions::default());
    assert!(!plain.contains('\x1b'));
    let coloured = period_table_with(
        &run,
        &TableOptions {
            color: true,
            periods: Some(1..=6),
            ..TableOptions::default()
        },
    );
    // Yellow (ANSI 256-colour 11) on the lock-up periods 1-5, not on period 6.
    let yellow = "\x1b[38;5;11m";
    let lines: Vec<&str> = coloured.lines().collect();
    let row = |k: usize| {
        lines
            .iter()
            .find(|l| {
                l.replace(yellow, "")
                    .replace("\x1b[39m", "")
                    .trim_start_matches('│')
                    .split('┆')
                    .next()
                    .is_some_and(|c| c.trim() == k.to_string())
            })
            .unwrap()
            .to_string()
    };
    for k in 1..=5 {
        assert!(row(k).contains(yellow), "period {k}");
    }
    assert!(!row(6).contains('\x1b'));
    // Once the colour codes are removed the table is the plain one.
    let stripped = coloured.replace(yellow, "").replace("\x1b[39m", "");
    let plain_part = period_table_with(
        &run,
        &TableOptions {
            color: false,
            periods: Some(1..=6),
            ..TableOptions::default()
        },
    );
    assert_eq!(stripped, plain_part);
}

/// Runs `boxflow` under a pseudo-terminal (util-linux `script`), when there is one.
fn on_a_tty(args: &str, env: &[(&str, &str)]) -> Option<String> {
    let script = Command::new("script").arg("--version").output().ok()?;
    if !script.status.success() {
        return None;
    }
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_boxflow"));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root())
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let Some(tty) = on_a_tty("run fixtures/reference.toml --periods 1..2", &[]) else {
        println!("skipped: no `script` command to run boxflow on a pseudo-terminal");
        return;
    };
    assert!(tty.contains("\x1b[38;5;11m"), "{tty}");
    let flag = on_a_tty("run fixtures/reference.toml --periods 1..2 --no-color", &[]).unwrap();
    assert!(
        !flag.contains('\x1b') && flag.contains("LU lock-up"),
        "{flag}"
    );
    let env = on_a_tty(
        "run fixtures/reference.toml --periods 1..2",
        &[("NO_COLOR", "1")],
    )
    .unwrap();
    assert!(!env.contains('\x1b') && env.contains("LU lock-up"), "{env}");
}

/// The widest line of a text, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// `boxflow run` at a terminal width of `columns`.
fn run_at(columns: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .arg("run")
        .args(args)
        .current_dir(root())
        .env("COLUMNS", columns)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The period table of `run`'s output: from its top border to its bottom border.
fn period_table_of(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.starts_with("│ k "))
        .expect("a period table")
        - 1;
    let bottom = top
        + lines[top..]
            .iter()
            .position(|l| l.starts_with('└'))
            .unwrap();
    lines[top..=bottom].join("\n")
}

#[test]
fn the_default_table_fits_120_columns() {
    let text = run_at("120", &["fixtures/reference.toml"]);
    insta::assert_snapshot!("reference_table_120", text);
    // Every table and every event line fits; the period table shows the columns of
    // the default set that fit: k, end, CFADS, interest, principal, balance, DSCR,
    // distribution, events.
    assert!(widest(&text) <= 120, "{}", widest(&text));
    let table = period_table_of(&text);
    let header: Vec<String> = table
        .lines()
        .nth(1)
        .unwrap()
        .trim_matches('│')
        .split('┆')
        .map(|c| c.trim().to_string())
        .collect();
    assert_eq!(
        header,
        [
            "k",
            "end",
            "CFADS",
            "interest",
            "principal",
            "balance",
            "DSCR",
            "distribution",
            "events"
        ]
    );
    let p1 = table_row(&table, 1);
    assert_eq!(p1[2], "13,108,541.96"); // CFADS
    assert_eq!(p1[3], "2,672,925.81"); // interest 2,620,792.96 + commitment fee 52,132.85
    assert_eq!(p1[4], "7,410,568.00");
    assert_eq!(p1[5], "390,432,765.52");
    assert_eq!(p1[8], "LU");
    // The events section: the legend, then one line in words per event.
    assert!(text.contains(
        "\nevents: LU lock-up\n    1 LU  lock-up: distributions stopped: DSRA 89,577,228.51 below its target 94,803,666.88; trapped 0.00\n"
    ), "{text}");
    // The summary's returns and headroom (worked in crates/waterfall/tests/views.rs):
    // MOIC 1,367,986,067.64 / 377,729,984.47 = 3.62x; cash-on-cash year 1
    // 39,664,864.76 / 377,729,984.47 = 10.50%.
    for figure in [
        "3.62x",
        "10.50%",
        "1,046,656,071.67",
        "952,320,000.00",
        // The lowest headroom to lock-up (worked there too): period 2, 11,213,360.48
        // - 1.2 · 8,625,661.90 = 862,566.20; in percent, 1 - 1.2 / DSCR is lowest in
        // period 22 (the run's lowest DSCR): 7.69%.
        "862,566.20 (2)",
        "7.69% (22)",
        "│ MOIC ",
    ] {
        assert!(text.contains(figure), "{figure}");
    }
}

#[test]
fn tables_fit_80_and_120_columns_with_a_junior_and_with_events() {
    for deal in [
        "fixtures/reference.toml",
        "fixtures/junior.toml",
        "fixtures/price-cut.toml",
    ] {
        for width in [80, 120] {
            let text = run_at(&width.to_string(), &[deal]);
            // The verdicts below the tables are prose and not wrapped; every table line
            // and every event line fits.
            let above_verdicts = text.split("\n- ").next().unwrap();
            assert!(
                widest(above_verdicts) <= width,
                "{deal} at {width}: {}",
                widest(above_verdicts)
            );
            assert!(widest(&period_table_of(&text)) <= width);
        }
    }
    // With events, the codes are in the table and spelled out below it.
    let text = run_at("120", &["fixtures/price-cut.toml"]);
    assert!(
        text.contains("events: PD payment default, LU lock-up, DD DSCR default"),
        "{text}"
    );
    assert!(
        text.contains("   17 PD  payment default: DDTL senior principal due"),
        "{text}"
    );
    // --wide shows every column, whatever the width.
    let wide = run_at("80", &["fixtures/junior.toml", "--wide"]);
    let header = period_table_of(&wide).lines().nth(1).unwrap().to_string();
    for h in [
        "senior interest",
        "junior interest",
        "DSCR all",
        "room to LU",
        "lock-up acct",
    ] {
        assert!(header.contains(h), "{h}: {header}");
    }
}

#[test]
fn columns_and_units_choose_what_the_table_shows() {
    let text = run_at(
        "80",
        &[
            "fixtures/reference.toml",
            "--columns",
            "period,cfads,headroom_lockup",
            "--units",
            "m",
            "--periods",
            "1..2",
        ],
    );
    let table = period_table_of(&text);
    let p1 = table_row(&table, 1);
    // CFADS 13,108,541.96 in millions: 13.11; headroom 1,008,349.388 / 13,108,541.96
    // = 7.6923077%.
    assert_eq!(p1, ["1", "13.11", "7.69%"]);
    assert!(text.contains("money in millions (m)"));
    // The CSV and the JSON stay to the cent.
    let csv = boxflow(&[
        "run",
        "fixtures/reference.toml",
        "--format",
        "csv",
        "--units",
        "m",
        "--periods",
        "1",
    ]);
    assert!(csv.contains(",13108541.96,"));
    let k = run_at(
        "200",
        &[
            "fixtures/reference.toml",
            "--columns",
            "cfads",
            "--units",
            "k",
            "--periods",
            "1",
        ],
    );
    // The period is always shown: each row needs it.
    assert_eq!(table_row(&period_table_of(&k), 1), ["1", "13,108.5"]);
    // An unknown column: the error names it and the columns there are.
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(["run", "fixtures/reference.toml", "--columns", "cfads,dcsr"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown column `dcsr` (did you mean `dscr`?)"),
        "{err}"
    );
    assert!(err.contains("period,start,end,days"), "{err}");
}

#[test]
fn by_year_in_every_format() {
    let text = run_at("120", &["fixtures/reference.toml", "--by", "year"]);
    insta::assert_snapshot!("reference_years_120", text);
    assert!(widest(&text) <= 120);
    // Year 1 (periods 1-12): CFADS, distributions and cash-on-cash added up by hand in
    // crates/waterfall/tests/views.rs; the balance at its end is period 12's.
    let row = text.lines().find(|l| l.contains(" Y1 ")).unwrap();
    for figure in [
        "1-12",
        "2027-01-01",
        "39,664,864.76",
        "357,103,115.99",
        "10.50%",
    ] {
        assert!(row.contains(figure), "{figure}: {row}");
    }
    let csv = boxflow(&[
        "run",
        "fixtures/reference.toml",
        "--format",
        "csv",
        "--by",
        "year",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 6); // header + 5 contract years
    assert!(lines[0].starts_with("year,start,end,first_period,last_period,invoice,"));
    assert!(lines[1].starts_with("1,2026-01-01,2027-01-01,1,12,"));
    // Σ distributions over the years = total_distributions 1,177,522,067.64.
    let header: Vec<&str> = lines[0].split(',').collect();
    let at = header.iter().position(|h| *h == "distribution").unwrap();
    let cents: i64 = lines[1..]
        .iter()
        .map(|l| {
            l.split(',')
                .nth(at)
                .unwrap()
                .replace('.', "")
                .parse::<i64>()
                .unwrap()
        })
        .sum();
    assert_eq!(cents, 117_752_206_764); // 1,177,522,067.64 in cents
    let cal = boxflow(&[
        "run",
        "fixtures/reference.toml",
        "--format",
        "csv",
        "--by",
        "calendar",
    ]);
    assert!(cal
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("2026,2026-01-01,2026-12-01,1,11,"));
    let json = boxflow(&[
        "run",
        "fixtures/reference.toml",
        "--format",
        "json",
        "--by",
        "year",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["years"]["basis"], "contract");
    assert_eq!(v["years"]["years"][0]["distribution"], "39664864.76");
    assert_eq!(v["years"]["years"].as_array().unwrap().len(), 5);
    // Without --by the JSON has no years, but always the returns, funding and headroom.
    let plain: serde_json::Value = serde_json::from_str(&boxflow(&[
        "run",
        "fixtures/reference.toml",
        "--format",
        "json",
    ]))
    .unwrap();
    assert!(plain.get("years").is_none());
    assert_eq!(plain["returns"]["returned"], "1367986067.64");
    assert_eq!(plain["funding"]["total"]["capex"], "952320000.00");
    assert_eq!(
        plain["headroom"]["periods"][0]["senior"]["lockup"]["amount"],
        "1008349.38"
    );
    assert_eq!(plain["headroom"]["levels"]["lockup_dscr"], "1.2000000000");
}

#[test]
fn the_verdicts_wrap_to_the_width() {
    // fixtures/price-cut.toml fails its covenants: its verdicts (a payment default, a
    // DSCR default, the halfway covenant) are each longer than 120 characters on one
    // line, so they must wrap; the whole output then fits 120 and 80 columns.
    for columns in ["120", "80"] {
        let text = run_at(columns, &["fixtures/price-cut.toml"]);
        assert!(text.contains("verdicts on the debt:"), "{text}");
        let width: usize = columns.parse().unwrap();
        assert!(widest(&text) <= width, "{columns}: {}", widest(&text));
        // A wrapped verdict keeps its words: the halfway verdict's advice is there.
        let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            joined.contains("Lower the commitment, or sweep excess cash into prepayments (sweep)"),
            "{joined}"
        );
    }
}

//! `boxflow report --xlsx`: the workbook read back with calamine holds the engine's
//! values to the cent, live formulas where promised, the hand-checked figures of the
//! worked example, formats, frozen headers and a native chart; when LibreOffice is
//! installed, a headless recalculation of every formula reproduces every value.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use boxflow::core::Money;
use boxflow::waterfall::Run;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

#[path = "support/cells.rs"]
mod cells;
use cells::{column_name, number};

#[path = "support/libreoffice.rs"]
mod support;
use support::{libreoffice, prepared, recalculate};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn reference() -> (boxflow::deal::ValidDeal, Run) {
    let deal = boxflow::deal::read_file(&root().join("fixtures/reference.toml")).unwrap();
    let run = boxflow::waterfall::run(&deal).unwrap();
    (deal, run)
}

/// Writes the reference workbook through the CLI and returns its bytes.
fn reference_workbook(dir: &Path) -> Vec<u8> {
    let path = dir.join("r.xlsx");
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(["report", "fixtures/reference.toml", "--xlsx"])
        .arg(&path)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&path).unwrap()
}

/// A sheet read back: values and formulas by absolute (row, column), with the
/// column of each header of row `header_row`.
struct Sheet {
    values: calamine::Range<Data>,
    formulas: calamine::Range<String>,
    columns: HashMap<String, u32>,
}

impl Sheet {
    fn read(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str, header_row: u32) -> Sheet {
        let values = book.worksheet_range(name).unwrap();
        let formulas = book.worksheet_formula(name).unwrap();
        let mut columns = HashMap::new();
        for col in 0..=values.end().map_or(0, |e| e.1) {
            if let Some(Data::String(h)) = values.get_value((header_row, col)) {
                columns.insert(h.clone(), col);
            }
        }
        Sheet {
            values,
            formulas,
            columns,
        }
    }

    fn col(&self, header: &str) -> u32 {
        *self
            .columns
            .get(header)
            .unwrap_or_else(|| panic!("no column {header}: {:?}", self.columns.keys()))
    }

    fn value(&self, row: u32, header: &str) -> &Data {
        self.values
            .get_value((row, self.col(header)))
            .unwrap_or(&Data::Empty)
    }

    fn cents(&self, row: u32, header: &str) -> i128 {
        cents_of(self.value(row, header)).unwrap_or_else(|| {
            panic!(
                "row {row} {header}: {:?} is not a number",
                self.value(row, header)
            )
        })
    }

    fn number(&self, row: u32, header: &str) -> Option<f64> {
        number(self.value(row, header))
    }

    fn formula(&self, row: u32, header: &str) -> String {
        self.formulas
            .get_value((row, self.col(header)))
            .cloned()
            .unwrap_or_default()
    }

    /// `G5`: the cell of a header's column at a sheet row (0-based).
    fn cell(&self, row: u32, header: &str) -> String {
        format!("{}{}", column_name(self.col(header)), row + 1)
    }
}

fn cents_of(d: &Data) -> Option<i128> {
    number(d).map(|x| (x * 100.0).round() as i128)
}

fn c(m: Money) -> i128 {
    m.cents()
}

/// Cents from a hand-written amount: `"518,926,087.20"`.
fn hand(amount: &str) -> i128 {
    amount.replace([',', '.'], "").parse().unwrap()
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

#[test]
fn sheets_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let book = open(reference_workbook(dir.path()));
    assert_eq!(book.sheet_names(), boxflow::report::xlsx::SHEETS);
}

#[test]
fn periods_hold_the_engines_values_and_live_formulas() {
    let (_, run) = reference();
    let dir = tempfile::tempdir().unwrap();
    let mut book = open(reference_workbook(dir.path()));
    let s = Sheet::read(&mut book, "Periods", 0);
    assert_eq!(run.periods.len(), 60);
    for p in &run.periods {
        let row = p.period as u32;
        let o = &p.operations;
        let ddtl = &p.facilities[0];
        assert_eq!(s.number(row, "period"), Some(p.period as f64));
        // Dates are dates: 2026-01-01 is Excel serial 46023.
        assert!(matches!(s.value(row, "end"), Data::DateTime(_)));
        for (header, m) in [
            ("invoice", o.invoice),
            ("prepayment credit", o.prepayment_credit),
            ("collections", o.collections),
            ("colocation", o.colocation),
            ("power", o.power),
            ("expenses", o.expenses),
            ("opex", o.opex),
            ("fees", o.fees),
            ("CFADS", o.cfads),
            ("opex paid", p.opex_paid),
            ("fees paid", p.fees_paid),
            ("capex", p.capex),
            ("equity contribution", p.equity_contribution),
            ("DDTL opening", ddtl.opening),
            ("DDTL draws", ddtl.draws),
            ("DDTL interest due", ddtl.interest_due),
            ("DDTL commitment fee due", ddtl.commitment_fee_due),
            ("DDTL interest paid", ddtl.interest_paid),
            ("DDTL principal due", ddtl.principal_due),
            ("DDTL principal paid", ddtl.principal_paid),
            ("DDTL prepaid", ddtl.prepaid),
            ("DDTL closing", ddtl.closing),
            ("DSRA opening", p.dsra.opening),
            ("DSRA target", p.dsra.target),
            ("DSRA deposit", p.dsra.deposit),
            ("DSRA release", p.dsra.release),
            ("DSRA draw", p.dsra.draw),
            ("DSRA closing", p.dsra.closing),
            ("distribution", p.distribution),
        ] {
            assert_eq!(s.cents(row, header), c(m), "period {} {header}", p.period);
        }
        // The DSCR: the engine's to 10 decimals, blank without debt service.
        match p.dscr {
            Some(d) => {
                let x = s.number(row, "DSCR").unwrap();
                let engine: f64 = boxflow::core::round10(d.value())
                    .to_string()
                    .parse()
                    .unwrap();
                // The cached result is the exact ratio; the engine prints it to 10 decimals.
                assert!((x - engine).abs() < 1e-10, "period {}", p.period);
            }
            None => assert!(
                matches!(s.value(row, "DSCR"), Data::Empty)
                    || *s.value(row, "DSCR") == Data::String(String::new()),
                "period {}: {:?}",
                p.period,
                s.value(row, "DSCR")
            ),
        }

        // The promised formulas, written out independently from the header positions.
        let at = |h: &str| s.cell(row, h);
        for (header, formula) in [
            (
                "collections",
                format!("{}-{}", at("invoice"), at("prepayment credit")),
            ),
            (
                "opex",
                format!("{}+{}+{}", at("colocation"), at("power"), at("expenses")),
            ),
            (
                "CFADS",
                format!("{}-{}-{}", at("collections"), at("opex"), at("fees")),
            ),
            (
                "DDTL closing",
                format!(
                    "{}+{}-{}-{}",
                    at("DDTL opening"),
                    at("DDTL draws"),
                    at("DDTL principal paid"),
                    at("DDTL prepaid")
                ),
            ),
            (
                "senior debt service",
                format!(
                    "{}+{}+{}",
                    at("DDTL interest due"),
                    at("DDTL commitment fee due"),
                    at("DDTL principal due")
                ),
            ),
            (
                "DSCR",
                format!(
                    "IF({ds}=0,\"\",{cfads}/{ds})",
                    ds = at("senior debt service"),
                    cfads = at("CFADS")
                ),
            ),
            (
                "DSRA closing",
                format!(
                    "{}+{}-{}-{}",
                    at("DSRA opening"),
                    at("DSRA deposit"),
                    at("DSRA release"),
                    at("DSRA draw")
                ),
            ),
        ] {
            // Money formulas are rounded to the cent as a whole: ROUND(expression, 2).
            let written = s.formula(row, header);
            let written = written.trim_start_matches('=');
            let written = written
                .strip_prefix("ROUND(")
                .and_then(|f| f.strip_suffix(",2)"))
                .unwrap_or(written);
            assert_eq!(written, formula, "period {} {header}", p.period);
        }
        // The formulas' arithmetic on the cells read back gives their cached results.
        let k = |h: &str| s.cents(row, h);
        assert_eq!(k("collections"), k("invoice") - k("prepayment credit"));
        assert_eq!(k("opex"), k("colocation") + k("power") + k("expenses"));
        assert_eq!(k("CFADS"), k("collections") - k("opex") - k("fees"));
        assert_eq!(
            k("DDTL closing"),
            k("DDTL opening") + k("DDTL draws") - k("DDTL principal paid") - k("DDTL prepaid")
        );
        let ds = k("DDTL interest due") + k("DDTL commitment fee due") + k("DDTL principal due");
        assert_eq!(k("senior debt service"), ds);
        if ds != 0 {
            let dscr = k("CFADS") as f64 / ds as f64;
            assert!((s.number(row, "DSCR").unwrap() - dscr).abs() < 1e-9);
        }
        assert_eq!(
            k("DSRA closing"),
            k("DSRA opening") + k("DSRA deposit") - k("DSRA release") - k("DSRA draw")
        );
    }

    // The worked example's hand-checked figures (shared/worked-example.md).
    assert_eq!(s.cents(1, "invoice"), hand("26,817,331.20"));
    assert_eq!(s.cents(1, "collections"), hand("21,453,864.96"));
    assert_eq!(s.cents(1, "opex"), hand("8,320,323.00"));
    assert_eq!(s.cents(1, "CFADS"), hand("13,108,541.96"));
    assert_eq!(s.cents(1, "DDTL opening"), hand("397,843,333.52"));
    assert_eq!(s.cents(1, "DDTL interest due"), hand("2,620,792.96"));
    assert_eq!(s.cents(1, "DDTL commitment fee due"), hand("52,132.85"));
    assert_eq!(s.cents(1, "DDTL principal paid"), hand("7,410,568.00"));
    assert_eq!(s.cents(1, "DDTL closing"), hand("390,432,765.52"));
    assert!((s.number(1, "DSCR").unwrap() - 1.3000000007).abs() < 1e-10);
    assert_eq!(s.cents(1, "DSRA closing"), hand("89,577,228.51"));
    assert_eq!(s.cents(1, "distribution"), 0);
    assert_eq!(s.cents(30, "DDTL opening"), hand("23,145,279.55"));
    assert_eq!(s.cents(30, "DDTL closing"), 0);
    assert_eq!(s.cents(30, "distribution"), hand("30,271,904.00"));
    assert_eq!(s.cents(30, "DSRA release"), hand("23,286,080.00"));
    assert_eq!(s.cents(31, "distribution"), hand("31,509,183.80"));
    assert_eq!(*s.value(31, "DSCR"), Data::String(String::new()));
    assert_eq!(
        *s.value(1, "events (engine)"),
        Data::String("lockup".into())
    );
}

#[test]
fn summary_closing_schedule_events_and_inputs() {
    let (deal, run) = reference();
    let dir = tempfile::tempdir().unwrap();
    let mut book = open(reference_workbook(dir.path()));

    // Summary: label in column A, value in column B, from row 5.
    let summary = book.worksheet_range("Summary").unwrap();
    let formulas = book.worksheet_formula("Summary").unwrap();
    let mut rows: HashMap<String, u32> = HashMap::new();
    for r in 0..=summary.end().unwrap().0 {
        if let Some(Data::String(label)) = summary.get_value((r, 0)) {
            rows.insert(label.clone(), r);
        }
    }
    assert_eq!(
        *summary.get_value((0, 0)).unwrap(),
        Data::String(deal.name.clone())
    );
    let money = |label: &str| cents_of(summary.get_value((rows[label], 1)).unwrap()).unwrap();
    let value = |label: &str| number(summary.get_value((rows[label], 1)).unwrap()).unwrap();
    let formula = |label: &str| {
        formulas
            .get_value((rows[label], 1))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(money("senior commitment"), hand("518,926,087.20"));
    assert_eq!(
        *summary.get_value((rows["sizing binding"], 1)).unwrap(),
        Data::String("dscr".into())
    );
    assert!((value("min DSCR") - 1.3).abs() < 1e-10);
    assert_eq!(value("min DSCR period"), 22.0);
    assert!((value("avg DSCR") - 1.3000000004).abs() < 1e-10);
    assert!((value("LLCR") - 1.2960376630).abs() < 1e-10);
    assert_eq!(value("halfway period"), 30.0);
    assert_eq!(value("senior repaid period"), 30.0);
    assert!((value("equity IRR") - 0.4738326617).abs() < 1e-10);
    assert!((value("project IRR") - 0.3907908432).abs() < 1e-10);
    assert!((value("senior lender IRR") - 0.0913816635).abs() < 1e-10);
    assert_eq!(money("NPV"), hand("539,721,657.53"));
    assert!((value("WAL (years)") - 1.4652179736).abs() < 1e-12);
    assert_eq!(value("payback period"), 34.0);
    assert_eq!(money("terminal value"), hand("190,464,000.00"));
    assert_eq!(money("lender loss"), 0);
    for (label, amount, sums) in [
        ("total invoice", "2,337,433,190.40", 1),
        ("total collections", "2,187,433,190.40", 1),
        ("total opex", "519,796,799.28", 1),
        ("total fees", "1,500,000.00", 1),
        ("total interest", "56,240,416.64", 1),
        ("total principal", "518,926,087.20", 2),
        ("total distributions", "1,177,522,067.64", 1),
        ("total equity", "377,729,984.47", 1),
    ] {
        assert_eq!(money(label), hand(amount), "{label}");
        let f = formula(label);
        assert_eq!(f.matches("SUM(Periods!").count(), sums, "{label}: {f}");
        assert!(f.contains("2:") && f.contains("61)"), "{label}: {f}");
    }
    assert!(formula("total equity").starts_with("Closing!B"));
    assert_eq!(value("events"), 10.0);

    // Closing: sources = uses, totals as formulas.
    let closing = book.worksheet_range("Closing").unwrap();
    let closing_f = book.worksheet_formula("Closing").unwrap();
    let mut found = HashMap::new();
    for r in 0..=closing.end().unwrap().0 {
        if let Some(Data::String(label)) = closing.get_value((r, 0)) {
            found.insert(label.clone(), r);
        }
    }
    let amount = |label: &str| cents_of(closing.get_value((found[label], 1)).unwrap()).unwrap();
    assert_eq!(amount("DDTL draws"), hand("397,843,333.52"));
    assert_eq!(amount("customer prepayment"), hand("150,000,000.00"));
    assert_eq!(amount("sponsor equity"), hand("276,604,738.15"));
    assert_eq!(amount("total sources"), hand("824,448,071.67"));
    assert_eq!(amount("capex"), hand("730,112,000.00"));
    assert_eq!(amount("DDTL upfront fee"), hand("7,783,891.31"));
    assert_eq!(amount("DSRA"), hand("86,552,180.36"));
    assert_eq!(amount("total uses"), hand("824,448,071.67"));
    assert_eq!(amount("sources - uses"), 0);
    for label in ["total sources", "total uses"] {
        let f = closing_f.get_value((found[label], 1)).unwrap();
        assert!(f.starts_with("SUM(B"), "{label}: {f}");
    }

    // Schedule: the close schedule of the DDTL, formulas for closing, debt service, DSCR.
    let s = Sheet::read(&mut book, "Schedule", 0);
    let plan = &run.plan.facilities[0];
    for (i, r) in plan.schedule.rows.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(*s.value(row, "facility"), Data::String("DDTL".into()));
        assert_eq!(s.cents(row, "opening"), c(r.opening));
        assert_eq!(s.cents(row, "closing"), c(r.closing));
        assert_eq!(s.cents(row, "debt service"), c(r.debt_service()));
        assert_eq!(s.cents(row, "CFADS"), c(r.cfads));
        let k = |h: &str| s.cents(row, h);
        assert_eq!(k("closing"), k("opening") + k("draws") - k("principal"));
        assert_eq!(
            k("debt service"),
            k("interest") + k("commitment fee") + k("principal")
        );
        assert_eq!(
            s.formula(row, "closing"),
            format!(
                "{}+{}-{}",
                s.cell(row, "opening"),
                s.cell(row, "draws"),
                s.cell(row, "principal")
            )
        );
        assert!(s.formula(row, "DSCR").starts_with("IF("));
    }

    // Events: the 10 lock-ups of periods 1-5 and 16-20.
    let e = Sheet::read(&mut book, "Events", 0);
    let periods: Vec<f64> = (1..=10).map(|r| e.number(r, "period").unwrap()).collect();
    assert_eq!(
        periods,
        [1.0, 2.0, 3.0, 4.0, 5.0, 16.0, 17.0, 18.0, 19.0, 20.0]
    );
    for r in 1..=10 {
        assert_eq!(*e.value(r, "event"), Data::String("lockup".into()));
    }
    assert_eq!(*e.value(11, "event"), Data::Empty);

    // Deal: the deal sheet's values, numbers where exact.
    let inputs = book.worksheet_range("Deal").unwrap();
    let mut inputs_map = HashMap::new();
    for r in 1..=inputs.end().unwrap().0 {
        if let Some(Data::String(k)) = inputs.get_value((r, 0)) {
            inputs_map.insert(k.clone(), inputs.get_value((r, 1)).cloned());
        }
    }
    assert_eq!(
        inputs_map["name"],
        Some(Data::String("Box 7 - Hyperscaler A, H100 cluster".into()))
    );
    assert_eq!(
        number(inputs_map["contract.capacity[0].gpus"].as_ref().unwrap()),
        Some(16384.0)
    );
    assert_eq!(
        number(
            inputs_map["contract.capacity[0].price_per_gpu_hour"]
                .as_ref()
                .unwrap()
        ),
        Some(2.2)
    );
    assert_eq!(
        number(inputs_map["contract.prepayment"].as_ref().unwrap()),
        Some(150_000_000.0)
    );
}

/// The text of a file inside the xlsx archive.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("no {name}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn formats_frozen_headers_widths_and_a_native_chart() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = reference_workbook(dir.path());
    let styles = part(&bytes, "xl/styles.xml");
    for format in [
        "#,##0.00",
        // Ratios to four decimals; a negative one reads "n.m. (CFADS < 0)".
        "0.0000&quot;x&quot;;&quot;n.m. (CFADS &lt; 0)&quot;",
        "0.00%",
        "0.00##%",
        "yyyy-mm-dd",
    ] {
        assert!(
            styles.contains(&format!("formatCode=\"{format}\"")),
            "{format}"
        );
    }
    // Every sheet, in the workbook's order.
    for (i, name) in boxflow::report::xlsx::SHEETS.iter().enumerate() {
        let sheet = part(&bytes, &format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(
            sheet.contains("state=\"frozen\""),
            "{name} has no frozen pane"
        );
        assert!(
            sheet.contains("<col ") && sheet.contains("customWidth=\"1\""),
            "{name}"
        );
    }
    let periods = part(&bytes, "xl/worksheets/sheet3.xml");
    assert!(periods.contains("ySplit=\"1\""));
    // The chart: columns of the senior balance and a line of the DSCR on a
    // secondary axis, over the periods with senior debt service (rows 2 to 31).
    let chart = part(&bytes, "xl/charts/chart1.xml");
    assert!(chart.contains("<c:barChart>") && chart.contains("<c:lineChart>"));
    assert!(chart.contains("Periods!$A$2:$A$31"), "{chart}");
    assert!(chart.contains("DSCR") && chart.contains("senior balance"));
    let drawing = part(&bytes, "xl/worksheets/_rels/sheet1.xml.rels");
    assert!(drawing.contains("drawing"));
}

#[test]
fn every_fixture_writes_a_workbook() {
    for entry in std::fs::read_dir(root().join("fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            let deal = boxflow::deal::read_file(&path).unwrap();
            let run = boxflow::waterfall::run(&deal).unwrap();
            let bytes = boxflow::report::xlsx::workbook(&deal, &run)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let book = open(bytes);
            assert_eq!(
                book.sheet_names().len(),
                boxflow::report::xlsx::SHEETS.len(),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn the_cli_reports_errors_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_boxflow"))
            .args(args)
            .current_dir(root())
            .output()
            .unwrap()
    };
    let out = run(&["report", "fixtures/reference.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--html FILE, --xlsx FILE or both"));

    let out = run(&[
        "report",
        "fixtures/invalid/missing-key.toml",
        "--xlsx",
        dir.path().join("x.xlsx").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("x.xlsx").exists());

    let missing = dir.path().join("no/such/folder/r.xlsx");
    let out = run(&[
        "report",
        "fixtures/reference.toml",
        "--xlsx",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(!missing.exists());
}

#[test]
fn libreoffice_recalculation_reproduces_every_value_to_the_cent() {
    let Some(soffice) = libreoffice() else {
        println!(
            "skipped: LibreOffice (soffice) not installed; the recalculation check did not run"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let original = reference_workbook(dir.path());
    let (stripped, count) = prepared(&original, "", &[]);
    assert!(count > 60 * 7, "only {count} formulas");
    let Some(recalculated) = recalculate(&soffice, dir.path(), "stripped", &stripped) else {
        println!("skipped: LibreOffice did not finish converting within 240 s; the recalculation check did not run");
        return;
    };
    let mut ours = open(original);
    let mut theirs = open(recalculated);
    let mut compared = 0;
    for sheet in boxflow::report::xlsx::SHEETS {
        let a = ours.worksheet_range(sheet).unwrap();
        let formulas = ours.worksheet_formula(sheet).unwrap();
        let b = theirs.worksheet_range(sheet).unwrap();
        for (row, col, value) in a.used_cells() {
            let (row, col) = (
                row as u32 + a.start().unwrap().0,
                col as u32 + a.start().unwrap().1,
            );
            let is_formula = formulas
                .get_value((row, col))
                .is_some_and(|f| !f.is_empty());
            let other = b.get_value((row, col)).unwrap_or(&Data::Empty);
            match (number(value), number(other)) {
                (Some(x), Some(y)) => {
                    // Money to the cent; ratios (the DSCR) to 1e-9.
                    assert_eq!(
                        (x * 100.0).round(),
                        (y * 100.0).round(),
                        "{sheet} ({row}, {col}): {x} vs LibreOffice {y}"
                    );
                    if x.abs() < 100.0 {
                        assert!((x - y).abs() < 1e-9, "{sheet} ({row}, {col}): {x} vs {y}");
                    }
                    if is_formula {
                        compared += 1;
                    }
                }
                (None, None) => {
                    let text = |d: &Data| match d {
                        Data::String(s) => s.clone(),
                        Data::Empty => String::new(),
                        other => format!("{other:?}"),
                    };
                    assert_eq!(text(value), text(other), "{sheet} ({row}, {col})");
                }
                _ => panic!("{sheet} ({row}, {col}): {value:?} vs LibreOffice {other:?}"),
            }
        }
    }
    // Every numeric formula result was recomputed by LibreOffice and compared.
    // Blank results (a DSCR or LTV without debt) are compared as text, not counted.
    assert!(compared + 150 >= count, "compared {compared} of {count}");
    println!(
        "LibreOffice recalculated {count} formulas; {compared} numeric results equal to the cent"
    );
}

#[test]
fn the_summary_has_every_tranche() {
    let path = root().join("fixtures/junior.toml");
    let deal = boxflow::deal::read_file(&path).unwrap();
    let run = boxflow::waterfall::run(&deal).unwrap();
    let mut book = open(boxflow::report::xlsx::workbook(&deal, &run).unwrap());
    let summary = book.worksheet_range("Summary").unwrap();
    let mut rows: HashMap<String, u32> = HashMap::new();
    for r in 0..=summary.end().unwrap().0 {
        if let Some(Data::String(label)) = summary.get_value((r, 0)) {
            rows.insert(label.clone(), r);
        }
    }
    let value = |label: &str| summary.get_value((rows[label], 1)).unwrap().clone();
    // The junior: repaid by month 42 of a monthly deal (the fixture's own words), repaid
    // in period 28 (issue 14), so it passes its own deadline; the senior repaid in
    // period 27 by the halfway period 30 (60 periods / 2).
    assert_eq!(
        number(&value("Junior term loan repay by period")),
        Some(42.0)
    );
    assert_eq!(number(&value("Junior term loan repaid period")), Some(28.0));
    assert_eq!(
        value("Junior term loan deadline"),
        Data::String("pass".into())
    );
    assert_eq!(number(&value("Senior DDTL repay by period")), Some(30.0));
    assert_eq!(number(&value("Senior DDTL repaid period")), Some(27.0));
    // The two commitments add up to the facilities' share of the capital: 65% and
    // 80% gearing caps of 460,800,000.00 capex bound the senior and both together.
    let senior = cents_of(&value("Senior DDTL commitment")).unwrap();
    let junior = cents_of(&value("Junior term loan commitment")).unwrap();
    assert!(senior <= hand("299,520,000.00") && senior + junior <= hand("368,640,000.00"));
    assert!(junior > 0);
    // The senior's minimum DSCR and the combined one, labelled apart; the combined is
    // the lower (the same CFADS over more debt service).
    let senior_min = number(&value("min senior DSCR")).unwrap();
    let combined = number(&value("min combined DSCR (every facility)")).unwrap();
    assert!(combined < senior_min, "{combined} < {senior_min}");
}

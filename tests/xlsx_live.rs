//! The workbook as a live model: the Inputs sheet's defined names and colours, the
//! formulas of the Periods, Returns and Summary sheets, page setup; hand-checked
//! figures of the reference deal's first period; and, when LibreOffice is installed,
//! a headless recalculation of the reference and junior deals' workbooks (every
//! formula equal to the engine's figure: money to the cent, ratios within 1e-9) and
//! a change of the price in the Inputs sheet that moves the distributions and the
//! equity IRR exactly as the engine's run of that price against the debt sized at
//! close.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::PathBuf;

use boxflow::core::Money;
use boxflow::waterfall::Run;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

#[path = "support/libreoffice.rs"]
mod support;
use support::{libreoffice, prepared, recalculate};
#[path = "support/cells.rs"]
mod cells;
use cells::{column_name, number};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn deal(fixture: &str) -> boxflow::deal::ValidDeal {
    boxflow::deal::read_file(&root().join("fixtures").join(fixture)).unwrap()
}

fn workbook(fixture: &str) -> (boxflow::deal::ValidDeal, Run, Vec<u8>) {
    let deal = deal(fixture);
    let run = boxflow::waterfall::run(&deal).unwrap();
    let bytes = boxflow::report::xlsx::workbook(&deal, &run).unwrap();
    (deal, run, bytes)
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap()
}

/// The text of a part of the xlsx archive.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The worksheet part of a sheet: sheets are numbered in the workbook's order.
fn sheet_part(sheet: &str) -> String {
    let i = boxflow::report::xlsx::SHEETS
        .iter()
        .position(|s| *s == sheet)
        .unwrap();
    format!("xl/worksheets/sheet{}.xml", i + 1)
}

/// The workbook's defined names: name -> `Inputs!$B$12`.
fn defined_names(bytes: &[u8]) -> HashMap<String, String> {
    let wb = part(bytes, "xl/workbook.xml");
    let mut names = HashMap::new();
    let mut rest = wb.as_str();
    while let Some(i) = rest.find("<definedName name=\"") {
        rest = &rest[i + 19..];
        let name = &rest[..rest.find('"').unwrap()];
        let body = &rest[rest.find('>').unwrap() + 1..rest.find("</definedName>").unwrap()];
        names.insert(name.to_string(), body.to_string());
    }
    names
}

/// A cell of a defined name's single-cell target, `B12`.
fn name_cell(names: &HashMap<String, String>, name: &str) -> String {
    let target = &names[name];
    target.split('!').nth(1).unwrap().replace('$', "")
}

/// The number of formulas of each sheet.
fn formula_counts(bytes: &[u8]) -> Vec<(&'static str, usize)> {
    let mut book = open(bytes);
    boxflow::report::xlsx::SHEETS
        .iter()
        .map(|s| {
            let f = book.worksheet_formula(s).unwrap();
            (*s, f.used_cells().filter(|(_, _, f)| !f.is_empty()).count())
        })
        .collect()
}

/// The header columns of row 0 of a sheet.
fn columns(range: &calamine::Range<Data>) -> HashMap<String, u32> {
    let mut cols = HashMap::new();
    for col in 0..=range.end().map_or(0, |e| e.1) {
        if let Some(Data::String(h)) = range.get_value((0, col)) {
            cols.insert(h.clone(), col);
        }
    }
    cols
}

fn cents(d: &Data) -> i128 {
    (number(d).unwrap_or_else(|| panic!("{d:?}")) * 100.0).round() as i128
}

fn c(m: Money) -> i128 {
    m.cents()
}

/// The font colour (`FF0000FF`) of a cell of a sheet, read from styles.xml.
fn font_color(bytes: &[u8], sheet: &str, cell: &str) -> Option<String> {
    let xml = part(bytes, &sheet_part(sheet));
    let start = xml.find(&format!("<c r=\"{cell}\""))?;
    let tag = &xml[start..start + xml[start..].find('>')?];
    let style: usize = tag
        .split(" s=\"")
        .nth(1)
        .map_or(Some(0), |s| s[..s.find('"')?].parse().ok())?;
    let styles = part(bytes, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs")?..];
    let xf = xfs.split("<xf ").nth(style + 1)?;
    let font: usize = xf
        .split("fontId=\"")
        .nth(1)?
        .split('"')
        .next()?
        .parse()
        .ok()?;
    let fonts = &styles[styles.find("<fonts")?..styles.find("</fonts>")?];
    let f = fonts
        .split("<font>")
        .nth(font + 1)
        .or_else(|| fonts.split("<font ").nth(font + 1))?;
    let f = &f[..f.find("</font>").unwrap_or(f.len())];
    Some(
        f.split("<color rgb=\"")
            .nth(1)
            .map_or("default".to_string(), |c| c[..8].to_string()),
    )
}

#[test]
fn inputs_are_named_blue_and_formatted() {
    let (deal, run, bytes) = workbook("reference.toml");
    let names = defined_names(&bytes);
    for name in [
        "Close",
        "PeriodMonths",
        "ContractEnd",
        "Escalator",
        "Prepayment",
        "PrepaymentCreditShare",
        "GPUs_1",
        "Price_1",
        "Online_1",
        "GPUs_2",
        "Price_2",
        "Online_2",
        "TerminalValue",
        "DsraAtClose",
        "Commitment_1",
        "DrawnAtClose_1",
        "Margin_1",
        "Floor_1",
        "CommitmentFee_1",
        "Sweep_1",
        "LockupDSCR",
        "LockupAction",
        "DiscountRate",
        "Curve_SOFR3M_Dates",
        "Curve_SOFR3M_Rates",
    ] {
        assert!(
            names.get(name).is_some_and(|t| t.starts_with("Inputs!")),
            "{name}: {names:?}"
        );
    }
    // Four curve points, dates in column A and rates in column B.
    assert_eq!(names["Curve_SOFR3M_Dates"].matches('A').count(), 2);
    let mut book = open(&bytes);
    let inputs = book.worksheet_range("Inputs").unwrap();
    let at = |name: &str| {
        let cell = name_cell(&names, name);
        let (col, row) = cell.split_at(1);
        let row: u32 = row.parse::<u32>().unwrap() - 1;
        let col = u32::from(col.as_bytes()[0] - b'A');
        (
            inputs.get_value((row, 0)).cloned(),
            inputs.get_value((row, col)).cloned(),
        )
    };
    // Labels a person reads, values as numbers, dates as dates.
    let (label, price) = at("Price_2");
    assert_eq!(
        label,
        Some(Data::String("Phase 2: price per GPU-hour".into()))
    );
    assert_eq!(price.as_ref().and_then(number), Some(2.2));
    let (_, online) = at("Online_2");
    assert!(matches!(online, Some(Data::DateTime(_))), "{online:?}");
    // 2026-03-16 is Excel serial 46097 (46023 is 2026-01-01, plus 74 days).
    assert_eq!(online.as_ref().and_then(number), Some(46097.0));
    let (_, margin) = at("Margin_1");
    assert_eq!(margin.as_ref().and_then(number), Some(0.04));
    let (_, commitment) = at("Commitment_1");
    assert_eq!(
        cents(&commitment.unwrap()),
        c(run.plan.facilities[0].commitment)
    );
    assert_eq!(deal.contract.capacity.len(), 2);

    // Colours: inputs blue, formulas black (the default font), engine values green.
    let price_cell = name_cell(&names, "Price_1");
    assert_eq!(
        font_color(&bytes, "Inputs", &price_cell).as_deref(),
        Some("FF0000FF")
    );
    let commitment_cell = name_cell(&names, "Commitment_1");
    assert_eq!(
        font_color(&bytes, "Inputs", &commitment_cell).as_deref(),
        Some("FF00703C")
    );
    let periods = book.worksheet_range("Periods").unwrap();
    let cols = columns(&periods);
    let cell = |h: &str, row: u32| format!("{}{}", column_name(cols[h]), row + 1);
    assert_eq!(
        font_color(&bytes, "Periods", &cell("distribution", 5)).as_deref(),
        Some("default")
    );
    assert_eq!(
        font_color(&bytes, "Periods", &cell("colocation", 5)).as_deref(),
        Some("FF00703C")
    );
    // Rates as percentages, dates as dates.
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0.00##%\""));
    assert!(styles.contains("formatCode=\"yyyy-mm-dd\""));
}

#[test]
fn every_sheet_prints_landscape_fit_to_width_with_repeated_headers() {
    let (_, _, bytes) = workbook("reference.toml");
    for sheet in ["Summary", "Inputs", "Periods", "Returns", "Schedule"] {
        let xml = part(&bytes, &sheet_part(sheet));
        assert!(xml.contains("orientation=\"landscape\""), "{sheet}");
        assert!(xml.contains("fitToHeight=\"0\""), "{sheet}");
        assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{sheet}");
    }
    let wb = part(&bytes, "xl/workbook.xml");
    assert!(
        wb.contains("_xlnm.Print_Titles\" localSheetId=\"2\">Periods!$1:$1"),
        "{wb}"
    );
}

#[test]
fn the_periods_sheet_is_a_chain_of_formulas() {
    let (_, run, bytes) = workbook("reference.toml");
    let counts: HashMap<_, _> = formula_counts(&bytes).into_iter().collect();
    let n = run.periods.len();
    // Every period row of the reference deal: the calendar's days, year and
    // escalation; two lines' active days and invoices; the invoice and prepayment
    // (4); collections, opex, CFADS; the DDTL's opening (from period 2), undrawn,
    // rate, interest, fee, scheduled principal, principal due; the debt service and
    // DSCR; the steps ... at least 70 formulas a row.
    assert!(counts["Periods"] >= 70 * n, "{counts:?}");
    // Returns: 60 distributions and the end of the run.
    assert_eq!(counts["Returns"], n + 1, "{counts:?}");
    assert!(counts["Summary"] >= 15, "{counts:?}");
    assert_eq!(counts["Inputs"], 0);
    assert_eq!(counts["Deal"], 0);

    let mut book = open(&bytes);
    let periods = book.worksheet_range("Periods").unwrap();
    let formulas = book.worksheet_formula("Periods").unwrap();
    let cols = columns(&periods);
    let f = |h: &str, row: u32| {
        formulas
            .get_value((row, cols[h]))
            .cloned()
            .unwrap_or_default()
    };
    let v = |h: &str, row: u32| periods.get_value((row, cols[h])).cloned().unwrap();
    // Period 1 by hand: Phase 1 bills 16,384 GPUs · 2.20 · 24 h · 31 days =
    // 36,044.8 · 744 = 26,817,331.20; Phase 2 is online from 2026-03-16, so 0 days.
    assert_eq!(f("Phase 1 invoice", 1), "ROUND(GPUs_1*Price_1*F2*24*G2,2)");
    assert_eq!(cents(&v("Phase 1 invoice", 1)), 2_681_733_120);
    assert_eq!(number(&v("Phase 2 active days", 1)), Some(0.0));
    // Period 3 (2026-03-01 to 2026-04-01): Phase 2 is active 16 days (from the 16th):
    // 8,192 · 2.20 · 24 · 16 = 6,920,601.60.
    assert_eq!(number(&v("Phase 2 active days", 3)), Some(16.0));
    assert_eq!(cents(&v("Phase 2 invoice", 3)), 692_060_160);
    // Interest of period 1: 397,843,333.52 · (3.65% + 4.00%) · 31 / 360
    // = 30,435,014.9893 · 31 / 360 = 2,620,792.96.
    assert!(
        f("DDTL interest due", 1).starts_with("ROUND("),
        "{}",
        f("DDTL interest due", 1)
    );
    assert!(f("DDTL rate", 1).contains("LOOKUP("));
    assert_eq!(cents(&v("DDTL interest due", 1)), 262_079_296);
    // Each step pays MIN(available, due); the opening is the previous closing.
    assert!(f("opex paid", 2).contains("MIN("));
    assert!(f("DDTL principal from cash", 2).contains("MIN("));
    let closing = column_name(cols["DDTL closing"]);
    assert_eq!(f("DDTL opening", 2), format!("{closing}2"));
    assert!(f("distribution", 2).contains(&format!("{}3", column_name(cols["lock-up release"]))));
    // Cached results are the engine's.
    for p in &run.periods {
        let row = p.period as u32;
        assert_eq!(cents(&v("distribution", row)), c(p.distribution));
        assert_eq!(cents(&v("DDTL closing", row)), c(p.facilities[0].closing));
        assert_eq!(cents(&v("DSRA target", row)), c(p.dsra.target));
    }
    // The Summary's KPIs are live.
    let summary = book.worksheet_formula("Summary").unwrap();
    let all: Vec<String> = summary.used_cells().map(|(_, _, f)| f.clone()).collect();
    for needle in ["XIRR(", "XNPV(DiscountRate", "SUMPRODUCT(", "MIN(Periods!"] {
        assert!(all.iter().any(|f| f.contains(needle)), "{needle}: {all:?}");
    }
}

/// What a comparison found: formula cells compared and the largest differences.
#[derive(Debug, Default)]
struct Compared {
    cells: usize,
    /// The largest difference of a money cell (|value| >= 100), in currency units.
    max_money: f64,
    /// The largest difference of any other number.
    max_ratio: f64,
}

/// Compares every formula cell of `ours` (cached results: the engine's figures) with
/// the recalculated `theirs`: money to the cent, other numbers within 1e-9.
fn compare_all(ours: &[u8], theirs: &[u8]) -> Compared {
    let mut a = open(ours);
    let mut b = open(theirs);
    let mut out = Compared::default();
    for sheet in boxflow::report::xlsx::SHEETS {
        let values = a.worksheet_range(sheet).unwrap();
        let formulas = a.worksheet_formula(sheet).unwrap();
        let other = b.worksheet_range(sheet).unwrap();
        let (r0, c0) = formulas.start().unwrap_or((0, 0));
        for (row, col, f) in formulas.used_cells() {
            if f.is_empty() {
                continue;
            }
            let (row, col) = (row as u32 + r0, col as u32 + c0);
            let x = values.get_value((row, col)).unwrap_or(&Data::Empty);
            let y = other.get_value((row, col)).unwrap_or(&Data::Empty);
            match (number(x), number(y)) {
                (Some(x), Some(y)) => {
                    let d = (x - y).abs();
                    if x.abs() >= 100.0 {
                        assert_eq!(
                            (x * 100.0).round(),
                            (y * 100.0).round(),
                            "{sheet} ({row}, {col}) {f}: engine {x}, LibreOffice {y}"
                        );
                        out.max_money = out.max_money.max(d);
                    } else {
                        assert!(
                            d <= 1e-9,
                            "{sheet} ({row}, {col}) {f}: engine {x}, LibreOffice {y}"
                        );
                        out.max_ratio = out.max_ratio.max(d);
                    }
                }
                (None, None) => {
                    let text = |d: &Data| match d {
                        Data::String(s) => s.clone(),
                        Data::Empty => String::new(),
                        other => format!("{other:?}"),
                    };
                    assert_eq!(text(x), text(y), "{sheet} ({row}, {col}) {f}");
                }
                _ => panic!("{sheet} ({row}, {col}) {f}: engine {x:?}, LibreOffice {y:?}"),
            }
            out.cells += 1;
        }
    }
    out
}

#[test]
fn libreoffice_recalculates_the_live_model_to_the_engines_figures() {
    let Some(soffice) = libreoffice() else {
        println!(
            "skipped: LibreOffice (soffice) not installed; the live model was not recalculated"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for fixture in ["reference.toml", "junior.toml"] {
        let (_, _, bytes) = workbook(fixture);
        let total: usize = formula_counts(&bytes).iter().map(|(_, n)| n).sum();
        let name = fixture.trim_end_matches(".toml");
        let Some(theirs) = recalculate(&soffice, dir.path(), name, &prepared(&bytes, "", &[]).0)
        else {
            println!("skipped: LibreOffice did not finish within 240 s");
            return;
        };
        let got = compare_all(&bytes, &theirs);
        assert_eq!(got.cells, total, "{fixture}: every formula compared");
        println!(
            "{fixture}: {} formulas recalculated by LibreOffice ({:?}); largest difference \
             {:.2e} on money, {:.2e} on ratios",
            got.cells,
            formula_counts(&bytes),
            got.max_money,
            got.max_ratio
        );
    }
}

#[test]
fn a_new_price_in_the_inputs_flows_to_the_distributions_and_the_equity_irr() {
    let Some(soffice) = libreoffice() else {
        println!(
            "skipped: LibreOffice (soffice) not installed; the input change was not recalculated"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (fixture, price) in [("reference.toml", "2.40"), ("junior.toml", "2.10")] {
        let (deal, run, bytes) = workbook(fixture);
        let names = defined_names(&bytes);
        // Every capacity line's price cell of the Inputs sheet set to the new price.
        let edits: Vec<(String, String)> = (1..=deal.contract.capacity.len())
            .map(|i| (name_cell(&names, &format!("Price_{i}")), price.to_string()))
            .collect();
        let name = format!("{}-price", fixture.trim_end_matches(".toml"));
        let Some(theirs) = recalculate(
            &soffice,
            dir.path(),
            &name,
            &prepared(&bytes, &sheet_part("Inputs"), &edits).0,
        ) else {
            println!("skipped: LibreOffice did not finish within 240 s");
            return;
        };
        // The engine's run of the same price against the debt sized at close: the
        // workbook's sizing and close schedule are fixed inputs, as in a scenario.
        let base = boxflow::scenario::Base::new(deal.clone()).unwrap();
        let scenario = boxflow::scenario::parse_scenario(&format!("price={price}")).unwrap();
        let engine = base.run_scenario(&scenario).unwrap();
        let mut book = open(&theirs);
        let periods = book.worksheet_range("Periods").unwrap();
        let cols = columns(&periods);
        let mut moved = 0;
        for (p, before) in engine.periods.iter().zip(&run.periods) {
            let row = p.period as u32;
            let get = |h: &str| cents(periods.get_value((row, cols[h])).unwrap());
            assert_eq!(get("invoice"), c(p.operations.invoice), "{fixture} {row}");
            assert_eq!(get("CFADS"), c(p.operations.cfads), "{fixture} {row}");
            assert_eq!(
                get("distribution"),
                c(p.distribution),
                "{fixture} period {row}"
            );
            assert_eq!(
                get("DSRA closing"),
                c(p.dsra.closing),
                "{fixture} period {row}"
            );
            assert_eq!(
                get("lock-up closing"),
                c(p.lockup.closing),
                "{fixture} {row}"
            );
            for fp in &p.facilities {
                assert_eq!(get(&format!("{} closing", fp.name)), c(fp.closing));
                assert_eq!(
                    get(&format!("{} interest paid", fp.name)),
                    c(fp.interest_paid)
                );
            }
            moved += usize::from(p.distribution != before.distribution);
        }
        assert!(moved > 0, "{fixture}: the distributions moved");
        let total = |r: &Run| r.periods.iter().map(|p| p.distribution).sum::<Money>();
        // Up with a higher price, down with a lower one.
        let up = price == "2.40";
        assert_eq!(total(&engine) > total(&run), up, "{fixture}");
        let summary = book.worksheet_range("Summary").unwrap();
        let value = |label: &str| {
            (0..=summary.end().unwrap().0)
                .find(|r| summary.get_value((*r, 0)) == Some(&Data::String(label.into())))
                .and_then(|r| summary.get_value((r, 1)).and_then(number))
                .unwrap()
        };
        let irr = engine
            .summary
            .equity_irr
            .unwrap()
            .to_string()
            .parse::<f64>()
            .unwrap();
        assert!(
            (value("equity IRR") - irr).abs() < 1e-9,
            "{fixture}: {} vs {irr}",
            value("equity IRR")
        );
        let npv = engine.summary.npv.unwrap();
        assert_eq!((value("NPV") * 100.0).round() as i128, c(npv), "{fixture}");
        assert_eq!(
            (value("total distributions") * 100.0).round() as i128,
            c(total(&engine))
        );
        println!(
            "{fixture}: price {price}: {moved} distributions moved, total {} -> {}, equity IRR \
             {} -> {} (LibreOffice {:.10})",
            total(&run),
            total(&engine),
            run.summary.equity_irr.unwrap().round_dp(10),
            engine.summary.equity_irr.unwrap().round_dp(10),
            value("equity IRR")
        );
    }
}

//! `boxflow report --html`: the page's content (headline anchored to the worked
//! example, charts, events, period table, self-contained), and the page in a real
//! browser: headless Chromium lays out the charts at a real size and renders a PNG.
//! Without `chromium` on PATH the browser test says so and skips.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes the HTML report of a fixture through the CLI and returns its path.
fn write_report(dir: &Path, deal: &str) -> PathBuf {
    let path = dir.join("report.html");
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(["report", deal, "--html"])
        .arg(&path)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

const CHARTS: [&str; 4] = ["chart-balance", "chart-dscr", "chart-uses", "chart-sponsor"];

/// The text of the element with `id`, from its start tag to its end tag `</tag>`.
fn element<'a>(html: &'a str, tag: &str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .and_then(|i| html[..i].rfind(&format!("<{tag}")))
        .unwrap_or_else(|| panic!("no <{tag} id={id}>"));
    let end = start + html[start..].find(&format!("</{tag}>")).unwrap();
    &html[start..end]
}

fn attr(el: &str, name: &str) -> f64 {
    let key = format!(" {name}=\"");
    let i = el.find(&key).unwrap_or_else(|| panic!("no {name}")) + key.len();
    el[i..i + el[i..].find('"').unwrap()].parse().unwrap()
}

#[test]
fn the_page_holds_the_headline_charts_events_and_periods() {
    let dir = tempfile::tempdir().unwrap();
    let html =
        std::fs::read_to_string(write_report(dir.path(), "fixtures/reference.toml")).unwrap();

    // Self-contained: inline style and SVG, no script, nothing fetched.
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>"));
    for external in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(!html.contains("NaN") && !html.contains("inf\""));

    // The headline, with the worked example's hand-checked figures.
    // Money in millions on the cards (518,926,087.20 is 518.93m), in full in the
    // key terms.
    let headline = element(&html, "section", "headline");
    for figure in [
        "USD 518.93m", // senior commitment
        "<b>dscr</b>", // its binding bound
        "1.3000x",     // min DSCR
        "period 22",   // at period 22
        "repay by period 30",
        "repaid in period 30",
        "PASS",
        "47.38%",      // equity IRR 0.4738326617
        "USD 539.72m", // NPV 539,721,657.53
        "Lender loss",
    ] {
        assert!(headline.contains(figure), "headline lacks {figure}");
    }
    let terms = element(&html, "table", "terms");
    // 518,926,087.20 / 952,320,000.00 = 54.49% of total capex.
    assert!(terms.contains(">518,926,087.20<") && terms.contains(">54.49%<"));

    // Four charts, sized, titled.
    for id in CHARTS {
        let svg = element(&html, "svg", id);
        assert!(
            attr(svg, "width") > 0.0 && attr(svg, "height") > 0.0,
            "{id}"
        );
        assert!(svg.contains("<title"), "{id}");
    }
    // The balance chart: the halfway line at period 30 and the repaid point.
    let balance = element(&html, "svg", "chart-balance");
    assert!(balance.contains("data-x=\"30\""));
    assert!(balance.contains("repaid: period 30"));
    // Its y axis: money in millions; its x axis: dates (period 12 ends 2027-01-01).
    assert!(balance.contains(">500.00m</text>"));
    assert!(balance.contains(">Jan 2027</text>"));
    // DSCR against the sizing target, the lock-up and the default levels.
    let dscr = element(&html, "svg", "chart-dscr");
    // Levels to four decimals, as every ratio (one format for people).
    for level in [
        "sizing target 1.3000x",
        "lock-up 1.2000x",
        "default 1.1000x",
    ] {
        assert!(dscr.contains(level), "{level}");
    }
    // One ratio precision on the axis too.
    assert!(dscr.contains(">1.2000x</text>") || dscr.contains(">1.3000x</text>"));
    for (level, y) in [(1.3, "1.3"), (1.2, "1.2"), (1.1, "1.1")] {
        assert!(dscr.contains(&format!("data-y=\"{y}\"")), "{level}");
    }
    // Uses of cash: the issue's seven uses in the legend, a bar part for each use
    // paid (the reference deal sweeps nothing).
    let uses = element(&html, "svg", "chart-uses");
    for series in [
        "opex",
        "fees",
        "interest and commitment fees",
        "principal",
        "reserve deposit",
        "sweep",
        "distributions",
    ] {
        assert!(
            html.contains(&format!(">{series}</span>")),
            "legend: {series}"
        );
        let drawn = uses.contains(&format!(": {series} "));
        assert_eq!(drawn, series != "sweep", "bars: {series}");
    }
    assert!(uses.contains("period 30: distributions 30,271,904.00"));
    // Interest paid in period 1: 2,620,792.96 + the commitment fee 52,132.85.
    assert!(uses.contains("period 1: interest and commitment fees 2,672,925.81"));
    // The sponsor's payback point.
    let sponsor = element(&html, "svg", "chart-sponsor");
    assert!(sponsor.contains("payback: period 34"));

    // The events: 10 lock-ups, periods 1-5 and 16-20.
    let events = element(&html, "table", "events");
    assert_eq!(events.matches("<tr><td class=\"num\">").count(), 10);
    assert!(html.contains("<b>lock-up</b> ×10 (periods 1–5, 16–20)"));
    // Why, in words, with the figures.
    // Why period 1 is locked up: the DSRA (closing 89,577,228.51 in the worked
    // example) is below its step-5 target (94,803,666.88); the DSCR 1.3000000007 is
    // above the 1.20x lock-up level; no cash is left to trap.
    assert!(
        events.contains(
            "<td class=\"wrap\">distributions stopped: DSRA 89,577,228.51 below its target \
             94,803,666.88; trapped 0.00</td>"
        ),
        "{events}"
    );

    // The period table: 60 rows; period 30's distribution; the halfway row marked.
    let periods = element(&html, "table", "periods");
    assert_eq!(periods.matches("<tr class=").count(), 60);
    let row30 = periods
        .split("<tr class=")
        .find(|r| r.contains("<td>2028-07-01</td>"))
        .unwrap();
    assert!(row30.starts_with("\"halfway\""));
    assert!(row30.contains(">30,271,904.00<"));
    // Closing sources and uses.
    let closing = element(&html, "table", "closing");
    assert_eq!(closing.matches(">824,448,071.67<").count(), 2);
}

#[test]
fn every_fixture_renders_and_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            let deal = boxflow::deal::read_file(&path).unwrap();
            let run = boxflow::waterfall::run(&deal).unwrap();
            let html = boxflow::report::html::report(&deal, &run, "x.toml");
            assert!(!html.contains("NaN"), "{}", path.display());
            for id in CHARTS {
                assert!(html.contains(&format!("id=\"{id}\"")), "{}", path.display());
            }
        }
    }
    // A deal name with markup is shown as text.
    let text = std::fs::read_to_string(root().join("fixtures/reference.toml"))
        .unwrap()
        .replace(
            "name = \"Box 7 - Hyperscaler A, H100 cluster\"",
            "name = \"Box <7> & \\\"A\\\"\"",
        );
    let deal_path = dir.path().join("odd.toml");
    std::fs::write(&deal_path, text).unwrap();
    let html =
        std::fs::read_to_string(write_report(dir.path(), deal_path.to_str().unwrap())).unwrap();
    assert!(html.contains("Box &lt;7&gt; &amp; &quot;A&quot;"));
    assert!(!html.contains("Box <7>"));
}

/// Runs a command with a time limit; returns its stdout, or why it failed.
fn run_limited(cmd: &mut Command, limit: Duration) -> Result<Vec<u8>, String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => {
                let out = reader.join().unwrap_or_default();
                let err = err_reader.join().unwrap_or_default();
                return if status.success() {
                    Ok(out)
                } else {
                    Err(format!("{status}: {}", String::from_utf8_lossy(&err)))
                };
            }
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {limit:?}"));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn headless(browser: &str, profile: &Path) -> Command {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&bytes[16..20]), be(&bytes[20..24])))
}

/// A script the test appends to a copy of the page: it writes the laid-out size of
/// each chart into the DOM, for `--dump-dom` to read.
const PROBE: &str = r#"<script>
const rows = [...document.querySelectorAll('svg.chart')].map(s => {
  const r = s.getBoundingClientRect();
  return [s.id, Math.round(r.width), Math.round(r.height), s.querySelectorAll('path,rect,line,circle').length].join(' ');
});
const pre = document.createElement('pre');
pre.id = 'layout';
pre.textContent = rows.join('\n');
document.body.appendChild(pre);
</script>"#;

#[test]
fn chromium_lays_out_and_renders_the_charts() {
    let Some(browser) = chromium() else {
        println!("skipped: chromium not installed; the browser check did not run (the SVG unit tests still ran)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = write_report(dir.path(), "fixtures/reference.toml");
    let html = std::fs::read_to_string(&page).unwrap();
    let limit = Duration::from_secs(120);

    // The DOM as the browser built it, with the charts' laid-out sizes.
    let probe = dir.path().join("probe.html");
    std::fs::write(&probe, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let dom = run_limited(
        headless(browser, &dir.path().join("profile-dom"))
            .args(["--window-size=1280,4000", "--dump-dom"])
            .arg(format!("file://{}", probe.display())),
        limit,
    )
    .unwrap_or_else(|e| panic!("chromium --dump-dom failed: {e}"));
    let dom = String::from_utf8_lossy(&dom);
    assert!(!dom.contains("NaN"));
    for id in CHARTS {
        let svg = element(&dom, "svg", id);
        assert!(
            attr(svg, "width") > 0.0 && attr(svg, "height") > 0.0,
            "{id}"
        );
    }
    let layout = element(&dom, "pre", "layout");
    let layout = &layout[layout.find('>').unwrap() + 1..];
    let mut seen = Vec::new();
    for line in layout.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let (id, w, h, shapes): (&str, f64, f64, usize) = (
            parts[0],
            parts[1].parse().unwrap(),
            parts[2].parse().unwrap(),
            parts[3].parse().unwrap(),
        );
        // Two charts side by side in a 1280-pixel window: each about 560 wide,
        // with the 640 x 300 aspect ratio of its viewBox.
        assert!((400.0..=700.0).contains(&w), "{id}: width {w}");
        assert!((w * 300.0 / 640.0 - h).abs() <= 2.0, "{id}: {w} x {h}");
        // Grid lines, ticks, axes and the data: more than a dozen shapes.
        assert!(shapes > 12, "{id}: {shapes} shapes");
        seen.push(id.to_string());
    }
    // The four charts, then the LTV against its covenant and the covenant headroom.
    assert_eq!(seen[..4], CHARTS);
    assert_eq!(seen[4..], ["chart-ltv", "chart-headroom"]);

    // A screenshot of the page itself (no probe).
    let png = dir.path().join("report.png");
    run_limited(
        headless(browser, &dir.path().join("profile-png"))
            .arg("--window-size=1280,4000")
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("file://{}", page.display())),
        limit,
    )
    .unwrap_or_else(|e| panic!("chromium --screenshot failed: {e}"));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(png_size(&bytes), Some((1280, 4000)));
    // A blank or unstyled page compresses to far less than a page of charts.
    assert!(bytes.len() > 150_000, "{} bytes", bytes.len());
    println!(
        "chromium rendered the report: charts {seen:?}, screenshot 1280x4000, {} bytes",
        bytes.len()
    );
}

mod stressed {
    use super::root;
    use proptest::prelude::*;

    /// The reference deal with a stressed price, residual value and colocation rate.
    fn stressed(price: u32, residual: u32, colocation: u32) -> String {
        std::fs::read_to_string(root().join("fixtures/reference.toml"))
            .unwrap()
            .replace(
                "price_per_gpu_hour = \"2.20\"",
                &format!(
                    "price_per_gpu_hour = \"{}.{:02}\"",
                    price / 100,
                    price % 100
                ),
            )
            .replace(
                "residual_share = \"0.20\"",
                &format!("residual_share = \"0.{residual:02}\""),
            )
            .replace(
                "rate_per_kw_month = \"140\"",
                &format!("rate_per_kw_month = \"{colocation}\""),
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Distressed or rich, every deal that runs gives a page without NaN and a
        /// workbook, and neither panics.
        #[test]
        fn reports_of_stressed_deals(price in 5u32..900, residual in 0u32..100, colocation in 0u32..600) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("deal.toml");
            std::fs::write(&path, stressed(price, residual, colocation)).unwrap();
            let Ok(deal) = boxflow::deal::read_file(&path) else { return Ok(()) };
            let Ok(run) = boxflow::waterfall::run(&deal) else { return Ok(()) };
            let html = boxflow::report::html::report(&deal, &run, "deal.toml");
            prop_assert!(!html.contains("NaN"));
            for id in super::CHARTS {
                let wanted = format!("id=\"{id}\"");
                prop_assert!(html.contains(&wanted), "no {}", wanted);
            }
            let book = boxflow::report::xlsx::workbook(&deal, &run);
            prop_assert!(book.is_ok(), "{:?}", book.err());
        }
    }

    #[test]
    fn a_distressed_deal_shows_its_breaches() {
        // At 0.60 per GPU-hour the sized loan is small but the box still falls short:
        // whatever the events, the page shows them in red or amber and the charts draw.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deal.toml");
        std::fs::write(&path, stressed(60, 0, 400)).unwrap();
        let deal = boxflow::deal::read_file(&path).unwrap();
        let run = boxflow::waterfall::run(&deal).unwrap();
        let html = boxflow::report::html::report(&deal, &run, "deal.toml");
        assert!(!html.contains("NaN"));
        assert_eq!(
            html.matches("<tr><td class=\"num\">").count(),
            run.events.len()
        );
        boxflow::report::xlsx::workbook(&deal, &run).unwrap();
    }
}

/// The cells of the table row whose first cell is `k`.
fn row_cells(table: &str, k: usize) -> Vec<String> {
    let row = table
        .split("<tr")
        .find(|r| r.contains(&format!("<td class=\"num\">{k}</td><td>")))
        .unwrap_or_else(|| panic!("no row {k}"));
    row.split("<td")
        .skip(1)
        .map(|c| {
            let c = &c[c.find('>').unwrap() + 1..];
            c[..c.find("</td>").unwrap()].to_string()
        })
        .collect()
}

fn amount(text: &str) -> rust_decimal::Decimal {
    text.replace(',', "").parse().unwrap()
}

#[test]
fn the_junior_report_shows_every_tranche_and_its_dscr_reconciles() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(write_report(dir.path(), "fixtures/junior.toml")).unwrap();
    // A card per facility: commitment, deadline, repaid period, its own verdict. The
    // junior is repaid in period 28 against its deadline of 42 (issue 14).
    let headline = element(&html, "section", "headline");
    for figure in [
        "Senior DDTL (senior)",
        "Junior term loan (junior)",
        "repay by period 30",
        "repay by period 42",
        "repaid in period 27",
        "repaid in period 28",
        "Minimum senior DSCR",
        "combined ",
    ] {
        assert!(headline.contains(figure), "headline lacks {figure}");
    }
    assert_eq!(headline.matches("badge pass").count(), 2);
    // A balance line per facility.
    let balance = element(&html, "svg", "chart-balance");
    assert!(balance.contains("data-label=\"Senior DDTL balance\""));
    assert!(balance.contains("data-label=\"Junior term loan balance\""));
    // The combined DSCR beside the senior's.
    let dscr = element(&html, "svg", "chart-dscr");
    assert!(dscr.contains("data-label=\"combined DSCR\""));

    // The table reconciles: DSCR = CFADS / senior debt service, combined = CFADS /
    // (senior + junior debt service), to the four decimals shown, in every period with
    // debt service. Columns: k, end, CFADS, senior DS, senior balance, junior DS,
    // junior balance, DSRA, DSCR, combined DSCR, distribution, events.
    let periods = element(&html, "table", "periods");
    let four = |x: rust_decimal::Decimal| {
        format!(
            "{}x",
            x.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        )
    };
    let mut checked = 0;
    for k in 1..=60 {
        let cells = row_cells(periods, k);
        let (cfads, senior, junior) = (amount(&cells[2]), amount(&cells[3]), amount(&cells[5]));
        if cfads.is_sign_negative() || senior.is_zero() {
            continue;
        }
        assert_eq!(cells[8], four(cfads / senior), "period {k} senior DSCR");
        assert_eq!(
            cells[9],
            four(cfads / (senior + junior)),
            "period {k} combined DSCR"
        );
        checked += 1;
    }
    assert!(checked >= 20, "{checked} periods checked");
    // Period 1 (issue 14): the senior DSCR 1.35x is not the combined cover.
    let one = row_cells(periods, 1);
    assert_eq!(one[8], "1.3500x");
    assert_ne!(one[9], one[8]);
    // Events in words with their reasons.
    assert!(html.contains("<b>junior shortfall</b> ×2 (period 1)"));
}

#[test]
fn the_stress_report_shows_the_scenarios_breakpoints_and_tornadoes() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(write_report(dir.path(), "fixtures/stress.toml")).unwrap();
    let scenarios = element(&html, "table", "scenarios");
    // The base case and the sheet's 7 scenarios.
    assert_eq!(scenarios.matches("<tr><td>").count(), 8);
    let price = scenarios
        .split("<tr>")
        .find(|r| r.contains("<td>Price down 15%</td>"))
        .unwrap();
    // The issue's figure: price -15% gives a minimum DSCR of 0.7684x.
    assert!(price.contains("0.7684x"), "{price}");
    assert!(price.contains("badge fail"));
    // Three breakpoints: price, default, rate.
    let breakpoints = element(&html, "table", "breakpoints");
    assert_eq!(breakpoints.matches("<tr><td").count(), 3);
    assert!(breakpoints.contains("per GPU-hour"));
    // Tornado charts: a bar per scenario with a value.
    for id in ["chart-tornado-dscr", "chart-tornado-irr"] {
        let svg = element(&html, "svg", id);
        assert_eq!(svg.matches("class=\"bar-label\"").count(), 7, "{id}");
        assert!(svg.contains("base case "), "{id}");
    }
    // The scenarios over the balance and DSCR charts.
    let balance = element(&html, "svg", "chart-balance");
    assert!(balance.contains("data-label=\"Price down 15%: senior balance\""));
    let dscr = element(&html, "svg", "chart-dscr");
    assert!(dscr.contains("data-label=\"Price down 15%: senior DSCR\""));
}

#[test]
fn a_grid_adds_a_heat_map_of_the_metric() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.html");
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(["report", "fixtures/reference.toml", "--no-solve", "--html"])
        .arg(&path)
        .args([
            "--grid",
            "price=1.80..2.60:0.40,default=12|24",
            "--metric",
            "equity_irr",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&path).unwrap();
    let grid = element(&html, "table", "grid");
    // 3 prices (1.80, 2.20, 2.60) by 2 default periods: 3 rows of 2 coloured cells.
    let body = grid.split("<tbody>").nth(1).unwrap();
    assert_eq!(body.matches("<tr><th>").count(), 3);
    // At 1.80 the equity IRR is undefined (the sponsor's flows have no root): "-",
    // not coloured; the other 4 cells are, the highest IRR blue (the best), the
    // lowest orange (the worst).
    assert_eq!(body.matches("style=\"background:").count(), 4);
    assert_eq!(body.matches("<td class=\"num\">-</td>").count(), 2);
    let colour_of = |text: &str| {
        let cells: Vec<&str> = body.split("<td").collect();
        let cell = cells
            .iter()
            .find(|c| c.contains(&format!(">{text}</td>")))
            .unwrap();
        let i = cell.find("background:").unwrap() + 11;
        cell[i..i + 7].to_string()
    };
    let irrs: Vec<f64> = body
        .split("%</td>")
        .filter_map(|c| c.rsplit('>').next()?.parse().ok())
        .collect();
    assert_eq!(irrs.len(), 4);
    let best = irrs.iter().copied().fold(f64::MIN, f64::max);
    let worst = irrs.iter().copied().fold(f64::MAX, f64::min);
    assert_eq!(colour_of(&format!("{best:.2}%")), "#56b4e9");
    assert_eq!(colour_of(&format!("{worst:.2}%")), "#e69f00");
    assert!(grid.contains("<th>2.20</th>") && grid.contains(">24</th>"));
    assert!(html.contains("<code>equity_irr</code>"));

    // A grid needs two dimensions and a known metric; the error says what to give.
    for (grid, metric, wanted) in [
        ("price=1.80..2.60:0.40", "min_dscr", "two dimensions"),
        ("price=1.80|2.20,default=12|24", "dscr", "min_dscr"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
            .args(["report", "fixtures/reference.toml", "--html"])
            .arg(dir.path().join("x.html"))
            .args(["--grid", grid, "--metric", metric])
            .current_dir(root())
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(wanted), "{err}");
    }
}

/// A script appended to a copy of the page: it checks the layout as a reader sees it
/// and writes what it found into the DOM for `--dump-dom`: per chart, its size and
/// shapes; every pair of overlapping labels in a chart; every label outside its chart;
/// every table cell or card whose text is cut; every table wider than the page.
const LAYOUT_PROBE: &str = r#"<script>
const out = [];
const boxes = (el) => [...el.querySelectorAll('text')].map(t => [t, t.getBoundingClientRect()]).filter(([t, r]) => r.width > 0 && t.textContent.trim() !== '');
for (const s of document.querySelectorAll('svg.chart')) {
  const r = s.getBoundingClientRect();
  out.push(['chart', s.id, Math.round(r.width), Math.round(r.height), s.querySelectorAll('path,rect,line,circle').length].join(' '));
  const texts = boxes(s);
  for (let i = 0; i < texts.length; i++) {
    const [ti, a] = texts[i];
    if (a.left < r.left - 1 || a.right > r.right + 1 || a.top < r.top - 1 || a.bottom > r.bottom + 1) {
      out.push('outside ' + s.id + ' | ' + ti.textContent);
    }
    for (let j = i + 1; j < texts.length; j++) {
      const [tj, b] = texts[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 2) out.push('overlap ' + s.id + ' | ' + ti.textContent + ' | ' + tj.textContent);
    }
  }
}
for (const c of document.querySelectorAll('td, th, .card .value, .card .label')) {
  if (c.scrollWidth > c.clientWidth + 1) out.push('clipped ' + c.tagName + ' | ' + c.textContent.slice(0, 40));
}
const page = document.documentElement.clientWidth;
for (const t of document.querySelectorAll('table')) {
  const r = t.getBoundingClientRect();
  if (r.right > page + 1) out.push('wide ' + (t.id || 'table') + ' ' + Math.round(r.right) + ' > ' + page);
}
const pre = document.createElement('pre');
pre.id = 'layout';
pre.textContent = out.join('\n');
document.body.appendChild(pre);
</script>"#;

/// Lays out `page` in headless Chromium at `width` (in print when `print`: the
/// page's print rules applied at the width of an A4 landscape page less its margins)
/// and returns the probe's findings.
fn layout(browser: &str, dir: &Path, page: &str, width: u32, print: bool) -> Vec<String> {
    let mut html = page.replace("</body>", &format!("{LAYOUT_PROBE}</body>"));
    if print {
        html = html.replace("@media print", "@media all");
    }
    let name = format!("probe-{width}-{print}.html");
    let probe = dir.join(&name);
    std::fs::write(&probe, html).unwrap();
    let dom = run_limited(
        headless(browser, &dir.join(format!("profile-{name}")))
            .args([&format!("--window-size={width},3000"), "--dump-dom"])
            .arg(format!("file://{}", probe.display())),
        Duration::from_secs(120),
    )
    .unwrap_or_else(|e| panic!("chromium --dump-dom failed: {e}"));
    let dom = String::from_utf8_lossy(&dom).to_string();
    let found = element(&dom, "pre", "layout");
    found[found.find('>').unwrap() + 1..]
        .lines()
        .map(|l| {
            l.replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
        })
        .collect()
}

#[test]
fn chromium_finds_no_overlap_or_clipping_at_1280_800_and_in_print() {
    let Some(browser) = chromium() else {
        println!("skipped: chromium not installed; the layout checks did not run");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let simulated = report_with_args(
        dir.path(),
        "fixtures/simulation.toml",
        &["--simulate", "--runs", "200"],
    );
    assert!(simulated.contains("id=\"chart-sim-dscr\""));
    for deal in [
        "fixtures/junior.toml",
        "fixtures/stress.toml",
        "fixtures/reference.toml",
        "fixtures/simulation.toml --simulate",
    ] {
        let page = if deal.ends_with("--simulate") {
            simulated.clone()
        } else {
            std::fs::read_to_string(write_report(dir.path(), deal)).unwrap()
        };
        // A4 landscape, 297 mm less 2 x 10 mm of margin, at 96 px per inch: 1047 px.
        for (width, print) in [(1280, false), (800, false), (1047, true)] {
            let found = layout(browser, dir.path(), &page, width, print);
            let charts: Vec<&String> = found.iter().filter(|l| l.starts_with("chart ")).collect();
            assert!(charts.len() >= 5, "{deal} at {width}: {charts:?}");
            for c in &charts {
                let parts: Vec<&str> = c.split_whitespace().collect();
                let (w, shapes): (f64, usize) =
                    (parts[2].parse().unwrap(), parts[4].parse().unwrap());
                assert!(w > 250.0, "{deal} at {width}: {c}");
                assert!(shapes > 10, "{deal} at {width}: every chart drawn: {c}");
            }
            let mut problems: Vec<&String> =
                found.iter().filter(|l| !l.starts_with("chart ")).collect();
            // On a narrow screen a wide table scrolls inside its frame; in print and at
            // 1280 px every table fits the page.
            if width == 800 {
                problems.retain(|l| !l.starts_with("wide "));
            }
            assert!(
                problems.is_empty(),
                "{deal} at {width} px{}: {problems:#?}",
                if print { " (print)" } else { "" }
            );
        }
    }
    // Printed, the stress report is a few landscape pages, not dozens.
    let page = write_report(dir.path(), "fixtures/stress.toml");
    let pdf = dir.path().join("report.pdf");
    run_limited(
        headless(browser, &dir.path().join("profile-pdf"))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg("--no-pdf-header-footer")
            .arg(format!("file://{}", page.display())),
        Duration::from_secs(120),
    )
    .unwrap_or_else(|e| panic!("chromium --print-to-pdf failed: {e}"));
    let bytes = std::fs::read(&pdf).unwrap();
    let pages = bytes
        .windows(11)
        .filter(|w| w == b"/Type /Page")
        .count()
        .saturating_sub(bytes.windows(12).filter(|w| w == b"/Type /Pages").count());
    assert!((3..=14).contains(&pages), "{pages} pages");
    println!("printed the stress report: {pages} pages");
}

/// Writes the HTML report of a fixture with more arguments; returns the page.
fn report_with_args(dir: &Path, deal: &str, args: &[&str]) -> String {
    let path = dir.join("report-args.html");
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(["report", deal, "--html"])
        .arg(&path)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(path).unwrap()
}

/// The `data-count` of every bar of a histogram.
fn bar_counts(svg: &str) -> Vec<usize> {
    svg.split("data-count=\"")
        .skip(1)
        .map(|c| c[..c.find('"').unwrap()].parse().unwrap())
        .collect()
}

/// The text of every `<td>` of a table, row by row.
fn table_rows(table: &str) -> Vec<Vec<String>> {
    table
        .split("<tr")
        .skip(1)
        .filter(|r| r.contains("<td"))
        .map(|r| {
            r.split("<td")
                .skip(1)
                .map(|c| {
                    let c = &c[c.find('>').unwrap() + 1..];
                    let text = &c[..c.find("</td>").unwrap()];
                    // The text without the markup inside the cell.
                    let mut out = String::new();
                    let mut tag = false;
                    for ch in text.chars() {
                        match ch {
                            '<' => tag = true,
                            '>' => tag = false,
                            c if !tag => out.push(c),
                            _ => {}
                        }
                    }
                    out
                })
                .collect()
        })
        .collect()
}

#[test]
fn report_simulate_adds_the_monte_carlo_figures_and_histograms() {
    let dir = tempfile::tempdir().unwrap();
    let html = report_with_args(
        dir.path(),
        "fixtures/simulation.toml",
        &["--simulate", "--runs", "200"],
    );
    // The table: the rows of `boxflow simulate`'s own table, word for word, figure for
    // figure (the same 200 runs of seed 7).
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args(["simulate", "fixtures/simulation.toml", "--runs", "200"])
        .current_dir(root())
        .output()
        .unwrap();
    let terminal = String::from_utf8(out.stdout).unwrap();
    let rows = table_rows(element(&html, "table", "simulation"));
    assert_eq!(rows.len(), 12);
    for row in &rows {
        let line = terminal
            .lines()
            .find(|l| l.contains(&format!("│ {} ", row[0])))
            .unwrap_or_else(|| panic!("simulate has no row `{}`", row[0]));
        let cells: Vec<&str> = line
            .trim_matches('│')
            .split('┆')
            .map(|c| c.trim())
            .collect();
        assert_eq!(cells, [&row[0], &row[1], &row[2]]);
    }
    // The sampling error of each probability, and the note on few runs.
    assert_eq!(rows.iter().filter(|r| r[2].starts_with("± ")).count(), 4);
    assert!(html.contains("note: only 200 runs: the 99th percentile rests on 2 run(s)"));
    assert!(html.contains("200 simulated runs (seed 7)"));

    // The runs' figures from the JSON of the same runs.
    let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
        .args([
            "simulate",
            "fixtures/simulation.toml",
            "--runs",
            "200",
            "--format",
            "json",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_string();
    let money = |v: &serde_json::Value| {
        boxflow::core::Money::from_cents({
            let d: rust_decimal::Decimal = text(v).parse().unwrap();
            (d * rust_decimal::Decimal::from(100)).try_into().unwrap()
        })
    };

    // Lender loss: the bars hold the runs with a loss, the rest are stated; together
    // every run. Its p99 marked in millions.
    let loss = element(&html, "svg", "chart-sim-loss");
    let with_loss: usize = bar_counts(loss).iter().sum();
    let stated = format!(
        "runs with a loss: {with_loss} of 200 ({}); the {} runs",
        boxflow::core::format::percent(Some(
            rust_decimal::Decimal::from(with_loss) / rust_decimal::Decimal::from(200)
        )),
        200 - with_loss
    );
    assert!(html.contains(&stated), "{stated}");
    assert!(with_loss > 0 && with_loss < 200);
    let p99 = boxflow::core::format::millions(money(&json["lender_loss_quantiles"]["p99"]));
    assert!(loss.contains(&format!("p99 {p99}")), "p99 {p99}");
    // The base case loses nothing.
    assert!(loss.contains("base case 0.00m"));

    // Equity IRR: the bars hold the runs with an IRR, the JSON counts the others.
    let irr = element(&html, "svg", "chart-sim-irr");
    let undefined = json["equity_irr_undefined_runs"].as_u64().unwrap() as usize;
    assert_eq!(bar_counts(irr).iter().sum::<usize>() + undefined, 200);
    assert!(html.contains(&format!("{undefined} runs (")));
    let p50: rust_decimal::Decimal = text(&json["equity_irr_quantiles"]["p50"]).parse().unwrap();
    let median = format!("median {}", boxflow::core::format::percent(Some(p50)));
    assert!(irr.contains(&median), "{median}");
    // The base case's equity IRR: the worked example's 47.38%.
    assert!(irr.contains("base case 47.38%"));

    // Minimum DSCR: every run has senior debt service, so the bars hold all 200; the
    // base case at its 1.3000x sizing target, the default level at 1.1000x.
    let dscr = element(&html, "svg", "chart-sim-dscr");
    assert_eq!(bar_counts(dscr).iter().sum::<usize>(), 200);
    assert!(dscr.contains("base case 1.3000x") && dscr.contains("default 1.1000x"));
    for q in ["p5 ", "median ", "p95 "] {
        assert!(dscr.contains(q), "{q}");
    }
    assert!(!html.contains("NaN"));
}

#[test]
fn report_simulate_needs_a_simulation_section_and_an_html_file() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("x.html");
    for (args, wanted) in [
        (
            vec!["fixtures/reference.toml", "--html", "x.html", "--simulate"],
            "no [simulation] section",
        ),
        (
            vec!["fixtures/simulation.toml", "--xlsx", "x.xlsx", "--simulate"],
            "give --html FILE",
        ),
        (
            vec![
                "fixtures/simulation.toml",
                "--html",
                "x.html",
                "--runs",
                "5",
            ],
            "--simulate",
        ),
        (
            vec![
                "fixtures/simulation.toml",
                "--html",
                "x.html",
                "--simulate",
                "--runs",
                "0",
            ],
            "outside 1 to 1,000,000",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_boxflow"))
            .arg("report")
            .args(
                args.iter()
                    .map(|a| a.replace("x.html", page.to_str().unwrap())),
            )
            .current_dir(root())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(wanted), "{args:?}: {err}");
    }
    assert!(!page.exists());
}

#[test]
fn the_year_table_adds_up_to_the_run_and_the_funding_reconciles() {
    use boxflow::core::Money;
    let dir = tempfile::tempdir().unwrap();
    for fixture in ["fixtures/reference.toml", "fixtures/junior.toml"] {
        let html = std::fs::read_to_string(write_report(dir.path(), fixture)).unwrap();
        let deal = boxflow::deal::read_file(&root().join(fixture)).unwrap();
        let run = boxflow::waterfall::run(&deal).unwrap();
        let facilities = run.plan.facilities.len();
        // Columns: year, periods, CFADS, interest paid, principal paid, a balance per
        // facility, DSRA, min DSCR, (min combined DSCR), distributions, cash-on-cash.
        let rows = table_rows(element(&html, "table", "years"));
        let (total, years) = rows.split_last().unwrap();
        assert_eq!(total[0], "total");
        // Five contract years of twelve monthly periods each.
        assert_eq!(years.len(), 5, "{fixture}");
        let distribution_col = 5 + facilities + 2 + usize::from(facilities > 1);
        let column_sum = |col: usize| -> Money {
            years
                .iter()
                .map(|r| Money::from_cents(cents(&r[col])))
                .sum()
        };
        // The run's own totals, summed here from its periods.
        let p = &run.periods;
        let cfads: Money = p.iter().map(|p| p.operations.cfads).sum();
        let interest: Money = p
            .iter()
            .flat_map(|p| &p.facilities)
            .map(|f| f.interest_paid)
            .sum();
        let principal: Money = p
            .iter()
            .flat_map(|p| &p.facilities)
            .map(|f| f.principal_paid + f.prepaid)
            .sum();
        let distributions: Money = p.iter().map(|p| p.distribution).sum();
        for (col, want) in [
            (2, cfads),
            (3, interest),
            (4, principal),
            (distribution_col, distributions),
        ] {
            assert_eq!(column_sum(col), want, "{fixture}: column {col}");
            assert_eq!(
                Money::from_cents(cents(&total[col])),
                want,
                "{fixture}: total of column {col}"
            );
        }
        // The senior's balance at the end of year 1 is period 12's.
        assert_eq!(
            Money::from_cents(cents(&years[0][5])),
            p[11].facilities[0].closing
        );
        // Cash-on-cash of year 1: its distributions over the equity in by period 12.
        let equity: Money =
            run.closing.equity + p[..12].iter().map(|p| p.equity_contribution).sum::<Money>();
        let dist1: Money = p[..12].iter().map(|p| p.distribution).sum();
        let coc = dist1.amount() / equity.amount();
        assert_eq!(
            years[0][distribution_col + 1],
            boxflow::core::format::percent(Some(coc)),
            "{fixture}"
        );
        // MOIC in the total row: everything the sponsor receives over its equity.
        let returned = run.closing.sponsor_excess + distributions + run.terminal.sponsor;
        let moic = returned.amount() / run.summary.total_equity.amount();
        assert_eq!(
            total[distribution_col + 1],
            format!("MOIC {}x", boxflow::core::format::fixed(moic, 2))
        );

        // Funding: sources add up to their total, uses to theirs, and the two agree;
        // capex is the plan's total capex.
        let funding = element(&html, "table", "funding");
        let rows = table_rows(funding);
        let split = rows.iter().position(|r| r[0] == "total sources").unwrap();
        let sum = |rs: &[Vec<String>]| -> Money {
            rs.iter().map(|r| Money::from_cents(cents(&r[1]))).sum()
        };
        let sources = Money::from_cents(cents(&rows[split][1]));
        let uses = Money::from_cents(cents(&rows.last().unwrap()[1]));
        assert_eq!(sum(&rows[..split]), sources, "{fixture}");
        assert_eq!(sum(&rows[split + 1..rows.len() - 1]), uses, "{fixture}");
        assert_eq!(sources, uses, "{fixture}");
        let capex = rows.iter().find(|r| r[0] == "capex").unwrap();
        assert_eq!(Money::from_cents(cents(&capex[1])), run.plan.total_capex);
    }
}

/// Cents of an amount printed with thousands separators.
fn cents(text: &str) -> i64 {
    let d: rust_decimal::Decimal = text.replace(',', "").parse().unwrap();
    (d * rust_decimal::Decimal::from(100)).try_into().unwrap()
}

#[test]
fn the_headline_shows_the_minimum_headroom_and_the_chart_draws_it() {
    let dir = tempfile::tempdir().unwrap();
    let html =
        std::fs::read_to_string(write_report(dir.path(), "fixtures/reference.toml")).unwrap();
    let headline = element(&html, "section", "headline");
    // The lowest DSCR is 1.3000x (period 22): CFADS can fall by 1 - 1.20 / 1.30 =
    // 7.69% before lock-up and by 1 - 1.10 / 1.30 = 15.38% before default.
    assert!(headline.contains("Minimum headroom to lock-up"));
    assert!(
        headline.contains("to lock-up 1.2000x: 7.69% (period 22)"),
        "{headline}"
    );
    assert!(headline.contains("to default 1.1000x: 15.38% (period 22)"));
    let chart = element(&html, "svg", "chart-headroom");
    assert!(chart.contains("data-label=\"headroom to lock-up\""));
    assert!(chart.contains("data-label=\"headroom to default\""));
    // The table under the chart: the same percents, and the amounts.
    let table = table_rows(element(&html, "table", "headroom"));
    assert_eq!(table.len(), 2);
    assert_eq!(table[0][..3], ["to lock-up 1.2000x", "7.69%", "22"]);
    assert_eq!(table[1][..3], ["to default 1.1000x", "15.38%", "22"]);
    // The lowest amount to lock-up, CFADS - 1.20 · debt service floored to the cent,
    // recomputed from the period table's own columns in the period it names.
    let k: usize = table[0][4].parse().unwrap();
    let cells = row_cells(element(&html, "table", "periods"), k);
    let exact = amount(&cells[2]) - rust_decimal::Decimal::new(12, 1) * amount(&cells[3]);
    assert_eq!(
        amount(&table[0][3]),
        exact.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToNegativeInfinity),
        "period {k}"
    );

    // With a junior: the combined DSCR's headroom too. The junior deal's senior DSCR
    // is 1.3500x at its lowest: 1 - 1.20 / 1.35 = 11.11% to lock-up.
    let html = std::fs::read_to_string(write_report(dir.path(), "fixtures/junior.toml")).unwrap();
    let headline = element(&html, "section", "headline");
    assert!(
        headline.contains("to lock-up 1.2000x: 11.11% (period "),
        "{headline}"
    );
    let table = table_rows(element(&html, "table", "headroom"));
    assert_eq!(table.len(), 4);
    assert_eq!(table[2][0], "combined DSCR to lock-up 1.2000x");
}

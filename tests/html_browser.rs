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
    let headline = element(&html, "section", "headline");
    for figure in [
        "518,926,087.20", // senior commitment
        "<b>dscr</b>",    // its binding bound
        "1.3000x",        // min DSCR
        "period 22",      // at period 22
        "period 30",      // repaid in period 30
        "halfway period 30",
        "PASS",
        "47.38%",         // equity IRR 0.4738326617
        "539,721,657.53", // NPV
        "Lender loss",
    ] {
        assert!(headline.contains(figure), "headline lacks {figure}");
    }

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
    // Its y axis: money with thousands separators.
    assert!(balance.contains(">500,000,000</text>"));
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
    for (level, y) in [(1.3, "1.3"), (1.2, "1.2"), (1.1, "1.1")] {
        assert!(dscr.contains(&format!("data-y=\"{y}\"")), "{level}");
    }
    // Uses of cash: the issue's seven uses in the legend, a bar part for each use
    // paid (the reference deal sweeps nothing).
    let uses = element(&html, "svg", "chart-uses");
    for series in [
        "opex",
        "fees",
        "interest",
        "principal",
        "reserve",
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
    assert!(uses.contains("period 1: interest 2,672,925.81"));
    // The sponsor's payback point.
    let sponsor = element(&html, "svg", "chart-sponsor");
    assert!(sponsor.contains("payback: period 34"));

    // The events: 10 lock-ups, periods 1-5 and 16-20.
    let events = element(&html, "table", "events");
    assert_eq!(events.matches("<tr><td class=\"num\">").count(), 10);
    assert!(html.contains("<b>lock-up</b> ×10 (periods 1–5, 16–20)"));
    // Why period 1 is locked up: the DSRA (closing 89,577,228.51 in the worked
    // example) is below its step-5 target (94,803,666.88); the DSCR 1.3000000007 is
    // above the 1.20x lock-up level; no cash is left to trap.
    assert!(
        events.contains(
            "<td>distributions stopped: DSRA 89,577,228.51 below its target \
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
        assert!(shapes > 20, "{id}: {shapes} shapes");
        seen.push(id.to_string());
    }
    assert_eq!(seen, CHARTS);

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

//! SVG charts for the HTML report: linear [`Scale`]s with "nice" ticks, a
//! [`LineChart`] (lines, areas, reference lines, markers) and a [`StackedBars`]
//! chart, drawn by [`line_chart`] and [`stacked_bar_chart`].
//!
//! Charts are pure functions of `f64` values (a chart is a picture; the exact
//! decimal figures are in the tables beside it). Every coordinate written is finite:
//! a degenerate or non-finite domain is widened, a non-finite value is left out, a
//! value outside the domain is drawn at its edge. Axis labels print in the one
//! format of [`boxflow_core::format`]: money in millions (`500.00m`), ratios to four
//! decimals, percents to two; the x axis prints the period's end date when given
//! [`LineChart::x_names`], at a step that leaves room between labels. A
//! [`Tornado`] chart shows scenarios against the base case, a [`Histogram`] the runs
//! of a simulation.
//!
//! ```
//! use boxflow_report::svg::{line_chart, Line, LineChart, RefLine, TickFormat};
//! let chart = LineChart {
//!     id: "balance".into(),
//!     title: "Senior balance".into(),
//!     x_label: "period".into(),
//!     y_label: "USD".into(),
//!     x_domain: (0.0, 4.0),
//!     y_format: TickFormat::Money,
//!     lines: vec![Line::new("balance", "#1f4e79", vec![
//!         (0.0, Some(300.0)), (1.0, Some(200.0)), (2.0, Some(100.0)), (3.0, Some(0.0)),
//!     ])],
//!     vlines: vec![RefLine::new(2.0, "halfway", "#555")],
//!     ..LineChart::default()
//! };
//! let svg = line_chart(&chart);
//! assert!(svg.starts_with("<svg") && svg.contains(r#"id="balance""#));
//! assert!(!svg.contains("NaN"));
//! ```

use std::fmt::Write;

use boxflow_core::format;
use boxflow_core::Money;
use rust_decimal::Decimal;

/// A linear map from a domain of values to a range of pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    /// A scale from `domain` to `range`. A non-finite bound is replaced (by 0 or by the
    /// other bound plus 1), reversed bounds are swapped, and an empty domain is widened
    /// around its value, so [`Scale::map`] never divides by zero.
    ///
    /// ```
    /// use boxflow_report::svg::Scale;
    /// let s = Scale::new((0.0, 60.0), (100.0, 700.0));
    /// assert_eq!(s.map(30.0), 400.0);
    /// let flat = Scale::new((5.0, 5.0), (0.0, 10.0));
    /// assert!(flat.map(5.0).is_finite());
    /// ```
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Scale {
        let (mut d0, mut d1) = domain;
        if !d0.is_finite() {
            d0 = if d1.is_finite() { d1 - 1.0 } else { 0.0 };
        }
        if !d1.is_finite() {
            d1 = d0 + 1.0;
        }
        if d0 > d1 {
            std::mem::swap(&mut d0, &mut d1);
        }
        let span = d1 - d0;
        let tiny = f64::EPSILON * d0.abs().max(d1.abs()).max(1.0);
        if span.is_nan() || span <= tiny || !span.is_finite() {
            let pad = (d0.abs() * 0.1).max(1.0);
            d0 -= pad;
            d1 = d0 + 2.0 * pad;
        }
        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        Scale {
            d0,
            d1,
            r0: finite(range.0),
            r1: finite(range.1),
        }
    }

    /// The domain after sanitising.
    pub fn domain(&self) -> (f64, f64) {
        (self.d0, self.d1)
    }

    /// The pixel position of `v`; a non-finite `v` maps to the start of the range.
    pub fn map(&self, v: f64) -> f64 {
        if !v.is_finite() {
            return self.r0;
        }
        let x = self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0);
        if x.is_finite() {
            x
        } else {
            self.r0
        }
    }

    /// The pixel position of `v` clamped into the domain first.
    pub fn map_clamped(&self, v: f64) -> f64 {
        if !v.is_finite() {
            return self.r0;
        }
        self.map(v.clamp(self.d0, self.d1))
    }
}

/// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `target`
/// intervals over `span`.
///
/// ```
/// use boxflow_report::svg::nice_step;
/// assert_eq!(nice_step(518_926_087.2, 5), 100_000_000.0);
/// assert_eq!(nice_step(60.0, 6), 10.0);
/// assert_eq!(nice_step(0.4, 4), 0.1);
/// ```
pub fn nice_step(span: f64, target: usize) -> f64 {
    let span = if span.is_finite() && span > 0.0 {
        span
    } else {
        1.0
    };
    let raw = span / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    // The nearest of 1, 2, 5 and 10 on a log scale (thresholds √2, √10, √50).
    let nice = if norm >= 50f64.sqrt() {
        10.0
    } else if norm >= 10f64.sqrt() {
        5.0
    } else if norm >= 2f64.sqrt() {
        2.0
    } else {
        1.0
    };
    let step = nice * magnitude;
    if step.is_finite() && step > 0.0 {
        step
    } else {
        1.0
    }
}

/// Widens `(lo, hi)` outwards to multiples of a nice step; returns `(lo, hi, step)`.
///
/// ```
/// use boxflow_report::svg::nice_domain;
/// assert_eq!(nice_domain(0.0, 518_926_087.2, 5), (0.0, 600_000_000.0, 100_000_000.0));
/// assert_eq!(nice_domain(1.1, 1.3, 4), (1.1, 1.3, 0.05));
/// ```
pub fn nice_domain(lo: f64, hi: f64, target: usize) -> (f64, f64, f64) {
    let s = Scale::new((lo, hi), (0.0, 1.0));
    let (lo, hi) = s.domain();
    let step = nice_step(hi - lo, target);
    let snap = |v: f64| (v * 1e9).round() / 1e9;
    let lo2 = snap((lo / step).floor() * step);
    let hi2 = snap((hi / step).ceil() * step);
    if lo2.is_finite() && hi2.is_finite() && hi2 > lo2 {
        (lo2, hi2, step)
    } else {
        (lo, hi, hi - lo)
    }
}

/// The multiples of `step` from `lo` to `hi` inclusive (at most 100 of them).
pub fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let mut out = Vec::new();
    if !(lo.is_finite() && hi.is_finite() && step.is_finite() && step > 0.0) {
        return out;
    }
    let first = (lo / step - 1e-9).ceil() as i64;
    let mut i = first;
    while out.len() < 100 {
        let v = i as f64 * step;
        if v > hi + step * 1e-9 {
            break;
        }
        out.push((v * 1e9).round() / 1e9);
        i += 1;
    }
    out
}

/// `v` with `decimals` decimals and a comma between thousands; `-0` prints as `0`.
///
/// ```
/// use boxflow_report::svg::group_thousands;
/// assert_eq!(group_thousands(518926087.2, 2), "518,926,087.20");
/// assert_eq!(group_thousands(-1500000.0, 0), "-1,500,000");
/// assert_eq!(group_thousands(-0.001, 0), "0");
/// assert_eq!(group_thousands(f64::NAN, 0), "-");
/// ```
pub fn group_thousands(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::with_capacity(s.len() + int.len() / 3 + 1);
    let zero = s.chars().all(|c| c == '0' || c == '.');
    if v < 0.0 && !zero {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// How the y axis prints its ticks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TickFormat {
    /// Money with thousands separators, decimals only when the step needs them.
    #[default]
    Money,
    /// Money in millions ([`format::millions`]): `500.0m`.
    Millions,
    /// A ratio ([`format::ratio`]): `1.3000x`.
    Ratio,
    /// A percent ([`format::percent`]): `65.00%`.
    Percent,
    /// A plain number.
    Plain,
}

fn tick_label(v: f64, step: f64, format: TickFormat) -> String {
    // The fewest decimals that print every multiple of the step exactly.
    let decimals = (0..=6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6) as usize;
    match format {
        TickFormat::Money | TickFormat::Plain => group_thousands(v, decimals),
        TickFormat::Millions | TickFormat::Ratio | TickFormat::Percent => value_label(v, format),
    }
}

/// A finite `f64` as a decimal (`None` when not finite).
fn decimal(v: f64) -> Option<Decimal> {
    Decimal::try_from(v).ok()
}

/// A money amount drawn as `f64` back to cents (`None` when out of range).
fn money_of(v: f64) -> Option<Money> {
    let cents = (v * 100.0).round();
    (cents.is_finite() && cents.abs() < 9.0e15).then(|| Money::from_cents(cents as i64))
}

/// Escapes text for SVG and HTML.
///
/// ```
/// use boxflow_report::svg::escape;
/// assert_eq!(escape(r#"A & B <"c">"#), "A &amp; B &lt;&quot;c&quot;&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A coordinate: one decimal, never `NaN` (a non-finite value prints as 0).
fn c(v: f64) -> String {
    if v.is_finite() {
        let r = (v * 10.0).round() / 10.0;
        if r == 0.0 {
            "0".into()
        } else {
            format!("{r}")
        }
    } else {
        "0".into()
    }
}

/// A line (or area) through points `(x, y)`; `None` leaves a gap.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    /// What it shows, for the tooltip and the legend.
    pub label: String,
    /// Stroke colour (CSS).
    pub color: String,
    /// The points in x order.
    pub points: Vec<(f64, Option<f64>)>,
    /// Fill the area down to the x axis (or to zero when zero is in the domain).
    pub area: bool,
    /// Draw dashed.
    pub dashed: bool,
    /// Draw a dot at each point, with a tooltip.
    pub dots: bool,
}

impl Line {
    /// A solid line without area or dots.
    pub fn new(label: &str, color: &str, points: Vec<(f64, Option<f64>)>) -> Line {
        Line {
            label: label.into(),
            color: color.into(),
            points,
            ..Line::default()
        }
    }
}

/// A reference line: horizontal at a y value or vertical at an x value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RefLine {
    /// Where it stands.
    pub value: f64,
    /// Its label, written at its end.
    pub label: String,
    /// Colour (CSS).
    pub color: String,
}

impl RefLine {
    /// A reference line.
    pub fn new(value: f64, label: &str, color: &str) -> RefLine {
        RefLine {
            value,
            label: label.into(),
            color: color.into(),
        }
    }
}

/// A labelled point.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marker {
    /// x.
    pub x: f64,
    /// y.
    pub y: f64,
    /// Label written beside it.
    pub label: String,
    /// Colour (CSS).
    pub color: String,
}

/// A line chart over x values (periods).
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    /// The `id` of the `<svg>` element.
    pub id: String,
    /// Its accessible title.
    pub title: String,
    /// The x axis label.
    pub x_label: String,
    /// The y axis label.
    pub y_label: String,
    /// The x domain.
    pub x_domain: (f64, f64),
    /// A fixed y domain; `None`: from the data, reference lines and markers, with 0.
    pub y_domain: Option<(f64, f64)>,
    /// How y ticks print.
    pub y_format: TickFormat,
    /// The lines, drawn in order.
    pub lines: Vec<Line>,
    /// Horizontal reference lines.
    pub hlines: Vec<RefLine>,
    /// Vertical reference lines.
    pub vlines: Vec<RefLine>,
    /// Labelled points.
    pub markers: Vec<Marker>,
    /// The name of each whole x value (index = x): the period's end date, the close
    /// date at 0. Empty: the x axis prints the numbers.
    pub x_names: Vec<String>,
    /// Width in pixels.
    pub width: f64,
    /// Height in pixels.
    pub height: f64,
}

impl Default for LineChart {
    fn default() -> LineChart {
        LineChart {
            id: "chart".into(),
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            x_domain: (0.0, 1.0),
            y_domain: None,
            y_format: TickFormat::Money,
            lines: Vec::new(),
            hlines: Vec::new(),
            vlines: Vec::new(),
            markers: Vec::new(),
            x_names: Vec::new(),
            width: 640.0,
            height: 300.0,
        }
    }
}

/// The plot area and scales of a chart, with its axes drawn.
struct Frame {
    x: Scale,
    y: Scale,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

const FONT: &str = r#"font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif""#;
const AXIS: &str = "#4a5568";
const GRID: &str = "#e2e8f0";

/// Opens the `<svg>`, draws the grid, the axes and their labels; returns the frame.
#[allow(clippy::too_many_arguments)]
fn frame(
    out: &mut String,
    id: &str,
    title: &str,
    (width, height): (f64, f64),
    x_domain: (f64, f64),
    x_names: &[String],
    (y_lo, y_hi): (f64, f64),
    y_format: TickFormat,
    (x_label, y_label): (&str, &str),
    x_format: Option<TickFormat>,
) -> Frame {
    let width = if width.is_finite() && width >= 120.0 {
        width
    } else {
        640.0
    };
    let height = if height.is_finite() && height >= 100.0 {
        height
    } else {
        300.0
    };
    let (y_lo, y_hi, y_step) = nice_domain(y_lo, y_hi, 5);
    let y_ticks = ticks(y_lo, y_hi, y_step);
    let labels: Vec<String> = y_ticks
        .iter()
        .map(|v| tick_label(*v, y_step, y_format))
        .collect();
    let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
    let left = 30.0 + widest * 6.6 + 8.0;
    // Room on the right for half the last x label (a date is wider than a number).
    let widest_name = x_names.iter().map(|n| n.chars().count()).max().unwrap_or(0) as f64;
    let (right_pad, top, bottom_pad) = ((widest_name * 3.4 + 6.0).max(16.0), 14.0, 42.0);
    let right = width - right_pad;
    let bottom = height - bottom_pad;
    let x = Scale::new(x_domain, (left, right));
    let y = Scale::new((y_lo, y_hi), (bottom, top));
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title" {FONT} font-size="11">"#,
        id = escape(id),
        w = c(width),
        h = c(height),
    );
    let _ = write!(
        out,
        r#"<title id="{}-title">{}</title>"#,
        escape(id),
        escape(title)
    );
    // Horizontal grid and y ticks.
    for (v, label) in y_ticks.iter().zip(&labels) {
        let py = y.map(*v);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{l}" x2="{r}" y1="{py}" y2="{py}" stroke="{GRID}"/><text class="tick y" x="{tx}" y="{ty}" text-anchor="end" fill="{AXIS}">{label}</text>"#,
            l = c(left),
            r = c(right),
            py = c(py),
            tx = c(left - 6.0),
            ty = c(py + 4.0),
            label = escape(label),
        );
    }
    // x ticks: whole numbers at a nice step; with names (dates), at the smallest step
    // of whole years or months that leaves room between the labels.
    let (xd0, xd1) = x.domain();
    let name_of = |v: f64| -> Option<&String> {
        (v >= 0.0 && v.fract() == 0.0)
            .then(|| x_names.get(v as usize))
            .flatten()
    };
    let x_step = nice_step(xd1 - xd0, 6);
    let x_ticks: Vec<f64> = if x_format.is_some() {
        ticks(xd0, xd1, x_step)
    } else if x_names.is_empty() {
        let step = nice_step(xd1 - xd0, 10).max(1.0);
        ticks(xd0.ceil(), xd1.floor(), step)
    } else {
        let widest = x_names.iter().map(|n| n.chars().count()).max().unwrap_or(1) as f64;
        let per_unit = (right - left) / (xd1 - xd0).max(1.0);
        let step = [
            1.0, 2.0, 3.0, 4.0, 6.0, 12.0, 24.0, 36.0, 60.0, 120.0, 240.0,
        ]
        .into_iter()
        .find(|s| s * per_unit >= widest * 6.6 + 12.0)
        .unwrap_or(480.0);
        ticks(xd0.ceil(), xd1.floor(), step)
    };
    for v in &x_ticks {
        let px = x.map(*v);
        let label = match x_format {
            Some(format) => escape(&tick_label(*v, x_step, format)),
            None => name_of(*v).map_or_else(|| group_thousands(*v, 0), |n| escape(n)),
        };
        let _ = write!(
            out,
            r#"<line x1="{px}" x2="{px}" y1="{b}" y2="{b5}" stroke="{AXIS}"/><text class="tick x" x="{px}" y="{ty}" text-anchor="middle" fill="{AXIS}">{label}</text>"#,
            px = c(px),
            b = c(bottom),
            b5 = c(bottom + 5.0),
            ty = c(bottom + 17.0),
        );
    }
    // Axes.
    let _ = write!(
        out,
        r#"<line class="axis x" x1="{l}" x2="{r}" y1="{b}" y2="{b}" stroke="{AXIS}"/><line class="axis y" x1="{l}" x2="{l}" y1="{t}" y2="{b}" stroke="{AXIS}"/>"#,
        l = c(left),
        r = c(right),
        b = c(bottom),
        t = c(top),
    );
    let _ = write!(
        out,
        r#"<text class="label x" x="{mx}" y="{ly}" text-anchor="middle" fill="{AXIS}" font-size="12">{xl}</text><text class="label y" transform="translate(13 {my}) rotate(-90)" text-anchor="middle" fill="{AXIS}" font-size="12">{yl}</text>"#,
        mx = c((left + right) / 2.0),
        ly = c(height - 6.0),
        my = c((top + bottom) / 2.0),
        xl = escape(x_label),
        yl = escape(y_label),
    );
    Frame {
        x,
        y,
        left,
        right,
        top,
        bottom,
    }
}

fn finite_points(line: &Line) -> impl Iterator<Item = (f64, f64)> + '_ {
    line.points
        .iter()
        .filter_map(|(x, y)| y.map(|y| (*x, y)))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
}

/// Contiguous runs of defined, finite points.
fn segments(line: &Line) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (x, y) in &line.points {
        match y {
            Some(y) if x.is_finite() && y.is_finite() => current.push((*x, *y)),
            _ => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn y_extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// A reference line's value in its `data-x` attribute: rounded to 10 decimals as every
/// ratio of the reports is (`round10`, methodology section 13), trailing zeros dropped
/// (`30`, `0.4871946717`): digits the engine proves, not an f64's last ones.
fn attribute_value(v: f64) -> String {
    match Decimal::from_f64_retain(v) {
        Some(d) => boxflow_core::round10(d).normalize().to_string(),
        None => v.to_string(),
    }
}

fn vline(out: &mut String, f: &Frame, r: &RefLine, index: usize) {
    if !r.value.is_finite() {
        return;
    }
    let px = f.x.map_clamped(r.value);
    let _ = write!(
        out,
        r#"<line class="vline" data-x="{v}" x1="{px}" x2="{px}" y1="{t}" y2="{b}" stroke="{col}" stroke-width="1.5" stroke-dasharray="5 4"/>"#,
        v = attribute_value(r.value),
        px = c(px),
        t = c(f.top),
        b = c(f.bottom),
        col = escape(&r.color),
    );
    // Labels run rightwards, unless too close to the right edge.
    let anchor_right = px > f.left + (f.right - f.left) * 0.75;
    let _ = write!(
        out,
        r#"<text class="vline-label" x="{tx}" y="{ty}" text-anchor="{a}" fill="{col}" font-weight="600">{label}</text>"#,
        tx = c(if anchor_right { px - 5.0 } else { px + 5.0 }),
        ty = c(f.top + 12.0 + 14.0 * index as f64),
        a = if anchor_right { "end" } else { "start" },
        col = escape(&r.color),
        label = escape(&r.label),
    );
}

/// Where each horizontal line's label stands: just above its line, or stacked above
/// the label below it when they would overlap (levels close together).
fn hline_label_ys(f: &Frame, lines: &[RefLine]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    let py = |i: usize| f.y.map_clamped(lines[i].value);
    order.sort_by(|a, b| py(*b).total_cmp(&py(*a)));
    let mut ys = vec![0.0; lines.len()];
    let mut last = f64::INFINITY;
    for i in order {
        if !lines[i].value.is_finite() || lines[i].label.is_empty() {
            continue;
        }
        let y = (py(i) - 4.0).min(last - 13.0);
        ys[i] = y;
        last = y;
    }
    ys
}

fn hline(out: &mut String, f: &Frame, r: &RefLine, label_y: f64) {
    if !r.value.is_finite() {
        return;
    }
    let py = f.y.map_clamped(r.value);
    let _ = write!(
        out,
        r#"<line class="hline" data-y="{v}" x1="{l}" x2="{rr}" y1="{py}" y2="{py}" stroke="{col}" stroke-width="1.5" stroke-dasharray="6 3"/><text class="hline-label" x="{tx}" y="{ty}" text-anchor="end" fill="{col}" font-weight="600">{label}</text>"#,
        v = r.value,
        l = c(f.left),
        rr = c(f.right),
        py = c(py),
        tx = c(f.right - 4.0),
        ty = c(label_y),
        col = escape(&r.color),
        label = escape(&r.label),
    );
}

/// Draws a line chart as an `<svg>` element.
pub fn line_chart(chart: &LineChart) -> String {
    let mut out = String::new();
    let (y_lo, y_hi) = chart.y_domain.unwrap_or_else(|| {
        let values = chart
            .lines
            .iter()
            .flat_map(|l| finite_points(l).map(|(_, y)| y))
            .chain(chart.hlines.iter().map(|h| h.value))
            .chain(chart.markers.iter().map(|m| m.y))
            .chain(std::iter::once(0.0));
        y_extent(values).unwrap_or((0.0, 1.0))
    });
    let f = frame(
        &mut out,
        &chart.id,
        &chart.title,
        (chart.width, chart.height),
        chart.x_domain,
        &chart.x_names,
        (y_lo, y_hi),
        chart.y_format,
        (&chart.x_label, &chart.y_label),
        None,
    );
    let (yd0, yd1) = f.y.domain();
    let base = f.y.map(0.0f64.clamp(yd0, yd1));
    for line in &chart.lines {
        let dash = if line.dashed {
            r#" stroke-dasharray="7 4""#
        } else {
            ""
        };
        for seg in segments(line) {
            let pts: Vec<(f64, f64)> = seg
                .iter()
                .map(|(x, y)| (f.x.map_clamped(*x), f.y.map_clamped(*y)))
                .collect();
            if line.area && pts.len() > 1 {
                let mut d = format!("M{} {}", c(pts[0].0), c(base));
                for (px, py) in &pts {
                    let _ = write!(d, " L{} {}", c(*px), c(*py));
                }
                let _ = write!(d, " L{} {} Z", c(pts[pts.len() - 1].0), c(base));
                let _ = write!(
                    out,
                    r#"<path class="area" d="{d}" fill="{col}" fill-opacity="0.14" stroke="none"/>"#,
                    col = escape(&line.color)
                );
            }
            let mut d = String::new();
            for (i, (px, py)) in pts.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{} {}",
                    if i == 0 { "M" } else { " L" },
                    c(*px),
                    c(*py)
                );
            }
            let _ = write!(
                out,
                r#"<path class="line" data-label="{label}" d="{d}" fill="none" stroke="{col}" stroke-width="2.2" stroke-linejoin="round"{dash}/>"#,
                label = escape(&line.label),
                col = escape(&line.color),
            );
            if line.dots || pts.len() == 1 {
                for ((x, y), (px, py)) in seg.iter().zip(&pts) {
                    let _ = write!(
                        out,
                        r#"<circle cx="{}" cy="{}" r="2.6" fill="{col}"><title>{} {}: {}</title></circle>"#,
                        c(*px),
                        c(*py),
                        escape(&chart.x_label),
                        group_thousands(*x, 0),
                        escape(&value_label(*y, chart.y_format)),
                        col = escape(&line.color),
                    );
                }
            }
        }
    }
    let label_ys = hline_label_ys(&f, &chart.hlines);
    for (h, y) in chart.hlines.iter().zip(label_ys) {
        hline(&mut out, &f, h, y);
    }
    for (i, v) in chart.vlines.iter().enumerate() {
        vline(&mut out, &f, v, i);
    }
    for (i, m) in chart.markers.iter().enumerate() {
        if !(m.x.is_finite() && m.y.is_finite()) {
            continue;
        }
        // Markers after the first stack their labels, so that two close points
        // (two facilities repaid a period apart) keep legible labels.
        let stack = 14.0 * i as f64;
        let (px, py) = (f.x.map_clamped(m.x), f.y.map_clamped(m.y));
        // Labels run rightwards, unless too close to the right edge.
        let anchor_right = px > f.left + (f.right - f.left) * 0.75;
        // Below the point when there is room (a line rising past it stays clear).
        let above = py > f.bottom - 24.0;
        let _ = write!(
            out,
            r#"<circle class="marker" cx="{px}" cy="{py}" r="5.5" fill="white" stroke="{col}" stroke-width="2.5"/><text class="marker-label" x="{tx}" y="{ty}" text-anchor="{a}" fill="{col}" font-weight="600">{label}</text>"#,
            px = c(px),
            py = c(py),
            tx = c(if anchor_right { px - 9.0 } else { px + 9.0 }),
            ty = c(if above {
                py - 10.0 - stack
            } else {
                py + 18.0 + stack
            }),
            a = if anchor_right { "end" } else { "start" },
            col = escape(&m.color),
            label = escape(&m.label),
        );
    }
    out.push_str("</svg>");
    out
}

fn value_label(v: f64, kind: TickFormat) -> String {
    match kind {
        TickFormat::Money => group_thousands(v, 2),
        TickFormat::Millions => money_of(v).map_or_else(|| "-".into(), format::millions),
        TickFormat::Ratio => format::ratio(decimal(v)),
        TickFormat::Percent => format::percent(decimal(v)),
        TickFormat::Plain => group_thousands(v, 0),
    }
}

/// One series of a stacked bar chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BarSeries {
    /// What it shows.
    pub label: String,
    /// Fill colour (CSS).
    pub color: String,
    /// One value per bar (negative and non-finite values draw as 0).
    pub values: Vec<f64>,
}

/// Stacked bars, one per x value (period), series stacked in order from the axis.
#[derive(Clone, Debug, PartialEq)]
pub struct StackedBars {
    /// The `id` of the `<svg>` element.
    pub id: String,
    /// Its accessible title.
    pub title: String,
    /// The x axis label.
    pub x_label: String,
    /// The y axis label.
    pub y_label: String,
    /// The x value of each bar.
    pub x_values: Vec<f64>,
    /// The series.
    pub series: Vec<BarSeries>,
    /// Vertical reference lines.
    pub vlines: Vec<RefLine>,
    /// Lines drawn over the bars (the sources of cash beside its uses).
    pub lines: Vec<Line>,
    /// How y ticks print.
    pub y_format: TickFormat,
    /// The name of each whole x value, as [`LineChart::x_names`].
    pub x_names: Vec<String>,
    /// Width in pixels.
    pub width: f64,
    /// Height in pixels.
    pub height: f64,
}

impl Default for StackedBars {
    fn default() -> StackedBars {
        StackedBars {
            id: "bars".into(),
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            x_values: Vec::new(),
            series: Vec::new(),
            vlines: Vec::new(),
            lines: Vec::new(),
            y_format: TickFormat::Money,
            x_names: Vec::new(),
            width: 640.0,
            height: 300.0,
        }
    }
}

/// Draws a stacked bar chart as an `<svg>` element.
pub fn stacked_bar_chart(chart: &StackedBars) -> String {
    let mut out = String::new();
    let positive = |v: f64| if v.is_finite() && v > 0.0 { v } else { 0.0 };
    let totals: Vec<f64> = (0..chart.x_values.len())
        .map(|i| {
            chart
                .series
                .iter()
                .map(|s| positive(s.values.get(i).copied().unwrap_or(0.0)))
                .sum()
        })
        .collect();
    let top = totals
        .iter()
        .copied()
        .chain(
            chart
                .lines
                .iter()
                .flat_map(|l| finite_points(l).map(|(_, y)| y)),
        )
        .fold(0.0, f64::max);
    let (x0, x1) = y_extent(chart.x_values.iter().copied()).unwrap_or((1.0, 1.0));
    let f = frame(
        &mut out,
        &chart.id,
        &chart.title,
        (chart.width, chart.height),
        (x0 - 0.5, x1 + 0.5),
        &chart.x_names,
        (0.0, top),
        chart.y_format,
        (&chart.x_label, &chart.y_label),
        None,
    );
    let n = chart.x_values.len().max(1) as f64;
    let band = ((f.right - f.left) / n * 0.72).clamp(1.0, 40.0);
    for (i, x) in chart.x_values.iter().enumerate() {
        if !x.is_finite() {
            continue;
        }
        let cx = f.x.map(*x);
        let mut acc = 0.0;
        for s in &chart.series {
            let v = positive(s.values.get(i).copied().unwrap_or(0.0));
            if v <= 0.0 {
                continue;
            }
            let y0 = f.y.map_clamped(acc);
            acc += v;
            let y1 = f.y.map_clamped(acc);
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{col}"><title>{xl} {k}: {label} {value}</title></rect>"#,
                x = c(cx - band / 2.0),
                y = c(y1),
                w = c(band),
                h = c((y0 - y1).max(0.0)),
                col = escape(&s.color),
                xl = escape(&chart.x_label),
                k = group_thousands(*x, 0),
                label = escape(&s.label),
                value = group_thousands(v, 2),
            );
        }
    }
    for line in &chart.lines {
        // A step line: flat across each bar.
        let mut d = String::new();
        for (x, y) in finite_points(line) {
            let (px, py) = (f.x.map_clamped(x), f.y.map_clamped(y));
            let _ = write!(
                d,
                "{}{} {} L{} {}",
                if d.is_empty() { "M" } else { " L" },
                c(px - band / 2.0 - 1.0),
                c(py),
                c(px + band / 2.0 + 1.0),
                c(py)
            );
        }
        if !d.is_empty() {
            let _ = write!(
                out,
                r#"<path class="line" data-label="{label}" d="{d}" fill="none" stroke="{col}" stroke-width="2"/>"#,
                label = escape(&line.label),
                col = escape(&line.color),
            );
        }
    }
    for (i, v) in chart.vlines.iter().enumerate() {
        vline(&mut out, &f, v, i);
    }
    out.push_str("</svg>");
    out
}

/// One bar of a [`Tornado`]: a scenario's value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TornadoBar {
    /// The scenario's name.
    pub label: String,
    /// Its value (`None`: undefined, no bar).
    pub value: Option<f64>,
    /// The value as people read it, written beside the bar.
    pub text: String,
}

/// A tornado chart: one horizontal bar per scenario from the base case's value to the
/// scenario's, the largest effect on top; worse than the base case in vermillion,
/// better in blue (higher is better).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tornado {
    /// The `id` of the `<svg>` element.
    pub id: String,
    /// Its accessible title.
    pub title: String,
    /// The base case's value.
    pub base: f64,
    /// The base case's value as people read it.
    pub base_text: String,
    /// The bars, in any order.
    pub bars: Vec<TornadoBar>,
    /// How the axis prints.
    pub format: TickFormat,
    /// Width in pixels (at least 320).
    pub width: f64,
}

/// The longest label a tornado writes before cutting it with `…`.
const TORNADO_LABEL: usize = 26;

/// Draws a tornado chart as an `<svg>` element.
pub fn tornado(chart: &Tornado) -> String {
    let mut bars: Vec<&TornadoBar> = chart.bars.iter().collect();
    let effect = |b: &TornadoBar| {
        b.value
            .filter(|v| v.is_finite())
            .map_or(-1.0, |v| (v - chart.base).abs())
    };
    bars.sort_by(|a, b| effect(b).total_cmp(&effect(a)));
    let label = |b: &TornadoBar| -> String {
        let n = b.label.chars().count();
        if n > TORNADO_LABEL {
            b.label.chars().take(TORNADO_LABEL - 1).collect::<String>() + "…"
        } else {
            b.label.clone()
        }
    };
    let widest_label = bars
        .iter()
        .map(|b| label(b).chars().count())
        .max()
        .unwrap_or(4) as f64;
    let widest_value = bars
        .iter()
        .map(|b| b.text.chars().count())
        .max()
        .unwrap_or(4) as f64;
    let width = if chart.width.is_finite() && chart.width >= 320.0 {
        chart.width
    } else {
        640.0
    };
    let (row, top) = (24.0, 34.0);
    let height = top + row * bars.len().max(1) as f64 + 36.0;
    let left = 12.0 + widest_label * 6.4;
    let right = width - 14.0 - widest_value * 6.6;
    let values: Vec<f64> = bars
        .iter()
        .filter_map(|b| b.value)
        .chain(std::iter::once(chart.base))
        .collect();
    let (lo, hi) = y_extent(values.into_iter()).unwrap_or((0.0, 1.0));
    let (lo, hi, step) = nice_domain(lo, hi, 4);
    let x = Scale::new((lo, hi), (left, right.max(left + 40.0)));
    let bottom = top + row * bars.len().max(1) as f64;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title" {FONT} font-size="11"><title id="{id}-title">{t}</title>"#,
        id = escape(&chart.id),
        w = c(width),
        h = c(height),
        t = escape(&chart.title),
    );
    for v in ticks(lo, hi, step) {
        let px = x.map(v);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{px}" x2="{px}" y1="{t}" y2="{b}" stroke="{GRID}"/><text class="tick x" x="{px}" y="{ty}" text-anchor="middle" fill="{AXIS}">{label}</text>"#,
            px = c(px),
            t = c(top),
            b = c(bottom),
            ty = c(bottom + 16.0),
            label = escape(&tick_label(v, step, chart.format)),
        );
    }
    let base_x = x.map_clamped(chart.base);
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let _ = write!(
            out,
            r#"<text class="bar-label" x="{lx}" y="{ty}" text-anchor="end" fill="{AXIS}">{l}<title>{full}</title></text>"#,
            lx = c(left - 8.0),
            ty = c(y + row / 2.0 + 4.0),
            l = escape(&label(b)),
            full = escape(&b.label),
        );
        if let Some(v) = b.value.filter(|v| v.is_finite()) {
            let px = x.map_clamped(v);
            let worse = v < chart.base;
            let _ = write!(
                out,
                r#"<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="{col}"><title>{l}: {t}</title></rect>"#,
                x0 = c(px.min(base_x)),
                y0 = c(y + 4.0),
                w = c((px - base_x).abs().max(1.0)),
                h = c(row - 8.0),
                col = if worse { "#D55E00" } else { "#0072B2" },
                l = escape(&b.label),
                t = escape(&b.text),
            );
        }
        let _ = write!(
            out,
            r#"<text class="bar-value" x="{vx}" y="{ty}" text-anchor="start" fill="{AXIS}">{t}</text>"#,
            vx = c(right.max(left + 40.0) + 8.0),
            ty = c(y + row / 2.0 + 4.0),
            t = escape(&b.text),
        );
    }
    let _ = write!(
        out,
        r#"<line class="vline" x1="{bx}" x2="{bx}" y1="{t}" y2="{b}" stroke="{INK}" stroke-width="1.5"/><text class="vline-label" x="{bx}" y="{ly}" text-anchor="middle" fill="{INK}" font-weight="600">base case {bt}</text></svg>"#,
        bx = c(base_x),
        t = c(top - 6.0),
        b = c(bottom),
        ly = c(top - 12.0),
        bt = escape(&chart.base_text),
    );
    out
}

/// A histogram: one bar per bin of equal width (bins from
/// [`crate::simulation::bins`]), with marked values (quantiles, the base case) as
/// labelled vertical lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// The `id` of the `<svg>` element.
    pub id: String,
    /// Its accessible title.
    pub title: String,
    /// The x axis label.
    pub x_label: String,
    /// The lower edge of the first bin.
    pub start: f64,
    /// The width of every bin.
    pub bin_width: f64,
    /// The number of runs in each bin.
    pub counts: Vec<usize>,
    /// Marked values; their labels stack from the top, one row each.
    pub marks: Vec<RefLine>,
    /// How the x axis prints.
    pub format: TickFormat,
    /// The bars' colour (CSS).
    pub color: String,
    /// Width in pixels.
    pub width: f64,
    /// Height in pixels.
    pub height: f64,
}

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram {
            id: "histogram".into(),
            title: String::new(),
            x_label: String::new(),
            start: 0.0,
            bin_width: 1.0,
            counts: Vec::new(),
            marks: Vec::new(),
            format: TickFormat::Plain,
            color: "#0072B2".into(),
            width: 640.0,
            height: 300.0,
        }
    }
}

/// Draws a histogram as an `<svg>` element. Each bar carries its count in
/// `data-count` and its bin in words in a tooltip; the x axis covers the bins and
/// every marked value, so no mark is drawn at an edge it does not stand on.
///
/// ```
/// use boxflow_report::svg::{histogram, Histogram, RefLine, TickFormat};
/// let svg = histogram(&Histogram {
///     id: "h".into(),
///     start: 0.0,
///     bin_width: 0.5,
///     counts: vec![3, 5, 2],
///     marks: vec![RefLine::new(1.2, "median 1.2000x", "#1a202c")],
///     format: TickFormat::Ratio,
///     ..Histogram::default()
/// });
/// assert_eq!(svg.matches("data-count=").count(), 3);
/// assert!(svg.contains(r#"data-count="5""#) && svg.contains("median 1.2000x"));
/// assert!(!svg.contains("NaN"));
/// ```
pub fn histogram(chart: &Histogram) -> String {
    let mut out = String::new();
    let n = chart.counts.len();
    let width = if chart.bin_width.is_finite() && chart.bin_width > 0.0 {
        chart.bin_width
    } else {
        1.0
    };
    let start = if chart.start.is_finite() {
        chart.start
    } else {
        0.0
    };
    let end = start + width * n.max(1) as f64;
    let marks = chart
        .marks
        .iter()
        .map(|m| m.value)
        .filter(|v| v.is_finite());
    let lo = marks.clone().fold(start, f64::min);
    let hi = marks.fold(end, f64::max);
    // A little room either side, so that a mark on the last edge is not on the frame.
    let pad = (hi - lo) * 0.02;
    let top = chart.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    // Room above the bars for one row of labels per mark.
    let y_hi = top * (1.0 + 0.09 * chart.marks.len() as f64);
    let f = frame(
        &mut out,
        &chart.id,
        &chart.title,
        (chart.width, chart.height),
        (lo - pad, hi + pad),
        &[],
        (0.0, y_hi),
        TickFormat::Plain,
        (&chart.x_label, "runs"),
        Some(chart.format),
    );
    for (i, count) in chart.counts.iter().enumerate() {
        let (a, b) = (start + width * i as f64, start + width * (i + 1) as f64);
        let (x0, x1) = (f.x.map_clamped(a), f.x.map_clamped(b));
        let y = f.y.map_clamped(*count as f64);
        let _ = write!(
            out,
            r#"<rect class="bin" data-count="{count}" x="{x}" y="{y}" width="{w}" height="{h}" fill="{col}"><title>{from} to {to}: {count} run{s}</title></rect>"#,
            x = c(x0 + 0.5),
            y = c(y),
            w = c((x1 - x0 - 1.0).max(0.5)),
            h = c((f.bottom - y).max(0.0)),
            col = escape(&chart.color),
            from = escape(&value_label(a, chart.format)),
            to = escape(&value_label(b, chart.format)),
            s = if *count == 1 { "" } else { "s" },
        );
    }
    for (i, m) in chart.marks.iter().enumerate() {
        vline(&mut out, &f, m, i);
    }
    out.push_str("</svg>");
    out
}

const INK: &str = "#1a202c";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_line_value_is_written_to_10_decimals() {
        // 0.487194671708374 -> 0.4871946717 (10 decimals); 30 -> 30; -1.5 -> -1.5.
        assert_eq!(attribute_value(0.487194671708374), "0.4871946717");
        assert_eq!(attribute_value(30.0), "30");
        assert_eq!(attribute_value(-1.5), "-1.5");
        assert_eq!(attribute_value(0.25), "0.25");
    }

    /// Every number in an attribute `name="..."` of the SVG.
    fn attrs(svg: &str, name: &str) -> Vec<f64> {
        let key = format!(" {name}=\"");
        svg.match_indices(&key)
            .map(|(i, _)| {
                let rest = &svg[i + key.len()..];
                rest[..rest.find('"').unwrap()].parse::<f64>().unwrap()
            })
            .collect()
    }

    /// The first element `<tag ... class="class" ...>` as text.
    fn element<'a>(svg: &'a str, tag: &str, class: &str) -> &'a str {
        let pat = format!("<{tag} class=\"{class}\"");
        let start = svg.find(&pat).unwrap_or_else(|| panic!("no {pat}"));
        let end = start + svg[start..].find('>').unwrap();
        &svg[start..=end]
    }

    fn attr(el: &str, name: &str) -> f64 {
        attrs(el, name)[0]
    }

    fn balance_chart(halfway: f64) -> LineChart {
        LineChart {
            id: "balance".into(),
            x_domain: (0.0, 60.0),
            lines: vec![Line {
                area: true,
                ..Line::new(
                    "senior",
                    "#1f4e79",
                    (0..=60)
                        .map(|k| (k as f64, Some((30.0 - k as f64).max(0.0) * 1e7)))
                        .collect(),
                )
            }],
            vlines: vec![RefLine::new(halfway, "halfway", "#555")],
            markers: vec![Marker {
                x: 30.0,
                y: 0.0,
                label: "repaid".into(),
                color: "#2f855a".into(),
            }],
            ..LineChart::default()
        }
    }

    #[test]
    fn scale_maps_linearly_and_never_to_nan() {
        let s = Scale::new((0.0, 60.0), (100.0, 700.0));
        assert_eq!(s.map(0.0), 100.0);
        assert_eq!(s.map(60.0), 700.0);
        assert_eq!(s.map(15.0), 250.0);
        // An inverted range (y grows downwards).
        let y = Scale::new((0.0, 500.0), (260.0, 10.0));
        assert_eq!(y.map(0.0), 260.0);
        assert_eq!(y.map(500.0), 10.0);
        assert_eq!(y.map(250.0), 135.0);
        assert_eq!(y.map_clamped(1e12), 10.0);
        assert_eq!(y.map_clamped(-5.0), 260.0);
        // Degenerate, reversed and non-finite domains.
        for (d, v) in [
            ((0.0, 0.0), 0.0),
            ((7.0, 7.0), 7.0),
            ((1e300, 1e300), 1e300),
            ((f64::NAN, 3.0), 2.0),
            ((f64::NEG_INFINITY, f64::INFINITY), 0.0),
            ((10.0, -10.0), 0.0),
        ] {
            let s = Scale::new(d, (0.0, 100.0));
            for x in [v, f64::NAN, f64::INFINITY, -1e308] {
                assert!(s.map(x).is_finite(), "{d:?} {x}");
                assert!(s.map_clamped(x).is_finite(), "{d:?} {x}");
            }
        }
        assert_eq!(Scale::new((10.0, -10.0), (0.0, 100.0)).map(0.0), 50.0);
    }

    #[test]
    fn nice_steps_and_domains() {
        assert_eq!(nice_step(60.0, 10), 5.0);
        assert_eq!(nice_step(24.0, 10), 2.0);
        assert_eq!(nice_step(2.5, 1), 2.0);
        assert_eq!(nice_step(0.0, 5), 0.2);
        assert_eq!(nice_step(f64::NAN, 5), 0.2);
        assert_eq!(
            nice_domain(-276_604_738.15, 1_000_000_000.0, 5),
            (-400_000_000.0, 1_000_000_000.0, 200_000_000.0)
        );
        assert_eq!(ticks(0.0, 1.0, 0.25), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(ticks(1.1, 1.3, 0.05), vec![1.1, 1.15, 1.2, 1.25, 1.3]);
        assert!(ticks(0.0, 1e9, 1.0).len() <= 100);
        assert!(ticks(0.0, 1.0, 0.0).is_empty());
        assert!(ticks(f64::NAN, 1.0, 0.1).is_empty());
    }

    #[test]
    fn tick_labels_carry_thousands_separators() {
        assert_eq!(
            tick_label(600_000_000.0, 100_000_000.0, TickFormat::Money),
            "600,000,000"
        );
        assert_eq!(tick_label(2500.0, 500.0, TickFormat::Money), "2,500");
        assert_eq!(tick_label(0.25, 0.25, TickFormat::Money), "0.25");
        // One ratio precision everywhere: four decimals, as format::ratio.
        assert_eq!(tick_label(1.15, 0.05, TickFormat::Ratio), "1.1500x");
        assert_eq!(tick_label(1.2, 0.1, TickFormat::Ratio), "1.2000x");
        assert_eq!(
            tick_label(500_000_000.0, 100_000_000.0, TickFormat::Millions),
            "500.00m"
        );
        assert_eq!(tick_label(0.65, 0.05, TickFormat::Percent), "65.00%");
        let svg = line_chart(&balance_chart(30.0));
        assert!(svg.contains(">300,000,000</text>"), "{svg}");
        assert!(svg.contains(">USD<") || svg.contains("class=\"label y\""));
    }

    #[test]
    fn the_halfway_line_stands_at_its_period() {
        let svg = line_chart(&balance_chart(30.0));
        let axis = element(&svg, "line", "axis x");
        let (left, right) = (attr(axis, "x1"), attr(axis, "x2"));
        assert!(left > 0.0 && right > left && right <= 640.0);
        let vline = element(&svg, "line", "vline");
        let x = attr(vline, "x1");
        assert_eq!(x, attr(vline, "x2"));
        // Period 30 of a 0..60 axis: half way between the ends of the axis.
        let expected = left + 30.0 / 60.0 * (right - left);
        assert!((x - expected).abs() <= 0.1, "{x} vs {expected}");
        // The same x as the axis tick labelled 30.
        let tick = svg
            .split("<text class=\"tick x\"")
            .find(|t| t.contains(">30</text>"))
            .unwrap();
        assert!((attr(tick, "x") - x).abs() <= 0.1);
        // Period 12 of the same axis.
        let svg = line_chart(&balance_chart(12.0));
        let x12 = attr(element(&svg, "line", "vline"), "x1");
        assert!((x12 - (left + 12.0 / 60.0 * (right - left))).abs() <= 0.1);
    }

    #[test]
    fn y_scale_puts_zero_on_the_axis_and_the_top_value_below_the_top() {
        let svg = line_chart(&balance_chart(30.0));
        let axis = element(&svg, "line", "axis x");
        let bottom = attr(axis, "y1");
        let marker = element(&svg, "circle", "marker");
        // The repaid marker: balance 0 sits on the x axis (the domain starts at 0).
        assert_eq!(attr(marker, "cy"), bottom);
        // The line starts at 300,000,000 of a 0..300,000,000 nice domain: the top.
        let line = element(&svg, "path", "line");
        let d = &line[line.find(" d=\"M").unwrap() + 5..];
        let first_y: f64 = d.split([' ', '"']).nth(1).unwrap().parse().unwrap();
        let yaxis = element(&svg, "line", "axis y");
        assert_eq!(first_y, attr(yaxis, "y1"));
    }

    #[test]
    fn no_nan_in_any_chart_whatever_the_data() {
        let awkward: Vec<Vec<(f64, Option<f64>)>> = vec![
            vec![],
            vec![(1.0, None), (2.0, None)],
            vec![(0.0, Some(0.0)), (1.0, Some(0.0))],
            vec![(5.0, Some(42.0))],
            vec![
                (0.0, Some(f64::NAN)),
                (1.0, Some(f64::INFINITY)),
                (2.0, Some(1.0)),
            ],
            vec![(f64::NAN, Some(1.0)), (3.0, Some(-1e15)), (4.0, Some(1e15))],
            vec![
                (0.0, Some(1.3)),
                (1.0, None),
                (2.0, Some(1.31)),
                (3.0, Some(250.0)),
            ],
        ];
        for points in awkward {
            for domain in [(0.0, 0.0), (0.0, 60.0), (f64::NAN, f64::NAN), (3.0, 1.0)] {
                let chart = LineChart {
                    x_domain: domain,
                    lines: vec![Line {
                        area: true,
                        dots: true,
                        ..Line::new("x", "#000", points.clone())
                    }],
                    hlines: vec![
                        RefLine::new(f64::NAN, "nan", "#f00"),
                        RefLine::new(1.2, "lock-up", "#f00"),
                    ],
                    vlines: vec![
                        RefLine::new(f64::INFINITY, "inf", "#f00"),
                        RefLine::new(30.0, "halfway", "#000"),
                    ],
                    markers: vec![Marker {
                        x: f64::NAN,
                        y: 0.0,
                        ..Marker::default()
                    }],
                    width: f64::NAN,
                    ..LineChart::default()
                };
                let svg = line_chart(&chart);
                assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
                assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
                for name in [
                    "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "width", "height",
                ] {
                    assert!(attrs(&svg, name).iter().all(|v| v.is_finite()));
                }
            }
        }
        for values in [vec![], vec![f64::NAN, -5.0, f64::INFINITY], vec![0.0, 0.0]] {
            let svg = stacked_bar_chart(&StackedBars {
                x_values: vec![1.0, 2.0, f64::NAN],
                series: vec![BarSeries {
                    label: "opex".into(),
                    color: "#123".into(),
                    values,
                }],
                vlines: vec![RefLine::new(2.0, "halfway", "#000")],
                ..StackedBars::default()
            });
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }

    #[test]
    fn stacked_bars_stack_to_the_total() {
        let svg = stacked_bar_chart(&StackedBars {
            x_values: vec![1.0, 2.0],
            series: vec![
                BarSeries {
                    label: "a".into(),
                    color: "#111".into(),
                    values: vec![100.0, 50.0],
                },
                BarSeries {
                    label: "b".into(),
                    color: "#222".into(),
                    values: vec![100.0, 0.0],
                },
            ],
            ..StackedBars::default()
        });
        // Three rectangles (a zero value draws none); the first bar's two parts add up
        // to the plot's full height: 200 is the top of a 0..200 domain.
        let heights = attrs(&svg, "height");
        let rect_heights = &heights[1..];
        assert_eq!(rect_heights.len(), 3, "{svg}");
        let axis = element(&svg, "line", "axis y");
        let plot = attr(axis, "y2") - attr(axis, "y1");
        assert!((rect_heights[0] + rect_heights[1] - plot).abs() <= 0.2);
        assert!((rect_heights[2] - plot / 4.0).abs() <= 0.2);
    }

    #[test]
    fn text_is_escaped() {
        let svg = line_chart(&LineChart {
            id: "a\"b".into(),
            y_label: "<USD>".into(),
            ..LineChart::default()
        });
        assert!(svg.contains("id=\"a&quot;b\"") && svg.contains("&lt;USD&gt;"));
    }
}

//! The Monte Carlo results the HTML report shows (`boxflow report --simulate`): the
//! figures of `boxflow simulate`'s table, and every run's outcome for the histograms
//! of the lender loss, the equity IRR and the minimum DSCR.
//!
//! The report crate does not run simulations (it sits beside `boxflow-scenario`, not
//! above it): the caller runs them and hands over this plain struct, with the
//! figures already in words ([`SimulationResults::figures`], the rows of
//! `boxflow simulate`'s table). The histograms' bins are computed here from the
//! outcomes ([`bins`]).

use boxflow_core::{nearest_rank, Money};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// What a simulation gives the report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimulationResults {
    /// The number of runs.
    pub runs: u32,
    /// The seed of the runs' random streams.
    pub seed: u64,
    /// The rows of `boxflow simulate`'s table, in its words and formats.
    pub figures: Vec<SimulationFigure>,
    /// The notes `boxflow simulate` prints under its table (few runs, nothing drawn).
    pub notes: Vec<String>,
    /// Every run's lender loss, in run order.
    pub lender_losses: Vec<Money>,
    /// Every run's equity IRR (`None`: the run has none), in run order.
    pub equity_irrs: Vec<Option<Decimal>>,
    /// Every run's minimum senior DSCR (`None`: no period with senior debt service).
    pub min_dscrs: Vec<Option<Decimal>>,
    /// The lender loss's quantiles marked on its histogram (over every run).
    pub loss_quantiles: Vec<Quantile>,
    /// The equity IRR's quantiles (over the runs with an IRR).
    pub irr_quantiles: Vec<Quantile>,
    /// The minimum DSCR's quantiles (over the runs with a DSCR).
    pub dscr_quantiles: Vec<Quantile>,
}

/// One row of the simulation's table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimulationFigure {
    /// What it is (`payment default (senior unpaid)`).
    pub figure: String,
    /// Its value as people read it.
    pub value: String,
    /// Its 95% sampling error (`± 0.61%`), or empty.
    pub error: String,
}

/// A quantile marked on a histogram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantile {
    /// Its name (`p95`, `median`).
    pub label: String,
    /// Its value.
    pub value: Decimal,
}

/// Equal-width bins over a set of values: bin `i` holds the values in
/// `[start + i · width, start + (i + 1) · width)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bins {
    /// The lower edge of the first bin: a multiple of `width`.
    pub start: Decimal,
    /// The width of every bin: 1, 2, 2.5 or 5 times a power of ten.
    pub width: Decimal,
    /// The number of values in each bin (the first and the last also hold the values
    /// pooled into them: [`Bins::below`], [`Bins::above`]).
    pub counts: Vec<usize>,
    /// Values below the first bin's lower edge, counted in the first bin.
    pub below: usize,
    /// Values at or above the last bin's upper edge, counted in the last bin.
    pub above: usize,
}

impl Bins {
    /// The lower edge of bin `i`.
    pub fn edge(&self, i: usize) -> Decimal {
        self.start + self.width * Decimal::from(i)
    }

    /// The number of values binned: every value falls in one bin.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}

/// The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `raw`
/// (`raw` > 0).
fn nice_width(raw: Decimal) -> Decimal {
    let ten = Decimal::TEN;
    let mut m = Decimal::ONE;
    // At most 28 steps either way: the range of a Decimal.
    for _ in 0..29 {
        if m * ten > raw {
            break;
        }
        m *= ten;
    }
    for _ in 0..29 {
        if m <= raw || m.scale() >= 27 {
            break;
        }
        m /= ten;
    }
    [
        Decimal::ONE,
        Decimal::TWO,
        Decimal::new(25, 1),
        Decimal::new(5, 0),
        ten,
    ]
    .into_iter()
    .map(|k| k * m)
    .find(|w| *w >= raw)
    .unwrap_or(ten * m)
}

/// Bins `values` into about `target` equal bins of a round width (1, 2, 2.5 or 5
/// times a power of ten) starting at a multiple of it: `width` is the smallest such
/// number at least `(max - min) / target`, `start = ⌊min / width⌋ · width`, and a value
/// `v` falls in bin `⌊(v - start) / width⌋`, so that the largest value falls in the last
/// bin and every value in exactly one. All values equal: one bin. `None` for no value.
///
/// ```
/// use boxflow_report::simulation::bins;
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// // Range 3.7 - 0.5 = 3.2 over 4 bins: 0.8, rounded up to a width of 1; start 0.
/// let b = bins(&[d("0.5"), d("1.2"), d("1.9"), d("2.0"), d("3.7")], 4).unwrap();
/// assert_eq!((b.start, b.width), (d("0"), d("1")));
/// assert_eq!(b.counts, [1, 2, 1, 1]); // [0,1) [1,2) [2,3) [3,4)
/// assert!(bins(&[], 10).is_none());
/// ```
pub fn bins(values: &[Decimal], target: usize) -> Option<Bins> {
    let lo = values.iter().copied().min()?;
    let hi = values.iter().copied().max()?;
    bins_between(values, target, lo, hi)
}

/// Bins `values` as [`bins`] does over the range from their 1st to their 99th
/// percentile (nearest rank, [`boxflow_core::nearest_rank`]): the few values beyond
/// are pooled into the first or the last bin ([`Bins::below`], [`Bins::above`]), so
/// that a handful of extreme runs do not squeeze the rest into one bar.
pub fn central_bins(values: &[Decimal], target: usize) -> Option<Bins> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let lo = nearest_rank(&sorted, 1)?;
    let hi = nearest_rank(&sorted, 99)?;
    bins_between(values, target, lo, hi)
}

/// Bins over the range `lo..=hi` (values outside are pooled into the end bins).
fn bins_between(values: &[Decimal], target: usize, lo: Decimal, hi: Decimal) -> Option<Bins> {
    if values.is_empty() {
        return None;
    }
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    let span = hi.checked_sub(lo).unwrap_or(Decimal::MAX);
    let width = if span.is_zero() {
        // One bin of a round width around the single value.
        nice_width((lo.abs() / Decimal::TEN).max(Decimal::new(1, 4)))
    } else {
        nice_width(
            span.checked_div(Decimal::from(target.clamp(1, 1_000)))
                .unwrap_or(span),
        )
    };
    let start = (lo / width).floor() * width;
    let index = |v: Decimal| -> Option<usize> {
        (v - start)
            .checked_div(width)
            .and_then(|q| q.floor().to_usize())
    };
    let n = index(hi).unwrap_or(0) + 1;
    let mut b = Bins {
        start,
        width,
        counts: vec![0usize; n],
        below: 0,
        above: 0,
    };
    for v in values {
        let i = if *v < start {
            b.below += 1;
            0
        } else {
            match index(*v) {
                Some(i) if i < n => i,
                _ => {
                    b.above += 1;
                    n - 1
                }
            }
        };
        b.counts[i] += 1;
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_small_set_binned_by_hand() {
        // Losses 0.01, 2.40, 2.50, 9.99, 10.00, 24.99 (money) in about 5 bins: the
        // range 24.98 / 5 = 4.996, rounded up to a width of 5; start ⌊0.01 / 5⌋ · 5 = 0;
        // 24.99 falls in bin ⌊24.99 / 5⌋ = 4: five bins [0,5) [5,10) [10,15) [15,20)
        // [20,25) holding 0.01, 2.40, 2.50 | 9.99 | 10.00 | - | 24.99.
        let xs = ["0.01", "2.40", "2.50", "9.99", "10.00", "24.99"].map(d);
        let b = bins(&xs, 5).unwrap();
        assert_eq!((b.start, b.width), (d("0"), d("5")));
        assert_eq!(b.counts, [3, 1, 1, 0, 1]);
        assert_eq!(b.edge(4), d("20"));
        // IRRs from -0.12 to 0.31 in about 4 bins: 0.43 / 4 = 0.1075, rounded up to
        // 0.2; start ⌊-0.12 / 0.2⌋ · 0.2 = -0.2; 0.31 in bin ⌊0.51 / 0.2⌋ = 2.
        let b = bins(&["-0.12", "0.0", "0.19", "0.2", "0.31"].map(d), 4).unwrap();
        assert_eq!((b.start, b.width), (d("-0.2"), d("0.2")));
        assert_eq!(b.counts, [1, 2, 2]); // [-0.2,0) [0,0.2) [0.2,0.4)
                                         // A width of 2.5 times a power of ten: 2.2 / 1 bins → 2.5.
        let b = bins(&[d("1.0"), d("3.2")], 1).unwrap();
        assert_eq!(
            (b.start, b.width, b.counts.clone()),
            (d("0"), d("2.5"), vec![1, 1])
        );
        // Every value equal: one bin holding them all.
        let b = bins(&[d("1.3"); 4], 20).unwrap();
        assert_eq!(b.counts, [4]);
        assert!(b.start <= d("1.3") && d("1.3") < b.edge(1));
    }

    #[test]
    fn extreme_values_are_pooled_into_the_end_bins() {
        // 200 values: -1.00 (an IRR of -100%), then 0.01 to 1.98 by 0.01, then 50.00.
        // The 1st percentile is rank ⌈0.01 · 200⌉ = 2: 0.01; the 99th is rank 198:
        // 1.97. Range 1.96 / 10 = 0.196, a width of 0.2, start 0: bins [0, 0.2) to
        // [1.8, 2.0), ten of them. -1.00 is pooled into the first, 1.98 is in the last
        // on its own merit and 50.00 is pooled into it.
        let mut xs: Vec<Decimal> = vec![d("-1")];
        xs.extend((1..=198).map(|c| Decimal::new(c, 2)));
        xs.push(d("50"));
        let b = central_bins(&xs, 10).unwrap();
        assert_eq!((b.start, b.width, b.counts.len()), (d("0"), d("0.2"), 10));
        assert_eq!((b.below, b.above), (1, 1));
        // [0, 0.2) holds 0.01..0.19 (19 values) and the pooled -1.00.
        assert_eq!(b.counts[0], 19 + 1);
        // [1.8, 2.0) holds 1.80..1.98 (19 values) and the pooled 50.00.
        assert_eq!(b.counts[9], 19 + 1);
        assert_eq!(b.counts[1..9], [20; 8]);
        assert_eq!(b.total(), 200);
    }

    proptest! {
        /// Every value falls in exactly one bin, inside its edges, and the counts add
        /// up to the values (the histogram's bars add up to the runs).
        #[test]
        fn the_counts_sum_to_the_values(
            cents in prop::collection::vec(-10_000_000_000i64..10_000_000_000, 1..300),
            target in 1usize..40,
        ) {
            let xs: Vec<Decimal> = cents.iter().map(|c| Decimal::new(*c, 2)).collect();
            let b = bins(&xs, target).unwrap();
            prop_assert_eq!(b.total(), xs.len());
            prop_assert_eq!((b.below, b.above), (0, 0));
            let c = central_bins(&xs, target).unwrap();
            prop_assert_eq!(c.total(), xs.len());
            prop_assert_eq!(c.counts[0] >= c.below && c.counts[c.counts.len() - 1] >= c.above, true);
            // width >= span / target: at most target + 1 bins past the first edge.
            prop_assert!(b.counts.len() <= target + 2);
            let (lo, hi) = (b.start, b.edge(b.counts.len()));
            for x in &xs {
                prop_assert!(lo <= *x && *x < hi);
            }
            // Bin by bin, by a count from the edges alone.
            for (i, n) in b.counts.iter().enumerate() {
                let inside = xs.iter().filter(|x| b.edge(i) <= **x && **x < b.edge(i + 1)).count();
                prop_assert_eq!(*n, inside);
            }
        }
    }
}

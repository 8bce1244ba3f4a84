//! Quantiles of sorted values: the one rule the simulation's figures and the
//! report's histograms share.

/// The nearest-rank `pct`-th percentile of sorted values: the value at rank
/// `⌈pct · n / 100⌉` (1-based); `None` for no value.
///
/// ```
/// use boxflow_core::nearest_rank;
/// let xs: Vec<u32> = (1..=200).collect();
/// assert_eq!(nearest_rank(&xs, 95), Some(190)); // rank ⌈0.95 · 200⌉ = 190
/// assert_eq!(nearest_rank(&xs, 5), Some(10));
/// assert_eq!(nearest_rank::<u32>(&[], 50), None);
/// ```
pub fn nearest_rank<T: Copy>(sorted: &[T], pct: usize) -> Option<T> {
    let n = sorted.len();
    let rank = (pct * n).div_ceil(100).clamp(1, n.max(1));
    sorted.get(rank - 1).copied()
}

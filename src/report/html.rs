//! The HTML report: one self-contained page with inline SVG charts.

use boxflow_deal::Deal;
use boxflow_waterfall::Run;

/// The HTML report of a run (work in progress: the headline only).
pub fn report(deal: &Deal, run: &Run, source: &str) -> String {
    let _ = (run, source);
    format!("<!doctype html><title>{}</title>\n", deal.name)
}

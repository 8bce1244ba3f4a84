//! The Excel workbook.

use boxflow_deal::Deal;
use boxflow_waterfall::Run;

/// Why the workbook can't be written.
#[derive(Debug)]
pub enum XlsxReportError {
    /// rust_xlsxwriter failed.
    Xlsx(rust_xlsxwriter::XlsxError),
}

impl std::fmt::Display for XlsxReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            XlsxReportError::Xlsx(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for XlsxReportError {}

/// The workbook of a run, as bytes (work in progress: an empty workbook).
pub fn workbook(deal: &Deal, run: &Run) -> Result<Vec<u8>, XlsxReportError> {
    let _ = (deal, run);
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet();
    book.save_to_buffer().map_err(XlsxReportError::Xlsx)
}

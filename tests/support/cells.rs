//! Reading cells back from a workbook in the workbook tests: a column's letters and a
//! cell's number. Included by tests/xlsx_report.rs and tests/xlsx_live.rs.

use calamine::Data;

/// The letters of a column, 0 = `A`, 25 = `Z`, 26 = `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// A cell's number (a date as its serial number); `None` for text or an empty cell.
pub fn number(d: &Data) -> Option<f64> {
    match d {
        Data::Float(x) => Some(*x),
        Data::Int(i) => Some(*i as f64),
        Data::DateTime(dt) => Some(dt.as_f64()),
        _ => None,
    }
}

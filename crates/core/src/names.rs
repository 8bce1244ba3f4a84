//! Closed lists of names: how a deal sheet spells each variant of an enum.

/// An enum whose variants a deal sheet writes by name (`frequency = "quarterly"`,
/// `day_count = "ACT/360"`).
///
/// [`SheetEnum::NAMES`] is the one place the names are written: the deal-sheet
/// reader, its JSON Schema, its documentation and every `as_str` read them from
/// there, so a name is looked up, never found by its position in a list.
///
/// ```
/// use boxflow_core::{DayCount, SheetEnum};
/// assert_eq!(DayCount::from_name("30/360"), Some(DayCount::Thirty360));
/// assert_eq!(DayCount::Thirty360.name(), "30/360");
/// assert_eq!(DayCount::from_name("30/365"), None);
/// assert_eq!(DayCount::names(), ["ACT/360", "ACT/365F", "30/360"]);
/// ```
pub trait SheetEnum: Sized + Clone + 'static {
    /// What the list is called in messages: `"frequency"`, `"day count"`.
    const WHAT: &'static str;

    /// Every variant with its deal-sheet name, in the order the documentation lists
    /// them. A variant that carries data appears once, with empty data.
    const NAMES: &'static [(&'static str, Self)];

    /// The variant a deal sheet names `name` (exact spelling), if any.
    fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    }

    /// The deal-sheet name of this variant (its data, if any, plays no part).
    fn name(&self) -> &'static str {
        let variant = std::mem::discriminant(self);
        Self::NAMES
            .iter()
            .find(|(_, v)| std::mem::discriminant(v) == variant)
            .map_or("", |(n, _)| *n)
    }

    /// Every name, in order.
    fn names() -> Vec<&'static str> {
        Self::NAMES.iter().map(|(n, _)| *n).collect()
    }
}

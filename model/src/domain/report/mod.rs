//! Periodic reports (TT 02/2020 Điều 7.3.a: the case manager's monthly, quarterly, 6-monthly and
//! yearly report of plan results; Điều 11.3.b, 12.7: the commune's and facility's 6-monthly and annual
//! report; Điều 11.1.d: the province's), computed from case data. No official template exists: the
//! figures are laid out as hoso's own and say so.
//!
//! - [`period`]: the month, quarter, half-year or year a report covers;
//! - [`facts`]: a case reduced to what reports count (a pure function of its records);
//! - [`figures`]: the counts, for the whole area, per commune and per case manager;
//! - [`lines`]: the figures as labelled lines and columns, for exports and pages.

pub mod facts;
pub mod figures;
pub mod lines;
pub mod period;

pub use facts::{CaseFacts, facts};
pub use figures::{Audience, Figures, Report, ReportScope, report};
pub use lines::Catalog;
pub use period::Period;

#[cfg(test)]
mod tests;

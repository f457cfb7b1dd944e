//! Screen states: what each screen of the apps (and `hoso-device`) shows, computed in Rust so that the
//! shells only render them and forward taps. The application layer over [`App`]: it reads through the
//! store and [`CaseActions`](crate::actions::CaseActions), acts through them, and asks
//! `hoso_model::domain` every question of law; it owns no rule.
//!
//! The states are the view models the FFI hands over (uniffi records and enums, exported by
//! [`crate::ffi`]): one call per screen or per user action, each answering the screen's whole new state.
//! Every text a user reads comes as [`Localized`] (Vietnamese, English); dates come as [`Day`] (ISO and
//! `dd/mm/yyyy`), instants as [`Moment`] (Unix milliseconds and Vietnam's local time).
//!
//! One file per screen group: [`launch`] (enrollment, PIN, lock), [`agenda`] (today's work),
//! [`caseload`] (cases and households, search and filters), [`case`] (a case's file across the five
//! steps and what the user may do now), [`form`] (filling a form, field by field), [`sync`] (the outbox,
//! conflicts, sync runs), [`settings`]. [`input`] turns what a user typed into an answer.

pub mod agenda;
pub mod case;
pub mod caseload;
pub mod form;
pub mod input;
pub mod launch;
pub mod settings;
pub mod sync;

use crate::app::App;
use chrono::NaiveDate;
use hoso_model::domain::day_text;
use hoso_model::domain::lifecycle::CaseStatus;
use hoso_model::i18n::Localized;
use hoso_model::record::Record;

/// A calendar day.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub iso: String,
    /// `dd/mm/yyyy`, as Vietnamese forms write dates.
    pub text: String,
}

impl From<NaiveDate> for Day {
    fn from(day: NaiveDate) -> Day {
        Day {
            iso: day.format("%Y-%m-%d").to_string(),
            text: day_text(day),
        }
    }
}

/// An instant.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Moment {
    pub millis: u64,
    /// `dd/mm/yyyy HH:MM` in Vietnam's time (UTC+7).
    pub text: String,
}

impl From<u64> for Moment {
    fn from(millis: u64) -> Moment {
        let offset = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
        let text = chrono::DateTime::from_timestamp_millis(i64::try_from(millis).unwrap_or(0))
            .map(|t| {
                t.with_timezone(&offset)
                    .format("%d/%m/%Y %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        Moment { millis, text }
    }
}

/// Where a case stands: its status, the step of TT 02/2020 Điều 3, and how to say it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CaseStage {
    /// Stable code: `intake`, `planning`, `plan_submitted`, `in_progress`, `adjustment_submitted`,
    /// `closure_proposed`, `closed`.
    pub status: String,
    pub step: u8,
    pub label: Localized,
}

impl From<CaseStatus> for CaseStage {
    fn from(status: CaseStatus) -> CaseStage {
        CaseStage {
            status: status.as_str().to_string(),
            step: status.step(),
            label: status.label(),
        }
    }
}

fn case_status(case: &Record) -> CaseStatus {
    case.text(hoso_model::schema::fields::STATUS)
        .and_then(CaseStatus::parse)
        .unwrap_or(CaseStatus::Intake)
}

fn day_of(record: &Record, field: &str) -> Option<Day> {
    hoso_model::domain::date_of(record.fields.get(field)).map(Day::from)
}

/// An administrative unit's name as people write it: "Phường Tân Hiệp", "Thành phố Hồ Chí Minh".
fn unit_name(kind: &str, name: &str) -> String {
    let prefix = match kind {
        "xa" => "Xã",
        "phuong" => "Phường",
        "dac_khu" => "Đặc khu",
        "tinh" => "Tỉnh",
        "thanh_pho" => "Thành phố",
        _ => return name.to_string(),
    };
    format!("{prefix} {name}")
}

/// The name of a commune, from the administrative units in force ("" when unknown).
fn commune_name(app: &App, code: &str) -> crate::error::Result<String> {
    Ok(app
        .store
        .admin_units()?
        .commune(code)
        .map(|c| unit_name(&c.kind, &c.name))
        .unwrap_or_default())
}

/// The signed-in user's id ("" before enrollment).
fn user_id(app: &App) -> String {
    app.store.identity().user_id.unwrap_or_default()
}

//! The sync screen: when the device last synced and when it tries again, the outbox with each record's
//! state (queued, sent, acknowledged, rejected with the server's reason), and the fields where
//! concurrent offline edits disagree, with every value, who wrote it and when. A sync run and a
//! conflict's resolution each answer the new screen.

use super::Moment;
use super::caseload::choice_label;
use crate::actions::registry;
use crate::app::App;
use crate::error::{Error, Result};
use crate::store::{OutboxState, meta_keys};
use hoso_model::domain::form_ids;
use hoso_model::i18n::Localized;
use hoso_model::merge::Version;
use hoso_model::op::{RecordKind, Value};
use hoso_model::record::Record;
use hoso_model::schema::{ANSWER_PREFIX, fields};

/// The most outbox rows a screen lists (the counts cover them all).
const OUTBOX_ROWS: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum RecordSync {
    /// Recorded on the device, not yet sent.
    Queued,
    /// Sent; the server's receipt has not come (the next sync sends it again, safely).
    Sent,
    /// The server has it.
    Acknowledged,
    /// The server refused it: see the reason.
    Rejected,
}

impl From<OutboxState> for RecordSync {
    fn from(state: OutboxState) -> RecordSync {
        match state {
            OutboxState::Queued => RecordSync::Queued,
            OutboxState::Sent => RecordSync::Sent,
            OutboxState::Acknowledged => RecordSync::Acknowledged,
            OutboxState::Rejected => RecordSync::Rejected,
        }
    }
}

fn state_label(state: OutboxState) -> Localized {
    let (vi, en) = match state {
        OutboxState::Queued => ("chờ gửi", "waiting to be sent"),
        OutboxState::Sent => ("đã gửi, chờ xác nhận", "sent, waiting for the receipt"),
        OutboxState::Acknowledged => ("máy chủ đã nhận", "received by the server"),
        OutboxState::Rejected => ("bị máy chủ từ chối", "refused by the server"),
    };
    Localized::new(vi, en)
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OutboxRow {
    pub record_id: String,
    /// What the record is ("Mẫu số 05 …", a person's name, a household's head).
    pub title: Localized,
    pub state: RecordSync,
    pub state_label: Localized,
    /// Changes of this record not yet acknowledged.
    pub pending_changes: u32,
    pub rejection_code: Option<String>,
    pub rejection: Option<Localized>,
}

/// One of the values a conflicting field holds.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ConflictChoice {
    /// What `conflict_resolve` takes to keep this value.
    pub index: u32,
    pub text: Localized,
    /// Whether it is the value in force now (the latest edit).
    pub current: bool,
    /// "You", or another user with the end of their id (the device knows no other user's name).
    pub author: Localized,
    pub author_id: String,
    pub written: Moment,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ConflictRow {
    pub record_id: String,
    pub record_title: Localized,
    /// The case the record belongs to, to open it.
    pub case_id: Option<String>,
    pub field: String,
    pub field_label: Localized,
    /// The value in force first, then the others.
    pub values: Vec<ConflictChoice>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SyncScreen {
    pub enrolled: bool,
    pub server_url: Option<String>,
    pub last_success: Option<Moment>,
    pub consecutive_failures: u32,
    /// When the next attempt is due after failures (it comes even if nothing new is recorded).
    pub next_attempt: Option<Moment>,
    /// One line for the top of the screen.
    pub summary: Localized,
    /// What the last run did or why it failed (after `sync_run` only).
    pub notice: Option<Localized>,
    pub queued: u32,
    pub sent: u32,
    pub rejected: u32,
    /// Records with unacknowledged changes, rejected ones first (at most 200).
    pub outbox: Vec<OutboxRow>,
    pub conflicts: Vec<ConflictRow>,
}

/// A record's name for a list: its person, household, or form.
fn record_title(app: &App, record: Option<&Record>) -> Result<Localized> {
    let Some(record) = record else {
        return Ok(Localized::new("Bản ghi đã xóa", "Deleted record"));
    };
    let name = |r: &Record, field: &str| r.text(field).unwrap_or_default().to_string();
    Ok(match record.kind {
        RecordKind::Person => Localized::new(
            name(record, fields::FULL_NAME),
            name(record, fields::FULL_NAME),
        ),
        RecordKind::Household => Localized::new(
            format!("Hộ {}", name(record, "head_name")),
            format!("Household of {}", name(record, "head_name")),
        ),
        RecordKind::Case => {
            let subject = match record.text(fields::SUBJECT_ID) {
                Some(id) => app.store.record(id)?,
                None => None,
            };
            let who = subject
                .map(|s| name(&s, fields::FULL_NAME))
                .unwrap_or_default();
            Localized::new(format!("Hồ sơ {who}"), format!("Case of {who}"))
        }
        RecordKind::Photo => Localized::new("Ảnh", "Photo"),
        _ => registry()
            .latest(record.text(fields::FORM_ID).unwrap_or_default())
            .map(|d| d.title.clone())
            .unwrap_or_else(|| Localized::new("Biểu mẫu", "Form")),
    })
}

/// A field's label: from the form that fills it, or Mẫu 01 for a person's or household's fields.
fn field_label(record: Option<&Record>, field: &str) -> Localized {
    let from_form = |form_id: &str, name: &str| {
        registry()
            .latest(form_id)
            .and_then(|d| d.field(name))
            .map(|f| f.label.clone())
    };
    let label = record.and_then(|r| match r.kind {
        RecordKind::Person => from_form(form_ids::INFORMATION, &format!("subject.{field}")),
        RecordKind::Household => from_form(form_ids::INFORMATION, &format!("household.{field}")),
        _ => field
            .strip_prefix(ANSWER_PREFIX)
            .and_then(|name| from_form(r.text(fields::FORM_ID)?, name)),
    });
    label.unwrap_or_else(|| Localized::new(field, field))
}

fn value_text(record: Option<&Record>, field: &str, value: &Value) -> Localized {
    let same = |text: String| Localized::new(text.clone(), text);
    match value {
        Value::Null => Localized::new("(trống)", "(empty)"),
        Value::Bool(true) => Localized::new("có", "yes"),
        Value::Bool(false) => Localized::new("không", "no"),
        Value::String(code) => {
            let person_choice = record
                .filter(|r| r.kind == RecordKind::Person)
                .and_then(|_| choice_label(&format!("subject.{field}"), Some(code)));
            person_choice.unwrap_or_else(|| same(code.clone()))
        }
        other => same(other.to_string()),
    }
}

fn author_of(version: &Version, me: &str) -> Localized {
    if version.author == me {
        return Localized::new("Bạn", "You");
    }
    let tail: String = version
        .author
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Localized::new(
        format!("Người dùng khác (…{tail})"),
        format!("Another user (…{tail})"),
    )
}

fn conflicts(app: &App) -> Result<Vec<ConflictRow>> {
    let me = super::user_id(app);
    let mut rows = Vec::new();
    for conflict in app.store.conflicts()? {
        let record = app.store.record(&conflict.record_id)?;
        let versions = std::iter::once(&conflict.current).chain(&conflict.losers);
        let values = versions
            .enumerate()
            .map(|(index, version)| ConflictChoice {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                text: value_text(record.as_ref(), &conflict.field, &version.value),
                current: index == 0,
                author: author_of(version, &me),
                author_id: version.author.clone(),
                written: version.hlc.millis.into(),
            })
            .collect();
        rows.push(ConflictRow {
            record_title: record_title(app, record.as_ref())?,
            case_id: record.as_ref().and_then(|r| match r.kind {
                RecordKind::Case => Some(r.id.clone()),
                _ => r.text(fields::CASE_ID).map(str::to_string),
            }),
            field_label: field_label(record.as_ref(), &conflict.field),
            field: conflict.field,
            record_id: conflict.record_id,
            values,
        });
    }
    Ok(rows)
}

fn summary(status: &crate::sync::client::SyncStatus, waiting: u32) -> Localized {
    if !status.enrolled {
        return Localized::new(
            "Thiết bị chưa được đăng ký.",
            "This device is not enrolled.",
        );
    }
    if status.consecutive_failures > 0 {
        let next = Moment::from(status.next_attempt_millis).text;
        return Localized::new(
            format!(
                "Chưa đồng bộ được {} lần liên tiếp; tự thử lại lúc {next}.",
                status.consecutive_failures
            ),
            format!(
                "{} sync attempt(s) failed in a row; trying again at {next}.",
                status.consecutive_failures
            ),
        );
    }
    match (status.last_success_millis, waiting) {
        (None, _) => Localized::new("Chưa đồng bộ lần nào.", "Never synced yet."),
        (Some(at), 0) => {
            let at = Moment::from(at).text;
            Localized::new(format!("Đã đồng bộ lúc {at}."), format!("Synced at {at}."))
        }
        (Some(at), waiting) => {
            let at = Moment::from(at).text;
            Localized::new(
                format!("Đồng bộ lần cuối lúc {at}; {waiting} bản ghi chờ gửi."),
                format!("Last synced at {at}; {waiting} record(s) waiting to be sent."),
            )
        }
    }
}

fn screen(app: &App, notice: Option<Localized>) -> Result<SyncScreen> {
    let status = app.sync.status()?;
    let mut entries = app.store.outbox()?;
    let count = |state: OutboxState| entries.iter().filter(|e| e.state == state).count() as u32;
    let (queued, sent, rejected) = (
        count(OutboxState::Queued),
        count(OutboxState::Sent),
        count(OutboxState::Rejected),
    );
    entries.sort_by_key(|e| e.state != OutboxState::Rejected);
    entries.truncate(OUTBOX_ROWS);
    let mut outbox = Vec::with_capacity(entries.len());
    for entry in entries {
        let record = app.store.record(&entry.record_id)?;
        outbox.push(OutboxRow {
            title: record_title(app, record.as_ref())?,
            state: entry.state.into(),
            state_label: state_label(entry.state),
            pending_changes: entry.pending_ops,
            rejection_code: entry.rejection.as_ref().map(|r| r.code.clone()),
            rejection: entry.rejection.map(|r| r.reason),
            record_id: entry.record_id,
        });
    }
    Ok(SyncScreen {
        enrolled: status.enrolled,
        server_url: app.store.meta(meta_keys::SERVER_URL)?,
        last_success: status.last_success_millis.map(Moment::from),
        consecutive_failures: status.consecutive_failures,
        next_attempt: (status.consecutive_failures > 0).then(|| status.next_attempt_millis.into()),
        summary: summary(&status, queued + sent + rejected),
        notice,
        queued,
        sent,
        rejected,
        outbox,
        conflicts: conflicts(app)?,
    })
}

pub fn sync_screen(app: &App) -> Result<SyncScreen> {
    screen(app, None)
}

/// Syncs now (blocking: call it off the main thread) and answers the screen with what happened. A
/// failed run is a notice, not an error: it is retried by itself. A revoked device is wiped and the
/// call fails with `Revoked`, for the shell to go back to enrollment.
pub fn sync_run(app: &App) -> Result<SyncScreen> {
    let notice = match app.sync.sync_now() {
        Ok(report) => Localized::new(
            format!(
                "Đã gửi {} thay đổi ({} được nhận, {} bị từ chối) và nhận {} bản ghi.",
                report.pushed, report.acknowledged, report.rejected, report.pulled_records
            ),
            format!(
                "Sent {} change(s) ({} received, {} refused) and got {} record(s).",
                report.pushed, report.acknowledged, report.rejected, report.pulled_records
            ),
        ),
        Err(Error::Revoked) => return Err(Error::Revoked),
        Err(Error::Interrupted) => Localized::new(
            "Đã dừng đồng bộ; lần sau sẽ tiếp tục, không mất gì.",
            "Sync stopped; the next one goes on from there, nothing is lost.",
        ),
        // Each kind of failure in its own words (no network, a wrong address, the phone's clock, …).
        Err(Error::Network { fault, .. }) => fault.message(),
        Err(Error::Server { message, .. }) => Localized::new(
            format!("Máy chủ từ chối đồng bộ: {} Sẽ tự thử lại.", message.vi),
            format!(
                "The server refused to sync: {} It will retry by itself.",
                message.en
            ),
        ),
        Err(other) => return Err(other),
    };
    screen(app, Some(notice))
}

/// Keeps one of a conflicting field's values (by its index on the screen) on every device.
pub fn conflict_resolve(app: &App, record_id: &str, field: &str, index: u32) -> Result<SyncScreen> {
    let conflict = app
        .store
        .conflicts()?
        .into_iter()
        .find(|c| c.record_id == record_id && c.field == field)
        .ok_or_else(|| Error::NotFound {
            id: record_id.to_string(),
        })?;
    let kept = std::iter::once(conflict.current)
        .chain(conflict.losers)
        .nth(usize::try_from(index).unwrap_or(usize::MAX))
        .ok_or_else(|| Error::invalid("Không có giá trị này.", "There is no such value."))?;
    app.cases.resolve_conflict(record_id, field, kept.value)?;
    screen(app, None)
}

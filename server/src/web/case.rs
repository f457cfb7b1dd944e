//! A case, read-only: its state, its timeline, and every change to every field from the audit trail
//! (`hoso_model::domain::history`) — who, on which device, the device's time and the server's, and
//! what became of each value. Fields the forms mark sensitive (health, disability, ethnicity, subject
//! categories) are hidden from provincial officers.

use super::WebState;
use super::auth::Signed;
use super::i18n::Lang;
use super::layout::{self, Nav, page};
use super::scope::{case_visible, commune_name};
use crate::storage::CaseHistory;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use hoso_model::domain::history::{self as audit, Change, Fate};
use hoso_model::domain::lifecycle::CaseStatus;
use hoso_model::domain::timeline::timeline;
use hoso_model::forms::Registry;
use hoso_model::i18n::Localized;
use hoso_model::op::{RecordKind, Value};
use hoso_model::role::Role;
use hoso_model::schema::{ANSWER_PREFIX, fields};
use maud::{Markup, html};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// What the form definitions say about the fields a case's records hold: their labels, and which
/// are sensitive.
struct FieldCatalog {
    labels: HashMap<(Scope, String), Localized>,
    sensitive: HashSet<(Scope, String)>,
}

/// Where a field lives: a form's own answers, or a person, household or case record.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Scope {
    Form(String),
    Record(RecordKind),
}

fn catalog() -> &'static FieldCatalog {
    static CATALOG: OnceLock<FieldCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let registry = Registry::builtin();
        let mut labels = HashMap::new();
        let mut sensitive = HashSet::new();
        for form in registry.all_latest() {
            for field in form.fields() {
                let bound = [
                    ("subject.", RecordKind::Person),
                    ("guardian.", RecordKind::Person),
                    ("household.", RecordKind::Household),
                ]
                .into_iter()
                .find_map(|(prefix, kind)| {
                    field.name.strip_prefix(prefix).map(|rest| (kind, rest))
                });
                let key = match bound {
                    Some((kind, rest)) => (Scope::Record(kind), rest.to_string()),
                    None => (
                        Scope::Form(form.id.clone()),
                        format!("{ANSWER_PREFIX}{}", field.name),
                    ),
                };
                if field.name == "subject.categories" {
                    let on_case = (
                        Scope::Record(RecordKind::Case),
                        fields::CATEGORIES.to_string(),
                    );
                    labels.insert(on_case.clone(), field.label.clone());
                    if field.sensitive {
                        sensitive.insert(on_case);
                    }
                }
                if field.sensitive {
                    sensitive.insert(key.clone());
                }
                labels.entry(key).or_insert_with(|| field.label.clone());
            }
        }
        FieldCatalog { labels, sensitive }
    })
}

fn scope_of(kind: RecordKind, form_id: Option<&str>) -> Scope {
    match (kind, form_id) {
        (RecordKind::Person | RecordKind::Household | RecordKind::Case, _) | (_, None) => {
            Scope::Record(kind)
        }
        (_, Some(form)) => Scope::Form(form.to_string()),
    }
}

pub async fn case_page(
    State(state): State<WebState>,
    signed: Signed,
    Path(case_id): Path<String>,
) -> Response {
    let storage = state.storage.clone();
    let id = case_id.clone();
    let loaded = tokio::task::spawn_blocking(move || storage.case_history(&id)).await;
    let history = match loaded {
        Ok(Ok(Some(history))) if case_visible(&signed.user, &history.placement) => history,
        Ok(Ok(_)) => return layout::not_found(signed.lang),
        _ => return layout::failure(signed.lang),
    };
    let lang = signed.lang;
    let hide = signed.user.role == Role::ProvincialOfficer;
    let name = history
        .subject
        .as_ref()
        .and_then(|s| s.text(fields::FULL_NAME))
        .unwrap_or("—")
        .to_string();
    let content = html! {
        (summary(lang, &history))
        h2 { (lang.t("Diễn biến", "Timeline")) }
        ol.timeline {
            @for entry in timeline(&history.case, &history.children) {
                li { (lang.day(entry.date)) " — " (lang.pick(&entry.title)) }
            }
        }
        h2 { (lang.t("Lịch sử thay đổi từng trường", "Every change to every field")) }
        @if hide {
            p.hint { (lang.t(
                "Các trường nhạy cảm (sức khỏe, khuyết tật, dân tộc, nhóm đối tượng) được ẩn với cán bộ cấp tỉnh.",
                "Sensitive fields (health, disability, ethnicity, subject categories) are hidden from provincial officers."
            )) }
        }
        (changes(lang, &history, hide))
    };
    page(
        &signed,
        &commune_name(history.placement.commune.as_deref().unwrap_or_default()),
        Nav::None,
        &format!("/cases/{case_id}"),
        &name,
        content,
    )
    .into_response()
}

fn summary(lang: Lang, history: &CaseHistory) -> Markup {
    let status = history
        .case
        .text(fields::STATUS)
        .and_then(CaseStatus::parse)
        .unwrap_or(CaseStatus::Intake);
    let manager = history
        .case
        .text(fields::MANAGER_ID)
        .map(|id| {
            history
                .user_names
                .get(id)
                .cloned()
                .unwrap_or_else(|| id.to_string())
        })
        .unwrap_or_else(|| "—".into());
    html! {
        dl.summary {
            dt { (lang.t("Bước", "Step")) }
            dd { (status.step()) " — " (lang.pick(&status.label())) }
            dt { (lang.t("Xã", "Commune")) }
            dd { (commune_name(history.placement.commune.as_deref().unwrap_or_default())) }
            dt { (lang.t("Người quản lý", "Case manager")) }
            dd { (manager) }
            dt { (lang.t("Ngày mở hồ sơ", "Opened on")) }
            dd { (history.case.text(fields::OPENED_ON).unwrap_or("—")) }
        }
    }
}

fn shown(lang: Lang, value: &Value) -> String {
    match value {
        Value::Null => lang.t("(xóa)", "(cleared)").to_string(),
        Value::String(text) => text.clone(),
        Value::Bool(true) => lang.t("có", "yes").to_string(),
        Value::Bool(false) => lang.t("không", "no").to_string(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(items) => format!("{} {}", items.len(), lang.t("mục", "items")),
        other => other.to_string().chars().take(200).collect(),
    }
}

fn fate(lang: Lang, history: &CaseHistory, fate: &Fate) -> Markup {
    let name = |id: &str| {
        history
            .user_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    };
    match fate {
        Fate::InForce => html! { (lang.t("đang có hiệu lực", "in force")) },
        Fate::Unresolved => html! { span.fate-unresolved { (lang.t(
            "thua một sửa đổi đồng thời — đang chờ chọn giá trị",
            "lost to a concurrent edit — waiting for someone to choose"
        )) } },
        Fate::Replaced { by, at_millis } => html! {
            (lang.t("được thay bởi ", "replaced by ")) (name(by)) ", " (lang.instant(*at_millis))
        },
        Fate::Resolved {
            by,
            at_millis,
            kept,
        } => html! { span.fate-resolved {
            (lang.t("thua một sửa đổi đồng thời; ", "lost to a concurrent edit; "))
            (name(by)) (lang.t(" đã giải quyết lúc ", " resolved it on ")) (lang.instant(*at_millis))
            (lang.t(", giữ “", ", keeping “")) (shown(lang, kept)) "”"
        } },
    }
}

fn changes(lang: Lang, history: &CaseHistory, hide_sensitive: bool) -> Markup {
    let form_of: HashMap<&str, &str> = history
        .children
        .iter()
        .filter_map(|r| r.text(fields::FORM_ID).map(|f| (r.id.as_str(), f)))
        .collect();
    let catalog = catalog();
    let all: Vec<Change> = audit::history(&history.ops);
    html! {
        div.scroll { table id="history" {
            thead { tr {
                th { (lang.t("Hồ sơ", "Record")) }
                th { (lang.t("Trường", "Field")) }
                th { (lang.t("Giá trị", "Value")) }
                th { (lang.t("Người sửa", "By")) }
                th { (lang.t("Thiết bị", "Device")) }
                th { (lang.t("Giờ trên thiết bị", "Device time")) }
                th { (lang.t("Giờ máy chủ nhận", "Server time")) }
                th { (lang.t("Kết quả", "Outcome")) }
            } }
            tbody { @for change in &all {
                @let scope = scope_of(change.kind, form_of.get(change.record_id.as_str()).copied());
                @let key = (scope.clone(), change.field.clone());
                @let label = catalog.labels.get(&key).map(|l| lang.pick(l).to_string()).unwrap_or_else(|| change.field.clone());
                tr {
                    td { (record_label(lang, change.kind, form_of.get(change.record_id.as_str()).copied())) }
                    td { (label) br; code.muted { (change.field) } }
                    td { @if hide_sensitive && catalog.sensitive.contains(&key) {
                        span.muted { (lang.t("(ẩn)", "(hidden)")) }
                    } @else { (shown(lang, &change.value)) } }
                    td { (history.user_names.get(&change.author).cloned().unwrap_or_else(|| change.author.clone())) }
                    td { (history.device_names.get(&change.device_id).cloned().unwrap_or_else(|| change.device_id.clone())) }
                    td { (lang.instant(change.device_millis)) }
                    td { (lang.instant(change.server_millis)) }
                    td { (fate(lang, history, &change.fate)) }
                }
            } }
        } }
    }
}

fn record_label(lang: Lang, kind: RecordKind, form_id: Option<&str>) -> String {
    let kind_name = match kind {
        RecordKind::Case => lang.t("Hồ sơ", "Case"),
        RecordKind::Person => lang.t("Người", "Person"),
        RecordKind::Household => lang.t("Hộ gia đình", "Household"),
        RecordKind::Visit => lang.t("Lần thăm", "Visit"),
        RecordKind::Referral => lang.t("Chuyển tuyến", "Referral"),
        RecordKind::Consent => lang.t("Đồng ý", "Consent"),
        RecordKind::Photo => lang.t("Ảnh", "Photo"),
        RecordKind::Form => lang.t("Biểu mẫu", "Form"),
    };
    match form_id {
        Some(form) if kind == RecordKind::Form => format!("{kind_name} {form}"),
        _ => kind_name.to_string(),
    }
}

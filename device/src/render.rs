//! Screen states as terminal text, in the user's language. Rendering only: every word about a case,
//! a rule or a reason comes from the core's screen state; this file adds headings and numbers.

use hoso_core::ffi::{PhotoCategoryOption, PhotoItem, PhotoUploadProgress};
use hoso_core::screens::agenda::{AgendaItem, AgendaScreen};
use hoso_core::screens::case::{ActionView, CaseScreen, StepState};
use hoso_core::screens::caseload::{CaseListScreen, CaseRow, HouseholdListScreen, HouseholdScreen};
use hoso_core::screens::form::{FieldInput, FieldView, FormFinish, FormScreen};
use hoso_core::screens::settings::{Language, SettingsScreen};
use hoso_core::screens::sync::SyncScreen;
use hoso_model::i18n::Localized;

/// The language the terminal speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lang(pub Language);

impl Lang {
    pub fn text<'a>(&self, text: &'a Localized) -> &'a str {
        match self.0 {
            Language::Vi => &text.vi,
            Language::En => &text.en,
        }
    }

    /// The terminal's own words (headings, prompts).
    pub fn say<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        match self.0 {
            Language::Vi => vi,
            Language::En => en,
        }
    }
}

fn line(out: &mut String, text: impl AsRef<str>) {
    out.push_str(text.as_ref());
    out.push('\n');
}

fn agenda_item(lang: Lang, out: &mut String, number: usize, item: &AgendaItem) {
    let stage = item
        .stage
        .as_ref()
        .map(|s| format!(" · {}", lang.text(&s.label)))
        .unwrap_or_default();
    let name = if item.subject_name.is_empty() {
        lang.say("(cả xã)", "(whole commune)")
    } else {
        &item.subject_name
    };
    line(
        out,
        format!(
            "  [{number}] {} — {}{stage} ({} {})",
            lang.text(&item.title),
            name,
            lang.say("hạn", "due"),
            item.due.text
        ),
    );
    line(
        out,
        format!("      {} [{}]", lang.text(&item.reason), item.legal_ref),
    );
}

/// The agenda, items numbered in order; returns the case of each number.
pub fn agenda(lang: Lang, screen: &AgendaScreen) -> (String, Vec<Option<String>>) {
    let mut out = String::new();
    let mut cases = Vec::new();
    line(
        &mut out,
        format!(
            "{} {}",
            lang.say("Việc hôm nay,", "Today's work,"),
            screen.today.text
        ),
    );
    let groups = [
        (lang.say("Quá hạn", "Overdue"), &screen.overdue),
        (lang.say("Hôm nay", "Today"), &screen.due_today),
        (lang.say("Tuần này", "This week"), &screen.this_week),
    ];
    for (title, items) in groups {
        line(&mut out, format!("{title} ({})", items.len()));
        for item in items.iter() {
            cases.push(item.case_id.clone());
            agenda_item(lang, &mut out, cases.len(), item);
        }
    }
    (out, cases)
}

fn case_row(lang: Lang, out: &mut String, number: usize, row: &CaseRow) {
    let overdue = if row.overdue > 0 {
        format!(" · {} {}", row.overdue, lang.say("việc quá hạn", "overdue"))
    } else {
        String::new()
    };
    let next = match (&row.next, &row.next_due) {
        (Some(next), Some(due)) => format!(" · {} {}", lang.text(next), due.text),
        _ => String::new(),
    };
    line(
        out,
        format!(
            "  [{number}] {} — {} {}: {}{overdue}{next}",
            row.subject_name,
            lang.say("bước", "step"),
            row.stage.step,
            lang.text(&row.stage.label)
        ),
    );
}

pub fn case_list(lang: Lang, screen: &CaseListScreen) -> (String, Vec<Option<String>>) {
    let mut out = String::new();
    line(
        &mut out,
        format!(
            "{} {} ({} {:?})",
            screen.matching,
            lang.say("hồ sơ", "case(s)"),
            lang.say("theo bước 1–5:", "by step 1–5:"),
            screen.per_step
        ),
    );
    for (index, row) in screen.rows.iter().enumerate() {
        case_row(lang, &mut out, index + 1, row);
    }
    if screen.search_capped {
        line(
            &mut out,
            lang.say(
                "Có nhiều kết quả hơn: hãy gõ thêm chữ.",
                "There are more matches: type more.",
            ),
        );
    }
    let cases = screen
        .rows
        .iter()
        .map(|r| Some(r.case_id.clone()))
        .collect();
    (out, cases)
}

pub fn household_list(lang: Lang, screen: &HouseholdListScreen) -> (String, Vec<String>) {
    let mut out = String::new();
    line(
        &mut out,
        format!("{} {}", screen.matching, lang.say("hộ", "household(s)")),
    );
    for (index, row) in screen.rows.iter().enumerate() {
        line(
            &mut out,
            format!(
                "  [{}] {} — {} · {} {} · {} {}",
                index + 1,
                row.head_name,
                row.address,
                row.members,
                lang.say("người", "member(s)"),
                row.cases,
                lang.say("hồ sơ", "case(s)")
            ),
        );
    }
    (
        out,
        screen.rows.iter().map(|r| r.household_id.clone()).collect(),
    )
}

pub fn household(lang: Lang, screen: &HouseholdScreen) -> (String, Vec<Option<String>>) {
    let mut out = String::new();
    line(
        &mut out,
        format!(
            "{} {} — {}, {}",
            lang.say("Hộ", "Household of"),
            screen.head_name,
            screen.address,
            screen.area_name
        ),
    );
    if let Some(situation) = &screen.economic_situation {
        line(&mut out, format!("  {}", lang.text(situation)));
    }
    line(&mut out, lang.say("Thành viên:", "Members:"));
    for member in &screen.members {
        let age = member.age.map(|a| format!(", {a}")).unwrap_or_default();
        let sex = member
            .sex
            .as_ref()
            .map(|s| format!(", {}", lang.text(s)))
            .unwrap_or_default();
        line(&mut out, format!("  - {}{sex}{age}", member.full_name));
    }
    line(&mut out, lang.say("Hồ sơ:", "Cases:"));
    for (index, row) in screen.cases.iter().enumerate() {
        case_row(lang, &mut out, index + 1, row);
    }
    (
        out,
        screen
            .cases
            .iter()
            .map(|r| Some(r.case_id.clone()))
            .collect(),
    )
}

/// What a case screen's numbers point at.
#[derive(Default)]
pub struct CaseNumbers {
    pub forms: Vec<String>,
    pub actions: Vec<ActionView>,
    pub new_forms: Vec<String>,
    pub referrals: Vec<String>,
}

fn case_header(lang: Lang, out: &mut String, screen: &CaseScreen) {
    let subject = screen.subject.as_ref();
    let name = subject.map(|s| s.full_name.as_str()).unwrap_or_default();
    let birth = subject
        .and_then(|s| s.birth.as_ref())
        .map(|b| format!(", {} {}", lang.say("sinh", "born"), b.text))
        .unwrap_or_default();
    line(out, format!("{name}{birth}"));
    line(
        out,
        format!(
            "  {} {} · {} {}: {}",
            lang.say("Mã hồ sơ", "Case id"),
            screen.case_id,
            lang.say("bước", "step"),
            screen.stage.step,
            lang.text(&screen.stage.label)
        ),
    );
    if screen.conflicts > 0 || screen.unsynced_records > 0 {
        line(
            out,
            format!(
                "  {} {} · {} {}",
                screen.unsynced_records,
                lang.say("bản ghi chưa gửi", "record(s) not sent"),
                screen.conflicts,
                lang.say("xung đột", "conflict(s)")
            ),
        );
    }
}

fn case_steps(lang: Lang, out: &mut String, screen: &CaseScreen, numbers: &mut CaseNumbers) {
    for step in &screen.steps {
        let mark = match step.state {
            StepState::Done => "✓",
            StepState::Current => "▶",
            StepState::Upcoming => "·",
        };
        line(
            out,
            format!(
                "{mark} {} {}: {}",
                lang.say("Bước", "Step"),
                step.step,
                lang.text(&step.title)
            ),
        );
        for form in step.forms.iter().chain(if step.step == 1 {
            screen.shared_forms.as_slice()
        } else {
            &[]
        }) {
            numbers.forms.push(form.record_id.clone());
            let date = form
                .date
                .as_ref()
                .map(|d| format!(", {}", d.text))
                .unwrap_or_default();
            line(
                out,
                format!(
                    "    [F{}] {} — {}{date}",
                    numbers.forms.len(),
                    lang.text(&form.title),
                    lang.text(&form.status_label)
                ),
            );
        }
    }
}

fn case_work(lang: Lang, out: &mut String, screen: &CaseScreen, numbers: &mut CaseNumbers) {
    line(out, lang.say("Thao tác:", "Actions:"));
    for action in &screen.actions {
        numbers.actions.push(action.clone());
        let why = action
            .refusal
            .as_ref()
            .map(|r| format!(" — {}: {}", lang.say("chưa được", "not now"), lang.text(r)))
            .unwrap_or_default();
        line(
            out,
            format!(
                "  [A{}] {}{why}",
                numbers.actions.len(),
                lang.text(&action.label)
            ),
        );
    }
    line(out, lang.say("Biểu mẫu mới:", "New forms:"));
    for option in screen.new_forms.iter().filter(|f| f.allowed) {
        numbers.new_forms.push(option.form_id.clone());
        line(
            out,
            format!(
                "  [N{}] {} ({})",
                numbers.new_forms.len(),
                lang.text(&option.title),
                option.form_id
            ),
        );
    }
    line(out, lang.say("Việc cần làm:", "Follow-ups:"));
    for item in &screen.follow_ups {
        line(
            out,
            format!("  - {} ({})", lang.text(&item.reason), item.due.text),
        );
    }
    line(
        out,
        format!(
            "{} ({}):",
            lang.say("Ghi chép thăm", "Visit notes"),
            screen.visits.len()
        ),
    );
    for visit in screen.visits.iter().take(5) {
        numbers.forms.push(visit.record_id.clone());
        let date = visit.date.as_ref().map(|d| d.text.as_str()).unwrap_or("?");
        let draft = if visit.draft {
            lang.say(" (đang soạn)", " (draft)")
        } else {
            ""
        };
        line(
            out,
            format!(
                "  [F{}] {date}{draft}: {}",
                numbers.forms.len(),
                visit.summary
            ),
        );
    }
    for referral in &screen.referrals {
        numbers.referrals.push(referral.record_id.clone());
        line(
            out,
            format!(
                "  [R{}] {} — {}",
                numbers.referrals.len(),
                referral.provider,
                lang.text(&referral.status_label)
            ),
        );
    }
}

pub fn case(lang: Lang, screen: &CaseScreen) -> (String, CaseNumbers) {
    let mut out = String::new();
    let mut numbers = CaseNumbers::default();
    case_header(lang, &mut out, screen);
    case_steps(lang, &mut out, screen, &mut numbers);
    case_work(lang, &mut out, screen, &mut numbers);
    if !screen.sharing.allowed {
        for missing in &screen.sharing.missing {
            line(&mut out, format!("  ⚠ {}", lang.text(missing)));
        }
    }
    (out, numbers)
}

fn input_hint(lang: Lang, input: &FieldInput) -> String {
    match input {
        FieldInput::Choice { choices } | FieldInput::MultiChoice { choices } => {
            let codes: Vec<String> = choices
                .iter()
                .map(|c| format!("{}={}", c.code, lang.text(&c.label)))
                .collect();
            format!(" <{}>", codes.join(", "))
        }
        FieldInput::Date { .. } => " <dd/mm/yyyy>".into(),
        FieldInput::Boolean => lang.say(" <có/không>", " <yes/no>").into(),
        FieldInput::Repeat { items, .. } => format!(" <{items} {}>", lang.say("mục", "item(s)")),
        _ => String::new(),
    }
}

/// One field: its number, label, whether it is required, its answer and its issues.
pub fn field(lang: Lang, number: usize, field: &FieldView) -> String {
    let mut out = String::new();
    let indent = if field.item.is_some() { "    " } else { "" };
    let required = if field.required { " *" } else { "" };
    let answer = if !field.selected.is_empty() {
        field.selected.join(", ")
    } else if let Some(checked) = field.checked {
        (if checked {
            lang.say("có", "yes")
        } else {
            lang.say("không", "no")
        })
        .to_string()
    } else {
        field.text.clone()
    };
    let locked = if field.editable { "" } else { " 🔒" };
    out.push_str(&format!(
        "{indent}[{number}] {}{required}{locked} ({}){}: {answer}",
        lang.text(&field.label),
        field.path,
        input_hint(lang, &field.input)
    ));
    for issue in &field.issues {
        out.push_str(&format!("\n{indent}    ⚠ {}", lang.text(&issue.message)));
    }
    out
}

/// A form: its visible fields numbered; returns the path of each number.
pub fn form(lang: Lang, screen: &FormScreen) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut paths = Vec::new();
    line(
        &mut out,
        format!(
            "{} — {} ({})",
            lang.text(&screen.title),
            screen.subject_name,
            lang.text(&screen.status_label)
        ),
    );
    if let Some(reason) = &screen.read_only_reason {
        line(&mut out, format!("  🔒 {}", lang.text(reason)));
    }
    for section in &screen.sections {
        line(&mut out, format!("— {}", lang.text(&section.title)));
        for view in section.fields.iter().filter(|f| f.visible) {
            paths.push(view.path.clone());
            line(&mut out, field(lang, paths.len(), view));
        }
    }
    let finish = match (&screen.finish, screen.finish_allowed) {
        (FormFinish::Done, _) => lang.say("Đã hoàn thành.", "Completed.").to_string(),
        (_, true) => format!(
            "{}: {}",
            lang.say("Sẵn sàng", "Ready"),
            lang.text(&screen.finish_label)
        ),
        (_, false) => format!(
            "{} — {}",
            lang.text(&screen.finish_label),
            screen
                .finish_refusal
                .as_ref()
                .map(|r| lang.text(r))
                .unwrap_or_default()
        ),
    };
    line(&mut out, finish);
    (out, paths)
}

pub fn sync(lang: Lang, screen: &SyncScreen) -> String {
    let mut out = String::new();
    if let Some(notice) = &screen.notice {
        line(&mut out, lang.text(notice));
    }
    line(&mut out, lang.text(&screen.summary));
    line(
        &mut out,
        format!(
            "{} {} · {} {} · {} {}",
            screen.queued,
            lang.say("chờ gửi", "queued"),
            screen.sent,
            lang.say("chờ xác nhận", "sent"),
            screen.rejected,
            lang.say("bị từ chối", "refused")
        ),
    );
    for row in &screen.outbox {
        let why = row
            .rejection
            .as_ref()
            .map(|r| format!(": {}", lang.text(r)))
            .unwrap_or_default();
        line(
            &mut out,
            format!(
                "  - {} — {}{why}",
                lang.text(&row.title),
                lang.text(&row.state_label)
            ),
        );
    }
    out
}

/// The conflicts, numbered, each value with who wrote it and when.
pub fn conflicts(lang: Lang, screen: &SyncScreen) -> String {
    let mut out = String::new();
    line(
        &mut out,
        format!(
            "{} {}",
            screen.conflicts.len(),
            lang.say("xung đột", "conflict(s)")
        ),
    );
    for (index, conflict) in screen.conflicts.iter().enumerate() {
        line(
            &mut out,
            format!(
                "  [{}] {} — {}",
                index + 1,
                lang.text(&conflict.record_title),
                lang.text(&conflict.field_label)
            ),
        );
        for value in &conflict.values {
            let current = if value.current {
                lang.say(" (đang dùng)", " (in force)")
            } else {
                ""
            };
            line(
                &mut out,
                format!(
                    "      ({}) {}{current} — {}, {}",
                    value.index,
                    lang.text(&value.text),
                    lang.text(&value.author),
                    value.written.text
                ),
            );
        }
    }
    out
}

pub fn settings(lang: Lang, screen: &SettingsScreen) -> String {
    let mut out = String::new();
    if let Some(notice) = &screen.notice {
        line(&mut out, lang.text(notice));
    }
    if let Some(user) = &screen.user {
        line(
            &mut out,
            format!("{} — {}", lang.text(&user.role_label), user.area_name),
        );
    }
    line(
        &mut out,
        format!(
            "{}: {}",
            lang.say("Máy chủ", "Server"),
            screen.server_url.clone().unwrap_or_default()
        ),
    );
    line(
        &mut out,
        format!("{}: {}", lang.say("Thiết bị", "Device"), screen.device_id),
    );
    line(
        &mut out,
        format!(
            "{}: {} {}",
            lang.say("Tự khóa sau", "Auto-lock after"),
            screen.auto_lock_minutes,
            lang.say("phút", "min")
        ),
    );
    for rule in &screen.rules {
        line(
            &mut out,
            format!(
                "  {}: {} ({}) [{}]",
                lang.text(&rule.label),
                rule.value,
                lang.text(&rule.rule),
                rule.legal_ref
            ),
        );
    }
    line(
        &mut out,
        format!(
            "hoso {} · schema {}",
            screen.app_version, screen.schema_version
        ),
    );
    out
}

/// Photos with what they show, their caption and, for those taken here, how much the server holds.
pub fn photos(lang: Lang, photos: &[PhotoItem], categories: &[PhotoCategoryOption]) -> String {
    let mut out = String::new();
    line(
        &mut out,
        format!("{} {}", photos.len(), lang.say("ảnh", "photo(s)")),
    );
    for (i, photo) in photos.iter().enumerate() {
        let shows = categories
            .iter()
            .find(|c| c.code == photo.category)
            .map_or(photo.category.as_str(), |c| {
                lang.say(&c.label_vi, &c.label_en)
            });
        let caption = if photo.withheld {
            lang.say("(ảnh nhạy cảm)", "(sensitive photo)")
        } else {
            photo.caption.as_str()
        };
        line(
            &mut out,
            format!(
                "  {}. [{shows}] {caption} — {}×{}",
                i + 1,
                photo.width,
                photo.height
            ),
        );
        if let Some(upload) = &photo.upload {
            line(&mut out, format!("     {}", upload_line(lang, upload)));
        }
    }
    out
}

fn upload_line(lang: Lang, upload: &PhotoUploadProgress) -> String {
    let state = match upload.state.as_str() {
        "uploaded" => lang.say("đã gửi", "sent"),
        "uploading" => lang.say("đang gửi", "sending"),
        "failed" => lang.say("gửi chưa được, sẽ thử lại", "not sent yet, will retry"),
        _ => lang.say("chờ gửi", "waiting to send"),
    };
    let percent = (upload.fraction * 100.0).round();
    let mut text = format!(
        "{state} {percent}% ({} / {} {})",
        upload.sent_bytes,
        upload.total_bytes,
        lang.say("byte", "bytes")
    );
    if let (Some(vi), Some(en)) = (&upload.failure_vi, &upload.failure_en) {
        text.push_str(&format!(" — {}", lang.say(vi, en)));
    }
    text
}

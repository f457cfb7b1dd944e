//! The server's read model, reports and approval rules over a small province pushed through
//! `Storage::push` as devices would: P and Q in Phường Tân Hiệp (25920), R, S and T in Xã Dầu Tiếng
//! (25777), the same stories as the model's report fixture, so the figures are the ones counted by
//! hand there (first half of 2026, made on 10/7/2026).

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use hoso_model::area::{Area, AreaKind};
use hoso_model::domain::closure::ClosureTrigger;
use hoso_model::domain::config::Config;
use hoso_model::domain::history::{Fate, history};
use hoso_model::domain::lifecycle::CaseStatus;
use hoso_model::domain::oversight::{OversightInput, oversight};
use hoso_model::domain::report::{Audience, Period};
use hoso_model::hlc::{Hlc, system_now_millis};
use hoso_model::op::{FieldOp, RecordKind, new_id};
use hoso_model::protocol::{OutboxReport, ReceiptStatus};
use hoso_model::role::Role;
use hoso_server::demo::seed::{
    Actor, CaseSeed, ClosureSeed, PlanSeed, SeededCase, concurrent_edits,
};
use hoso_server::report;
use hoso_server::storage::{DeviceAuth, OversightStore, SqliteStorage, Storage};
use serde_json::json;
use std::io::Cursor;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn area(kind: AreaKind, code: &str) -> Area {
    Area {
        kind,
        code: code.into(),
    }
}

struct Device {
    auth: DeviceAuth,
    actor: Actor,
}

struct Province {
    storage: SqliteStorage,
    _dir: tempfile::TempDir,
    tan_hiep: [Device; 3],
    dau_tieng: [Device; 2],
    p: SeededCase,
    q: SeededCase,
}

fn device(storage: &SqliteStorage, name: &str, role: Role, at: &Area) -> Device {
    let now = system_now_millis();
    let user = storage.create_user(name, role, at).unwrap();
    let (code, _) = storage.issue_code(&user, now).unwrap();
    let id = uuid::Uuid::now_v7().to_string();
    storage
        .enroll(&code, &id, &format!("Máy {name}"), now)
        .unwrap();
    Device {
        auth: DeviceAuth {
            device_id: id.clone(),
            user_id: user.clone(),
            role,
            area: at.clone(),
        },
        actor: Actor::new(&id, &user),
    }
}

fn seed(commune: &str, manager: Option<&Device>, opened: &str) -> CaseSeed {
    CaseSeed {
        commune_code: commune.into(),
        province_code: "79".into(),
        subject_name: format!("Đối tượng mở ngày {opened}"),
        subject_birth: day("1950-01-01"),
        subject_sex: "female",
        address: "Thôn 3".into(),
        manager: manager.map(|m| m.auth.user_id.clone()),
        categories: vec![],
        opened_on: day(opened),
        planning_on: None,
        visits: vec![],
        plans: vec![],
        referrals: vec![],
        closure: None,
    }
}

fn plan(submitted: &str, approved: &str, activities: &[(&str, bool)]) -> PlanSeed {
    PlanSeed {
        submitted_on: day(submitted),
        approved_on: Some(day(approved)),
        activities: activities
            .iter()
            .map(|(title, done)| (title.to_string(), None, *done))
            .collect(),
    }
}

/// Pushes a case: the collaborator's ops first (they create the records), then the approver's.
fn push_case(
    storage: &SqliteStorage,
    seed: &CaseSeed,
    by: &mut Device,
    approver: &mut Device,
) -> SeededCase {
    let (ids, mine, theirs) = seed.ops(&mut by.actor, &mut approver.actor);
    let now = system_now_millis();
    for (device, ops) in [(&by.auth, mine), (&approver.auth, theirs)] {
        let receipts = storage.push(device, &ops, now).unwrap();
        assert!(
            receipts.iter().all(|r| r.status == ReceiptStatus::Accepted),
            "{receipts:?}"
        );
    }
    ids
}

fn province() -> Province {
    let dir = tempfile::tempdir().unwrap();
    let key = hoso_sqlite::connection::Key::from_hex(&"5a".repeat(32)).expect("a 32-byte key");
    let storage = SqliteStorage::open(&dir.path().join("server.db"), &key).unwrap();
    let (tan_hiep, dau_tieng) = (
        area(AreaKind::Commune, "25920"),
        area(AreaKind::Commune, "25777"),
    );
    storage
        .create_area(&area(AreaKind::Province, "79"), "Thành phố Hồ Chí Minh")
        .unwrap();
    storage.create_area(&tan_hiep, "Phường Tân Hiệp").unwrap();
    storage.create_area(&dau_tieng, "Xã Dầu Tiếng").unwrap();
    let mut m1 = device(&storage, "Trần Thị Mai", Role::Collaborator, &tan_hiep);
    let mut m2 = device(&storage, "Lê Văn Bình", Role::Collaborator, &tan_hiep);
    let mut chair = device(&storage, "Nguyễn Văn Hùng", Role::Approver, &tan_hiep);
    let mut ctv = device(&storage, "Hà Thị Lan", Role::Collaborator, &dau_tieng);
    let mut chair2 = device(&storage, "Đỗ Văn Nam", Role::Approver, &dau_tieng);

    let mut p = seed("25920", Some(&m1), "2025-10-01");
    p.categories = vec!["ND20-D5-K6".into()];
    p.planning_on = Some(day("2025-10-20"));
    p.visits = [
        ("2025-12-20", None),
        ("2026-01-15", None),
        ("2026-03-10", None),
        ("2026-07-02", Some("2026-07-05")),
    ]
    .iter()
    .map(|(d, next)| (day(d), next.map(day), "Bà khỏe, đi lại được".to_string()))
    .collect();
    p.plans = vec![
        plan("2025-10-25", "2025-11-01", &[("Khám sức khỏe", false)]),
        plan(
            "2026-03-25",
            "2026-04-01",
            &[("Khám sức khỏe", true), ("Học nghề may", false)],
        ),
    ];
    p.referrals = vec![
        (day("2026-02-01"), "health", "sent"),
        (day("2025-12-01"), "health", "completed"),
    ];
    let mut q = seed("25920", Some(&m2), "2026-02-10");
    q.categories = vec!["ND20-D5-K8".into(), "ND20-D5-K5-a".into()];
    q.planning_on = Some(day("2026-02-12"));
    q.visits = vec![
        (day("2026-02-15"), None, "Gặp tại nhà".into()),
        (day("2026-05-20"), None, "Gặp tại nhà".into()),
    ];
    q.plans = vec![plan("2026-02-20", "2026-03-01", &[])];
    q.referrals = vec![(day("2026-03-05"), "legal_aid", "declined")];
    q.closure = Some(ClosureSeed {
        proposed_on: day("2026-06-15"),
        trigger: ClosureTrigger::NoContact1Month,
        approved_on: Some(day("2026-06-20")),
    });
    let mut r = seed("25777", Some(&m1), "2026-01-01");
    r.categories = vec!["ND20-D5-K5-a".into()];
    let mut s = seed("25777", None, "2025-03-01");
    s.categories = vec!["ND20-D5-K6".into()];
    s.closure = Some(ClosureSeed {
        proposed_on: day("2025-12-10"),
        trigger: ClosureTrigger::ObjectivesAchieved,
        approved_on: Some(day("2025-12-15")),
    });
    let mut t = seed("25777", Some(&m2), "2026-07-05");
    t.categories = vec!["ND20-D5-K6".into()];

    let p_ids = push_case(&storage, &p, &mut m1, &mut chair);
    let q_ids = push_case(&storage, &q, &mut m2, &mut chair);
    for case in [r, s, t] {
        push_case(&storage, &case, &mut ctv, &mut chair2);
    }
    Province {
        storage,
        _dir: dir,
        tan_hiep: [m1, m2, chair],
        dau_tieng: [ctv, chair2],
        p: p_ids,
        q: q_ids,
    }
}

fn first_half() -> Period {
    Period::parse("2026-H1").unwrap()
}

impl Province {
    /// The area's report of the first half of 2026, made on 10 July.
    fn first_half_report(&self, area: &Area, audience: Audience) -> report::NamedReport {
        report::prepare(
            &self.storage,
            area,
            first_half(),
            audience,
            day("2026-07-10"),
        )
        .unwrap()
    }
}

#[test]
fn the_read_model_holds_every_case_of_the_area_as_pushed() {
    let province = province();
    let storage = &province.storage;
    assert_eq!(
        storage
            .case_snapshots(&area(AreaKind::Province, "79"))
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        storage
            .case_snapshots(&area(AreaKind::Commune, "25920"))
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        storage
            .case_facts(&area(AreaKind::Commune, "25777"))
            .unwrap()
            .len(),
        3
    );
    assert!(
        storage
            .case_snapshots(&area(AreaKind::Province, "66"))
            .unwrap()
            .is_empty()
    );
    let snapshots = storage
        .case_snapshots(&area(AreaKind::Commune, "25920"))
        .unwrap();
    let p = snapshots
        .iter()
        .find(|s| s.case_id == province.p.case_id)
        .unwrap();
    assert_eq!(p.status, CaseStatus::InProgress);
    assert_eq!(
        (p.last_visit, p.next_visit),
        (Some(day("2026-07-02")), Some(day("2026-07-05")))
    );
    assert_eq!(p.plan_approved_on, Some(day("2026-04-01")));
    assert_eq!(p.activities.iter().filter(|a| a.done).count(), 1);
    assert_eq!(p.subject_name, "Đối tượng mở ngày 2025-10-01");
    let q = snapshots
        .iter()
        .find(|s| s.case_id == province.q.case_id)
        .unwrap();
    assert_eq!(
        (q.status, q.closed_on),
        (CaseStatus::Closed, Some(day("2026-06-20")))
    );
}

#[test]
fn the_oversight_of_the_province_on_the_day_of_the_fixture() {
    let province = province();
    let whole = area(AreaKind::Province, "79");
    let cases = province.storage.case_snapshots(&whole).unwrap();
    let figures = oversight(&OversightInput {
        cases: &cases,
        conflicts: &[],
        devices: &[],
        today: day("2026-07-10"),
        now_millis: 0,
        config: &Config::default(),
        role: Role::ProvincialOfficer,
        area_kind: Some(AreaKind::Province),
        produced_reports: &[],
    });
    // Open: P in progress (step 3), R and T at intake (step 1); Q and S closed.
    assert_eq!(figures.totals.by_step, [2, 0, 1, 0, 0]);
    assert_eq!((figures.totals.open, figures.totals.closed), (3, 2));
    let overdue: Vec<(&str, i64)> = figures
        .overdue
        .iter()
        .map(|o| (o.case.case_id.as_str(), o.days_overdue))
        .collect();
    assert_eq!(
        overdue,
        vec![(province.p.case_id.as_str(), 5)],
        "P missed its 5/7 visit"
    );
    let no_contact: Vec<i64> = figures.no_contact.iter().map(|n| n.days_left).collect();
    assert_eq!(
        no_contact,
        vec![-159],
        "R, opened 1/1, passed the trigger on 1/2"
    );
}

#[test]
fn the_report_counts_what_was_counted_by_hand() {
    let province = province();
    let named = province.first_half_report(&area(AreaKind::Province, "79"), Audience::Internal);
    let total = &named.report.total;
    assert_eq!(
        (
            total.open_at_start,
            total.new,
            total.closed,
            total.open_at_end
        ),
        (1, 2, 1, 2)
    );
    assert_eq!(total.closed_by_trigger[5], 1);
    assert_eq!(total.by_category.get("ND20-D5-K5-a"), Some(&2));
    assert_eq!(total.by_category.get("ND20-D5-K8"), Some(&1));
    assert_eq!((total.plans_approved, total.adjustments_approved), (1, 1));
    assert_eq!(total.referrals_by_status, [0, 1, 0, 0, 1]);
    assert_eq!((total.visits, total.overdue_follow_ups), (4, 2));
    assert_eq!(named.area_name, "Thành phố Hồ Chí Minh");
    assert_eq!(named.commune("25777"), "Xã Dầu Tiếng");
    let m1 = &province.tan_hiep[0].auth.user_id;
    assert_eq!(named.manager(Some(m1)), "Trần Thị Mai");
}

fn cell_text(data: &Data) -> String {
    match data {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// Every row of a sheet, as text.
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect()
}

#[test]
fn the_xlsx_reads_back_with_its_figures_and_vietnamese_intact() {
    let province = province();
    let named = province.first_half_report(&area(AreaKind::Province, "79"), Audience::Internal);
    let bytes = report::xlsx(&named).unwrap();
    let summary = sheet(&bytes, "Tổng hợp");
    let value = |code: &str| {
        summary
            .iter()
            .find(|row| row.first().map(String::as_str) == Some(code))
            .map(|row| row[3].clone())
    };
    assert_eq!(value("cases.open_at_end").as_deref(), Some("2"));
    assert_eq!(value("closed.no_contact_1_month").as_deref(), Some("1"));
    assert_eq!(value("follow_up.visits").as_deref(), Some("4"));
    let label = summary
        .iter()
        .find(|row| row[0] == "cases.open_at_end")
        .unwrap();
    assert_eq!(label[1], "Đang quản lý cuối kỳ");
    assert!(
        summary
            .iter()
            .any(|row| row.iter().any(|c| c.contains("bố cục của hoso")))
    );
    let communes = sheet(&bytes, "Theo xã");
    let row = communes
        .iter()
        .find(|r| r[0] == "Phường Tân Hiệp (25920)")
        .unwrap();
    assert_eq!(
        row[1..].to_vec(),
        ["1", "1", "1", "1", "1", "1", "2", "4", "1"]
    );
    let total = communes.last().unwrap();
    assert_eq!(total[0], "Tổng / Total");
    assert_eq!(
        total[1..].to_vec(),
        ["1", "2", "1", "2", "1", "1", "2", "4", "2"]
    );
    let managers = sheet(&bytes, "Theo người quản lý");
    assert!(
        managers
            .iter()
            .any(|r| r[0] == "Trần Thị Mai" && r[1..5] == ["1", "1", "0", "2"])
    );
}

#[test]
fn a_report_for_posting_has_no_hiv_line_and_no_sheet_per_worker() {
    let province = province();
    let named = province.first_half_report(&area(AreaKind::Province, "79"), Audience::Posting);
    let bytes = report::xlsx(&named).unwrap();
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), vec!["Tổng hợp", "Theo xã"]);
    let text: String = sheet(&bytes, "Tổng hợp").into_iter().flatten().collect();
    assert!(!text.contains("ND20-D5-K8"), "the HIV category is withheld");
    assert!(text.contains("ND20-D5-K5-a"));
    let csv = String::from_utf8(report::csv(&named).unwrap()).unwrap();
    assert!(!csv.contains("ND20-D5-K8") && !csv.contains(",manager,"));
    assert_eq!(
        report::file_name(&named, "csv"),
        "hoso-bao-cao-79-2026-H1-niem-yet.csv"
    );
}

#[test]
fn the_csv_is_utf8_with_a_byte_order_mark_one_figure_per_line() {
    let province = province();
    let named = province.first_half_report(&area(AreaKind::Commune, "25920"), Audience::Internal);
    let bytes = report::csv(&named).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let find = |section: &str, code: &str| {
        rows.iter()
            .find(|r| &r[0] == section && &r[3] == code)
            .map(|r| r[6].to_string())
    };
    assert_eq!(find("area", "cases.new").as_deref(), Some("1"));
    assert_eq!(find("area", "follow_up.visits").as_deref(), Some("4"));
    assert_eq!(find("commune", "visits").as_deref(), Some("4"));
    assert!(rows.iter().any(|r| &r[2] == "Phường Tân Hiệp"));
}

fn approval_of(plan_or_form: &str, by: &Device) -> FieldOp {
    FieldOp {
        op_id: new_id(),
        record_id: plan_or_form.into(),
        kind: RecordKind::Form,
        field: "status".into(),
        value: json!("approved"),
        hlc: Hlc {
            millis: system_now_millis() - 60_000,
            counter: 0,
            node: hoso_model::hlc::node_of(&by.auth.device_id),
        },
        supersedes: vec![],
        device_id: by.auth.device_id.clone(),
        author: by.auth.user_id.clone(),
    }
}

#[test]
fn the_server_refuses_an_approval_of_ones_own_plan_a_wrong_role_and_a_wrong_area() {
    let mut province = province();
    let mut own = seed("25920", None, "2026-05-01");
    own.planning_on = Some(day("2026-05-02"));
    own.plans = vec![PlanSeed {
        submitted_on: day("2026-05-03"),
        approved_on: None,
        activities: vec![],
    }];
    let [_, m2, chair] = &mut province.tan_hiep;
    let (_, ops, _) = own.ops(&mut chair.actor, &mut m2.actor);
    let plan_id = ops
        .iter()
        .find(|o| o.value == json!("TT02-M04"))
        .unwrap()
        .record_id
        .clone();
    let now = system_now_millis();
    assert!(
        province
            .storage
            .push(&chair.auth, &ops, now)
            .unwrap()
            .iter()
            .all(|r| r.status == ReceiptStatus::Accepted)
    );
    let reason = |receipts: Vec<hoso_model::protocol::Receipt>| {
        assert_eq!(receipts[0].status, ReceiptStatus::Rejected);
        (
            receipts[0].code.clone().unwrap(),
            receipts[0].reason.clone().unwrap().vi,
        )
    };
    let own_plan = reason(
        province
            .storage
            .push(&chair.auth, &[approval_of(&plan_id, chair)], now)
            .unwrap(),
    );
    assert_eq!(own_plan.0, "not_allowed");
    assert!(own_plan.1.contains("tự phê duyệt"), "{}", own_plan.1);
    let wrong_role = reason(
        province
            .storage
            .push(&m2.auth, &[approval_of(&plan_id, m2)], now)
            .unwrap(),
    );
    assert!(
        wrong_role.1.contains("Chủ tịch UBND cấp xã"),
        "{}",
        wrong_role.1
    );
    let [_, elsewhere] = &mut province.dau_tieng;
    let wrong_area = reason(
        province
            .storage
            .push(&elsewhere.auth, &[approval_of(&plan_id, elsewhere)], now)
            .unwrap(),
    );
    assert_eq!(wrong_area.0, "out_of_scope");
}

#[test]
fn concurrent_values_are_listed_with_their_case_until_resolved() {
    let mut province = province();
    let subject = province.p.subject_id.clone();
    let [m1, m2, _] = &mut province.tan_hiep;
    let edits = concurrent_edits(
        &subject,
        RecordKind::Person,
        "phone",
        day("2026-07-03"),
        [
            (&mut m1.actor, json!("0912000001")),
            (&mut m2.actor, json!("0912000002")),
        ],
    );
    let now = system_now_millis();
    let mut versions = Vec::new();
    for (device_id, op) in edits {
        let device = if device_id == m1.auth.device_id {
            &m1.auth
        } else {
            &m2.auth
        };
        versions.push(op.hlc);
        province.storage.push(device, &[op], now).unwrap();
    }
    let whole = area(AreaKind::Province, "79");
    let conflicts = province.storage.conflict_entries(&whole).unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        conflicts[0].case_id.as_deref(),
        Some(province.p.case_id.as_str())
    );
    assert_eq!(
        (conflicts[0].field.as_str(), conflicts[0].values),
        ("phone", 2)
    );
    assert!(
        province
            .storage
            .conflict_entries(&area(AreaKind::Commune, "25777"))
            .unwrap()
            .is_empty()
    );
    let resolution = FieldOp {
        op_id: new_id(),
        record_id: subject.clone(),
        kind: RecordKind::Person,
        field: "phone".into(),
        value: json!("0912000002"),
        hlc: Hlc {
            millis: versions.iter().map(|h| h.millis).max().unwrap() + 1_000,
            counter: 0,
            node: 7,
        },
        supersedes: versions,
        device_id: m1.auth.device_id.clone(),
        author: m1.auth.user_id.clone(),
    };
    province.storage.push(&m1.auth, &[resolution], now).unwrap();
    assert!(
        province
            .storage
            .conflict_entries(&whole)
            .unwrap()
            .is_empty()
    );
    let audit = province
        .storage
        .case_history(&province.p.case_id)
        .unwrap()
        .unwrap();
    let phone: Vec<Fate> = history(&audit.ops)
        .into_iter()
        .filter(|c| c.field == "phone")
        .map(|c| c.fate)
        .collect();
    assert_eq!(phone.len(), 3);
    assert!(matches!(&phone[0], Fate::Resolved { kept, .. } if kept == &json!("0912000002")));
    assert_eq!(phone[2], Fate::InForce);
    assert_eq!(
        audit.user_names.get(&m1.auth.user_id).map(String::as_str),
        Some("Trần Thị Mai")
    );
}

#[test]
fn devices_of_the_province_report_their_last_sync_and_backlog() {
    let province = province();
    let [m1, m2, _] = &province.tan_hiep;
    let storage = &province.storage;
    storage
        .note_sync(
            &m1.auth.device_id,
            Some(OutboxReport {
                pending_ops: 12,
                oldest_unsent_millis: Some(1_000),
            }),
            5_000,
        )
        .unwrap();
    storage.note_sync(&m1.auth.device_id, None, 9_000).unwrap();
    storage.revoke_device(&m2.auth.device_id).unwrap();
    let devices = storage
        .device_syncs(&area(AreaKind::Province, "79"), system_now_millis())
        .unwrap();
    assert_eq!(
        devices.len(),
        4,
        "five devices in the province's communes, one revoked"
    );
    let mai = devices
        .iter()
        .find(|d| d.device_id == m1.auth.device_id)
        .unwrap();
    assert_eq!(
        (
            mai.last_sync_millis,
            mai.pending_ops,
            mai.oldest_unsent_millis
        ),
        (Some(9_000), Some(12), Some(1_000))
    );
    assert_eq!(mai.user_name, "Trần Thị Mai");
    assert_eq!(
        storage
            .device_syncs(&area(AreaKind::Commune, "25777"), system_now_millis())
            .unwrap()
            .len(),
        2
    );
    assert!(
        storage
            .device_syncs(&area(AreaKind::Province, "66"), system_now_millis())
            .unwrap()
            .is_empty()
    );
}

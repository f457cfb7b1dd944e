//! `serve --demo`: a demo commune (Phường Tân Hiệp, 79) with realistic cases, and enrollment codes for
//! its users, so a phone or the simulator can be tried against a fresh server. Loaded once per database.

use crate::storage::{DeviceAuth, OnceJob, Storage, StorageError};
use chrono::{Days, NaiveDate};
use hoso_model::area::{Area, AreaKind};
use hoso_model::demo::{self, Rng};
use hoso_model::hlc::{Clock, system_now_millis};
use hoso_model::op::{FieldOp, RecordKind, Value, new_id};
use hoso_model::role::Role;
use serde_json::json;

const CASES: usize = 40;

pub fn load(storage: &dyn Storage) -> Result<(), StorageError> {
    if !storage.mark_once(OnceJob::DemoData)? {
        println!("  demo data   : already loaded in this database");
        return Ok(());
    }
    let commune = Area {
        kind: AreaKind::Commune,
        code: "25920".into(),
    };
    let province = Area {
        kind: AreaKind::Province,
        code: "79".into(),
    };
    storage.create_area(&commune, "Phường Tân Hiệp")?;
    storage.create_area(&province, "Thành phố Hồ Chí Minh")?;
    let now = system_now_millis();
    let collaborator =
        storage.create_user("Trần Thị Mai (cộng tác viên)", Role::Collaborator, &commune)?;
    let approver = storage.create_user("Lê Văn Hùng (Chủ tịch UBND)", Role::Approver, &commune)?;
    let officer =
        storage.create_user("Phạm Thu Hà (Sở Y tế)", Role::ProvincialOfficer, &province)?;
    let seeder = storage.create_user("Dữ liệu mẫu", Role::Collaborator, &commune)?;
    let (seed_code, _) = storage.issue_code(&seeder, now)?;
    let device_id = uuid::Uuid::now_v7().to_string();
    let enrollment = storage.enroll(&seed_code, &device_id, "demo", now)?;
    let device = DeviceAuth {
        device_id: device_id.clone(),
        user_id: enrollment.user_id,
        role: Role::Collaborator,
        area: commune,
    };
    let ops = caseload_ops(&device, now);
    for batch in ops.chunks(1_000) {
        storage.push(&device, batch, now)?;
    }
    println!(
        "  demo data   : {CASES} cases in Phường Tân Hiệp (25920, province 79); enrollment codes:"
    );
    for (who, user) in [
        ("collaborator", collaborator),
        ("approver", approver),
        ("provincial_officer", officer),
    ] {
        println!("    {who:<19} {}", storage.issue_code(&user, now)?.0);
    }
    Ok(())
}

fn caseload_ops(device: &DeviceAuth, now: u64) -> Vec<FieldOp> {
    let mut rng = Rng::new(now);
    let mut clock = Clock::new(hoso_model::hlc::node_of(&device.device_id));
    let today = chrono::DateTime::from_timestamp_millis(now as i64)
        .map(|t| t.date_naive())
        .unwrap_or(NaiveDate::MIN);
    let mut ops = Vec::new();
    let mut set = |record: &str, kind: RecordKind, field: &str, value: Value| {
        let hlc = clock.tick(now).expect("a fresh clock ticks");
        ops.push(FieldOp {
            op_id: new_id(),
            record_id: record.to_string(),
            kind,
            field: field.to_string(),
            value,
            hlc,
            supersedes: vec![],
            device_id: device.device_id.clone(),
            author: device.user_id.clone(),
        });
    };
    for _ in 0..CASES {
        let person = demo::person(&mut rng, today, 5, 90);
        let (household, subject, case) = (new_id(), new_id(), new_id());
        for (field, value) in [
            ("commune_code", json!("25920")),
            ("province_code", json!("79")),
            ("address", json!(person.address)),
        ] {
            set(&household, RecordKind::Household, field, value);
        }
        for (field, value) in [
            ("household_id", json!(household)),
            ("full_name", json!(person.full_name)),
            ("birth_date", json!(person.birth_date.to_string())),
            ("sex", json!(person.sex)),
            ("citizen_id", json!(person.citizen_id)),
            ("phone", json!(person.phone)),
        ] {
            set(&subject, RecordKind::Person, field, value);
        }
        let opened = today
            .checked_sub_days(Days::new(rng.below(300) + 30))
            .unwrap_or(today);
        for (field, value) in [
            ("commune_code", json!("25920")),
            ("province_code", json!("79")),
            ("subject_id", json!(subject)),
            ("household_id", json!(household)),
            ("status", json!("in_progress")),
            ("opened_on", json!(opened.to_string())),
            ("manager_id", json!(device.user_id)),
        ] {
            set(&case, RecordKind::Case, field, value);
        }
        for visit in 0..3u64 {
            let id = new_id();
            let day = opened
                .checked_add_days(Days::new(visit * 21 + rng.below(7)))
                .unwrap_or(opened)
                .min(today);
            let next = day.checked_add_days(Days::new(21)).unwrap_or(day);
            for (field, value) in [
                ("case_id", json!(case)),
                ("form_id", json!("TT02-M05")),
                ("status", json!("submitted")),
                ("a.visit_date", json!(day.to_string())),
                ("a.met_with", json!(["subject", "family"])),
                ("a.observations", json!(demo::visit_note(&mut rng))),
                ("a.next_visit_date", json!(next.to_string())),
            ] {
                set(&id, RecordKind::Visit, field, value);
            }
        }
    }
    ops
}

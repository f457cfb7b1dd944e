//! The dashboard's queries over a province of 100,000 cases (1,000 in each of 100 communes of
//! province 79), pushed through `Storage::push` as devices would: the oversight of the province
//! (case snapshots, conflicts and devices read, figures computed) within 200 ms, and its yearly report
//! (figures per commune and per case manager, written as XLSX) within 2 s. Prints one JSON line per
//! target: `cargo bench -p hoso-server --bench oversight`; under `cargo test` a smoke run on small data.

use chrono::{Days, NaiveDate};
use hoso_model::area::{Area, AreaKind};
use hoso_model::demo::{self, Rng};
use hoso_model::domain::closure::ClosureTrigger;
use hoso_model::domain::config::Config;
use hoso_model::domain::local_date;
use hoso_model::domain::oversight::{OversightInput, oversight};
use hoso_model::domain::report::{Audience, Period};
use hoso_model::hlc::system_now_millis;
use hoso_model::protocol::ReceiptStatus;
use hoso_model::role::Role;
use hoso_server::demo::seed::{Actor, CaseSeed, ClosureSeed, PlanSeed, batches};
use hoso_server::report;
use hoso_server::storage::{DeviceAuth, OversightStore, SqliteStorage, Storage};
use serde_json::json;
use std::time::{Duration, Instant};

const CATEGORIES: &[&str] = &[
    "ND20-D5-K5-a",
    "ND20-D5-K6",
    "ND20-D5-K1-b",
    "ND20-D5-K4",
    "ND20-D5-K8",
];

/// A case with two visits; three in five with an approved plan, one in twenty waiting for approval,
/// one in six closed.
fn lean_case(rng: &mut Rng, today: NaiveDate, commune: &str, manager: &str) -> CaseSeed {
    let ago = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(today);
    let opened = ago(rng.below(700) + 40);
    let after = |day: NaiveDate, days: u64| {
        day.checked_add_days(Days::new(days))
            .unwrap_or(day)
            .min(ago(1))
    };
    let person = demo::person(rng, today, 3, 92);
    let last = after(opened, rng.below(500) + 10);
    let roll = rng.below(100);
    let plans = match roll {
        0..5 => vec![PlanSeed {
            submitted_on: after(opened, 5),
            approved_on: None,
            activities: vec![],
        }],
        5..65 => vec![PlanSeed {
            submitted_on: after(opened, 5),
            approved_on: Some(after(opened, 9)),
            activities: vec![(
                "Khám sức khỏe định kỳ".into(),
                Some(after(opened, 90)),
                rng.chance(70),
            )],
        }],
        _ => vec![],
    };
    CaseSeed {
        commune_code: commune.into(),
        province_code: "79".into(),
        subject_name: person.full_name,
        subject_birth: person.birth_date,
        subject_sex: person.sex,
        address: person.address,
        manager: Some(manager.into()),
        categories: vec![rng.pick(CATEGORIES).to_string()],
        opened_on: opened,
        planning_on: None,
        visits: vec![
            (after(opened, 3), Some(after(opened, 33)), String::new()),
            (last, Some(after(last, 30)), String::new()),
        ],
        plans,
        referrals: vec![],
        closure: (roll >= 84).then(|| ClosureSeed {
            proposed_on: after(last, 2),
            trigger: ClosureTrigger::ObjectivesAchieved,
            approved_on: Some(after(last, 6)),
        }),
    }
}

fn device(
    storage: &SqliteStorage,
    name: &str,
    role: Role,
    area: &Area,
    now: u64,
) -> (DeviceAuth, Actor) {
    let user = storage.create_user(name, role, area).expect("user");
    let (code, _) = storage.issue_code(&user, now).expect("code");
    let id = uuid::Uuid::now_v7().to_string();
    storage.enroll(&code, &id, name, now).expect("enroll");
    let auth = DeviceAuth {
        device_id: id.clone(),
        user_id: user.clone(),
        role,
        area: area.clone(),
    };
    (auth, Actor::new(&id, &user))
}

/// Pushes `per_commune` cases into each of `communes` communes of province 79; returns the ops pushed.
fn province(
    storage: &SqliteStorage,
    communes: usize,
    per_commune: usize,
    today: NaiveDate,
) -> usize {
    let now = system_now_millis();
    let units = report::units();
    let mut codes: Vec<String> = units
        .communes_of("79")
        .iter()
        .map(|c| c.code.clone())
        .collect();
    codes.sort();
    storage
        .create_area(
            &Area {
                kind: AreaKind::Province,
                code: "79".into(),
            },
            "Thành phố Hồ Chí Minh",
        )
        .expect("area");
    let mut rng = Rng::new(100_000);
    let mut pushed = 0;
    for code in codes.iter().take(communes) {
        let commune = Area {
            kind: AreaKind::Commune,
            code: code.clone(),
        };
        storage.create_area(&commune, code).expect("area");
        let (ctv, mut ctv_actor) = device(
            storage,
            &format!("ctv {code}"),
            Role::Collaborator,
            &commune,
            now,
        );
        let (chair, mut chair_actor) = device(
            storage,
            &format!("chu tich {code}"),
            Role::Approver,
            &commune,
            now,
        );
        let (mut mine, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..per_commune {
            let seed = lean_case(&mut rng, today, code, &ctv.user_id);
            let (_, ops, approvals) = seed.ops(&mut ctv_actor, &mut chair_actor);
            mine.push(ops);
            theirs.push(approvals);
        }
        for (device, cases) in [(&ctv, mine), (&chair, theirs)] {
            for batch in batches(cases, 1_000) {
                let receipts = storage.push(device, &batch, now).expect("push");
                assert!(receipts.iter().all(|r| r.status == ReceiptStatus::Accepted));
                pushed += batch.len();
            }
        }
    }
    pushed
}

fn p50(samples: &mut [Duration]) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn print(name: &str, target_ms: f64, samples: &mut [Duration], data: serde_json::Value) {
    let measured = p50(samples);
    println!(
        "{}",
        json!({"bench": name, "stat": "p50", "measured_ms": (measured * 10.0).round() / 10.0,
               "target_ms": target_ms, "met": measured <= target_ms, "samples": samples.len(), "data": data})
    );
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let (communes, per_commune, samples) = if measuring {
        (100, 1_000, 9)
    } else {
        (2, 20, 1)
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let key = hoso_sqlite::connection::Key::from_hex(&"5a".repeat(32)).expect("a 32-byte key");
    let storage = SqliteStorage::open(&dir.path().join("province.db"), &key).expect("storage");
    let now = system_now_millis();
    let today = local_date(now);
    let started = Instant::now();
    let ops = province(&storage, communes, per_commune, today);
    let cases = communes * per_commune;
    println!(
        "{}",
        json!({"setup": "province pushed through Storage::push", "cases": cases, "ops": ops,
               "elapsed_s": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0})
    );
    let whole = Area {
        kind: AreaKind::Province,
        code: "79".into(),
    };
    let mut times = Vec::new();
    let mut reads = Vec::new();
    let mut lines = 0;
    for _ in 0..samples {
        let start = Instant::now();
        let snapshots = storage.case_snapshots(&whole).expect("snapshots");
        let conflicts = storage.conflict_entries(&whole).expect("conflicts");
        let devices = storage.device_syncs(&whole, now).expect("devices");
        reads.push(start.elapsed());
        let figures = oversight(&OversightInput {
            cases: &snapshots,
            conflicts: &conflicts,
            devices: &devices,
            today,
            now_millis: now,
            config: &Config::default(),
            role: Role::ProvincialOfficer,
            area_kind: Some(AreaKind::Province),
            produced_reports: &[],
        });
        times.push(start.elapsed());
        assert_eq!(figures.totals.open + figures.totals.closed, cases as u32);
        lines = figures.overdue.len() + figures.approvals.len() + figures.no_contact.len();
    }
    print(
        "server_province_oversight",
        200.0,
        &mut times,
        json!({"cases": cases, "lines": lines, "reading_p50_ms": (p50(&mut reads) * 10.0).round() / 10.0}),
    );
    let mut times = Vec::new();
    let year = Period::parse(&today.format("%Y").to_string()).expect("a year");
    let mut bytes = 0;
    for _ in 0..samples.min(5) {
        let start = Instant::now();
        let named =
            report::prepare(&storage, &whole, year, Audience::Internal, today).expect("report");
        bytes = report::xlsx(&named).expect("xlsx").len();
        times.push(start.elapsed());
    }
    print(
        "server_yearly_province_report_xlsx",
        2_000.0,
        &mut times,
        json!({"cases": cases, "xlsx_bytes": bytes}),
    );
}

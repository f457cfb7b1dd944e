#![recursion_limit = "256"]
//! The core's speed targets, measured on a real encrypted store with realistic Vietnamese data.
//! Prints one JSON line per target: `cargo bench -p hoso-core --bench targets`.
//! Under `cargo test` (no `--bench` argument) it runs each target once on small data, as a smoke test.

use chrono::NaiveDate;
use hoso_core::actions::{CaseArea, NewCase};
use hoso_core::app::App;
use hoso_model::demo::{self, Rng};
use hoso_model::forms::Answers;
use hoso_model::merge::{FieldState, Version};
use hoso_model::op::{RecordKind, new_id};
use hoso_model::protocol::RemoteRecord;
use serde_json::json;
use std::time::{Duration, Instant};

const KEY: &str = "3c1e5b7d9f1a3c5e7b9d0f2a7f3a9c0e5b2d4f6a8c1e3b5d7f9a0c2e4b6d8f0a";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date")
}

struct Sizes {
    people: usize,
    visits: usize,
    caseload: usize,
    visits_per_pulled_case: usize,
    apply_runs: usize,
    samples: usize,
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

fn report(
    name: &str,
    target_ms: f64,
    stat: &str,
    samples: &mut [Duration],
    extra: serde_json::Value,
) {
    let p50 = percentile(samples, 0.50);
    let p95 = percentile(samples, 0.95);
    let measured = if stat == "p95" { p95 } else { p50 };
    println!(
        "{}",
        json!({
            "bench": name, "stat": stat, "measured_ms": (measured * 1000.0).round() / 1000.0,
            "p50_ms": (p50 * 1000.0).round() / 1000.0, "p95_ms": (p95 * 1000.0).round() / 1000.0,
            "target_ms": target_ms, "met": measured <= target_ms, "samples": samples.len(), "data": extra,
        })
    );
}

fn open_store(dir: &tempfile::TempDir, name: &str) -> App {
    let app = App::open(dir.path().join(name), KEY).expect("open store");
    app.store
        .set_identity("bench-user", hoso_model::role::Role::CaseManager)
        .expect("identity");
    app
}

fn person_fields(p: &demo::Person) -> Answers {
    [
        ("full_name", json!(p.full_name)),
        ("sex", json!(p.sex)),
        ("birth_date", json!(p.birth_date.to_string())),
        ("citizen_id", json!(p.citizen_id)),
        ("phone", json!(p.phone)),
        ("address", json!(p.address)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn bench_search(sizes: &Sizes) {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_store(&dir, "search.db");
    let mut rng = Rng::new(42);
    let mut people = Vec::with_capacity(sizes.people);
    for chunk in 0..sizes.people.div_ceil(5_000) {
        let batch: Vec<demo::Person> = (0..5_000.min(sizes.people - chunk * 5_000))
            .map(|_| demo::person(&mut rng, today(), 0, 95))
            .collect();
        app.store
            .write(|w| {
                for p in &batch {
                    w.set_all(&new_id(), RecordKind::Person, person_fields(p))?;
                }
                Ok(())
            })
            .expect("insert people");
        people.extend(batch);
    }
    let mut queries: Vec<String> = Vec::new();
    for i in 0..sizes.samples {
        let p = &people[(i * 7919) % people.len()];
        let folded = hoso_model::fold::fold(&p.full_name);
        let words: Vec<&str> = folded.split(' ').collect();
        queries.push(match i % 5 {
            0 => words.last().copied().unwrap_or("an").to_string(),
            1 => words[..2.min(words.len())].join(" "),
            2 => p.citizen_id[..6].to_string(),
            3 => p.phone[..5].to_string(),
            _ => format!("{} {}", words[0], &words.last().unwrap_or(&"a")[..1]),
        });
    }
    let mut samples = Vec::with_capacity(queries.len());
    let mut by_kind: Vec<Vec<Duration>> = vec![Vec::new(); 5];
    let mut hits = 0;
    for (i, q) in queries.iter().enumerate() {
        let start = Instant::now();
        hits += app.store.search(q, 20).expect("search").len();
        let elapsed = start.elapsed();
        samples.push(elapsed);
        by_kind[i % 5].push(elapsed);
    }
    let kinds = [
        "given_name",
        "surname_middle",
        "citizen_id_prefix",
        "phone_prefix",
        "surname_initial",
    ];
    let breakdown: serde_json::Map<String, serde_json::Value> = kinds
        .iter()
        .zip(by_kind.iter_mut())
        .filter(|(_, times)| !times.is_empty())
        .map(|(kind, times)| {
            (
                format!("{kind}_p95_ms"),
                json!((percentile(times, 0.95) * 1000.0).round() / 1000.0),
            )
        })
        .collect();
    report(
        "search_people",
        5.0,
        "p95",
        &mut samples,
        json!({"people": sizes.people, "queries": queries.len(), "hits": hits, "by_query": breakdown}),
    );
}

fn bench_open_case(sizes: &Sizes) {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_store(&dir, "case.db");
    let mut rng = Rng::new(7);
    let subject = app
        .cases
        .register_person(
            None,
            person_fields(&demo::person(&mut rng, today(), 20, 80)),
        )
        .expect("person");
    let case_id = app
        .cases
        .open_case(NewCase {
            subject_id: subject.record_id,
            household_id: None,
            commune_code: "25920".into(),
            province_code: "79".into(),
            facility_id: None,
            categories: vec!["ND20-D5-K6".into()],
        })
        .expect("case");
    for chunk in 0..sizes.visits.div_ceil(100) {
        app.store
            .write(|w| {
                for i in 0..100.min(sizes.visits - chunk * 100) {
                    let id = new_id();
                    let day = today() - chrono::Days::new(((chunk * 100 + i) * 3) as u64);
                    w.set(&id, RecordKind::Visit, "case_id", json!(case_id))?;
                    w.set_all(
                        &id,
                        RecordKind::Visit,
                        [
                            ("form_id".to_string(), json!("TT02-M05")),
                            ("status".to_string(), json!("submitted")),
                            ("a.visit_date".to_string(), json!(day.to_string())),
                            ("a.met_with".to_string(), json!(["subject", "family"])),
                            (
                                "a.observations".to_string(),
                                json!(demo::visit_note(&mut rng)),
                            ),
                            (
                                "a.actions_taken".to_string(),
                                json!(demo::action_note(&mut rng)),
                            ),
                            ("a.needs_status".to_string(), json!("partly_met")),
                            (
                                "a.next_visit_date".to_string(),
                                json!((day + chrono::Days::new(14)).to_string()),
                            ),
                        ],
                    )?;
                }
                Ok(())
            })
            .expect("visits");
    }
    let mut samples = Vec::with_capacity(sizes.samples);
    let mut timeline = 0;
    for _ in 0..sizes.samples {
        let start = Instant::now();
        let file = app.cases.case_file(&case_id).expect("case file");
        samples.push(start.elapsed());
        timeline = file.timeline.len();
    }
    report(
        "open_case_file",
        10.0,
        "p50",
        &mut samples,
        json!({"visits": sizes.visits, "timeline_entries": timeline}),
    );
}

fn bench_create_case(sizes: &Sizes) {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_store(&dir, "create.db");
    let mut rng = Rng::new(99);
    let mut samples = Vec::with_capacity(sizes.samples);
    for _ in 0..sizes.samples {
        let subject = demo::person(&mut rng, today(), 20, 90);
        let guardian = demo::person(&mut rng, today(), 30, 60);
        let answers = full_information_form(&subject, &guardian, &mut rng);
        let start = Instant::now();
        let intake = app
            .cases
            .create_case_with_information(
                CaseArea {
                    commune_code: "25920".into(),
                    province_code: "79".into(),
                    facility_id: None,
                },
                answers,
            )
            .expect("case");
        let issues = intake.issues;
        samples.push(start.elapsed());
        assert!(
            issues.is_empty(),
            "the benchmark's Mẫu 01 is complete: {issues:?}"
        );
    }
    report(
        "create_case_with_full_form_01",
        2.0,
        "p50",
        &mut samples,
        json!({}),
    );
}

/// A complete Mẫu 01 as a collaborator fills it at the first visit.
fn full_information_form(
    subject: &demo::Person,
    guardian: &demo::Person,
    rng: &mut Rng,
) -> Answers {
    let household_address = demo::address(rng);
    let pairs = json!({
        "subject.full_name": subject.full_name, "subject.birth_date": subject.birth_date.to_string(),
        "subject.sex": subject.sex, "subject.marital_status": "married", "subject.address": subject.address,
        "subject.phone": subject.phone, "subject.citizen_id": subject.citizen_id, "subject.ethnicity": "Kinh",
        "subject.categories": ["ND20-D5-K6"], "subject.education": "Lớp 9/12", "subject.studying": false,
        "subject.occupation": "Làm ruộng", "subject.income": 1_200_000,
        "current_benefits": "Trợ cấp xã hội hằng tháng, thẻ bảo hiểm y tế",
        "subject_needs": demo::visit_note(rng), "health_condition": demo::visit_note(rng),
        "disability_type": "mobility", "disability_degree": "severe", "health_characteristics": demo::visit_note(rng),
        "work_ability": "Không còn khả năng lao động nặng", "self_care_ability": "Tự ăn uống, cần hỗ trợ tắm rửa",
        "treatment_history": demo::visit_note(rng), "current_state": demo::visit_note(rng),
        "household.head_name": guardian.full_name, "household.head_birth_date": guardian.birth_date.to_string(),
        "household.address": household_address, "household.head_phone": guardian.phone,
        "household.head_citizen_id": guardian.citizen_id, "relationship_to_head": "Con", "household.main_work": "Làm thuê",
        "household.member_count": 4, "subject_position": "Cha", "household.economic_situation": "near_poor",
        "household.income_sources": "Làm thuê, trợ cấp", "expense_food": 2_500_000, "expense_clothing": 200_000,
        "expense_school": 300_000, "expense_medical": 400_000, "expense_medicine": 350_000, "expense_other": 100_000,
        "household.housing": "Nhà cấp 4, mái tôn", "care_capacity": "Con trai chăm sóc buổi tối",
        "monthly_allowance": 500_000, "basic_social_services": "Y tế, nước sạch", "family_needs": demo::visit_note(rng),
        "other_information": "Không", "has_guardian": true, "guardian.full_name": guardian.full_name,
        "guardian.birth_date": guardian.birth_date.to_string(), "guardian.sex": guardian.sex,
        "guardian.address": household_address, "guardian.phone": guardian.phone,
        "guardian.citizen_id": guardian.citizen_id, "guardian.relationship": "Con",
    });
    serde_json::from_value(pairs).expect("answers")
}

fn bench_follow_ups(sizes: &Sizes) {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_store(&dir, "caseload.db");
    let mut rng = Rng::new(2000);
    for chunk in 0..sizes.caseload.div_ceil(200) {
        app.store
            .write(|w| {
                for _ in 0..200.min(sizes.caseload - chunk * 200) {
                    let p = demo::person(&mut rng, today(), 0, 95);
                    let person = new_id();
                    w.set_all(&person, RecordKind::Person, person_fields(&p))?;
                    let case = new_id();
                    let opened = today() - chrono::Days::new(rng.below(400));
                    w.set_all(
                        &case,
                        RecordKind::Case,
                        [
                            ("subject_id".to_string(), json!(person)),
                            ("status".to_string(), json!("in_progress")),
                            ("commune_code".to_string(), json!("25920")),
                            ("province_code".to_string(), json!("79")),
                            ("opened_on".to_string(), json!(opened.to_string())),
                        ],
                    )?;
                    for v in 0..10u64 {
                        let visit = new_id();
                        let day = opened + chrono::Days::new(v * 20);
                        w.set(&visit, RecordKind::Visit, "case_id", json!(case))?;
                        w.set(
                            &visit,
                            RecordKind::Visit,
                            "a.visit_date",
                            json!(day.to_string()),
                        )?;
                        w.set(
                            &visit,
                            RecordKind::Visit,
                            "a.next_visit_date",
                            json!((day + chrono::Days::new(20)).to_string()),
                        )?;
                    }
                }
                Ok(())
            })
            .expect("caseload");
    }
    let mut samples = Vec::with_capacity(sizes.samples);
    let mut tasks = 0;
    for _ in 0..sizes.samples {
        let start = Instant::now();
        tasks = app.cases.follow_ups(today()).expect("follow-ups").len();
        samples.push(start.elapsed());
    }
    report(
        "follow_up_list",
        20.0,
        "p50",
        &mut samples,
        json!({"cases": sizes.caseload, "tasks": tasks}),
    );
}

/// A fresh device merging the pulled pages of one commune (what `sync_now` does after each page
/// arrives): field states as the server sends them, pages of 10,000 values, one transaction each.
fn bench_apply_pulled(sizes: &Sizes) {
    let mut rng = Rng::new(2026);
    let caseload = demo::commune_caseload(
        &mut rng,
        today(),
        "25920",
        "79",
        sizes.caseload,
        sizes.visits_per_pulled_case,
    );
    let mut clock = hoso_model::hlc::Clock::new(0x5eed);
    let start_millis = 1_795_000_000_000;
    let records: Vec<RemoteRecord> = caseload
        .into_iter()
        .enumerate()
        .map(|(n, record)| RemoteRecord {
            record_id: record.id,
            kind: record.kind,
            fields: record
                .fields
                .into_iter()
                .map(|(field, value)| {
                    let hlc = clock.tick(start_millis + n as u64).expect("clock");
                    let version = Version {
                        value,
                        hlc,
                        author: "ctv-ghi".into(),
                    };
                    (
                        field,
                        FieldState {
                            winner: Some(version),
                            ..FieldState::default()
                        },
                    )
                })
                .collect(),
        })
        .collect();
    let values: usize = records.iter().map(|r| r.fields.len()).sum();
    let mut pages: Vec<Vec<RemoteRecord>> = vec![Vec::new()];
    let mut in_page = 0;
    for record in records {
        if in_page + record.fields.len() > 10_000 {
            pages.push(Vec::new());
            in_page = 0;
        }
        in_page += record.fields.len();
        pages.last_mut().expect("a page").push(record);
    }
    let mut samples = Vec::new();
    for run in 0..sizes.apply_runs {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = open_store(&dir, &format!("fresh-{run}.db"));
        // Pages arrive decoded and are given to the store, as `sync_now` does.
        let run_pages = pages.clone();
        let start = Instant::now();
        for page in run_pages {
            app.store.apply_remote(page, &[]).expect("apply page");
        }
        samples.push(start.elapsed());
        assert_eq!(
            app.store.case_snapshots().expect("summaries").len(),
            sizes.caseload
        );
    }
    let p50 = percentile(&mut samples, 0.5);
    let per_second = values as f64 / (p50 / 1000.0);
    println!(
        "{}",
        json!({
            "bench": "apply_pulled_field_values", "stat": "p50", "values_per_s": per_second.round(),
            "measured_ms": (p50 * 1000.0).round() / 1000.0, "target_values_per_s": 200_000,
            "met": per_second >= 200_000.0, "samples": samples.len(),
            "data": {"cases": sizes.caseload, "field_values": values, "pages": pages.len()},
        })
    );
}

type Target = fn(&Sizes);

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let sizes = if measuring {
        Sizes {
            people: 100_000,
            visits: 500,
            caseload: 2_000,
            visits_per_pulled_case: 10,
            apply_runs: 5,
            samples: 200,
        }
    } else {
        Sizes {
            people: 2_000,
            visits: 50,
            caseload: 100,
            visits_per_pulled_case: 10,
            apply_runs: 1,
            samples: 3,
        }
    };
    // `cargo bench -p hoso-core --bench targets -- apply` runs only the targets whose name matches.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let targets: [(&str, Target); 5] = [
        ("search", bench_search),
        ("open_case", bench_open_case),
        ("create_case", bench_create_case),
        ("follow_ups", bench_follow_ups),
        ("apply_pulled", bench_apply_pulled),
    ];
    for (name, run) in targets {
        if filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())) {
            run(&sizes);
        }
    }
}

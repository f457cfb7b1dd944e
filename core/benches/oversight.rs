//! The approver's tablet: oversight figures and the approval queue over 2,000 cases (10 visits each,
//! one in twenty with a plan waiting), answered offline from the real encrypted store. Prints one JSON
//! line per query: `cargo bench -p hoso-core --bench oversight`. Under `cargo test` it runs once on
//! small data, as a smoke test.

use chrono::{Days, NaiveDate};
use hoso_core::app::App;
use hoso_model::demo::{self, Rng};
use hoso_model::op::{RecordKind, new_id};
use hoso_model::role::Role;
use serde_json::json;
use std::time::{Duration, Instant};

const KEY: &str = "9f1a3c5e7b9d0f2a7f3a9c0e5b2d4f6a8c1e3b5d7f9a0c2e4b6d8f0a3c1e5b7d";
const TARGET_MS: f64 = 50.0;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date")
}

/// Writes `cases` cases as collaborators record them; every twentieth waits for plan approval.
fn caseload(app: &App, cases: usize) {
    let mut rng = Rng::new(2000);
    for chunk in 0..cases.div_ceil(200) {
        app.store
            .write(|w| {
                for index in chunk * 200..(chunk * 200 + 200).min(cases) {
                    let p = demo::person(&mut rng, today(), 0, 95);
                    let (person, case) = (new_id(), new_id());
                    w.set_all(
                        &person,
                        RecordKind::Person,
                        [
                            ("full_name".to_string(), json!(p.full_name)),
                            ("birth_date".to_string(), json!(p.birth_date.to_string())),
                        ],
                    )?;
                    let opened = today() - Days::new(rng.below(400) + 30);
                    let waiting = index % 20 == 0;
                    let mut fields = vec![
                        ("subject_id".to_string(), json!(person)),
                        ("commune_code".to_string(), json!("25920")),
                        ("province_code".to_string(), json!("79")),
                        (
                            "manager_id".to_string(),
                            json!(format!("ctv-{}", index % 4)),
                        ),
                        ("opened_on".to_string(), json!(opened.to_string())),
                    ];
                    if waiting {
                        let plan = new_id();
                        w.set_all(
                            &plan,
                            RecordKind::Form,
                            [
                                ("case_id".to_string(), json!(case)),
                                ("form_id".to_string(), json!("TT02-M04")),
                                ("status".to_string(), json!("submitted")),
                                (
                                    "submitted_at".to_string(),
                                    json!((today() - Days::new(rng.below(30))).to_string()),
                                ),
                                (
                                    "submitted_by".to_string(),
                                    json!(format!("ctv-{}", index % 4)),
                                ),
                            ],
                        )?;
                        fields.push(("status".to_string(), json!("plan_submitted")));
                        fields.push(("pending_plan_id".to_string(), json!(plan)));
                    } else {
                        fields.push(("status".to_string(), json!("in_progress")));
                    }
                    w.set_all(&case, RecordKind::Case, fields)?;
                    for v in 0..10u64 {
                        let visit = new_id();
                        let day = opened + Days::new(v * 25);
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
                            json!((day + Days::new(25)).to_string()),
                        )?;
                    }
                }
                Ok(())
            })
            .expect("caseload");
    }
}

fn p50(samples: &mut [Duration]) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn measure(name: &str, samples: usize, cases: usize, mut query: impl FnMut() -> usize) {
    let mut times = Vec::with_capacity(samples);
    let mut lines = 0;
    for _ in 0..samples {
        let start = Instant::now();
        lines = query();
        times.push(start.elapsed());
    }
    let measured = p50(&mut times);
    println!(
        "{}",
        json!({"bench": name, "stat": "p50", "measured_ms": (measured * 1000.0).round() / 1000.0,
               "target_ms": TARGET_MS, "met": measured <= TARGET_MS, "samples": samples,
               "data": {"cases": cases, "lines": lines}})
    );
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let (cases, samples) = if measuring { (2_000, 100) } else { (100, 3) };
    let dir = tempfile::tempdir().expect("tempdir");
    let app = App::open(dir.path().join("tablet.db"), KEY).expect("open store");
    app.store
        .set_identity("ctv-0", Role::Collaborator)
        .expect("identity");
    caseload(&app, cases);
    app.store
        .set_identity("chu-tich", Role::Approver)
        .expect("identity");
    measure("tablet_oversight", samples, cases, || {
        let o = app.cases.oversight(today()).expect("oversight");
        o.overdue.len() + o.approvals.len() + o.no_contact.len()
    });
    measure("tablet_approval_queue", samples, cases, || {
        app.cases.approval_queue(today()).expect("queue").len()
    });
}

//! Every screen's state call on a caseload of 2,000 cases (10 visits each, realistic Vietnamese data,
//! a real encrypted store), against the apps' budget of one frame: 16 ms. Prints one JSON line per
//! screen: `cargo bench -p hoso-core --bench screens` (add a name to run some: `-- case_list`).
//! Under `cargo test` it runs each screen once on a small caseload, as a smoke test.
//!
//! The store is what a phone holds after its first sync: everything acknowledged by the server, plus a
//! day's local work (a case opened, a visit note started, fifty records edited) waiting in the outbox.

use chrono::NaiveDate;
use hoso_core::app::App;
use hoso_core::screens::{agenda, case, caseload, form, input, launch, settings, sync};
use hoso_model::demo::{self, Rng};
use hoso_model::op::RecordKind;
use hoso_model::role::Role;
use hoso_model::schema::fields;
use serde_json::json;
use std::time::{Duration, Instant};

const KEY: &str = "0f2a7f3a9c0e5b2d4f6a8c1e3b5d7f9a0c2e4b6d8f0a3c1e5b7d9f1a3c5e7b9d";
/// One frame at 60 Hz.
const FRAME_MS: f64 = 16.0;

struct Sizes {
    cases: usize,
    samples: usize,
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("a valid date")
}

fn millis_of(day: NaiveDate) -> u64 {
    day.and_hms_opt(5, 0, 0)
        .expect("a valid time")
        .and_utc()
        .timestamp_millis() as u64
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

fn report(name: &str, samples: &mut [Duration], data: serde_json::Value) {
    let p50 = percentile(samples, 0.50);
    let p95 = percentile(samples, 0.95);
    let round = |ms: f64| (ms * 1000.0).round() / 1000.0;
    println!(
        "{}",
        json!({
            "bench": name, "stat": "p95", "measured_ms": round(p95), "p50_ms": round(p50),
            "p95_ms": round(p95), "target_ms": FRAME_MS, "met": p95 <= FRAME_MS,
            "samples": samples.len(), "data": data,
        })
    );
}

/// Times `screen` over the samples and reports it with what the last answer held.
fn measure<T>(
    name: &str,
    sizes: &Sizes,
    mut screen: impl FnMut() -> T,
    describe: impl Fn(&T) -> serde_json::Value,
) {
    let mut samples = Vec::with_capacity(sizes.samples);
    let mut last = None;
    for _ in 0..sizes.samples {
        let start = Instant::now();
        let answer = screen();
        samples.push(start.elapsed());
        last = Some(answer);
    }
    let data = last.as_ref().map(&describe).unwrap_or_default();
    report(name, &mut samples, data);
}

/// The commune's caseload as pulled, acknowledged; a fifth of the cases moved along the steps.
fn caseload(app: &App, sizes: &Sizes) -> Vec<String> {
    let mut rng = Rng::new(2026);
    let records = demo::commune_caseload(&mut rng, today(), "25920", "79", sizes.cases, 10);
    for chunk in records.chunks(2_000) {
        app.store
            .write(|w| {
                for record in chunk {
                    w.set_all(&record.id, record.kind, record.fields.clone())?;
                }
                Ok(())
            })
            .expect("caseload");
    }
    let cases: Vec<String> = records
        .iter()
        .filter(|r| r.kind == RecordKind::Case)
        .map(|r| r.id.clone())
        .collect();
    let statuses = ["intake", "planning", "plan_submitted", "closure_proposed"];
    app.store
        .write(|w| {
            for (i, case) in cases.iter().enumerate().filter(|(i, _)| i % 5 == 0) {
                let status = statuses[(i / 5) % statuses.len()];
                w.set(case, RecordKind::Case, fields::STATUS, json!(status))?;
                if i % 10 == 0 {
                    w.set(
                        case,
                        RecordKind::Case,
                        fields::MANAGER_ID,
                        json!("bench-user"),
                    )?;
                }
            }
            Ok(())
        })
        .expect("statuses");
    let sent: Vec<String> = app
        .store
        .ops_to_push(usize::MAX)
        .expect("outbox")
        .into_iter()
        .map(|op| op.op_id)
        .collect();
    app.store.mark_acknowledged(&sent).expect("acknowledged");
    cases
}

/// A day's work on the phone: fifty records edited, waiting to be sent.
fn local_edits(app: &App, cases: &[String]) {
    app.store
        .write(|w| {
            for case in cases.iter().take(50) {
                w.set(case, RecordKind::Case, "categories", json!(["ND20-D5-K6"]))?;
            }
            Ok(())
        })
        .expect("local edits");
}

fn run(sizes: &Sizes, filters: &[String]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = millis_of(today());
    let app = App::open_with_time(
        dir.path().join("screens.db"),
        KEY,
        std::sync::Arc::new(move || clock),
    )
    .expect("open store");
    app.store
        .set_identity("bench-user", Role::Collaborator)
        .expect("identity");
    let cases = caseload(&app, sizes);
    local_edits(&app, &cases);
    let busy = cases[1].clone();
    let visit = form::form_start(&app, &busy, "TT02-M05").expect("a visit note");
    let household = app
        .store
        .record(&busy)
        .expect("case")
        .and_then(|c| c.text("household_id").map(str::to_string))
        .expect("a household");
    let wanted = |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f));
    let size = json!({"cases": cases.len(), "visits_per_case": 10});
    if wanted("launch") {
        measure(
            "launch_screen",
            sizes,
            || launch::launch_screen(&app).expect("launch"),
            |_| size.clone(),
        );
    }
    if wanted("agenda") {
        measure(
            "agenda_screen",
            sizes,
            || agenda::agenda_screen(&app).expect("agenda"),
            |a| json!({"cases": cases.len(), "overdue": a.overdue.len(), "today": a.due_today.len(), "week": a.this_week.len()}),
        );
    }
    if wanted("case_list") {
        let filters = [
            ("case_list_all", caseload::CaseFilter::default()),
            (
                "case_list_search",
                caseload::CaseFilter {
                    query: "nguyen van".into(),
                    ..Default::default()
                },
            ),
            (
                "case_list_step_overdue_mine",
                caseload::CaseFilter {
                    step: Some(3),
                    overdue_only: true,
                    mine_only: true,
                    ..Default::default()
                },
            ),
        ];
        for (name, filter) in filters {
            measure(
                name,
                sizes,
                || caseload::case_list(&app, &filter).expect("cases"),
                |l| json!({"cases": cases.len(), "matching": l.matching, "rows": l.rows.len()}),
            );
        }
    }
    if wanted("household") {
        measure(
            "household_list",
            sizes,
            || caseload::household_list(&app, "", 100).expect("households"),
            |l| json!({"households": l.matching}),
        );
        measure(
            "household_screen",
            sizes,
            || caseload::household_screen(&app, &household).expect("household"),
            |h| json!({"members": h.members.len()}),
        );
    }
    if wanted("case_screen") {
        measure(
            "case_screen",
            sizes,
            || case::case_screen(&app, &busy).expect("case"),
            |c| json!({"visits": c.visits.len(), "actions": c.actions.len(), "timeline": c.timeline.len()}),
        );
    }
    if wanted("form") {
        measure(
            "form_open",
            sizes,
            || form::form_screen(&app, &visit.record_id).expect("form"),
            |f| json!({"fields": f.sections.iter().map(|s| s.fields.len()).sum::<usize>()}),
        );
        let mut n = 0;
        measure(
            "form_answer_autosave",
            sizes,
            || {
                n += 1;
                let text = format!("Bà khỏe hơn, lần ghi thứ {n}");
                form::form_answer(
                    &app,
                    &visit.record_id,
                    "observations",
                    input::AnswerInput::Text { text },
                )
                .expect("autosave")
            },
            |f| json!({"issues": f.issues.len()}),
        );
    }
    if wanted("sync") {
        measure(
            "sync_screen",
            sizes,
            || sync::sync_screen(&app).expect("sync"),
            |s| json!({"outbox_rows": s.outbox.len(), "queued": s.queued}),
        );
    }
    if wanted("settings") {
        measure(
            "settings_screen",
            sizes,
            || settings::settings_screen(&app).expect("settings"),
            |_| size.clone(),
        );
    }
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let sizes = if measuring {
        Sizes {
            cases: 2_000,
            samples: 200,
        }
    } else {
        Sizes {
            cases: 60,
            samples: 2,
        }
    };
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    run(&sizes, &filters);
}

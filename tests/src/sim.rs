//! The simulator's scenarios, as library functions so the end-to-end tests run them too.

use crate::faults::FaultyProxy;
use crate::photo_sim;
use crate::{Device, Server, commune};
use hoso_core::actions::NewCase;
use hoso_model::area::AreaKind;
use hoso_model::demo::{self, Rng};
use hoso_model::op::RecordKind;
use hoso_model::role::Role;
use hoso_model::schema::photo_fields;
use hoso_model::sensitivity::{RecordMarks, Sensitivity};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub const COMMUNES: [&str; 2] = ["25920", "27544"];

pub struct ScenarioOptions {
    pub devices: usize,
    pub cases: usize,
    pub edits: usize,
    pub seed: u64,
    pub faults: bool,
    /// Photos each device attaches and uploads, and their camera's size.
    pub photos: usize,
    pub photo_size: (u16, u16),
}

#[derive(Debug, Serialize)]
pub struct ScenarioReport {
    pub converged: bool,
    pub devices: usize,
    pub server_processes: usize,
    pub ops_acknowledged: usize,
    pub ops_rejected: usize,
    pub ops_lost: usize,
    pub conflicts_recorded: usize,
    pub faults_injected: u64,
    pub server_restarts: usize,
    pub sync_attempts: usize,
    pub sync_failures: usize,
    /// Photos their devices saw uploaded, and of those, any missing or damaged anywhere (must be 0).
    pub photos_uploaded: usize,
    pub photos_lost: usize,
    /// Request and answer bodies of the photo uploads, resent ones included.
    pub photo_bytes_on_wire: u64,
    pub elapsed_ms: u128,
}

fn answers(value: serde_json::Value) -> hoso_model::forms::Answers {
    serde_json::from_value(value).expect("an object")
}

pub fn setup_areas(server: &Server) {
    server.create_area(AreaKind::Commune, COMMUNES[0], "Phường Tân Hiệp");
    server.create_area(AreaKind::Commune, COMMUNES[1], "Xã Bình Mỹ");
    server.create_area(AreaKind::Province, "79", "Thành phố Hồ Chí Minh");
}

/// Records one case the way a collaborator does at a first visit: person, case, visit note.
pub fn record_case(device: &Device, rng: &mut Rng, commune_code: &str) -> String {
    let today = chrono::Utc::now().date_naive();
    let person = demo::person(rng, today, 5, 90);
    let subject = device
        .cases
        .register_person(
            None,
            answers(json!({"full_name": person.full_name, "birth_date": person.birth_date.to_string(), "sex": person.sex,
                           "citizen_id": person.citizen_id, "phone": person.phone, "address": person.address})),
        )
        .expect("register");
    let case_id = device
        .cases
        .open_case(NewCase {
            subject_id: subject.record_id,
            household_id: None,
            commune_code: commune_code.to_string(),
            province_code: "79".into(),
            facility_id: None,
            categories: vec!["ND20-D5-K6".into()],
        })
        .expect("case");
    device
        .cases
        .record_visit(
            &case_id,
            answers(json!({"visit_date": today.to_string(), "met_with": ["subject"], "observations": demo::visit_note(rng)})),
        )
        .expect("visit");
    case_id
}

/// Every device syncs at once, retrying up to `tries` times. Returns (attempts, failures).
fn round(devices: &[Device], tries: usize) -> (usize, usize) {
    let results: Vec<(usize, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = devices
            .iter()
            .map(|device| {
                scope.spawn(move || {
                    let (mut attempts, mut failures) = (0, 0);
                    for _ in 0..tries {
                        attempts += 1;
                        match device.sync.sync_now() {
                            Ok(_) => break,
                            Err(_) => failures += 1,
                        }
                    }
                    (attempts, failures)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("sync thread"))
            .collect()
    });
    results
        .into_iter()
        .fold((0, 0), |(a, f), (a2, f2)| (a + a2, f + f2))
}

/// What a device holds: every live record's values and every conflict's losing versions. Sensitive
/// fields are left out: they reach only the devices of a case's manager and approvers, so devices of
/// one commune rightly differ there (the approver's device, which reads them all, checks them).
fn holdings(device: &Device) -> BTreeMap<String, String> {
    let sensitivity = Sensitivity::builtin();
    let mut out = BTreeMap::new();
    for kind in RecordKind::ALL {
        for record in device.store.records_of_kind(kind).expect("records") {
            let marks = RecordMarks {
                form_id: record.text("form_id"),
                photo_sensitive: record.fields.get(photo_fields::SENSITIVE) == Some(&json!(true)),
            };
            let readable: BTreeMap<&String, &serde_json::Value> = record
                .fields
                .iter()
                .filter(|(field, _)| !sensitivity.is_sensitive_in(kind, marks, field))
                .collect();
            out.insert(
                record.id.clone(),
                serde_json::to_string(&readable).expect("json"),
            );
        }
    }
    for conflict in device.store.conflicts().expect("conflicts") {
        let losers: Vec<_> = conflict.losers.iter().map(|l| l.hlc).collect();
        out.insert(
            format!("conflict:{}:{}", conflict.record_id, conflict.field),
            format!("{losers:?}"),
        );
    }
    out
}

pub fn scenario(
    server: Arc<Mutex<Server>>,
    owns_server: bool,
    options: &ScenarioOptions,
) -> ScenarioReport {
    let started = Instant::now();
    let mut rng = Rng::new(options.seed);
    let (urls, upstreams) = {
        let server = server.lock().expect("server");
        setup_areas(&server);
        let upstreams: Vec<String> = server
            .urls
            .iter()
            .map(|url| url.trim_start_matches("http://").to_string())
            .collect();
        (server.urls.clone(), upstreams)
    };
    // One faulty proxy in front of each server process; device i talks to process i (mod N).
    let proxies: Vec<FaultyProxy> = if options.faults {
        upstreams
            .iter()
            .enumerate()
            .map(|(p, upstream)| FaultyProxy::start(upstream.clone(), 20, options.seed + p as u64))
            .collect()
    } else {
        Vec::new()
    };
    let devices: Vec<Device> = (0..options.devices)
        .map(|i| {
            let device = server.lock().expect("server").device_on(
                i,
                &format!("ctv-{i}"),
                Role::Collaborator,
                commune(COMMUNES[i % 2]),
            );
            if !proxies.is_empty() {
                device
                    .sync
                    .set_server(&proxies[i % proxies.len()].url)
                    .expect("route through the proxy");
            }
            device
        })
        .collect();
    for i in 0..options.cases {
        let d = i % options.devices;
        record_case(&devices[d], &mut rng, COMMUNES[d % 2]);
    }
    photo_sim::attach_photos(&devices, options.photos, options.photo_size, options.seed);
    let (mut attempts, mut failures, mut restarts) = (0, 0, 0);
    let mut photo_wire = 0;
    let mut sync_all = |rng: &mut Rng, tries: usize| {
        let restart = owns_server && options.faults && rng.chance(30);
        let delay = rng.below(40);
        let (a, f) = std::thread::scope(|scope| {
            if restart {
                let server = server.clone();
                scope.spawn(move || {
                    std::thread::sleep(std::time::Duration::from_millis(delay));
                    server.lock().expect("server").restart();
                });
            }
            round(&devices, tries)
        });
        restarts += usize::from(restart);
        attempts += a;
        failures += f;
        if options.photos > 0 {
            let restart = owns_server && options.faults && rng.chance(30);
            let delay = rng.below(300);
            photo_wire += std::thread::scope(|scope| {
                if restart {
                    let server = server.clone();
                    scope.spawn(move || {
                        std::thread::sleep(std::time::Duration::from_millis(delay));
                        server.lock().expect("server").restart();
                    });
                }
                photo_sim::upload_round(&devices)
            });
            restarts += usize::from(restart);
        }
    };
    sync_all(&mut rng, 3);
    let fields = ["phone", "notes", "a.observations"];
    for edit in 0..options.edits {
        let device = &devices[rng.below(devices.len() as u64) as usize];
        let cases = device
            .store
            .records_of_kind(RecordKind::Case)
            .expect("cases");
        if let Some(case) = cases.get(rng.below(cases.len().max(1) as u64) as usize) {
            let field = *rng.pick(&fields);
            let file = device.cases.case_file(&case.id).expect("case file");
            let (record_id, kind) = match field {
                "phone" => (
                    file.subject.map(|s| s.id).unwrap_or_default(),
                    RecordKind::Person,
                ),
                "notes" => (case.id.clone(), RecordKind::Case),
                _ => (
                    file.visits
                        .first()
                        .map(|v| v.id.clone())
                        .unwrap_or_default(),
                    RecordKind::Visit,
                ),
            };
            let value = match field {
                "phone" => json!(demo::phone(&mut rng)),
                _ => json!(demo::visit_note(&mut rng)),
            };
            if !record_id.is_empty() {
                device
                    .store
                    .write(|w| w.set(&record_id, kind, field, value).map(|_| ()))
                    .expect("edit");
            }
        }
        if edit % (options.devices.max(2) / 2) == 0 {
            sync_all(&mut rng, 2);
        }
    }
    // Back in coverage: everyone syncs until nothing is pending, then once more to pull the rest.
    for _ in 0..12 {
        let (a, f) = round(&devices, 3);
        attempts += a;
        failures += f;
        let pending: usize = devices
            .iter()
            .map(|d| d.store.ops_to_push(1).expect("outbox").len())
            .sum();
        if f == 0 && pending == 0 {
            break;
        }
    }
    if !proxies.is_empty() {
        for (i, device) in devices.iter().enumerate() {
            device
                .sync
                .set_server(&urls[i % urls.len()])
                .expect("direct");
        }
    }
    let (a, f) = round(&devices, 3);
    attempts += a;
    failures += f;
    for _ in 0..10 {
        if photo_sim::photos_pending(&devices) == 0 {
            break;
        }
        let (a, f) = round(&devices, 2);
        attempts += a;
        failures += f;
        photo_wire += photo_sim::upload_round(&devices);
    }
    let (a, f) = round(&devices, 3);
    attempts += a;
    failures += f;

    let mut converged = true;
    for (c, _) in COMMUNES.iter().enumerate() {
        let members: Vec<&Device> = devices
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == c)
            .map(|(_, d)| d)
            .collect();
        if let Some(first) = members.first() {
            let reference = holdings(first);
            converged &= members.iter().all(|d| holdings(d) == reference);
        }
    }
    // The chairman's device of each commune reads every field of its commune, sensitive ones too: no
    // acknowledged op may be missing from it.
    let approvers: Vec<Device> = COMMUNES
        .iter()
        .map(|code| {
            let approver = server.lock().expect("server").device(
                &format!("chu-tich-{code}"),
                Role::Approver,
                commune(code),
            );
            approver.sync.sync_now().expect("the approver's first pull");
            approver
        })
        .collect();
    let mut ops_acknowledged = 0;
    let mut ops_lost = 0;
    for (i, device) in devices.iter().enumerate() {
        let reference = &approvers[i % 2];
        for (record, field, hlc) in device.store.acknowledged_ops().expect("acknowledged ops") {
            ops_acknowledged += 1;
            let state = reference
                .store
                .field_state(&record, &field)
                .expect("field state");
            let kept = state
                .winner
                .iter()
                .chain(state.losers.iter())
                .any(|v| v.hlc == hlc)
                || state.superseded.contains(&hlc);
            ops_lost += usize::from(!kept);
        }
    }
    let (photos_uploaded, photos_lost) = photo_sim::check_photos(&devices, &approvers);
    let ops_rejected = devices
        .iter()
        .map(|d| d.store.outbox().expect("outbox").len())
        .sum();
    ScenarioReport {
        converged,
        devices: devices.len(),
        server_processes: urls.len(),
        ops_acknowledged,
        ops_rejected,
        ops_lost,
        conflicts_recorded: devices
            .iter()
            .map(|d| d.store.conflicts().expect("conflicts").len())
            .max()
            .unwrap_or(0),
        faults_injected: proxies
            .iter()
            .map(|p| p.injected.load(std::sync::atomic::Ordering::SeqCst))
            .sum(),
        server_restarts: restarts,
        sync_attempts: attempts,
        sync_failures: failures,
        photos_uploaded,
        photos_lost,
        photo_bytes_on_wire: photo_wire,
        elapsed_ms: started.elapsed().as_millis(),
    }
}

#[derive(Debug, Serialize)]
pub struct InitialSyncReport {
    pub cases: usize,
    pub visits: usize,
    pub records: usize,
    pub field_values: usize,
    pub bytes_on_wire: usize,
    pub bytes_per_field_value: f64,
    pub elapsed_ms: u128,
    pub apply_field_values_per_s: f64,
    pub push_elapsed_ms: u128,
}

/// Writes a realistic caseload of the first commune into `device`'s outbox, as if recorded on it:
/// `cases` cases with `visits_per_case` visit notes each.
pub fn write_caseload(device: &Device, cases: usize, visits_per_case: usize, seed: u64) {
    let mut rng = Rng::new(seed);
    let today = chrono::Utc::now().date_naive();
    let caseload =
        demo::commune_caseload(&mut rng, today, COMMUNES[0], "79", cases, visits_per_case);
    for chunk in caseload.chunks(100 * (3 + visits_per_case)) {
        device
            .store
            .write(|w| {
                for record in chunk {
                    w.set_all(&record.id, record.kind, record.fields.iter().cloned())?;
                }
                Ok(())
            })
            .expect("caseload");
    }
}

/// One commune's caseload pushed through the sync path, then pulled whole by a fresh device.
pub fn initial_sync(server: &Server, cases: usize, visits: usize, seed: u64) -> InitialSyncReport {
    setup_areas(server);
    let recorder = server.device("ctv-ghi", Role::Collaborator, commune(COMMUNES[0]));
    let visits_per_case = visits / cases.max(1);
    write_caseload(&recorder, cases, visits_per_case, seed);
    let push_started = Instant::now();
    recorder.sync.sync_now().expect("push the caseload");
    let push_elapsed_ms = push_started.elapsed().as_millis();
    let fresh = server.device("ctv-moi", Role::Collaborator, commune(COMMUNES[0]));
    let started = Instant::now();
    let report = fresh.sync.sync_now().expect("initial pull");
    let elapsed = started.elapsed();
    InitialSyncReport {
        cases,
        visits: cases * visits_per_case,
        records: report.pulled_records,
        field_values: report.pulled_values,
        bytes_on_wire: report.bytes_down + report.bytes_up,
        bytes_per_field_value: (report.bytes_down + report.bytes_up) as f64
            / report.pulled_values.max(1) as f64,
        elapsed_ms: elapsed.as_millis(),
        apply_field_values_per_s: report.pulled_values as f64 / elapsed.as_secs_f64().max(1e-9),
        push_elapsed_ms,
    }
}

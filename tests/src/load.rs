//! `hoso-sim load`: many devices at once, each pushing a day of work and pulling its commune, speaking
//! the protocol directly over HTTP (a phone's store would measure the phone, not the server). Devices
//! are set up first (users, codes, enrollment); then each starts at a random moment of a short window,
//! as a province's phones do when they come back into coverage, and the latencies are recorded.

use crate::Server;
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::{Area, AreaKind};
use hoso_model::demo::{self, Rng};
use hoso_model::hlc::{Clock, node_of, system_now_millis};
use hoso_model::op::{FieldOp, RecordKind, new_id};
use hoso_model::protocol::{
    EnrollRequest, EnrollResponse, PushRequest, PushResponse, ReceiptStatus,
};
use hoso_model::role::Role;
use hoso_model::schema::fields;
use serde::Serialize;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub struct LoadOptions {
    pub devices: usize,
    /// Communes the devices are spread over (of Thành phố Hồ Chí Minh, 79).
    pub communes: usize,
    /// Cases each device records in its day (each with a subject and visits).
    pub cases_per_device: usize,
    /// The devices start within this many seconds.
    pub window_s: u64,
    pub seed: u64,
}

#[derive(Debug, Serialize)]
pub struct LoadReport {
    pub devices: usize,
    pub server_processes: usize,
    pub ops_pushed: usize,
    pub push_p50_ms: f64,
    pub push_p99_ms: f64,
    pub pull_p50_ms: f64,
    pub pull_p99_ms: f64,
    pub pulled_field_values: usize,
    pub errors: usize,
    pub elapsed_ms: u128,
}

const PROVINCE: &str = "79";

/// What one device measured: its push's milliseconds, and its pull's with the values it received
/// (`None`: that request failed).
type DeviceOutcome = (Option<f64>, Option<(f64, usize)>);

/// One simulated phone: its credentials and its clock.
struct LoadDevice {
    url: String,
    token: String,
    device_id: String,
    user_id: String,
    commune: String,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn setup(
    server: &Server,
    options: &LoadOptions,
    client: &reqwest::blocking::Client,
) -> Vec<LoadDevice> {
    let units = AdminUnits::builtin();
    let communes: Vec<String> = units
        .communes_of(PROVINCE)
        .into_iter()
        .take(options.communes.max(1))
        .map(|commune| {
            server.create_area(AreaKind::Commune, &commune.code, &commune.name);
            commune.code.clone()
        })
        .collect();
    server.create_area(AreaKind::Province, PROVINCE, "Thành phố Hồ Chí Minh");
    let codes: Vec<(String, String)> = (0..options.devices)
        .map(|i| {
            let commune = communes[i % communes.len()].clone();
            let area = Area {
                kind: AreaKind::Commune,
                code: commune.clone(),
            };
            (
                commune,
                server.user_code(&format!("ctv-{i}"), Role::Collaborator, area),
            )
        })
        .collect();
    let enroll = |i: usize, (commune, code): &(String, String)| -> LoadDevice {
        let url = server.urls[i % server.urls.len()].clone();
        let device_id = new_id();
        let response: EnrollResponse = client
            .post(format!("{url}/v1/enroll"))
            .json(&EnrollRequest {
                code: code.clone(),
                device_id: device_id.clone(),
                device_name: format!("máy {i}"),
            })
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .expect("enrollment");
        LoadDevice {
            url,
            token: response.token,
            device_id,
            user_id: response.user_id,
            commune: commune.clone(),
        }
    };
    std::thread::scope(|scope| {
        let chunks: Vec<_> = codes
            .chunks(codes.len().div_ceil(16).max(1))
            .enumerate()
            .map(|(c, chunk)| {
                let first = c * codes.len().div_ceil(16).max(1);
                scope.spawn(move || {
                    chunk
                        .iter()
                        .enumerate()
                        .map(|(j, code)| enroll(first + j, code))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        chunks
            .into_iter()
            .flat_map(|h| h.join().expect("enrollment thread"))
            .collect()
    })
}

/// A day of work: cases with their subject and visits, as the ops a phone would push.
fn day_of_work(device: &LoadDevice, rng: &mut Rng, cases: usize) -> Vec<FieldOp> {
    let mut clock = Clock::new(node_of(&device.device_id));
    let now = system_now_millis();
    let today = chrono::Utc::now().date_naive();
    let mut op = |record: &str, kind: RecordKind, field: &str, value: serde_json::Value| FieldOp {
        op_id: new_id(),
        record_id: record.to_string(),
        kind,
        field: field.to_string(),
        value,
        hlc: clock.tick(now).expect("a clock that moves forward"),
        supersedes: vec![],
        device_id: device.device_id.clone(),
        author: device.user_id.clone(),
    };
    let mut ops = Vec::new();
    for _ in 0..cases {
        let person = demo::person(rng, today, 5, 90);
        let (person_id, case) = (new_id(), new_id());
        ops.push(op(
            &person_id,
            RecordKind::Person,
            fields::FULL_NAME,
            json!(person.full_name),
        ));
        ops.push(op(
            &person_id,
            RecordKind::Person,
            fields::PHONE,
            json!(person.phone),
        ));
        ops.push(op(
            &case,
            RecordKind::Case,
            fields::COMMUNE_CODE,
            json!(device.commune),
        ));
        ops.push(op(
            &case,
            RecordKind::Case,
            fields::PROVINCE_CODE,
            json!(PROVINCE),
        ));
        ops.push(op(
            &case,
            RecordKind::Case,
            fields::SUBJECT_ID,
            json!(person_id),
        ));
        ops.push(op(&case, RecordKind::Case, fields::STATUS, json!("intake")));
        for _ in 0..3 {
            let visit = new_id();
            ops.push(op(&visit, RecordKind::Visit, fields::CASE_ID, json!(case)));
            ops.push(op(
                &visit,
                RecordKind::Visit,
                "a.visit_date",
                json!(today.to_string()),
            ));
            ops.push(op(
                &visit,
                RecordKind::Visit,
                "a.observations",
                json!(demo::visit_note(rng)),
            ));
        }
    }
    ops
}

/// Pushes the ops; the time taken, or `None` when the push failed or an op was not accepted.
fn push(client: &reqwest::blocking::Client, device: &LoadDevice, ops: Vec<FieldOp>) -> Option<f64> {
    let count = ops.len();
    let started = Instant::now();
    let response: PushResponse = client
        .post(format!("{}/v1/push", device.url))
        .bearer_auth(&device.token)
        .json(&PushRequest { ops, outbox: None })
        .send()
        .and_then(|r| r.error_for_status())
        .and_then(|r| r.json())
        .ok()?;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let accepted = response
        .receipts
        .iter()
        .filter(|r| r.status == ReceiptStatus::Accepted)
        .count();
    (accepted == count).then_some(elapsed)
}

/// Pulls the device's commune from the start; the time taken and the field values received.
fn pull(client: &reqwest::blocking::Client, device: &LoadDevice) -> Option<(f64, usize)> {
    let started = Instant::now();
    let (mut cursor, mut values) = (0u64, 0usize);
    loop {
        let page: serde_json::Value = client
            .get(format!("{}/v1/pull?cursor={cursor}", device.url))
            .bearer_auth(&device.token)
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .ok()?;
        values += page["records"]
            .as_array()?
            .iter()
            .map(|r| r["fields"].as_array().map_or(0, Vec::len))
            .sum::<usize>();
        cursor = page["next_cursor"].as_u64()?;
        if page["has_more"] != json!(true) {
            return Some((started.elapsed().as_secs_f64() * 1000.0, values));
        }
    }
}

pub fn load(server: &Server, options: &LoadOptions) -> LoadReport {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .pool_max_idle_per_host(options.devices)
        .build()
        .expect("an HTTP client");
    let devices = setup(server, options, &client);
    let mut rng = Rng::new(options.seed);
    let work: Vec<(Duration, Vec<FieldOp>)> = devices
        .iter()
        .map(|device| {
            let start = Duration::from_millis(rng.below(options.window_s.max(1) * 1000));
            (
                start,
                day_of_work(device, &mut rng, options.cases_per_device),
            )
        })
        .collect();
    let ops_pushed = work.iter().map(|(_, ops)| ops.len()).sum();
    let errors = AtomicUsize::new(0);
    let started = Instant::now();
    let results: Vec<DeviceOutcome> = std::thread::scope(|scope| {
        let handles: Vec<_> = devices
            .iter()
            .zip(work)
            .map(|(device, (start, ops))| {
                let (client, errors) = (&client, &errors);
                scope.spawn(move || {
                    std::thread::sleep(start.saturating_sub(started.elapsed()));
                    let pushed = push(client, device, ops);
                    let pulled = pull(client, device);
                    errors.fetch_add(
                        usize::from(pushed.is_none()) + usize::from(pulled.is_none()),
                        Ordering::Relaxed,
                    );
                    (pushed, pulled)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("device thread"))
            .collect()
    });
    let elapsed_ms = started.elapsed().as_millis();
    let mut pushes: Vec<f64> = results.iter().filter_map(|r| r.0).collect();
    let mut pulls: Vec<f64> = results.iter().filter_map(|r| r.1.map(|p| p.0)).collect();
    pushes.sort_by(f64::total_cmp);
    pulls.sort_by(f64::total_cmp);
    let round = |v: f64| (v * 10.0).round() / 10.0;
    LoadReport {
        devices: devices.len(),
        server_processes: server.urls.len(),
        ops_pushed,
        push_p50_ms: round(percentile(&pushes, 50.0)),
        push_p99_ms: round(percentile(&pushes, 99.0)),
        pull_p50_ms: round(percentile(&pulls, 50.0)),
        pull_p99_ms: round(percentile(&pulls, 99.0)),
        pulled_field_values: results.iter().filter_map(|r| r.1.map(|p| p.1)).sum(),
        errors: errors.into_inner(),
        elapsed_ms,
    }
}

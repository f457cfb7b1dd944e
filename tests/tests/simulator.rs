//! The simulator's scenarios as tests: 20 devices on a misbehaving network lose nothing; devices
//! sending photos through it, across server restarts, lose none.

use hoso_tests::Server;
use hoso_tests::sim::{ScenarioOptions, initial_sync, scenario};
use std::sync::{Arc, Mutex};

#[test]
fn twenty_devices_with_dropped_duplicated_cut_requests_and_server_restarts_converge_losing_nothing()
{
    let server = Arc::new(Mutex::new(Server::start()));
    let report = scenario(
        server,
        true,
        &ScenarioOptions {
            devices: 20,
            cases: 40,
            edits: 120,
            seed: 7,
            faults: true,
            photos: 0,
            photo_size: (0, 0),
        },
    );
    println!("{}", serde_json::to_string(&report).unwrap());
    assert!(
        report.faults_injected > 0,
        "the network misbehaved: {report:?}"
    );
    assert!(report.sync_failures > 0, "and devices noticed: {report:?}");
    assert!(report.converged, "{report:?}");
    assert_eq!(report.ops_lost, 0, "{report:?}");
    assert_eq!(report.ops_rejected, 0, "{report:?}");
    assert!(report.ops_acknowledged > 500, "{report:?}");
    assert!(
        report.conflicts_recorded > 0,
        "concurrent edits of one field are kept as conflicts: {report:?}"
    );
}

#[test]
fn photos_cut_mid_upload_and_across_server_restarts_are_all_whole_everywhere() {
    let server = Arc::new(Mutex::new(Server::start()));
    let report = scenario(
        server,
        true,
        &ScenarioOptions {
            devices: 4,
            cases: 8,
            edits: 16,
            seed: 11,
            faults: true,
            photos: 3,
            photo_size: (800, 600),
        },
    );
    println!("{}", serde_json::to_string(&report).unwrap());
    assert!(report.faults_injected > 0, "{report:?}");
    assert_eq!(report.photos_uploaded, 12, "every photo went: {report:?}");
    assert_eq!(report.photos_lost, 0, "{report:?}");
    assert!(report.photo_bytes_on_wire > 0, "{report:?}");
    assert!(report.converged, "{report:?}");
    assert_eq!(report.ops_lost, 0, "{report:?}");
}

#[test]
fn a_fresh_device_receives_the_whole_scope_in_one_sync() {
    let server = Server::start();
    let report = initial_sync(&server, 40, 400, 3);
    println!("{}", serde_json::to_string(&report).unwrap());
    // 40 households, persons and cases, 400 visits. The fresh device's user manages none of the
    // cases, so each case's sensitive subject categories are withheld from it.
    assert_eq!(report.records, 40 * 3 + 400);
    assert!(report.field_values >= 40 * 16 + 400 * 8, "{report:?}");
}

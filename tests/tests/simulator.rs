//! The simulator's scenarios as tests: 20 devices on a misbehaving network lose nothing.

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
fn a_fresh_device_receives_the_whole_scope_in_one_sync() {
    let server = Server::start();
    let report = initial_sync(&server, 40, 400, 3);
    println!("{}", serde_json::to_string(&report).unwrap());
    // 40 households, persons and cases, 400 visits. The fresh device's user manages none of the
    // cases, so each case's sensitive subject categories are withheld from it.
    assert_eq!(report.records, 40 * 3 + 400);
    assert!(report.field_values >= 40 * 16 + 400 * 8, "{report:?}");
}

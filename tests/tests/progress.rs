//! A sync tells the app how far it is: pushing a commune's caseload and a fresh device's first pull of
//! it report batches and pages, and a fraction that never goes back and reaches 1, with the server's
//! estimate of what remains shrinking to 0.

use hoso_core::sync::progress::{SyncObserver, SyncPhase, SyncProgress};
use hoso_model::role::Role;
use hoso_tests::sim::{COMMUNES, setup_areas, write_caseload};
use hoso_tests::{Server, commune};
use std::sync::Mutex;

#[derive(Default)]
struct Recorded(Mutex<Vec<SyncProgress>>);

impl SyncObserver for Recorded {
    fn progress(&self, progress: &SyncProgress) {
        self.0.lock().unwrap().push(progress.clone());
    }
}

/// Checks one phase's reports: from 0, never going back, ending at 1 with nothing left.
fn check_phase(reports: &[SyncProgress], phase: SyncPhase) {
    assert!(reports.iter().all(|p| p.phase == phase), "{reports:?}");
    assert_eq!(reports[0].fraction, 0.0);
    for pair in reports.windows(2) {
        assert!(
            pair[1].fraction >= pair[0].fraction && pair[1].done >= pair[0].done,
            "progress went back: {pair:?}"
        );
    }
    let last = reports.last().unwrap();
    assert_eq!((last.fraction, last.remaining), (1.0, Some(0)), "{last:?}");
}

#[test]
fn a_communes_first_sync_reports_progress_that_never_goes_back_and_reaches_one() {
    let server = Server::start();
    setup_areas(&server);
    let recorder = server.device("ctv-ghi", Role::Collaborator, commune(COMMUNES[0]));
    write_caseload(&recorder, 300, 10, 7);

    let pushing = Recorded::default();
    let pushed = recorder.sync.sync_now_observed(&pushing).unwrap();
    let reports = pushing.0.into_inner().unwrap();
    let push: Vec<SyncProgress> = reports
        .iter()
        .filter(|p| p.phase == SyncPhase::Push)
        .cloned()
        .collect();
    check_phase(&push, SyncPhase::Push);
    let last = push.last().unwrap();
    assert_eq!(last.done, pushed.pushed as u64);
    assert_eq!(last.pages as usize, pushed.pushed.div_ceil(1000));
    assert!(last.bytes > 0);
    assert!(
        push[1..push.len() - 1]
            .iter()
            .all(|p| p.fraction > 0.0 && p.fraction < 1.0),
        "every batch but the last moves the bar part of the way"
    );

    let fresh = server.device("ctv-moi", Role::Collaborator, commune(COMMUNES[0]));
    let pulling = Recorded::default();
    let pulled = fresh.sync.sync_now_observed(&pulling).unwrap();
    let pull = pulling.0.into_inner().unwrap();
    check_phase(&pull, SyncPhase::Pull);
    let pages = &pull[1..];
    assert!(
        pages.len() >= 3,
        "a commune arrives in several pages: {pull:?}"
    );
    // Sensitive values of cases another user opened are withheld from this one: done all the same.
    let total = (pulled.pulled_values + pulled.withheld_values) as u64;
    assert_eq!(pages.last().unwrap().done, total);
    assert_eq!(pages.last().unwrap().records, pulled.pulled_records as u64);
    assert_eq!(
        pages[0].done + pages[0].remaining.unwrap(),
        total,
        "with nobody editing meanwhile, the server's first estimate is exact"
    );
    for pair in pages.windows(2) {
        assert!(pair[1].remaining < pair[0].remaining, "{pair:?}");
    }
}

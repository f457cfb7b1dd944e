//! What a running sync tells the app while it works, for a real progress bar: the phase, batches or
//! pages done, records, bytes, and what is left. The fraction never goes back within a phase (the
//! server's estimate of what is left may grow while others edit) and reaches 1 when the phase ends.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncPhase {
    /// Sending this device's outbox, in batches.
    Push,
    /// Receiving the area's changes, page by page.
    Pull,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SyncProgress {
    pub phase: SyncPhase,
    /// Batches sent (push) or pages merged (pull) so far in this phase.
    pub pages: u32,
    /// Ops sent (push) or field values merged (pull) so far.
    pub done: u64,
    /// What is left in the same unit: ops still in the outbox, or field values still on the server
    /// (its estimate). `None` when the server does not say.
    pub remaining: Option<u64>,
    /// Records merged so far (pull; 0 while pushing).
    pub records: u64,
    /// Bytes on the wire so far in this phase, both ways, compressed.
    pub bytes: u64,
    /// Of this phase, from 0 to 1; never smaller than the one reported before it.
    pub fraction: f64,
}

/// Receives progress on the thread that runs the sync, after every batch and page.
pub trait SyncObserver: Send + Sync {
    fn progress(&self, progress: &SyncProgress);
}

/// For a sync nobody watches.
pub struct Unobserved;

impl SyncObserver for Unobserved {
    fn progress(&self, _: &SyncProgress) {}
}

/// One step of a phase: what it added.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Step {
    pub done: u64,
    pub records: u64,
    pub bytes: u64,
    pub remaining: Option<u64>,
}

/// Counts one phase and reports it: a first report at 0, one per step, a last one at 1.
pub(crate) struct PhaseProgress<'a> {
    observer: &'a dyn SyncObserver,
    progress: SyncProgress,
}

impl<'a> PhaseProgress<'a> {
    pub fn begin(observer: &'a dyn SyncObserver, phase: SyncPhase) -> PhaseProgress<'a> {
        let progress = SyncProgress {
            phase,
            pages: 0,
            done: 0,
            remaining: None,
            records: 0,
            bytes: 0,
            fraction: 0.0,
        };
        observer.progress(&progress);
        PhaseProgress { observer, progress }
    }

    pub fn step(&mut self, step: Step) {
        let progress = &mut self.progress;
        progress.pages += 1;
        progress.done += step.done;
        progress.records += step.records;
        progress.bytes += step.bytes;
        // Without the server's figure (it counts only for a sync's first page), what was left before
        // less what this step did.
        progress.remaining = step.remaining.or_else(|| {
            progress
                .remaining
                .map(|left| left.saturating_sub(step.done))
        });
        if let Some(remaining) = progress.remaining {
            let total = (progress.done + remaining).max(1);
            let fraction = progress.done as f64 / total as f64;
            progress.fraction = progress.fraction.max(fraction.min(1.0));
        }
        self.observer.progress(progress);
    }

    /// Reports the phase complete, unless its last step already did.
    pub fn finish(mut self) {
        if self.progress.fraction < 1.0 {
            self.progress.fraction = 1.0;
            self.progress.remaining = Some(0);
            self.observer.progress(&self.progress);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Seen(Mutex<Vec<SyncProgress>>);

    impl SyncObserver for Seen {
        fn progress(&self, progress: &SyncProgress) {
            self.0.lock().unwrap().push(progress.clone());
        }
    }

    fn step(done: u64, remaining: Option<u64>) -> Step {
        Step {
            done,
            records: done / 10,
            bytes: done * 8,
            remaining,
        }
    }

    #[test]
    fn the_fraction_never_goes_back_even_when_the_estimate_grows_and_ends_at_one() {
        let seen = Seen::default();
        let mut phase = PhaseProgress::begin(&seen, SyncPhase::Pull);
        phase.step(step(100, Some(300)));
        // Someone edits meanwhile: the server now has more than it said.
        phase.step(step(100, Some(600)));
        phase.step(step(100, None));
        phase.step(step(600, Some(0)));
        phase.finish();
        let seen = seen.0.into_inner().unwrap();
        let fractions: Vec<f64> = seen.iter().map(|p| p.fraction).collect();
        assert_eq!(fractions, vec![0.0, 0.25, 0.25, 0.375, 1.0]);
        assert_eq!(
            seen[3].remaining,
            Some(500),
            "600 left less the 100 of a step without a figure"
        );
        assert_eq!(seen.last().unwrap().done, 900);
        assert_eq!(seen.last().unwrap().pages, 4);
        assert_eq!(seen.last().unwrap().bytes, 7200);
    }

    #[test]
    fn after_the_first_page_the_bar_counts_down_from_the_servers_figure() {
        let seen = Seen::default();
        let mut phase = PhaseProgress::begin(&seen, SyncPhase::Pull);
        phase.step(step(250, Some(750)));
        phase.step(step(250, None));
        phase.step(step(250, None));
        let seen = seen.0.into_inner().unwrap();
        let shown: Vec<(f64, Option<u64>)> =
            seen.iter().map(|p| (p.fraction, p.remaining)).collect();
        assert_eq!(
            shown,
            vec![
                (0.0, None),
                (0.25, Some(750)),
                (0.5, Some(500)),
                (0.75, Some(250))
            ]
        );
    }

    #[test]
    fn a_phase_whose_server_gives_no_estimate_still_ends_at_one() {
        let seen = Seen::default();
        let mut phase = PhaseProgress::begin(&seen, SyncPhase::Push);
        phase.step(step(1000, None));
        phase.finish();
        let seen = seen.0.into_inner().unwrap();
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[2].fraction, 1.0);
        assert_eq!(seen[2].remaining, Some(0));
    }
}

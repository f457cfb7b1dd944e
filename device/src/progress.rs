//! A sync run with a progress line: the run is one core call (`sync_run`) on a thread of its own while
//! this one draws how long it has been running; the screen it answers says what it did.

use crate::render::Lang;
use hoso_core::ffi::{ApiError, HosoCore};
use hoso_core::screens::sync::SyncScreen;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const FRAMES: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

pub fn sync_with_bar(core: &HosoCore, lang: Lang) -> Result<SyncScreen, ApiError> {
    let label = lang.say("Đang đồng bộ…", "Syncing…");
    let terminal = std::io::stdout().is_terminal();
    if !terminal {
        println!("{label}");
    }
    std::thread::scope(|scope| {
        let run = scope.spawn(|| core.sync_run());
        let start = Instant::now();
        let mut frame = 0;
        while !run.is_finished() {
            if terminal {
                print!(
                    "\r{} {label} {} s ",
                    FRAMES[frame % FRAMES.len()],
                    start.elapsed().as_secs()
                );
                // A late frame only draws late.
                std::io::stdout().flush().ok();
                frame += 1;
            }
            std::thread::sleep(Duration::from_millis(120));
        }
        if terminal {
            println!();
        }
        run.join().unwrap_or(Err(ApiError::Internal))
    })
}

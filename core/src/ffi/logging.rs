//! The core's log lines, delivered to the platform: the app implements [`LogSink`] (a foreign trait;
//! on Android it writes to Logcat, on iOS to OSLog) and installs it with [`set_log_sink`]. The core's
//! `tracing` events and the `log` records of its libraries (rustls, ureq) reach it at the level the
//! app sets with [`set_log_level`] — the libraries' at most at `Debug`, since their `Trace` dumps the
//! bytes on the wire, the device's token included. No line carries personal data: the core logs ids,
//! codes, counts and the system's words about a failure, never a field value.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Once, PoisonError, RwLock};
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct LogEntry {
    pub level: LogLevel,
    /// Where the line comes from (`hoso_core::sync::client`, `rustls::client::hs`), for the tag.
    pub target: String,
    /// The message and its fields, `key=value`.
    pub message: String,
}

/// Implemented by the app. Called on whichever thread logs (the sync's, a page fetcher's, the
/// checkpointer's): it must be thread-safe and must not call back into the core.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    fn log(&self, entry: LogEntry);
}

static SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);
/// The most verbose level delivered, as `LogLevel as u8 + 1`; 0 delivers nothing.
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);
static INSTALL: Once = Once::new();

/// Sends the core's log lines at `level` and above to `sink` (replacing an earlier sink). The first
/// call installs the core's subscriber for the process; a Rust host that installed its own first
/// keeps receiving the events instead.
#[uniffi::export]
pub fn set_log_sink(sink: Arc<dyn LogSink>, level: LogLevel) {
    *SINK.write().unwrap_or_else(PoisonError::into_inner) = Some(sink);
    INSTALL.call_once(|| {
        let _ = tracing_log::LogTracer::init();
        let _ =
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(SinkLayer));
    });
    set_log_level(level);
}

/// Changes the most verbose level delivered to the sink (e.g. `Debug` while support investigates).
#[uniffi::export]
pub fn set_log_level(level: LogLevel) {
    MAX_LEVEL.store(level as u8 + 1, Ordering::Relaxed);
    log::set_max_level(match level {
        LogLevel::Error => log::LevelFilter::Error,
        LogLevel::Warn => log::LevelFilter::Warn,
        LogLevel::Info => log::LevelFilter::Info,
        LogLevel::Debug | LogLevel::Trace => log::LevelFilter::Debug,
    });
}

fn level_of(level: &Level) -> LogLevel {
    match *level {
        Level::ERROR => LogLevel::Error,
        Level::WARN => LogLevel::Warn,
        Level::INFO => LogLevel::Info,
        Level::DEBUG => LogLevel::Debug,
        Level::TRACE => LogLevel::Trace,
    }
}

fn delivered(level: &Level) -> bool {
    (level_of(level) as u8) < MAX_LEVEL.load(Ordering::Relaxed)
}

/// Hands every event the level lets through to the sink, formatted once.
struct SinkLayer;

impl<S: Subscriber> Layer<S> for SinkLayer {
    /// Asked again at every event, so that a level changed later takes effect at once.
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        delivered(metadata.level())
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let Some(sink) = SINK.read().unwrap_or_else(PoisonError::into_inner).clone() else {
            return;
        };
        // A `log` record arrives under a generic callsite; its own target is in the normalised one.
        let normalized = event.normalized_metadata();
        let metadata = normalized.as_ref().unwrap_or_else(|| event.metadata());
        let mut line = Line::default();
        event.record(&mut line);
        sink.log(LogEntry {
            level: level_of(metadata.level()),
            target: metadata.target().to_string(),
            message: line.text(),
        });
    }
}

/// An event's message followed by its fields as `key=value`.
#[derive(Default)]
struct Line {
    message: String,
    fields: String,
}

impl Line {
    fn text(self) -> String {
        if self.fields.is_empty() {
            self.message
        } else {
            format!("{}{}", self.message, self.fields)
        }
    }
}

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let name = field.name();
        let _ = match name {
            "message" => write!(self.message, "{value:?}"),
            _ if name.starts_with("log.") => Ok(()),
            _ => write!(self.fields, " {name}={value:?}"),
        };
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }
}

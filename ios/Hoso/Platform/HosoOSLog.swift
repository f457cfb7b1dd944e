// Sends the core's log lines to OSLog (Console.app, `log stream`), under the subsystem "vn.hoso.core"
// with the line's source as the category, at the level the app sets.
import HosoCore
import os

final class HosoOSLog: LogSink {
    private let subsystem = "vn.hoso.core"

    /// Installs this sink for the whole app; called once at start (HosoApp.init).
    static func install(level: LogLevel = .info) {
        setLogSink(sink: HosoOSLog(), level: level)
    }

    func log(entry: LogEntry) {
        let logger = Logger(subsystem: subsystem, category: entry.target)
        // The core's lines carry no personal data, so they may be shown in full.
        switch entry.level {
        case .error: logger.error("\(entry.message, privacy: .public)")
        case .warn: logger.warning("\(entry.message, privacy: .public)")
        case .info: logger.info("\(entry.message, privacy: .public)")
        case .debug: logger.debug("\(entry.message, privacy: .public)")
        case .trace: logger.trace("\(entry.message, privacy: .public)")
        }
    }
}

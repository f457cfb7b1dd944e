// Opens the device's encrypted store once per process, for the screens and the background sync alike,
// with the key from the Keychain. Opening blocks: call it off the main actor.
import Foundation
import HosoCore

final class CoreOpener: @unchecked Sendable {
    static let shared = CoreOpener()

    private let lock = NSLock()
    private var core: HosoCore?

    /// The open core; throws the core's `ApiError` (`WrongKey`, `Damaged`, `NewerApp`) when it cannot open.
    func open() throws -> HosoCore {
        lock.lock()
        defer { lock.unlock() }
        if let core { return core }
        let opened = try HosoCore.open(path: try Self.databaseURL().path, keyHex: try DatabaseKey.keyHex())
        // The server's logs tell app versions apart by the User-Agent.
        let version = Bundle.main.object(forInfoDictionaryKey: "CFBundleShortVersionString") as? String
        try opened.identifyApp(name: "hoso-ios", version: version ?? "0")
        core = opened
        return opened
    }

    /// Erases the store and its key when it can never be opened again (a lost key, a damaged file).
    /// Synced case files stay on the server; the device enrolls again.
    func erase() throws {
        lock.lock()
        defer { lock.unlock() }
        core = nil
        try FileManager.default.removeItem(at: try Self.folder())
        DatabaseKey.forget()
    }

    /// Application Support/hoso: out of backups, readable after the phone's first unlock (background sync).
    private static func folder() throws -> URL {
        var folder = try FileManager.default
            .url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
            .appendingPathComponent("hoso", isDirectory: true)
        try FileManager.default.createDirectory(
            at: folder,
            withIntermediateDirectories: true,
            attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication]
        )
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try folder.setResourceValues(values)
        return folder
    }

    private static func databaseURL() throws -> URL {
        try folder().appendingPathComponent("hoso.db")
    }
}

// The app's state above the screens: the open core, where the launch flow stands (enroll, choose a PIN,
// unlock, ready), and the language the core's texts are shown in. Every core call goes through `call`,
// off the main actor; a `Locked` answer sends the user back to the PIN.
import HosoCore
import SwiftUI

@MainActor
@Observable
final class AppModel {
    private(set) var core: HosoCore?
    private(set) var launch: LaunchScreen?
    /// The store could not be opened (a lost key, a damaged file, a newer app's data).
    private(set) var openFailure: ApiError?
    var language: Language = Language.fromSystem()

    func start() async {
        do {
            let core = try await background { try CoreOpener.shared.open() }
            self.core = core
            openFailure = nil
            launch = try await background { try core.launchScreen() }
            await readLanguage()
        } catch {
            openFailure = error as? ApiError ?? .Internal
        }
    }

    /// Runs one core call off the main actor. `Locked` means the session ended: back to the launch flow.
    func call<R: Sendable>(_ body: @escaping @Sendable (HosoCore) throws -> R) async throws -> R {
        guard let core else { throw ApiError.Locked }
        do {
            return try await background { try body(core) }
        } catch ApiError.Locked {
            launch = try? await background { try core.launchScreen() }
            throw ApiError.Locked
        }
    }

    /// A launch step answered (enrolled, PIN set, unlocked, locked).
    func launched(_ screen: LaunchScreen) async {
        launch = screen
        if case .ready = screen.stage { await readLanguage() }
    }

    /// Erases the store that cannot be opened, so the device can enroll again.
    func eraseAndRestart() async {
        try? await background { try CoreOpener.shared.erase() }
        await start()
    }

    private func readLanguage() async {
        guard case .ready = launch?.stage, let settings = try? await call({ try $0.settingsScreen() }) else { return }
        language = settings.language
    }
}

/// Runs a blocking core call on a background thread.
func background<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
    try await Task.detached(priority: .userInitiated, operation: work).value
}

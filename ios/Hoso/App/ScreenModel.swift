// One screen's state as the core last answered it, the failure to show, and whether a call is running.
// Every screen read and every user action is one core call that answers the screen's whole new state.
import HosoCore
import SwiftUI

@MainActor
@Observable
final class ScreenModel<State: Sendable> {
    var state: State?
    private(set) var error: ApiError?
    private(set) var busy = false

    /// Replaces the state with the answer of one core call.
    func update(_ app: AppModel, _ call: @escaping @Sendable (HosoCore) throws -> State) async {
        if let answer = await perform(app, call) { state = answer }
    }

    /// Runs one core call, keeping its failure to show; nil when it failed.
    func perform<R: Sendable>(_ app: AppModel, _ call: @escaping @Sendable (HosoCore) throws -> R) async -> R? {
        busy = true
        defer { busy = false }
        do {
            let answer = try await app.call(call)
            error = nil
            return answer
        } catch let failure as ApiError {
            error = failure
        } catch {
            self.error = .Internal
        }
        return nil
    }
}

// What the user reads when a core call fails: the core's own words when it gives them (a refusal, an
// invalid input, how the network failed, the server's refusal), the app's String Catalog for the rest.
// No error carries personal data.
import HosoCore
import SwiftUI

struct ErrorNotice: View {
    let error: ApiError
    @Environment(\.coreLanguage) private var language

    var body: some View {
        Label { message } icon: { Image(systemName: "exclamationmark.triangle") }
            .foregroundStyle(.red)
            .font(.callout)
    }

    private var message: Text {
        switch error {
        case let .Invalid(vi, en), let .NotAllowed(vi, en): Text(language.pick(vi: vi, en: en))
        case let .Validation(issues): Text("error.validation \(issues.count)")
        case let .Network(_, vi, en): Text(verbatim: language.pick(vi: vi, en: en))
        case let .Server(_, _, vi, en): Text(verbatim: language.pick(vi: vi, en: en))
        case .Revoked: Text("error.revoked")
        case .Interrupted: Text("error.interrupted")
        case .Locked: Text("error.locked")
        case .NotFound: Text("error.notFound")
        case .WrongKey: Text("error.wrongKey")
        case .NewerApp: Text("error.newerApp")
        case .Damaged: Text("error.damaged")
        case .Internal: Text("error.internal")
        }
    }
}

/// A message the user must read (a wrong PIN, what a sync did).
struct NoticeText: View {
    let text: Localized
    var warning = false

    var body: some View {
        Label { CoreText(text) } icon: { Image(systemName: warning ? "exclamationmark.triangle" : "info.circle") }
            .foregroundStyle(warning ? Color.red : Color.primary)
            .font(.callout)
    }
}

/// Marks sensitive personal data (NĐ 356/2025).
struct SensitiveMark: View {
    var body: some View {
        Label("form.sensitive", systemImage: "lock.fill")
            .font(.caption2)
            .foregroundStyle(.purple)
    }
}

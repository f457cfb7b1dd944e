// Texts the core gives in both languages (`Localized {vi, en}`), shown in the user's language, and the
// language itself: the one chosen in the settings, or the phone's before the app is unlocked.
import HosoCore
import SwiftUI

extension EnvironmentValues {
    @Entry var coreLanguage: Language = .vi
}

extension Language {
    static func fromSystem() -> Language {
        Locale.preferredLanguages.first?.hasPrefix("en") == true ? .en : .vi
    }

    var locale: Locale { Locale(identifier: self == .en ? "en" : "vi") }

    func pick(_ text: Localized) -> String { self == .en ? text.en : text.vi }

    func pick(vi: String, en: String) -> String { self == .en ? en : vi }
}

/// A core text in the user's language.
struct CoreText: View {
    let text: Localized
    @Environment(\.coreLanguage) private var language

    init(_ text: Localized) { self.text = text }

    var body: some View { Text(language.pick(text)) }
}

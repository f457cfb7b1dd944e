// A text field for a field the user types (text, numbers, money, ID, phone, dates). It keeps what is being
// typed and autosaves it once typing pauses or the field loses focus; the core reads it by the field's kind
// ("1.500.000" for money, "05/11/2026" for a date) and answers the text to show.
import HosoCore
import SwiftUI

struct TypedField: View {
    let field: FieldView
    var keyboard: UIKeyboardType = .default
    var multiline = false
    var suffix: LocalizedStringKey?
    let onAnswer: (AnswerInput) -> Void

    @State private var text = ""
    @State private var lastSent = ""
    @FocusState private var focused: Bool
    @Environment(\.coreLanguage) private var language

    /// How long typing must pause before the answer is saved: one call per pause, not per key.
    private static let autosavePause = Duration.milliseconds(700)

    var body: some View {
        HStack {
            TextField("", text: $text, axis: multiline ? .vertical : .horizontal)
                .lineLimit(multiline ? 3...10 : 1...1)
                .keyboardType(keyboard)
                .focused($focused)
                .accessibilityLabel(Text(language.pick(field.label)))
                .onSubmit(save)
            if let suffix { Text(suffix).foregroundStyle(.secondary) }
        }
        .onAppear { adopt(field.text) }
        .onChange(of: field.text) { _, answered in if !focused { adopt(answered) } }
        .onChange(of: focused) { _, now in if !now { save() } }
        .task(id: text) {
            do { try await Task.sleep(for: Self.autosavePause) } catch { return }
            save()
        }
    }

    private func adopt(_ answered: String) {
        text = answered
        lastSent = answered
    }

    private func save() {
        guard text != lastSent else { return }
        lastSent = text
        onAnswer(.text(text: text))
    }
}

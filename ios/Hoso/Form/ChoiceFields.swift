// Editors for fields the user picks: one choice (a menu), several choices (toggles), yes/no. Each pick is
// saved at once; choices revealing sensitive data are marked.
import HosoCore
import SwiftUI

struct ChoiceField: View {
    let field: FieldView
    let choices: [ChoiceView]
    let onAnswer: (AnswerInput) -> Void
    @Environment(\.coreLanguage) private var language

    var body: some View {
        Menu {
            ForEach(choices, id: \.code) { choice in
                Button { onAnswer(.choice(code: choice.code)) } label: {
                    if field.selected.contains(choice.code) {
                        Label(language.pick(choice.label), systemImage: "checkmark")
                    } else {
                        Text(language.pick(choice.label))
                    }
                }
            }
            if field.answered {
                Button("form.clear", role: .destructive) { onAnswer(.clear) }
            }
        } label: {
            HStack {
                if let current = choices.first(where: { field.selected.contains($0.code) }) {
                    CoreText(current.label)
                    if current.sensitive { SensitiveMark() }
                } else {
                    Text("form.pick")
                }
                Image(systemName: "chevron.up.chevron.down")
            }
        }
    }
}

struct MultiChoiceField: View {
    let field: FieldView
    let choices: [ChoiceView]
    let onAnswer: (AnswerInput) -> Void

    var body: some View {
        ForEach(choices, id: \.code) { choice in
            Toggle(isOn: Binding(
                get: { field.selected.contains(choice.code) },
                set: { now in
                    let codes = now ? field.selected + [choice.code] : field.selected.filter { $0 != choice.code }
                    onAnswer(.choices(codes: codes))
                }
            )) {
                HStack {
                    CoreText(choice.label)
                    if choice.sensitive { SensitiveMark() }
                }
            }
        }
    }
}

/// Yes or no; picking the chosen answer again removes it (the question may be left unanswered).
struct YesNoField: View {
    let field: FieldView
    let onAnswer: (AnswerInput) -> Void

    var body: some View {
        HStack {
            answer(true, "form.yes")
            answer(false, "form.no")
        }
    }

    private func answer(_ value: Bool, _ label: LocalizedStringKey) -> some View {
        let chosen = field.checked == value
        return Button { onAnswer(chosen ? .clear : .boolean(value: value)) } label: {
            Label(label, systemImage: chosen ? "checkmark.circle.fill" : "circle")
        }
        .buttonStyle(.bordered)
    }
}

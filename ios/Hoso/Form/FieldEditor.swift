// One field of a form: its label (required mark, sensitive mark, hint, legal reference), the editor its
// input kind calls for, and the issues the core found in its answer, shown as the core words them.
import HosoCore
import SwiftUI

struct FieldEditor: View {
    let field: FieldView
    let formEditable: Bool
    let onAnswer: (AnswerInput) -> Void
    let onAddItem: () -> Void

    private var enabled: Bool { formEditable && field.editable }

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            FieldLabel(field: field)
            editor
            ForEach(Array(field.issues.enumerated()), id: \.offset) { _, issue in
                CoreText(issue.message).font(.caption).foregroundStyle(.red)
            }
        }
        .disabled(!enabled)
    }

    @ViewBuilder
    private var editor: some View {
        switch field.input {
        case let .text(multiline, _): TypedField(field: field, keyboard: .default, multiline: multiline, onAnswer: onAnswer)
        case .integer, .citizenId: TypedField(field: field, keyboard: .numberPad, onAnswer: onAnswer)
        case .decimal: TypedField(field: field, keyboard: .decimalPad, onAnswer: onAnswer)
        case .money: TypedField(field: field, keyboard: .numberPad, suffix: "form.moneyUnit", onAnswer: onAnswer)
        case .phone: TypedField(field: field, keyboard: .phonePad, onAnswer: onAnswer)
        case .date: DateField(field: field, onAnswer: onAnswer)
        case let .choice(choices): ChoiceField(field: field, choices: choices, onAnswer: onAnswer)
        case let .multiChoice(choices): MultiChoiceField(field: field, choices: choices, onAnswer: onAnswer)
        case .boolean: YesNoField(field: field, onAnswer: onAnswer)
        case let .`repeat`(_, max, items):
            Text("form.listItems \(Int(items))").font(.caption)
            Button("form.addItem", systemImage: "plus", action: onAddItem)
                .disabled(max.map { items >= $0 } ?? false)
        }
    }
}

private struct FieldLabel: View {
    let field: FieldView
    @Environment(\.coreLanguage) private var language

    var body: some View {
        HStack {
            Text(verbatim: field.required ? "\(language.pick(field.label)) *" : language.pick(field.label))
                .font(.subheadline.weight(.semibold))
            if field.sensitive { SensitiveMark() }
        }
        if let hint = field.hint { CoreText(hint).font(.caption) }
        if let legalRef = field.legalRef { Text(legalRef).font(.caption2).foregroundStyle(.secondary) }
    }
}

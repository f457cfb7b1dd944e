// The current step's actions: each allowed one is a button (asking for a reason when the action needs
// one); each refused one is shown disabled with the core's reason. Also the forms the user may start, and
// why the others may not be started now.
import HosoCore
import SwiftUI

struct ActionsSection: View {
    let actions: [ActionView]
    let onAct: (CaseAction, CaseActionInput) -> Void
    @State private var asking: Asking?

    var body: some View {
        Section("case.actions") {
            if actions.isEmpty { Text("case.noActions").foregroundStyle(.secondary) }
            ForEach(actions, id: \.action) { action in
                VStack(alignment: .leading) {
                    Button {
                        if action.needsReason {
                            asking = Asking(action: action)
                        } else {
                            onAct(action.action, CaseActionInput(reason: ""))
                        }
                    } label: { CoreText(action.label) }
                    .disabled(!action.allowed)
                    if let refusal = action.refusal { CoreText(refusal).font(.caption).foregroundStyle(.secondary) }
                }
            }
        }
        .sheet(item: $asking) { asking in
            ReasonSheet(action: asking.action) { input in
                self.asking = nil
                onAct(asking.action.action, input)
            }
        }
    }

    /// The action whose input sheet is open.
    private struct Asking: Identifiable {
        let action: ActionView
        var id: CaseAction { action.action }
    }
}

/// Asks why: a plan or a closure proposal is returned, or a closed case reopened.
private struct ReasonSheet: View {
    let action: ActionView
    let onConfirm: (CaseActionInput) -> Void
    @Environment(\.dismiss) private var dismiss
    @Environment(\.coreLanguage) private var language
    @State private var reason = ""

    var body: some View {
        NavigationStack {
            Form {
                TextField("case.actionReason", text: $reason, axis: .vertical).lineLimit(3...8)
            }
            .navigationTitle(Text(language.pick(action.label)))
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("action.cancel") { dismiss() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("action.confirm") {
                        onConfirm(CaseActionInput(reason: reason))
                    }
                }
            }
        }
    }
}

struct NewFormsSection: View {
    let options: [NewFormOption]
    let onStart: (String) -> Void

    var body: some View {
        Section("case.newForms") {
            ForEach(options, id: \.formId) { option in
                VStack(alignment: .leading) {
                    Button { onStart(option.formId) } label: { CoreText(option.title) }
                        .disabled(!option.allowed)
                    if let refusal = option.refusal { CoreText(refusal).font(.caption).foregroundStyle(.secondary) }
                }
            }
        }
    }
}

// The generic form renderer: every form of the core (Mẫu số 01–06, visit notes, referrals, consent) drawn
// from its screen state — sections, fields in order with their input kinds, visibility, required marks,
// answers and the core's Vietnamese/English issues — and the way the form is finished. Every change is one
// autosave call answering the whole new form; the page evaluates no condition and no check.
import HosoCore
import SwiftUI

struct FormPage: View {
    let recordId: String
    @Environment(AppModel.self) private var app
    @State private var model = ScreenModel<FormScreen>()

    var body: some View {
        Form {
            if let state = model.state {
                FormHeader(state: state)
                if let error = model.error { ErrorNotice(error: error) }
                ForEach(state.sections, id: \.id) { section in
                    Section { sectionLines(section, state) } header: { CoreText(section.title) }
                }
                if !state.orphaned.isEmpty { OrphanedSection(answers: state.orphaned) }
                FinishSection(state: state, busy: model.busy) { finish(state) }
            } else if let error = model.error {
                ErrorNotice(error: error)
            }
        }
        .navigationTitle(Text(model.state.map { app.language.pick($0.title) } ?? ""))
        .navigationBarTitleDisplayMode(.inline)
        .task { await model.update(app) { [recordId] core in try core.formOpen(recordId: recordId) } }
    }

    @ViewBuilder
    private func sectionLines(_ section: SectionView, _ state: FormScreen) -> some View {
        ForEach(formLines(section, editable: state.editable)) { line in
            switch line {
            case let .itemHeader(list, index, removable):
                HStack {
                    Text("form.item \(Int(index) + 1)").font(.headline)
                    Spacer()
                    if removable {
                        Button(role: .destructive) { change { [recordId] core in try core.formRemoveItem(recordId: recordId, list: list, index: index) } } label: {
                            Label("form.removeItem \(Int(index) + 1)", systemImage: "trash").labelStyle(.iconOnly)
                        }
                    }
                }
            case let .field(field):
                FieldEditor(field: field, formEditable: state.editable) { input in
                    change { [recordId] core in try core.formAnswer(recordId: recordId, path: field.path, input: input) }
                } onAddItem: {
                    change { [recordId] core in try core.formAddItem(recordId: recordId, list: field.path) }
                }
            }
        }
    }

    /// One autosave or list change: the core answers the whole new form.
    private func change(_ call: @escaping @Sendable (HosoCore) throws -> FormScreen) {
        Task { await model.update(app, call) }
    }

    private func finish(_ state: FormScreen) {
        switch state.finish {
        case .complete:
            change { [recordId] core in try core.formComplete(recordId: recordId) }
        case let .throughCase(action):
            let input = CaseActionInput(reason: "")
            change { [recordId, caseId = state.caseId] core in
                _ = try core.caseAct(caseId: caseId, action: action, input: input)
                return try core.formOpen(recordId: recordId)
            }
        case .done:
            break
        }
    }
}

private struct FormHeader: View {
    let state: FormScreen

    var body: some View {
        Section {
            VStack(alignment: .leading, spacing: 4) {
                CoreText(state.title).font(.headline)
                if !state.subjectName.isEmpty { Text(state.subjectName) }
                HStack {
                    CoreText(state.statusLabel)
                    if !state.legalRef.isEmpty { Text(state.legalRef) }
                }
                .font(.caption)
                CoreText(state.description).font(.callout)
            }
            if let reason = state.readOnlyReason { NoticeText(text: reason) }
            if !state.issues.isEmpty { Text("form.issues \(state.issues.count)").foregroundStyle(.red) }
        }
    }
}

private struct OrphanedSection: View {
    let answers: [OrphanedAnswer]

    var body: some View {
        Section("form.orphaned") {
            ForEach(answers, id: \.name) { answer in
                LabeledContent(answer.name, value: answer.valueJson)
            }
        }
    }
}

private struct FinishSection: View {
    let state: FormScreen
    let busy: Bool
    let onFinish: () -> Void

    var body: some View {
        if state.finish != .done {
            Section {
                Button(action: onFinish) { CoreText(state.finishLabel) }
                    .disabled(!state.finishAllowed || busy)
                if let refusal = state.finishRefusal { CoreText(refusal).font(.caption).foregroundStyle(.secondary) }
            }
        }
    }
}

// Today's agenda: follow-ups overdue, due today and due this week, each with its case and the reason and
// legal reference the core's follow-up engine gives. Tapping one opens its case.
import HosoCore
import SwiftUI

struct AgendaPage: View {
    @Environment(AppModel.self) private var app
    @Environment(\.openRoute) private var openRoute
    @State private var model = ScreenModel<AgendaScreen>()

    var body: some View {
        List {
            if let error = model.error { ErrorNotice(error: error) }
            if let state = model.state {
                Text("agenda.today \(state.today.text)").font(.headline)
                group("agenda.overdue", state.overdue)
                group("agenda.dueToday", state.dueToday)
                group("agenda.thisWeek", state.thisWeek)
            }
        }
        .overlay { if model.state == nil && model.busy { ProgressView() } }
        .refreshable { await load() }
        .task { await load() }
    }

    private func group(_ title: LocalizedStringKey, _ items: [AgendaItem]) -> some View {
        Section {
            if items.isEmpty { Text("agenda.nothing").foregroundStyle(.secondary) }
            ForEach(Array(items.enumerated()), id: \.offset) { _, item in
                Button { if let caseId = item.caseId { openRoute(.caseFile(caseId)) } } label: { AgendaRow(item: item) }
                    .disabled(item.caseId == nil)
            }
        } header: {
            Text(title) + Text(verbatim: " (\(items.count))")
        }
    }

    private func load() async {
        await model.update(app) { try $0.agendaScreen() }
    }
}

/// One follow-up, as the agenda and a case's file list them.
struct AgendaRow: View {
    let item: AgendaItem

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text("agenda.dueOn \(item.due.text)")
                .font(.caption)
                .foregroundStyle(item.overdue ? .red : .secondary)
            HStack {
                CoreText(item.title).font(.headline)
                if !item.subjectName.isEmpty { Text(verbatim: "· \(item.subjectName)") }
            }
            CoreText(item.reason).font(.subheadline)
            Text(item.legalRef).font(.caption2).foregroundStyle(.secondary)
        }
        .foregroundStyle(.primary)
    }
}

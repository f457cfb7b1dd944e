// The caseload: a search field ("duc" finds "Đức": the core folds Vietnamese), filters for the step, overdue
// work and "mine", and the matching cases as the core orders them. A new subject is taken in from here.
import HosoCore
import SwiftUI

struct CaseListPage: View {
    @Environment(AppModel.self) private var app
    @Environment(\.openRoute) private var openRoute
    @State private var model = ScreenModel<CaseListScreen>()
    @State private var filter = CaseFilter(query: "", step: nil, overdueOnly: false, mineOnly: false, limit: 0)
    @State private var takingIn = false

    var body: some View {
        List {
            Section { CaseFilters(filter: $filter, perStep: model.state?.perStep ?? []) }
            if let error = model.error { ErrorNotice(error: error) }
            if let state = model.state {
                Section {
                    if state.searchCapped { Text("search.typeMore").foregroundStyle(.secondary) }
                    if state.rows.isEmpty { Text("cases.none").foregroundStyle(.secondary) }
                    ForEach(state.rows, id: \.caseId) { row in
                        Button { openRoute(.caseFile(row.caseId)) } label: { CaseRowView(row: row) }
                    }
                } header: {
                    Text("cases.matching \(Int(state.matching))")
                }
            }
        }
        .searchable(text: $filter.query, prompt: Text("cases.searchHint"))
        .toolbar {
            Button("cases.new", systemImage: "person.badge.plus") { takingIn = true }
        }
        .sheet(isPresented: $takingIn) { NewCaseSheet { recordId in openRoute(.form(recordId)) } }
        .task(id: filter) {
            // One search per pause in typing, not per key.
            do { try await Task.sleep(for: .milliseconds(model.state == nil ? 0 : 300)) } catch { return }
            await load()
        }
        .refreshable { await load() }
    }

    private func load() async {
        let filter = filter
        await model.update(app) { try $0.caseList(filter: filter) }
    }
}

private struct CaseFilters: View {
    @Binding var filter: CaseFilter
    let perStep: [UInt32]

    var body: some View {
        ScrollView(.horizontal, showsIndicators: false) {
            HStack {
                Toggle("cases.filterMine", isOn: $filter.mineOnly).toggleStyle(.button)
                Toggle("cases.filterOverdue", isOn: $filter.overdueOnly).toggleStyle(.button)
                ForEach(Array(perStep.enumerated()), id: \.offset) { index, count in
                    let step = UInt8(index + 1)
                    Toggle(
                        "cases.filterStep \(Int(index + 1)) \(Int(count))",
                        isOn: Binding(get: { filter.step == step }, set: { filter.step = $0 ? step : nil })
                    )
                    .toggleStyle(.button)
                }
            }
        }
    }
}

/// One case in a list: its subject, step, next follow-up and overdue count.
struct CaseRowView: View {
    let row: CaseRow
    @Environment(\.coreLanguage) private var language

    var body: some View {
        HStack {
            VStack(alignment: .leading, spacing: 2) {
                CoreText(row.stage.label).font(.caption).foregroundStyle(.secondary)
                Text(row.subjectName).font(.headline)
                if let birth = row.subjectBirth { Text("person.bornOn \(birth.text)").font(.caption) }
                if let next = row.next, let due = row.nextDue {
                    Text(verbatim: "\(language.pick(next)) · \(due.text)").font(.subheadline)
                }
                if row.mine { Text("cases.mineMarker").font(.caption) }
            }
            Spacer()
            if row.overdue > 0 {
                Text(verbatim: "\(row.overdue)")
                    .font(.caption.bold())
                    .padding(6)
                    .background(Circle().fill(.red))
                    .foregroundStyle(.white)
            }
        }
        .foregroundStyle(.primary)
    }
}

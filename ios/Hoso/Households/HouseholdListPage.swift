// Households: searched by the head's name, the address or a member's name; each row opens the household.
import HosoCore
import SwiftUI

struct HouseholdListPage: View {
    @Environment(AppModel.self) private var app
    @Environment(\.openRoute) private var openRoute
    @State private var model = ScreenModel<HouseholdListScreen>()
    @State private var query = ""

    var body: some View {
        List {
            if let error = model.error { ErrorNotice(error: error) }
            if let state = model.state {
                Section {
                    if state.rows.isEmpty { Text("households.none").foregroundStyle(.secondary) }
                    ForEach(state.rows, id: \.householdId) { row in
                        Button { openRoute(.household(row.householdId)) } label: {
                            VStack(alignment: .leading, spacing: 2) {
                                Text(row.headName).font(.headline)
                                Text(row.address).font(.subheadline)
                                Text("households.counts \(Int(row.members)) \(Int(row.cases))").font(.caption)
                            }
                            .foregroundStyle(.primary)
                        }
                    }
                } header: {
                    Text("households.matching \(Int(state.matching))")
                }
            }
        }
        .searchable(text: $query, prompt: Text("households.searchHint"))
        .task(id: query) {
            do { try await Task.sleep(for: .milliseconds(model.state == nil ? 0 : 300)) } catch { return }
            await load()
        }
        .refreshable { await load() }
    }

    private func load() async {
        let query = query
        await model.update(app) { try $0.householdList(query: query, limit: 0) }
    }
}

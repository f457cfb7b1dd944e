// One household: its head, address and commune, its economic situation, its members (each opening the case
// they are the subject of) and its cases.
import HosoCore
import SwiftUI

struct HouseholdPage: View {
    let householdId: String
    @Environment(AppModel.self) private var app
    @Environment(\.openRoute) private var openRoute
    @State private var model = ScreenModel<HouseholdScreen>()

    var body: some View {
        List {
            if let error = model.error { ErrorNotice(error: error) }
            if let state = model.state {
                Section {
                    Text([state.address, state.areaName].filter { !$0.isEmpty }.joined(separator: ", "))
                    if let economic = state.economicSituation {
                        LabeledContent { CoreText(economic) } label: { Text("household.economic") }
                    }
                }
                Section("household.members") {
                    ForEach(state.members, id: \.personId) { member in MemberLine(member: member) }
                }
                Section("household.cases") {
                    if state.cases.isEmpty { Text("cases.none").foregroundStyle(.secondary) }
                    ForEach(state.cases, id: \.caseId) { row in
                        Button { openRoute(.caseFile(row.caseId)) } label: { CaseRowView(row: row) }
                    }
                }
            }
        }
        .navigationTitle(Text("household.of \(model.state?.headName ?? "")"))
        .task { await model.update(app) { [householdId] core in try core.householdScreen(householdId: householdId) } }
    }
}

private struct MemberLine: View {
    let member: MemberRow
    @Environment(\.openRoute) private var openRoute

    var body: some View {
        Button {
            if let caseId = member.caseIds.first { openRoute(.caseFile(caseId)) }
        } label: {
            VStack(alignment: .leading) {
                Text(member.fullName).font(.headline)
                HStack {
                    if let sex = member.sex { CoreText(sex) }
                    if let age = member.age { Text("person.age \(Int(age))") }
                    if let birth = member.birth { Text("person.bornOn \(birth.text)") }
                }
                .font(.caption)
                if !member.caseIds.isEmpty { Text("household.memberHasCase").font(.caption2).foregroundStyle(.tint) }
            }
            .foregroundStyle(.primary)
        }
        .disabled(member.caseIds.isEmpty)
    }
}

// The top of a case's file: who the subject is, the case's step, its household, and whether some of its
// records wait for sync or hold conflicting edits.
import HosoCore
import SwiftUI

struct CaseHeader: View {
    let state: CaseScreen
    @Environment(\.openRoute) private var openRoute

    var body: some View {
        Section {
            VStack(alignment: .leading, spacing: 4) {
                Text("case.stage \(Int(state.stage.step))").font(.caption).foregroundStyle(.tint)
                CoreText(state.stage.label).font(.headline)
                if let opened = state.openedOn { Text("case.openedOn \(opened.text)").font(.caption) }
                if state.mine { Text("cases.mineMarker").font(.caption) }
            }
            if let subject = state.subject { SubjectDetails(subject: subject) }
            if let householdId = state.householdId {
                Button { openRoute(.household(householdId)) } label: {
                    Label { Text("household.of \(state.householdHead ?? "")") } icon: { Image(systemName: "house") }
                }
            }
            if state.unsyncedRecords > 0 {
                Label { Text("case.unsynced \(Int(state.unsyncedRecords))") } icon: { Image(systemName: "icloud.and.arrow.up") }
            }
            if state.conflicts > 0 {
                Label { Text("case.conflicts \(Int(state.conflicts))") } icon: { Image(systemName: "exclamationmark.triangle") }
                    .foregroundStyle(.red)
            }
        }
    }
}

private struct SubjectDetails: View {
    let subject: PersonSummary

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            HStack {
                if let sex = subject.sex { CoreText(sex) }
                if let age = subject.age { Text("person.age \(Int(age))") }
                if let birth = subject.birth { Text("person.bornOn \(birth.text)") }
            }
            if !subject.citizenId.isEmpty { Text("person.citizenId \(subject.citizenId)") }
            if !subject.phone.isEmpty { Text("person.phone \(subject.phone)") }
            if !subject.address.isEmpty { Text(subject.address) }
        }
        .font(.subheadline)
    }
}

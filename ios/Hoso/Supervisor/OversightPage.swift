// What an approver or provincial officer watches (the content column on iPad), as the core answers it
// offline: open cases by step, overdue visits, activities and reviews with days and the legal reference,
// approvals waiting, the no-contact trigger, follow-ups after closure, conflicts, quiet devices and the
// periodic reports due. Tapping a case opens it beside.
import HosoCore
import SwiftUI

struct OversightPage: View {
    @Environment(AppModel.self) private var app
    @Environment(\.openRoute) private var openRoute
    @Environment(\.coreLanguage) private var language
    @State private var model = ScreenModel<OversightView>()

    var body: some View {
        List {
            if let error = model.error { ErrorNotice(error: error) }
            if let state = model.state {
                totals(state)
                overdue(state.overdue)
                Section(header: header("approvals.waiting", state.approvals.count)) {
                    ForEach(state.approvals, id: \.case.caseId) { row in
                        caseRow(row.case, Text(WaitingKind.title(row.kind)), Text("approvals.since \(row.since) \(row.daysWaiting)"))
                    }
                }
                Section(header: header("oversight.noContact", state.noContact.count)) {
                    ForEach(state.noContact, id: \.case.caseId) { row in
                        caseRow(row.case, Text("oversight.lastContact \(row.lastContact)"), Text("oversight.triggerOn \(row.triggerOn) \(row.daysLeft)"))
                    }
                }
                Section(header: header("oversight.postClosure", state.postClosure.count)) {
                    ForEach(Array(state.postClosure.enumerated()), id: \.offset) { _, row in
                        caseRow(row.case, Text(verbatim: row.due), Text(verbatim: language.pick(vi: row.reasonVi, en: row.reasonEn)))
                    }
                }
                Section(header: header("oversight.conflicts", state.conflicts.count)) {
                    ForEach(Array(state.conflicts.enumerated()), id: \.offset) { _, row in
                        VStack(alignment: .leading) {
                            Text(verbatim: row.case?.subjectName ?? row.kind).font(.headline)
                            Text("oversight.conflictValues \(row.field) \(row.values)").font(.caption)
                        }
                    }
                }
                devices(state.devices)
                Section(header: header("oversight.reportsDue", state.reportsDue.count)) {
                    ForEach(Array(state.reportsDue.enumerated()), id: \.offset) { _, task in
                        VStack(alignment: .leading, spacing: 2) {
                            Text("agenda.dueOn \(task.due)").font(.caption)
                            Text(verbatim: language.pick(vi: task.reasonVi, en: task.reasonEn))
                            Text(task.legalRef).font(.caption2).foregroundStyle(.secondary)
                        }
                    }
                }
            }
        }
        .overlay { if model.state == nil && model.busy { ProgressView() } }
        .refreshable { await load() }
        .task { await load() }
    }

    private func header(_ title: LocalizedStringKey, _ count: Int) -> Text {
        Text(title) + Text(verbatim: " (\(count))")
    }

    private func totals(_ state: OversightView) -> some View {
        Section {
            Text("oversight.asOf \(state.today)").font(.caption)
            Text("oversight.openClosed \(state.openCases) \(state.closedCases)").font(.headline)
            HStack {
                ForEach(Array(state.openByStep.enumerated()), id: \.offset) { index, count in
                    VStack {
                        Text(verbatim: "\(count)").font(.title2)
                        Text("oversight.step \(index + 1)").font(.caption2)
                    }
                    .frame(maxWidth: .infinity)
                }
            }
        }
    }

    private func overdue(_ rows: [OverdueRow]) -> some View {
        Section(header: header("agenda.overdue", rows.count)) {
            if rows.isEmpty { Text("agenda.nothing").foregroundStyle(.secondary) }
            ForEach(Array(rows.enumerated()), id: \.offset) { _, row in
                Button { openRoute(.caseFile(row.case.caseId)) } label: {
                    VStack(alignment: .leading, spacing: 2) {
                        Text("oversight.daysOverdue \(row.due) \(row.daysOverdue)").font(.caption).foregroundStyle(.red)
                        Text(row.case.subjectName).font(.headline)
                        Text(verbatim: language.pick(vi: row.reasonVi, en: row.reasonEn)).font(.subheadline)
                        Text(row.legalRef).font(.caption2).foregroundStyle(.secondary)
                    }
                    .foregroundStyle(.primary)
                }
            }
        }
    }

    private func devices(_ rows: [DeviceRow]) -> some View {
        Section(header: header("oversight.devices", rows.count)) {
            ForEach(rows, id: \.deviceId) { device in
                VStack(alignment: .leading, spacing: 2) {
                    Text(verbatim: "\(device.userName) · \(device.deviceName)")
                    if let days = device.daysSinceSync {
                        Text("oversight.daysSinceSync \(days)").font(.caption).foregroundStyle(device.quiet ? .red : .secondary)
                    }
                    if let pending = device.pendingOps {
                        Text("oversight.pending \(pending)").font(.caption)
                    }
                }
            }
        }
    }

    private func caseRow(_ line: CaseLine, _ overline: Text, _ detail: Text) -> some View {
        Button { openRoute(.caseFile(line.caseId)) } label: {
            VStack(alignment: .leading, spacing: 2) {
                overline.font(.caption)
                Text(line.subjectName).font(.headline)
                detail.font(.subheadline)
            }
            .foregroundStyle(.primary)
        }
    }

    private func load() async {
        await model.update(app) { try $0.oversight(today: vietnamToday()) }
    }
}

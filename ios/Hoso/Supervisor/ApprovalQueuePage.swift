// The approver's queue (the content column on iPad): plans, adjustments and closures waiting, longest
// waiting first, each approved here or given back with a comment; tapping one opens its case beside.
import HosoCore
import SwiftUI

struct ApprovalQueuePage: View {
    @Environment(AppModel.self) private var app
    @Environment(\.openRoute) private var openRoute
    @State private var model = ScreenModel<[ApprovalQueueItem]>()
    @State private var givingBack: ApprovalQueueItem?
    @State private var comment = ""

    var body: some View {
        List {
            if let error = model.error { ErrorNotice(error: error) }
            if let queue = model.state {
                Section {
                    if queue.isEmpty { Text("approvals.none").foregroundStyle(.secondary) }
                    ForEach(queue, id: \.waiting.case.caseId) { item in row(item) }
                } header: {
                    Text("approvals.waiting") + Text(verbatim: " (\(queue.count))")
                }
            }
        }
        .overlay { if model.state == nil && model.busy { ProgressView() } }
        .refreshable { await load() }
        .task { await load() }
        .alert("approvals.giveBack", isPresented: Binding(get: { givingBack != nil }, set: { if !$0 { givingBack = nil } })) {
            TextField("case.actionReason", text: $comment, axis: .vertical)
            Button("action.cancel", role: .cancel) { givingBack = nil }
            Button("action.confirm") {
                if let item = givingBack { giveBack(item.waiting.case.caseId, comment) }
                givingBack = nil
            }
        }
    }

    private func row(_ item: ApprovalQueueItem) -> some View {
        VStack(alignment: .leading, spacing: 6) {
            Button { openRoute(.caseFile(item.waiting.case.caseId)) } label: {
                VStack(alignment: .leading, spacing: 2) {
                    Text(WaitingKind.title(item.waiting.kind)).font(.caption)
                    Text(item.waiting.case.subjectName).font(.headline)
                    Text("approvals.since \(item.waiting.since) \(item.waiting.daysWaiting)")
                        .font(.caption)
                        .foregroundStyle(item.waiting.daysWaiting > 0 ? .red : .secondary)
                }
                .foregroundStyle(.primary)
            }
            HStack {
                Button("approvals.approve") { approve(item.waiting.case.caseId) }
                    .buttonStyle(.borderedProminent)
                Button("approvals.giveBack") {
                    comment = ""
                    givingBack = item
                }
                .buttonStyle(.bordered)
            }
            .disabled(model.busy)
        }
    }

    private func load() async {
        await model.update(app) { try $0.approvalQueue(today: vietnamToday()) }
    }

    private func approve(_ caseId: String) {
        Task {
            await model.update(app) { try $0.approveWaiting(caseId: caseId, today: vietnamToday()) }
        }
    }

    private func giveBack(_ caseId: String, _ comment: String) {
        Task {
            await model.update(app) {
                try $0.returnWaiting(caseId: caseId, comment: comment, today: vietnamToday())
            }
        }
    }
}

/// `plan`, `adjustment` or `closure`, as the oversight calls name what waits.
enum WaitingKind {
    static func title(_ kind: String) -> LocalizedStringKey {
        switch kind {
        case "plan": "waiting.plan"
        case "adjustment": "waiting.adjustment"
        default: "waiting.closure"
        }
    }
}

/// Today in Vietnam as the core's oversight calls take it (`2026-11-26`), whatever the device's zone.
func vietnamToday() -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .current
    let day = calendar.dateComponents([.year, .month, .day], from: Date())
    return String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
}

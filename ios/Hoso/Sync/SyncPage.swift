// The sync screen: when the device last synced and when it tries again, a running sync, the outbox with
// each record's state (and the server's reason for a refusal), and the conflicts left by concurrent offline
// edits, each with every value, who wrote it and when, to keep one. "Sync now" also sends the photos due.
import HosoCore
import SwiftUI
import UIKit

struct SyncPage: View {
    @Environment(AppModel.self) private var app
    @Environment(\.openRoute) private var openRoute
    @State private var model = ScreenModel<SyncScreen>()
    @State private var running = false

    var body: some View {
        List {
            if let state = model.state {
                statusSection(state)
                Section("sync.conflicts") {
                    if state.conflicts.isEmpty { Text("sync.noConflicts").foregroundStyle(.secondary) }
                    ForEach(state.conflicts, id: \.self) { conflict in
                        ConflictCard(conflict: conflict, onOpenCase: { openRoute(.caseFile($0)) }) { index in
                            resolve(conflict, index)
                        }
                    }
                }
                Section("sync.outbox") {
                    if state.outbox.isEmpty { Text("sync.outboxEmpty").foregroundStyle(.secondary) }
                    ForEach(state.outbox, id: \.recordId) { OutboxLine(row: $0) }
                }
            } else if let error = model.error {
                ErrorNotice(error: error)
            }
        }
        .task { await model.update(app) { try $0.syncScreen() } }
        .refreshable { await model.update(app) { try $0.syncScreen() } }
    }

    private func statusSection(_ state: SyncScreen) -> some View {
        Section {
            CoreText(state.summary).font(.headline)
            if let last = state.lastSuccess { Text("sync.lastSuccess \(last.text)") }
            if let next = state.nextAttempt { Text("sync.nextAttempt \(next.text)") }
            if let server = state.serverUrl { Text(server).font(.caption) }
            Text("sync.counts \(Int(state.queued)) \(Int(state.sent)) \(Int(state.rejected))").font(.caption)
            if let notice = state.notice { NoticeText(text: notice) }
            if let error = model.error { ErrorNotice(error: error) }
            if running {
                ProgressView { Text("sync.running") }
            }
            Button("sync.now", systemImage: "arrow.triangle.2.circlepath") { syncNow() }
                .disabled(running || !state.enrolled)
        }
    }

    /// Syncs in the foreground; if the user leaves the app, iOS grants the time to finish the step.
    private func syncNow() {
        running = true
        let finishing = UIApplication.shared.beginBackgroundTask(withName: "sync") {
            app.core?.interruptSync()
            app.core?.interruptPhotoUploads()
        }
        Task {
            let network = NetworkWatch.shared.kind
            await model.update(app) { core in
                let screen = try core.syncRun()
                // A photo that could not go keeps its own failure and retry time, shown on its page.
                _ = try? core.uploadPhotos(network: network)
                return screen
            }
            running = false
            UIApplication.shared.endBackgroundTask(finishing)
        }
    }

    private func resolve(_ conflict: ConflictRow, _ index: UInt32) {
        let (recordId, field) = (conflict.recordId, conflict.field)
        Task { await model.update(app) { try $0.conflictResolve(recordId: recordId, field: field, index: index) } }
    }
}

private struct OutboxLine: View {
    let row: OutboxRow

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            CoreText(row.title).font(.headline)
            HStack {
                CoreText(row.stateLabel)
                Text("sync.pendingChanges \(Int(row.pendingChanges))")
            }
            .font(.caption)
            .foregroundStyle(row.state == .rejected ? .red : .secondary)
            if let rejection = row.rejection { CoreText(rejection).font(.caption).foregroundStyle(.red) }
        }
    }
}

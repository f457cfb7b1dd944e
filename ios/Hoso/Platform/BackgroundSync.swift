// Background sync with BGTaskScheduler: a periodic refresh, and a processing task the system runs once the
// network is there (after work was recorded offline). Both push the outbox and pull through the core, then
// send the photos whose turn has come on the network the device is on, while the app may be locked; when
// the system ends the time, the core stops at its next step and loses nothing.
import BackgroundTasks
import Foundation
import HosoCore

enum BackgroundSync {
    static let refresh = "vn.hoso.sync.refresh"
    static let online = "vn.hoso.sync.online"
    private static let refreshInterval: TimeInterval = 4 * 60 * 60

    /// Must run before the app finishes launching.
    static func register() {
        for identifier in [refresh, online] {
            BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
                if identifier == refresh { scheduleRefresh() }
                run(task)
            }
        }
    }

    static func scheduleRefresh() {
        let request = BGAppRefreshTaskRequest(identifier: refresh)
        request.earliestBeginDate = Date(timeIntervalSinceNow: refreshInterval)
        try? BGTaskScheduler.shared.submit(request)
    }

    /// Work may wait on the device: sync when the network is there.
    static func scheduleWhenOnline() {
        let request = BGProcessingTaskRequest(identifier: online)
        request.requiresNetworkConnectivity = true
        request.requiresExternalPower = false
        try? BGTaskScheduler.shared.submit(request)
    }

    private static func run(_ task: BGTask) {
        guard let core = try? CoreOpener.shared.open() else {
            task.setTaskCompleted(success: false)
            return
        }
        task.expirationHandler = {
            core.interruptSync()
            core.interruptPhotoUploads()
        }
        Task.detached(priority: .background) {
            do {
                _ = try core.syncNow()
                _ = try core.uploadPhotos(network: NetworkWatch.shared.kind)
                task.setTaskCompleted(success: true)
            } catch {
                task.setTaskCompleted(success: false)
            }
        }
    }
}

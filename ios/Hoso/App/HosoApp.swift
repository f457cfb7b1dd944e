// The app: sends the core's log lines to OSLog and registers background sync before launch finishes,
// opens the core, and shows the launch flow (enroll, PIN) or the main screens. Case files are covered
// whenever the app is not in front.
import HosoCore
import SwiftUI

@main
struct HosoApp: App {
    @State private var app = AppModel()
    @Environment(\.scenePhase) private var scenePhase

    init() {
        HosoOSLog.install(level: .info)
        BackgroundSync.register()
    }

    var body: some Scene {
        WindowGroup {
            RootView()
                .environment(app)
                .environment(\.coreLanguage, app.language)
                .environment(\.locale, app.language.locale)
                .overlay { if scenePhase != .active { PrivacyCover() } }
                .task { await app.start() }
        }
        .onChange(of: scenePhase) { _, phase in
            if phase == .background {
                BackgroundSync.scheduleRefresh()
                BackgroundSync.scheduleWhenOnline()
            }
        }
    }
}

/// Hides the screen in the app switcher: case files never show there.
private struct PrivacyCover: View {
    var body: some View {
        ZStack {
            Rectangle().fill(.background)
            Image(systemName: "lock.fill").font(.largeTitle).foregroundStyle(.secondary)
        }
        .ignoresSafeArea()
    }
}

// Where the app stands: the store could not be opened, enroll this device, choose a PIN, unlock, or the
// main screens. The core decides the stage; this view only follows it.
import HosoCore
import SwiftUI

struct RootView: View {
    @Environment(AppModel.self) private var app

    var body: some View {
        if let failure = app.openFailure {
            OpenFailurePage(error: failure)
        } else if let launch = app.launch {
            switch launch.stage {
            case .enroll: EnrollPage(launch: launch)
            case .choosePin: ChoosePinPage(launch: launch)
            case .unlock: UnlockPage(launch: launch)
            case .ready: MainView()
            }
        } else {
            ProgressView()
        }
    }
}

/// The store cannot be opened: say why, and offer to erase it so the device can enroll again.
private struct OpenFailurePage: View {
    let error: ApiError
    @Environment(AppModel.self) private var app
    @State private var confirming = false

    var body: some View {
        VStack(spacing: 16) {
            ErrorNotice(error: error)
            Text("open.eraseExplanation").font(.callout)
            Button("open.erase", role: .destructive) { confirming = true }
        }
        .padding()
        .confirmationDialog("open.erase", isPresented: $confirming) {
            Button("open.erase", role: .destructive) { Task { await app.eraseAndRestart() } }
        }
    }
}

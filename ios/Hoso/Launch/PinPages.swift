// The PIN pages: choosing the first PIN (typed twice) and unlocking. What a PIN may be, how many attempts
// are left and the wipe after too many come from the core; these pages only collect digits.
import HosoCore
import SwiftUI

struct ChoosePinPage: View {
    let launch: LaunchScreen
    @Environment(AppModel.self) private var app
    @State private var model = ScreenModel<LaunchScreen>()
    @State private var pin = ""
    @State private var confirmation = ""

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    if let user = launch.user { UserLine(user: user) }
                    CoreText(launch.pinRule).font(.callout)
                    if let error = model.error { ErrorNotice(error: error) }
                }
                Section {
                    SecureField("pin.new", text: $pin).keyboardType(.numberPad)
                    SecureField("pin.confirm", text: $confirmation).keyboardType(.numberPad)
                    Button("pin.chooseAction") { choose() }.disabled(model.busy || pin.isEmpty || confirmation.isEmpty)
                }
            }
            .navigationTitle(Text("pin.chooseTitle"))
        }
    }

    private func choose() {
        let (pin, confirmation) = (pin, confirmation)
        Task {
            if let screen = await model.perform(app, { try $0.choosePin(pin: pin, confirmation: confirmation) }) {
                await app.launched(screen)
            }
        }
    }
}

struct UnlockPage: View {
    let launch: LaunchScreen
    @Environment(AppModel.self) private var app
    @State private var model = ScreenModel<LaunchScreen>()
    @State private var pin = ""

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    if let user = launch.user { UserLine(user: user) }
                    if let notice = launch.notice { NoticeText(text: notice, warning: true) }
                    if case let .unlock(failures, attemptsLeft) = launch.stage, failures > 0 {
                        Text("pin.attemptsLeft \(Int(attemptsLeft))").foregroundStyle(.red)
                    }
                    if let error = model.error { ErrorNotice(error: error) }
                }
                Section {
                    SecureField("pin.label", text: $pin).keyboardType(.numberPad)
                    Button("pin.unlockAction") { unlock() }.disabled(model.busy || pin.isEmpty)
                }
            }
            .navigationTitle(Text("pin.unlockTitle"))
        }
    }

    private func unlock() {
        let pin = pin
        self.pin = ""
        Task {
            if let screen = await model.perform(app, { try $0.unlock(pin: pin) }) {
                await app.launched(screen)
            }
        }
    }
}

/// Who is enrolled on this device: role and area.
struct UserLine: View {
    let user: UserSummary

    var body: some View {
        VStack(alignment: .leading) {
            CoreText(user.roleLabel).font(.headline)
            if !user.areaName.isEmpty { Text(user.areaName).font(.subheadline) }
        }
    }
}

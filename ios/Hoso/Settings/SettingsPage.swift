// Settings: who is enrolled on this device, the language, the auto-lock delay, changing the PIN, the server
// address, and — read only — what the law leaves open as the province configured it, each value with its
// legal reference.
import HosoCore
import SwiftUI

struct SettingsPage: View {
    @Environment(AppModel.self) private var app
    @State private var model = ScreenModel<SettingsScreen>()
    @State private var changingPin = false
    @State private var editingServer = false

    var body: some View {
        Form {
            if let state = model.state {
                if let notice = state.notice { NoticeText(text: notice) }
                if let error = model.error { ErrorNotice(error: error) }
                if let user = state.user { Section { UserLine(user: user) } }
                Section("settings.language") {
                    Picker("settings.language", selection: languageBinding(state)) {
                        Text(verbatim: "Tiếng Việt").tag(Language.vi)
                        Text(verbatim: "English").tag(Language.en)
                    }
                    .pickerStyle(.segmented)
                }
                securitySection(state)
                Section("settings.server") {
                    Text(state.serverUrl ?? "")
                    Button("action.change") { editingServer = true }
                }
                Section("settings.rules") {
                    ForEach(state.rules, id: \.key) { rule in
                        VStack(alignment: .leading) {
                            LabeledContent { Text(rule.value) } label: { CoreText(rule.label) }
                            CoreText(rule.rule).font(.caption).foregroundStyle(.secondary)
                            Text(rule.legalRef).font(.caption2).foregroundStyle(.secondary)
                        }
                    }
                }
                Section("settings.about") {
                    Text("settings.versions \(state.appVersion) \(Int(state.schemaVersion)) \(state.adminUnitsVersion)")
                    Text("settings.device \(state.deviceId)").font(.caption)
                }
            }
        }
        .task { await model.update(app) { try $0.settingsScreen() } }
        .sheet(isPresented: $changingPin) {
            ChangePinSheet { current, pin, confirmation in
                Task { await model.update(app) { try $0.settingsChangePin(current: current, pin: pin, confirmation: confirmation) } }
            }
        }
        .sheet(isPresented: $editingServer) {
            ServerSheet(current: model.state?.serverUrl ?? "") { url in
                Task { await model.update(app) { try $0.settingsSetServer(serverUrl: url) } }
            }
        }
    }

    private func securitySection(_ state: SettingsScreen) -> some View {
        Section("settings.security") {
            Picker("settings.autoLock", selection: autoLockBinding(state)) {
                ForEach(state.autoLockChoices, id: \.self) { minutes in
                    Text("settings.minutes \(Int(minutes))").tag(minutes)
                }
            }
            Button("settings.changePin") { changingPin = true }
            Button("settings.lockNow") { lock() }
        }
    }

    private func languageBinding(_ state: SettingsScreen) -> Binding<Language> {
        Binding(get: { state.language }, set: { language in
            app.language = language
            Task { await model.update(app) { try $0.settingsSetLanguage(language: language) } }
        })
    }

    private func autoLockBinding(_ state: SettingsScreen) -> Binding<UInt32> {
        Binding(get: { state.autoLockMinutes }, set: { minutes in
            Task { await model.update(app) { try $0.settingsSetAutoLock(minutes: minutes) } }
        })
    }

    private func lock() {
        Task {
            if let screen = await model.perform(app, { try $0.lock() }) { await app.launched(screen) }
        }
    }
}

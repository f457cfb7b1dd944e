// Enrolling this device: scan the QR code an administrator shows, or type the server address and the code.
// The core reads the QR payload, checks both and talks to the server; this page only collects them.
import HosoCore
import SwiftUI

struct EnrollPage: View {
    let launch: LaunchScreen
    @Environment(AppModel.self) private var app
    @State private var model = ScreenModel<LaunchScreen>()
    @State private var serverUrl = ""
    @State private var code = ""
    @State private var name = ""
    @State private var scanning = false

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Text("enroll.explanation")
                    if let notice = launch.notice { NoticeText(text: notice, warning: true) }
                    if let error = model.error { ErrorNotice(error: error) }
                    if QrScannerView.isAvailable {
                        Button("enroll.scanQr", systemImage: "qrcode.viewfinder") { scanning = true }
                    }
                }
                Section("enroll.orType") {
                    TextField("enroll.serverUrl", text: $serverUrl)
                        .keyboardType(.URL)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                    TextField("enroll.code", text: $code)
                        .textInputAutocapitalization(.characters)
                        .autocorrectionDisabled()
                    TextField("enroll.deviceName", text: $name)
                }
                Section {
                    Button("enroll.action") { enroll() }
                        .disabled(model.busy || serverUrl.isEmpty || code.isEmpty)
                    if model.busy { ProgressView() }
                }
            }
            .navigationTitle(Text("enroll.title"))
        }
        .onAppear { if name.isEmpty { name = deviceName() } }
        .sheet(isPresented: $scanning) {
            QrScannerView { payload in
                scanning = false
                read(payload)
            }
            .ignoresSafeArea()
        }
    }

    /// Shows what the scanned code carries before enrolling with it.
    private func read(_ payload: String) {
        Task {
            if let qr = await model.perform(app, { _ in try readEnrollmentQr(payload: payload) }) {
                serverUrl = qr.serverUrl
                code = qr.code
            }
        }
    }

    private func enroll() {
        let (serverUrl, code, name) = (serverUrl, code, name)
        Task {
            if let screen = await model.perform(app, { try $0.enrollWithCode(serverUrl: serverUrl, code: code, deviceName: name) }) {
                await app.launched(screen)
            }
        }
    }
}

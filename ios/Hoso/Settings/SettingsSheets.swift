// The settings' sheets: changing the PIN (the current one, the new one twice) and the server address.
import SwiftUI

struct ChangePinSheet: View {
    let onConfirm: (String, String, String) -> Void
    @Environment(\.dismiss) private var dismiss
    @State private var current = ""
    @State private var pin = ""
    @State private var confirmation = ""

    var body: some View {
        NavigationStack {
            Form {
                SecureField("pin.current", text: $current).keyboardType(.numberPad)
                SecureField("pin.new", text: $pin).keyboardType(.numberPad)
                SecureField("pin.confirm", text: $confirmation).keyboardType(.numberPad)
            }
            .navigationTitle(Text("settings.changePin"))
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("action.cancel") { dismiss() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("action.confirm") {
                        onConfirm(current, pin, confirmation)
                        dismiss()
                    }
                    .disabled(current.isEmpty || pin.isEmpty)
                }
            }
        }
    }
}

struct ServerSheet: View {
    let current: String
    let onConfirm: (String) -> Void
    @Environment(\.dismiss) private var dismiss
    @State private var url = ""

    var body: some View {
        NavigationStack {
            Form {
                TextField("enroll.serverUrl", text: $url)
                    .keyboardType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
            }
            .navigationTitle(Text("settings.server"))
            .onAppear { url = current }
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("action.cancel") { dismiss() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("action.confirm") {
                        onConfirm(url)
                        dismiss()
                    }
                }
            }
        }
    }
}

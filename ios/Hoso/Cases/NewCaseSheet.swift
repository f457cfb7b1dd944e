// Taking in a new subject: name, birth date and sex as typed; the core registers them, opens a case in the
// user's commune and starts its information form (Mẫu số 01), and names people already on the device who
// are probably the same person.
import HosoCore
import SwiftUI

struct NewCaseSheet: View {
    let onOpenForm: (String) -> Void
    @Environment(AppModel.self) private var app
    @Environment(\.dismiss) private var dismiss
    @State private var model = ScreenModel<NewCaseScreen>()
    @State private var fullName = ""
    @State private var birthDate = ""
    @State private var sex = "female"

    var body: some View {
        NavigationStack {
            Form {
                if let error = model.error { ErrorNotice(error: error) }
                if let taken = model.state {
                    duplicates(taken)
                } else {
                    TextField("newCase.fullName", text: $fullName).textContentType(.name)
                    TextField("newCase.birthDate", text: $birthDate).keyboardType(.numbersAndPunctuation)
                    Picker("newCase.sex", selection: $sex) {
                        Text("newCase.female").tag("female")
                        Text("newCase.male").tag("male")
                    }
                    .pickerStyle(.segmented)
                }
            }
            .navigationTitle(Text("cases.new"))
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("action.cancel") { dismiss() } }
                ToolbarItem(placement: .confirmationAction) {
                    if let taken = model.state {
                        Button("newCase.openForm") { open(taken.form.recordId) }
                    } else {
                        Button("newCase.takeIn") { takeIn() }.disabled(model.busy || fullName.isEmpty)
                    }
                }
            }
        }
    }

    @ViewBuilder
    private func duplicates(_ taken: NewCaseScreen) -> some View {
        if taken.likelyDuplicates.isEmpty {
            Text("newCase.noDuplicates")
        } else {
            Section("newCase.likelyDuplicates") {
                ForEach(taken.likelyDuplicates, id: \.personId) { person in
                    VStack(alignment: .leading) {
                        Text(person.fullName).font(.headline)
                        if let birth = person.birth { Text("person.bornOn \(birth.text)").font(.caption) }
                        if !person.address.isEmpty { Text(person.address).font(.caption) }
                    }
                }
            }
        }
    }

    private func takeIn() {
        let (name, birth, sex) = (fullName, birthDate, sex)
        Task {
            await model.update(app) { try $0.caseNew(fullName: name, birthDate: birth, sex: sex, communeCode: nil) }
            if let taken = model.state, taken.likelyDuplicates.isEmpty { open(taken.form.recordId) }
        }
    }

    private func open(_ recordId: String) {
        dismiss()
        onOpenForm(recordId)
    }
}

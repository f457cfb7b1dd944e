// A date field: typed as Vietnamese forms write dates (dd/mm/yyyy) or picked from a calendar. The picked
// day is sent as typed text, so the core reads and checks it like any typed date.
import HosoCore
import SwiftUI

struct DateField: View {
    let field: FieldView
    let onAnswer: (AnswerInput) -> Void
    @State private var picking = false
    @State private var picked = Date()

    private static let vietnamese: DateFormatter = {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "vi_VN")
        formatter.dateFormat = "dd/MM/yyyy"
        return formatter
    }()

    var body: some View {
        HStack {
            TypedField(field: field, keyboard: .numbersAndPunctuation, onAnswer: onAnswer)
            Button { open() } label: { Label("form.pickDate", systemImage: "calendar").labelStyle(.iconOnly) }
        }
        .sheet(isPresented: $picking) {
            NavigationStack {
                DatePicker("form.pickDate", selection: $picked, displayedComponents: .date)
                    .datePickerStyle(.graphical)
                    .padding()
                    .toolbar {
                        ToolbarItem(placement: .confirmationAction) {
                            Button("action.confirm") {
                                picking = false
                                onAnswer(.text(text: Self.vietnamese.string(from: picked)))
                            }
                        }
                        ToolbarItem(placement: .cancellationAction) { Button("action.cancel") { picking = false } }
                    }
            }
            .presentationDetents([.medium, .large])
        }
    }

    private func open() {
        picked = Self.vietnamese.date(from: field.text) ?? Date()
        picking = true
    }
}

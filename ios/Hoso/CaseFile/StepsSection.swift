// The five steps of TT 02/2020 Điều 3, each done, current or to come, with the forms filled in it.
import HosoCore
import SwiftUI

struct StepsSection: View {
    let steps: [StepView]

    var body: some View {
        Section("case.steps") {
            ForEach(steps, id: \.step) { step in
                Label {
                    VStack(alignment: .leading) {
                        Text("case.step \(Int(step.step))").font(.caption)
                        CoreText(step.title).font(.headline)
                    }
                } icon: {
                    Image(systemName: icon(step.state))
                        .foregroundStyle(step.state == .current ? Color.accentColor : Color.secondary)
                        .accessibilityLabel(Text(stateName(step.state)))
                }
                ForEach(step.forms, id: \.recordId) { FormRowLine(row: $0) }
            }
        }
    }

    private func icon(_ state: StepState) -> String {
        switch state {
        case .done: "checkmark.circle"
        case .current: "largecircle.fill.circle"
        case .upcoming: "circle"
        }
    }

    private func stateName(_ state: StepState) -> LocalizedStringKey {
        switch state {
        case .done: "step.done"
        case .current: "step.current"
        case .upcoming: "step.upcoming"
        }
    }
}

/// A form of the case: its title, status and date; opening it shows it (editable or not, as the core says).
struct FormRowLine: View {
    let row: FormRow
    @Environment(\.openRoute) private var openRoute

    var body: some View {
        Button { openRoute(.form(row.recordId)) } label: {
            VStack(alignment: .leading) {
                CoreText(row.title)
                HStack {
                    CoreText(row.statusLabel)
                    if let date = row.date { Text(date.text) }
                    if row.editable { Text("form.editable").foregroundStyle(.tint) }
                }
                .font(.caption)
            }
            .foregroundStyle(.primary)
            .padding(.leading)
        }
    }
}

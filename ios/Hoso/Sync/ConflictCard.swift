// One conflicting field: where it is, and each value with who wrote it and when; the user keeps one, and
// the choice settles the conflict on every device at the next sync.
import HosoCore
import SwiftUI

struct ConflictCard: View {
    let conflict: ConflictRow
    let onOpenCase: (String) -> Void
    let onKeep: (UInt32) -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            CoreText(conflict.recordTitle).font(.headline)
            CoreText(conflict.fieldLabel).font(.subheadline)
            ForEach(conflict.values, id: \.index) { value in
                Divider()
                HStack {
                    VStack(alignment: .leading) {
                        CoreText(value.text)
                        HStack {
                            CoreText(value.author)
                            Text(value.written.text)
                        }
                        .font(.caption)
                        if value.current { Text("sync.valueCurrent").font(.caption2).foregroundStyle(.tint) }
                    }
                    Spacer()
                    Button("sync.keepValue") { onKeep(value.index) }.buttonStyle(.bordered)
                }
            }
            if let caseId = conflict.caseId {
                Button("sync.openCase") { onOpenCase(caseId) }.buttonStyle(.borderless)
            }
        }
    }
}

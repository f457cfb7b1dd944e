// The form's fields as lines of a list: fields of each section, with a header before each item of a list
// (repeat group) so the user sees where an item starts and can remove it. Layout only: which fields show
// comes from the core (`visible`).
import HosoCore

enum FormLine: Identifiable {
    case itemHeader(list: String, index: UInt32, removable: Bool)
    case field(FieldView)

    var id: String {
        switch self {
        case let .itemHeader(list, index, _): "item:\(list).\(index)"
        case let .field(field): "field:\(field.path)"
        }
    }
}

func formLines(_ section: SectionView, editable: Bool) -> [FormLine] {
    var lines: [FormLine] = []
    var currentItem: (String, UInt32)?
    for field in section.fields where field.visible {
        if let list = field.list, let index = field.item, currentItem.map({ $0 != (list, index) }) ?? true {
            currentItem = (list, index)
            lines.append(.itemHeader(list: list, index: index, removable: editable && field.editable))
        }
        lines.append(.field(field))
    }
    return lines
}

// The form's fields as lines of a list: section titles, fields, and a header before each item of a
// list (repeat group) so the user sees where an item starts and can remove it. Layout only: which
// fields show comes from the core (`visible`).
package vn.hoso.app.ui.form

import vn.hoso.core.FieldView
import vn.hoso.core.SectionView

internal sealed interface FormLine {
    val key: String

    data class Section(val section: SectionView) : FormLine {
        override val key: String get() = "section:${section.id}"
    }

    data class ItemHeader(val list: String, val index: UInt, val removable: Boolean) : FormLine {
        override val key: String get() = "item:$list.$index"
    }

    data class Field(val view: FieldView) : FormLine {
        override val key: String get() = "field:${view.path}"
    }
}

internal fun formLines(sections: List<SectionView>, editable: Boolean): List<FormLine> {
    val lines = mutableListOf<FormLine>()
    for (section in sections) {
        lines += FormLine.Section(section)
        var currentItem: Pair<String, UInt>? = null
        for (field in section.fields.filter { it.visible }) {
            val list = field.list
            val index = field.item
            if (list != null && index != null && currentItem != (list to index)) {
                currentItem = list to index
                lines += FormLine.ItemHeader(list, index, removable = editable && field.editable)
            }
            lines += FormLine.Field(field)
        }
    }
    return lines
}

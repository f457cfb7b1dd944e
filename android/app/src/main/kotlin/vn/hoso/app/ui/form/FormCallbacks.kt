// What the user does on a form; each is one core call answering the form's whole new state.
package vn.hoso.app.ui.form

import vn.hoso.core.AnswerInput
import vn.hoso.core.CaseAction

class FormCallbacks(
    val onAnswer: (path: String, input: AnswerInput) -> Unit,
    val onAddItem: (list: String) -> Unit,
    val onRemoveItem: (list: String, index: UInt) -> Unit,
    val onComplete: () -> Unit,
    val onCaseAction: (action: CaseAction) -> Unit,
)

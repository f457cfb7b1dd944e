// What the user does on a form; each is one core call answering the form's whole new state.
package vn.hoso.app.ui.form

import vn.hoso.core.AnswerInput

class FormCallbacks(
    val onAnswer: (path: String, input: AnswerInput) -> Unit,
    val onAddItem: (list: String) -> Unit,
    val onRemoveItem: (list: String, index: UInt) -> Unit,
    /** Finishes the form as its screen says: completed, or submitted through the case's action. */
    val onFinish: () -> Unit,
)

package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.asStateFlow
import vn.hoso.core.AnswerInput
import vn.hoso.core.CaseActionInput
import vn.hoso.core.CaseScreen
import vn.hoso.core.FormFinish
import vn.hoso.core.FormScreen
import vn.hoso.core.HosoCore
import vn.hoso.core.PersonSummary

/**
 * A form being filled: every answer is autosaved by one call that answers the whole form again —
 * which fields apply now, which are required, what is wrong with each — so the UI evaluates nothing.
 * Answers are saved in the order they were given.
 */
class FormStateHolder(scope: CoroutineScope, calls: CoreCalls) : StateHolder<FormScreen>(scope, calls) {
    private val duplicates = MutableStateFlow<List<PersonSummary>>(emptyList())
    private val done = MutableSharedFlow<CaseScreen?>(extraBufferCapacity = 1)

    /** People already on the device who are probably the subject just taken in. */
    val likelyDuplicates: StateFlow<List<PersonSummary>> = duplicates.asStateFlow()

    /** Emits when the form is finished: the case screen when it was submitted through the case. */
    val finished: SharedFlow<CaseScreen?> = done.asSharedFlow()

    fun open(recordId: String): Job = perform { formOpen(recordId) }

    fun start(caseId: String, formId: String): Job = perform { formStart(caseId, formId) }

    fun startVisit(caseId: String): Job = perform { visitStart(caseId) }

    /** Takes in a new subject and opens the new case's Mẫu 01 (birth date and sex as typed). */
    fun newCase(fullName: String, birthDate: String, sex: String, communeCode: String? = null): Job =
        launchInOrder {
            fetchAs({ caseNew(fullName, birthDate, sex, communeCode) }) { intake ->
                duplicates.value = intake.likelyDuplicates
                intake.form
            }
        }

    /** Autosaves one answer: `path` is a field's path on the screen. */
    fun answer(path: String, input: AnswerInput): Job = editing { formAnswer(it, path, input) }

    fun addItem(list: String): Job = editing { formAddItem(it, list) }

    fun removeItem(list: String, index: UInt): Job = editing { formRemoveItem(it, list, index) }

    /** Finishes the form as its screen says: completed here, or submitted through the case's action. */
    fun complete(): Job = launchInOrder {
        val form = shown ?: return@launchInOrder
        val finish = form.finish
        if (finish is FormFinish.ThroughCase) {
            var case: CaseScreen? = null
            fetchAs({ caseAct(form.caseId, finish.action, CaseActionInput()) }) { outcome ->
                case = outcome.case
                null
            }
            if (case != null && fetch { formOpen(form.recordId) } != null) done.tryEmit(case)
        } else if (fetch { formComplete(form.recordId) } != null) {
            done.tryEmit(null)
        }
    }

    private fun editing(call: HosoCore.(String) -> FormScreen): Job = launchInOrder {
        val recordId = shown?.recordId ?: return@launchInOrder
        fetch { call(recordId) }
    }
}

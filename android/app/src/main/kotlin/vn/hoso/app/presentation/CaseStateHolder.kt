package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.asSharedFlow
import vn.hoso.core.CaseAction
import vn.hoso.core.CaseActionInput
import vn.hoso.core.CaseScreen
import vn.hoso.core.FormScreen

/**
 * One case: its file across the five steps and the actions of its current step, each enabled or
 * refused with the law's reason. An action that opens a form (a plan adjustment) announces it on
 * [openedForm] for the UI to navigate to.
 */
class CaseStateHolder(scope: CoroutineScope, calls: CoreCalls, private val caseId: String) :
    StateHolder<CaseScreen>(scope, calls) {
    private val forms = MutableSharedFlow<FormScreen>(extraBufferCapacity = 1)

    val openedForm: SharedFlow<FormScreen> = forms.asSharedFlow()

    fun refresh(): Job = perform { caseScreen(caseId) }

    /** Takes an action; `input` carries a reason when the action `needsReason`. */
    fun act(action: CaseAction, input: CaseActionInput = CaseActionInput()): Job = launchInOrder {
        fetchAs({ caseAct(caseId, action, input) }) { outcome ->
            outcome.openedForm?.let { forms.tryEmit(it) }
            outcome.case
        }
    }

    fun setReferralStatus(referralId: String, status: String): Job =
        perform { referralSetStatus(referralId, status) }
}

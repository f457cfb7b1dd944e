package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import vn.hoso.core.CaseFilter
import vn.hoso.core.CaseListScreen

/**
 * The caseload with its search and filters. Typing queues one call per keystroke; a call that starts
 * after a newer keystroke asks with the newest filter, and the ones after it, finding that filter
 * shown, do nothing.
 */
class CaseListStateHolder(scope: CoroutineScope, calls: CoreCalls) : StateHolder<CaseListScreen>(scope, calls) {
    private val mutableFilter = MutableStateFlow(CaseFilter())
    private var shownFilter: CaseFilter? = null

    val filter: StateFlow<CaseFilter> = mutableFilter.asStateFlow()

    fun refresh(): Job = launchInOrder {
        val wanted = mutableFilter.value
        if (fetch { caseList(wanted) } != null) shownFilter = wanted
    }

    private fun change(next: CaseFilter): Job {
        mutableFilter.value = next
        return launchInOrder {
            val wanted = mutableFilter.value
            if (wanted != shownFilter && fetch { caseList(wanted) } != null) shownFilter = wanted
        }
    }

    fun setQuery(query: String): Job = change(mutableFilter.value.copy(query = query))

    /** Only cases at this step (1–5), or every step. */
    fun setStep(step: UByte?): Job = change(mutableFilter.value.copy(step = step))

    fun setOverdueOnly(only: Boolean): Job = change(mutableFilter.value.copy(overdueOnly = only))

    fun setMineOnly(only: Boolean): Job = change(mutableFilter.value.copy(mineOnly = only))
}

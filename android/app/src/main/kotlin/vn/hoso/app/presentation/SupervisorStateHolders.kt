package vn.hoso.app.presentation

import java.time.LocalDate
import java.time.ZoneId
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import vn.hoso.core.ApprovalQueueItem
import vn.hoso.core.OversightView

/** Today in Vietnam as the core's oversight calls take it (`2026-11-26`), whatever the phone's zone. */
fun vietnamToday(): String = LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh")).toString()

/**
 * The approver's queue on a tablet: plans, adjustments and closures waiting for this approver,
 * longest waiting first (never a plan they submitted). Approving or returning an item decides it
 * offline and answers the queue again, without it; the decision syncs back like any other change.
 */
class ApprovalQueueStateHolder(
    scope: CoroutineScope,
    calls: CoreCalls,
    private val today: () -> String = ::vietnamToday,
) : StateHolder<List<ApprovalQueueItem>>(scope, calls) {
    fun refresh(): Job = perform { approvalQueue(today()) }

    fun approve(caseId: String): Job = perform { approveWaiting(caseId, today()) }

    /** Gives the item back to its case manager with the approver's comment (the law asks for one). */
    fun giveBack(caseId: String, comment: String): Job = perform {
        returnWaiting(caseId, comment, today())
    }
}

/**
 * What an approver or provincial officer watches, answered offline from the tablet's own store:
 * open cases by step and by case manager, overdue visits, activities and reviews with days,
 * approvals waiting, the no-contact trigger, follow-ups after closure, conflicts, quiet devices and
 * the periodic reports due.
 */
class OversightStateHolder(
    scope: CoroutineScope,
    calls: CoreCalls,
    private val today: () -> String = ::vietnamToday,
) : StateHolder<OversightView>(scope, calls) {
    fun refresh(): Job = perform { oversight(today()) }
}

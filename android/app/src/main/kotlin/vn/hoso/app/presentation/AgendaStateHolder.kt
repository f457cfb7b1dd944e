package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import vn.hoso.core.AgendaScreen

/** Today's agenda: overdue, due today, due this week, each item with its case and why. */
class AgendaStateHolder(scope: CoroutineScope, calls: CoreCalls) : StateHolder<AgendaScreen>(scope, calls) {
    fun refresh(): Job = perform { agendaScreen() }
}

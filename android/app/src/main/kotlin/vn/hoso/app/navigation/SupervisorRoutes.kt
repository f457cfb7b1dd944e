// The supervisor's tablet pages wired to their holders: the approval queue and the oversight figures in
// the list pane, the case a row opens in the detail pane beside (the navigator keeps both).
package vn.hoso.app.navigation

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.hoso.app.presentation.ApprovalQueueStateHolder
import vn.hoso.app.presentation.OversightStateHolder
import vn.hoso.app.ui.common.ScreenStateBox
import vn.hoso.app.ui.supervisor.ApprovalCallbacks
import vn.hoso.app.ui.supervisor.ApprovalQueuePage
import vn.hoso.app.ui.supervisor.OversightPage

@Composable
internal fun ApprovalsRoute(context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> ApprovalQueueStateHolder(scope, context.calls) }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(context.refreshKey) { holder.refresh() }
    val callbacks = ApprovalCallbacks(
        onOpenCase = { context.navigate(Route.CaseFile(it)) },
        onApprove = { holder.approve(it) },
        onGiveBack = { caseId, comment -> holder.giveBack(caseId, comment) },
    )
    val selected = (context.refreshKey as? Route.CaseFile)?.caseId
    ScreenStateBox(state, onRetry = { holder.refresh() }, modifier) { queue, busy ->
        ApprovalQueuePage(queue, busy, callbacks, selectedCaseId = selected)
    }
}

@Composable
internal fun OversightRoute(context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> OversightStateHolder(scope, context.calls) }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(context.refreshKey) { holder.refresh() }
    ScreenStateBox(state, onRetry = { holder.refresh() }, modifier) { screen, _ ->
        OversightPage(screen, onOpenCase = { context.navigate(Route.CaseFile(it)) })
    }
}

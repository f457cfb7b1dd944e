// A case's file wired to its holder: every action, form, visit note and referral step is one call, and an
// action that opens a form (a plan adjustment) opens it beside or over the case.
package vn.hoso.app.navigation

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.hoso.app.presentation.CaseStateHolder
import vn.hoso.app.ui.casefile.CaseFileCallbacks
import vn.hoso.app.ui.casefile.CaseFilePage
import vn.hoso.app.ui.common.ScreenStateBox

@Composable
internal fun CaseFileRoute(caseId: String, context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> CaseStateHolder(scope, context.calls, caseId) }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(context.refreshKey) { holder.refresh() }
    LaunchedEffect(holder) { holder.openedForm.collect { form -> context.navigate(Route.Form(form.recordId)) } }
    val callbacks = CaseFileCallbacks(
        onOpenForm = { context.navigate(Route.Form(it)) },
        onStartForm = { formId -> context.navigate(Route.NewForm(caseId, formId)) },
        onNewVisit = { context.navigate(Route.NewVisit(caseId)) },
        onAct = { action, input -> holder.act(action, input) },
        onReferralStatus = { referralId, status -> holder.setReferralStatus(referralId, status) },
        onOpenHousehold = { context.navigate(Route.Household(it)) },
        onOpenSync = { context.navigate(Route.Sync) },
        onOpenPhotos = { attachedTo -> context.navigate(Route.Photos(caseId, attachedTo)) },
    )
    ScreenStateBox(state, onRetry = { holder.refresh() }, modifier) { screen, _ ->
        CaseFilePage(screen, callbacks)
    }
}

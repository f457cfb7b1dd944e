// The list pages wired to their holders: today's agenda, the caseload with its filters, households, and
// one household. Each refreshes when shown again and when the page beside it changes.
package vn.hoso.app.navigation

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.hoso.app.presentation.AgendaStateHolder
import vn.hoso.app.presentation.CaseListStateHolder
import vn.hoso.app.presentation.HouseholdListStateHolder
import vn.hoso.app.presentation.HouseholdStateHolder
import vn.hoso.app.ui.agenda.AgendaPage
import vn.hoso.app.ui.cases.CaseFilterCallbacks
import vn.hoso.app.ui.cases.CaseListPage
import vn.hoso.app.ui.common.ScreenStateBox
import vn.hoso.app.ui.households.HouseholdListPage
import vn.hoso.app.ui.households.HouseholdPage

@Composable
internal fun AgendaRoute(context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> AgendaStateHolder(scope, context.calls) }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(context.refreshKey) { holder.refresh() }
    ScreenStateBox(state, onRetry = { holder.refresh() }, modifier) { screen, _ ->
        AgendaPage(screen, onOpenCase = { context.navigate(Route.CaseFile(it)) })
    }
}

@Composable
internal fun CasesRoute(context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> CaseListStateHolder(scope, context.calls) }
    val state by holder.state.collectAsStateWithLifecycle()
    val filter by holder.filter.collectAsStateWithLifecycle()
    LaunchedEffect(context.refreshKey) { holder.refresh() }
    val filters = CaseFilterCallbacks(
        onQuery = { holder.setQuery(it) },
        onStep = { holder.setStep(it) },
        onOverdueOnly = { holder.setOverdueOnly(it) },
        onMineOnly = { holder.setMineOnly(it) },
    )
    val selected = (context.refreshKey as? Route.CaseFile)?.caseId
    ScreenStateBox(state, onRetry = { holder.refresh() }, modifier) { screen, _ ->
        CaseListPage(filter, screen, filters, onOpenCase = { context.navigate(Route.CaseFile(it)) }, selectedCaseId = selected)
    }
}

@Composable
internal fun HouseholdsRoute(context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> HouseholdListStateHolder(scope, context.calls) }
    val state by holder.state.collectAsStateWithLifecycle()
    var query by rememberSaveable { mutableStateOf("") }
    LaunchedEffect(context.refreshKey) { holder.search(query) }
    val selected = (context.refreshKey as? Route.Household)?.householdId
    ScreenStateBox(state, onRetry = { holder.search(query) }, modifier) { screen, _ ->
        HouseholdListPage(
            query = query,
            state = screen,
            onQueryChange = {
                query = it
                holder.search(it)
            },
            onOpenHousehold = { context.navigate(Route.Household(it)) },
            selectedHouseholdId = selected,
        )
    }
}

@Composable
internal fun HouseholdRoute(householdId: String, context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> HouseholdStateHolder(scope, context.calls, householdId) }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(context.refreshKey) { holder.refresh() }
    ScreenStateBox(state, onRetry = { holder.refresh() }, modifier) { screen, _ ->
        HouseholdPage(screen, onOpenCase = { context.navigate(Route.CaseFile(it)) })
    }
}

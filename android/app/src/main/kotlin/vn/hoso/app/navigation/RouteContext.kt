// What a route page needs besides its own holder: the core calls, the launch holder (to lock), the
// platform, how to open another route from this one, and a key that changes whenever the user navigates
// (a page shown beside another refreshes when the other changes).
package vn.hoso.app.navigation

import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import vn.hoso.app.platform.Platform
import vn.hoso.app.presentation.CoreCalls
import vn.hoso.app.presentation.LaunchStateHolder

class RouteContext(
    val calls: CoreCalls,
    val launch: LaunchStateHolder,
    val platform: Platform,
    val refreshKey: Route,
    val navigate: (Route) -> Unit,
    val back: () -> Unit,
)

@Composable
fun RoutePage(route: Route, context: RouteContext, modifier: Modifier) {
    when (route) {
        is Route.Agenda -> AgendaRoute(context, modifier)
        is Route.Cases -> CasesRoute(context, modifier)
        is Route.Households -> HouseholdsRoute(context, modifier)
        is Route.Sync -> SyncRoute(context, modifier)
        is Route.Settings -> SettingsRoute(context, modifier)
        is Route.CaseFile -> CaseFileRoute(route.caseId, context, modifier)
        is Route.Household -> HouseholdRoute(route.householdId, context, modifier)
        is Route.Form -> FormRoute(context, modifier) { holder -> holder.open(route.recordId) }
        is Route.NewForm -> FormRoute(context, modifier) { holder -> holder.start(route.caseId, route.formId) }
        is Route.NewVisit -> FormRoute(context, modifier) { holder -> holder.startVisit(route.caseId) }
        is Route.NewCase -> NewCaseRoute(context, modifier)
        is Route.Approvals -> ApprovalsRoute(context, modifier)
        is Route.Oversight -> OversightRoute(context, modifier)
        is Route.Photos -> PhotosRoute(route.caseId, route.attachedTo, context, modifier)
    }
}

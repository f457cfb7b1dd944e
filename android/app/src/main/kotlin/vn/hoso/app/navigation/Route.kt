// The app's places: the top-level destinations of the navigation bar or rail, and the routes opened from
// them (a case, a household, a form).
package vn.hoso.app.navigation

sealed interface Route {
    data object Agenda : Route
    data object Cases : Route
    data object Households : Route
    data object Sync : Route
    data object Settings : Route
    data class CaseFile(val caseId: String) : Route
    data class Household(val householdId: String) : Route
    data class Form(val recordId: String) : Route
}

val TopLevelRoutes: List<Route> = listOf(Route.Agenda, Route.Cases, Route.Households, Route.Sync, Route.Settings)

// The app's places: the top-level destinations of the navigation bar or rail, and the routes opened from
// them (a case, a household, a form, a form or a case started now).
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

    /** A form of the case started now (one of the case's `newForms`). */
    data class NewForm(val caseId: String, val formId: String) : Route

    /** A visit note started now on the case. */
    data class NewVisit(val caseId: String) : Route

    /** A new subject taken in: name, birth date and sex, then the new case's Mẫu 01. */
    data object NewCase : Route
}

val TopLevelRoutes: List<Route> = listOf(Route.Agenda, Route.Cases, Route.Households, Route.Sync, Route.Settings)

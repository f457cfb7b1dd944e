// The app's places: the top-level destinations of the navigation bar or rail (the approval queue and the
// oversight figures for those who approve or oversee), and the routes opened from them (a case, a
// household, a form, a form or a case started now, the photos of a case or of one of its visit notes).
package vn.hoso.app.navigation

sealed interface Route {
    data object Agenda : Route
    data object Cases : Route
    data object Households : Route
    data object Sync : Route
    data object Settings : Route
    data object Approvals : Route
    data object Oversight : Route
    data class CaseFile(val caseId: String) : Route
    data class Household(val householdId: String) : Route
    data class Form(val recordId: String) : Route

    /** A form of the case started now (one of the case's `newForms`). */
    data class NewForm(val caseId: String, val formId: String) : Route

    /** A visit note started now on the case. */
    data class NewVisit(val caseId: String) : Route

    /** The photos of a case, or of one of its visit notes or forms (`attachedTo`), and a new one. */
    data class Photos(val caseId: String, val attachedTo: String?) : Route

    /** A new subject taken in: name, birth date and sex, then the new case's Mẫu 01. */
    data object NewCase : Route
}

/**
 * The navigation bar's destinations for this user: an approver also has the approval queue, and
 * whoever oversees an area (an approver, a provincial officer) its figures.
 */
fun topLevelRoutes(mayApprove: Boolean, oversees: Boolean): List<Route> = buildList {
    add(Route.Agenda)
    if (mayApprove) add(Route.Approvals)
    if (oversees) add(Route.Oversight)
    addAll(listOf(Route.Cases, Route.Households, Route.Sync, Route.Settings))
}

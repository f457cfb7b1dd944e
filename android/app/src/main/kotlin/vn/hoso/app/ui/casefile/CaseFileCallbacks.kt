// What the user can do from a case's file; the route forwards each to one core call.
package vn.hoso.app.ui.casefile

import vn.hoso.core.CaseAction
import vn.hoso.core.CaseActionInput

class CaseFileCallbacks(
    val onOpenForm: (recordId: String) -> Unit,
    val onStartForm: (formId: String) -> Unit,
    val onNewVisit: () -> Unit,
    val onAct: (action: CaseAction, input: CaseActionInput) -> Unit,
    val onReferralStatus: (referralId: String, status: String) -> Unit,
    val onOpenHousehold: (householdId: String) -> Unit,
    val onOpenSync: () -> Unit,
    /** The case's photos (`null`) or a visit note's, with a new one to take or pick. */
    val onOpenPhotos: (attachedTo: String?) -> Unit,
)

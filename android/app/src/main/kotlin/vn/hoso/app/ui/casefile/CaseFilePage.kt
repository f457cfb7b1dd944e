// A case's file: the subject, the five steps of TT 02/2020 Điều 3 with their forms, the actions of the
// current step (the refused ones with the law's reason), the forms that may be started, follow-ups,
// visit notes, referrals, consent to share, photos and the timeline — all as the core computed them.
package vn.hoso.app.ui.casefile

import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import vn.hoso.app.R
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.core.CaseScreen

@Composable
fun CaseFilePage(
    state: CaseScreen,
    callbacks: CaseFileCallbacks,
    modifier: Modifier = Modifier,
) {
    LazyColumn(modifier) {
        item { CaseHeader(state, callbacks) }
        item { SectionHeader(stringResource(R.string.case_actions)) }
        item { ActionsSection(state.actions, callbacks.onAct) }
        stepsSection(state.steps, callbacks.onOpenForm)
        item { SectionHeader(stringResource(R.string.case_new_forms)) }
        item { NewFormsSection(state.newForms, callbacks.onStartForm) }
        followUpsSection(state.followUps)
        visitsSection(state.visits, callbacks)
        referralsSection(state.referrals, callbacks.onReferralStatus)
        sharingSection(state, callbacks.onOpenForm)
        photosSection(state.photos, callbacks.onOpenPhotos)
        timelineSection(state.timeline)
    }
}

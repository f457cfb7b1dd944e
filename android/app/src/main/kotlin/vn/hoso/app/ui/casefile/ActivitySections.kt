// The case's ongoing work: follow-ups, visit notes, referrals with the statuses they may move to,
// consent to share information, photos (opened for the case or a visit note, to add one) and the timeline.
package vn.hoso.app.ui.casefile

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyListScope
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.AddAPhoto
import androidx.compose.material.icons.outlined.EditNote
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.agenda.AgendaRow
import vn.hoso.app.ui.common.EmptyLine
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.app.ui.common.localized
import vn.hoso.app.ui.common.padding16
import vn.hoso.core.AgendaItem
import vn.hoso.core.CaseScreen
import vn.hoso.core.PhotoRow
import vn.hoso.core.ReferralRow
import vn.hoso.core.TimelineRow
import vn.hoso.core.VisitRow

internal fun LazyListScope.followUpsSection(followUps: List<AgendaItem>) {
    item { SectionHeader(stringResource(R.string.case_follow_ups), count = followUps.size) }
    if (followUps.isEmpty()) item { EmptyLine(stringResource(R.string.agenda_nothing)) }
    items(followUps) { AgendaRow(it, onOpenCase = null) }
}

internal fun LazyListScope.visitsSection(visits: List<VisitRow>, callbacks: CaseFileCallbacks) {
    item { SectionHeader(stringResource(R.string.case_visits), count = visits.size) }
    item {
        Button(onClick = callbacks.onNewVisit, modifier = Modifier.fillMaxWidth().padding16()) {
            Icon(Icons.Outlined.EditNote, contentDescription = null)
            Text(stringResource(R.string.case_new_visit), modifier = Modifier.padding(start = 8.dp))
        }
    }
    items(visits, key = { it.recordId }) { visit ->
        val next = visit.nextVisit
        ListItem(
            overlineContent = {
                Text(
                    listOfNotNull(
                        visit.date?.text ?: stringResource(R.string.visit_no_date),
                        if (visit.draft) stringResource(R.string.visit_draft) else null,
                    ).joinToString(" · "),
                )
            },
            headlineContent = { Text(visit.summary.ifEmpty { stringResource(R.string.visit_no_notes) }) },
            supportingContent = if (next != null) {
                { Text(stringResource(R.string.visit_next, next.text)) }
            } else {
                null
            },
            trailingContent = {
                IconButton(onClick = { callbacks.onOpenPhotos(visit.recordId) }) {
                    Icon(Icons.Outlined.AddAPhoto, contentDescription = stringResource(R.string.visit_photos))
                }
            },
            modifier = Modifier.clickable { callbacks.onOpenForm(visit.recordId) },
        )
    }
}

internal fun LazyListScope.referralsSection(referrals: List<ReferralRow>, onReferralStatus: (String, String) -> Unit) {
    item { SectionHeader(stringResource(R.string.case_referrals), count = referrals.size) }
    items(referrals, key = { it.recordId }) { ReferralItem(it, onReferralStatus) }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun ReferralItem(referral: ReferralRow, onReferralStatus: (String, String) -> Unit) {
    Column(Modifier.padding16()) {
        Text(referral.provider, style = MaterialTheme.typography.titleSmall)
        Text(
            listOfNotNull(referral.statusLabel.localized(), referral.date?.text).joinToString(" · "),
            style = MaterialTheme.typography.bodySmall,
        )
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            referral.next.forEach { next ->
                OutlinedButton(onClick = { onReferralStatus(referral.recordId, next.status) }) {
                    Text(next.label.localized())
                }
            }
        }
    }
}

internal fun LazyListScope.sharingSection(state: CaseScreen, onOpenForm: (String) -> Unit) {
    item { SectionHeader(stringResource(R.string.case_sharing)) }
    item {
        val sharing = state.sharing
        Column(Modifier.padding16()) {
            Text(
                stringResource(if (sharing.allowed) R.string.case_sharing_allowed else R.string.case_sharing_not_allowed),
                color = if (sharing.allowed) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.error,
            )
            sharing.missing.forEach { Text("• ${it.localized()}", style = MaterialTheme.typography.bodySmall) }
        }
    }
    items(state.sharedForms, key = { it.recordId }) { FormRowItem(it, onOpenForm) }
}

internal fun LazyListScope.photosSection(photos: List<PhotoRow>, onOpenPhotos: (attachedTo: String?) -> Unit) {
    item { SectionHeader(stringResource(R.string.case_photos), count = photos.size) }
    item {
        OutlinedButton(onClick = { onOpenPhotos(null) }, modifier = Modifier.fillMaxWidth().padding16()) {
            Icon(Icons.Outlined.AddAPhoto, contentDescription = null)
            Text(stringResource(R.string.case_open_photos), modifier = Modifier.padding(start = 8.dp))
        }
    }
    items(photos, key = { it.recordId }) { photo ->
        ListItem(headlineContent = { Text(photo.takenOn?.text ?: stringResource(R.string.photo_no_date)) })
    }
}

internal fun LazyListScope.timelineSection(timeline: List<TimelineRow>) {
    item { SectionHeader(stringResource(R.string.case_timeline), count = timeline.size) }
    items(timeline) { row ->
        ListItem(
            overlineContent = { Text(row.date.text) },
            headlineContent = { Text(row.title.localized()) },
        )
    }
}

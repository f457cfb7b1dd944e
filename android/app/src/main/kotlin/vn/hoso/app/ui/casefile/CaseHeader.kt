// The top of a case's file: who the subject is, the case's step, its household, and whether some of its
// records wait for sync or hold conflicting edits.
package vn.hoso.app.ui.casefile

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.CloudUpload
import androidx.compose.material.icons.outlined.Home
import androidx.compose.material.icons.outlined.WarningAmber
import androidx.compose.material3.AssistChip
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.pluralStringResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.localized
import vn.hoso.core.CaseScreen
import vn.hoso.core.PersonSummary

@OptIn(ExperimentalLayoutApi::class)
@Composable
internal fun CaseHeader(state: CaseScreen, callbacks: CaseFileCallbacks) {
    Column(Modifier.padding(16.dp)) {
        val subject = state.subject
        Text(subject?.fullName ?: stringResource(R.string.case_no_subject), style = MaterialTheme.typography.headlineSmall)
        Text(
            stringResource(R.string.case_stage, state.stage.step.toInt(), state.stage.label.localized()),
            style = MaterialTheme.typography.titleSmall,
            color = MaterialTheme.colorScheme.primary,
        )
        state.openedOn?.let { Text(stringResource(R.string.case_opened_on, it.text), style = MaterialTheme.typography.bodySmall) }
        if (state.mine) Text(stringResource(R.string.cases_mine_marker), style = MaterialTheme.typography.bodySmall)
        subject?.let { SubjectDetails(it) }
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(top = 8.dp)) {
            val householdId = state.householdId
            if (householdId != null) {
                AssistChip(
                    onClick = { callbacks.onOpenHousehold(householdId) },
                    label = { Text(stringResource(R.string.household_of, state.householdHead.orEmpty())) },
                    leadingIcon = { Icon(Icons.Outlined.Home, contentDescription = null) },
                )
            }
            if (state.unsyncedRecords > 0u) {
                AssistChip(
                    onClick = callbacks.onOpenSync,
                    label = { Text(pluralStringResource(R.plurals.case_unsynced, state.unsyncedRecords.toInt(), state.unsyncedRecords.toInt())) },
                    leadingIcon = { Icon(Icons.Outlined.CloudUpload, contentDescription = null) },
                )
            }
            if (state.conflicts > 0u) {
                AssistChip(
                    onClick = callbacks.onOpenSync,
                    label = { Text(pluralStringResource(R.plurals.case_conflicts, state.conflicts.toInt(), state.conflicts.toInt())) },
                    leadingIcon = { Icon(Icons.Outlined.WarningAmber, contentDescription = null, tint = MaterialTheme.colorScheme.error) },
                )
            }
        }
    }
}

@Composable
private fun SubjectDetails(subject: PersonSummary) {
    val lines = listOfNotNull(
        listOfNotNull(
            subject.sex?.localized(),
            subject.age?.let { stringResource(R.string.age_years, it.toInt()) },
            subject.birth?.let { stringResource(R.string.born_on, it.text) },
        ).joinToString(" · ").ifEmpty { null },
        subject.citizenId.ifEmpty { null }?.let { stringResource(R.string.person_citizen_id, it) },
        subject.phone.ifEmpty { null }?.let { stringResource(R.string.person_phone, it) },
        subject.address.ifEmpty { null },
    )
    lines.forEach { Text(it, style = MaterialTheme.typography.bodyMedium) }
}

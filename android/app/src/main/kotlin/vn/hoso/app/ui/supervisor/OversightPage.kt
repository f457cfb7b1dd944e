// What an approver or provincial officer watches (the list pane on a tablet), as the core answers it
// offline: open cases by step, overdue visits, activities and reviews with days and the legal reference,
// approvals waiting, the no-contact trigger, follow-ups after closure, conflicts, quiet devices and the
// periodic reports due. Tapping a case opens it beside.
package vn.hoso.app.ui.supervisor

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.LazyListScope
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.EmptyLine
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.app.ui.common.localized
import vn.hoso.core.CaseLine
import vn.hoso.core.OversightView

@Composable
fun OversightPage(state: OversightView, onOpenCase: (caseId: String) -> Unit, modifier: Modifier = Modifier) {
    LazyColumn(modifier) {
        item { Totals(state) }
        overdueSection(state, onOpenCase)
        item { SectionHeader(stringResource(R.string.approvals_waiting), count = state.approvals.size) }
        items(state.approvals) { row ->
            CaseRow(row.case, stringResource(waitingKindLabel(row.kind)), stringResource(R.string.approvals_since, row.since, row.daysWaiting), onOpenCase)
        }
        item { SectionHeader(stringResource(R.string.oversight_no_contact), count = state.noContact.size) }
        items(state.noContact) { row ->
            CaseRow(row.case, stringResource(R.string.oversight_last_contact, row.lastContact), stringResource(R.string.oversight_trigger_on, row.triggerOn, row.daysLeft), onOpenCase)
        }
        item { SectionHeader(stringResource(R.string.oversight_post_closure), count = state.postClosure.size) }
        items(state.postClosure) { row -> CaseRow(row.case, row.due, localized(row.reasonVi, row.reasonEn), onOpenCase) }
        item { SectionHeader(stringResource(R.string.oversight_conflicts), count = state.conflicts.size) }
        items(state.conflicts) { row ->
            ListItem(
                headlineContent = { Text(row.case?.subjectName ?: row.kind) },
                supportingContent = { Text(stringResource(R.string.oversight_conflict_values, row.field, row.values.toInt())) },
                modifier = row.case?.let { case -> Modifier.clickable { onOpenCase(case.caseId) } } ?: Modifier,
            )
        }
        devicesSection(state)
        item { SectionHeader(stringResource(R.string.oversight_reports_due), count = state.reportsDue.size) }
        items(state.reportsDue) { task ->
            ListItem(
                overlineContent = { Text(stringResource(R.string.agenda_due_on, task.due)) },
                headlineContent = { Text(localized(task.reasonVi, task.reasonEn)) },
                supportingContent = { Text(task.legalRef) },
            )
        }
    }
}

@Composable
private fun Totals(state: OversightView) {
    Column(Modifier.padding(16.dp)) {
        Text(stringResource(R.string.oversight_as_of, state.today), style = MaterialTheme.typography.labelMedium)
        Text(
            stringResource(R.string.oversight_open_closed, state.openCases.toInt(), state.closedCases.toInt()),
            style = MaterialTheme.typography.titleMedium,
        )
        Row(Modifier.fillMaxWidth().padding(top = 8.dp), horizontalArrangement = Arrangement.SpaceBetween) {
            state.openByStep.forEachIndexed { index, count ->
                Column(horizontalAlignment = Alignment.CenterHorizontally) {
                    Text(count.toString(), style = MaterialTheme.typography.titleLarge)
                    Text(stringResource(R.string.oversight_step, index + 1), style = MaterialTheme.typography.labelSmall)
                }
            }
        }
    }
}

private fun LazyListScope.overdueSection(state: OversightView, onOpenCase: (String) -> Unit) {
    item { SectionHeader(stringResource(R.string.agenda_overdue), count = state.overdue.size) }
    if (state.overdue.isEmpty()) item { EmptyLine(stringResource(R.string.agenda_nothing)) }
    items(state.overdue) { row ->
        ListItem(
            overlineContent = {
                Text(stringResource(R.string.oversight_days_overdue, row.due, row.daysOverdue), color = MaterialTheme.colorScheme.error)
            },
            headlineContent = { Text(row.case.subjectName) },
            supportingContent = { Text("${localized(row.reasonVi, row.reasonEn)}\n${row.legalRef}", style = MaterialTheme.typography.bodySmall) },
            modifier = Modifier.clickable { onOpenCase(row.case.caseId) },
        )
    }
}

private fun LazyListScope.devicesSection(state: OversightView) {
    item { SectionHeader(stringResource(R.string.oversight_devices), count = state.devices.size) }
    items(state.devices, key = { it.deviceId }) { device ->
        ListItem(
            headlineContent = { Text("${device.userName} · ${device.deviceName}") },
            supportingContent = {
                Text(
                    listOfNotNull(
                        device.daysSinceSync?.let { stringResource(R.string.oversight_days_since_sync, it) },
                        device.pendingOps?.let { stringResource(R.string.oversight_pending, it.toLong()) },
                    ).joinToString(" · "),
                    color = if (device.quiet) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
                )
            },
        )
    }
}

@Composable
private fun CaseRow(case: CaseLine, overline: String, supporting: String, onOpenCase: (String) -> Unit) {
    ListItem(
        overlineContent = { Text(overline) },
        headlineContent = { Text(case.subjectName) },
        supportingContent = { Text(supporting) },
        modifier = Modifier.clickable { onOpenCase(case.caseId) },
    )
}

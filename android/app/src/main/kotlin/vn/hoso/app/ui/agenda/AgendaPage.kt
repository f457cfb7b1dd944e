// Today's agenda: follow-ups overdue, due today and due this week, each with its case and the reason
// and legal reference the core's follow-up engine gives. Tapping one opens its case.
package vn.hoso.app.ui.agenda

import androidx.compose.foundation.clickable
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.LazyListScope
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import vn.hoso.app.R
import vn.hoso.app.ui.common.EmptyLine
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.app.ui.common.localized
import vn.hoso.app.ui.common.padding16
import vn.hoso.core.AgendaItem
import vn.hoso.core.AgendaScreen

@Composable
fun AgendaPage(state: AgendaScreen, onOpenCase: (caseId: String) -> Unit, modifier: Modifier = Modifier) {
    LazyColumn(modifier) {
        item { Text(stringResource(R.string.agenda_today, state.today.text), modifier = Modifier.padding16()) }
        group(R.string.agenda_overdue, state.overdue, onOpenCase)
        group(R.string.agenda_due_today, state.dueToday, onOpenCase)
        group(R.string.agenda_this_week, state.thisWeek, onOpenCase)
    }
}

private fun LazyListScope.group(title: Int, items: List<AgendaItem>, onOpenCase: (String) -> Unit) {
    item { SectionHeader(stringResource(title), count = items.size) }
    if (items.isEmpty()) {
        item { EmptyLine(stringResource(R.string.agenda_nothing)) }
    }
    items(items) { AgendaRow(it, onOpenCase) }
}

/** One follow-up, as the agenda and a case's file list them (`onOpenCase` null inside the case). */
@Composable
fun AgendaRow(item: AgendaItem, onOpenCase: ((String) -> Unit)?, modifier: Modifier = Modifier) {
    val caseId = item.caseId
    val stage = item.stage
    ListItem(
        overlineContent = {
            Text(
                stringResource(R.string.agenda_due_on, item.due.text),
                color = if (item.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
            )
        },
        headlineContent = {
            val who = item.subjectName.ifEmpty { null }
            Text(if (who == null) item.title.localized() else "${item.title.localized()} · $who")
        },
        supportingContent = {
            Text("${item.reason.localized()}\n${item.legalRef}", style = MaterialTheme.typography.bodySmall)
        },
        trailingContent = if (stage != null) {
            { Text(stage.label.localized(), style = MaterialTheme.typography.labelSmall) }
        } else {
            null
        },
        modifier = if (caseId != null && onOpenCase != null) modifier.clickable { onOpenCase(caseId) } else modifier,
    )
}

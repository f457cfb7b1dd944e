// The approver's queue (the list pane on a tablet): plans, adjustments and closures waiting, longest
// waiting first, each approved here or given back with a comment; tapping one opens its case beside.
package vn.hoso.app.ui.supervisor

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.ListItemDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.EmptyLine
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.core.ApprovalQueueItem

class ApprovalCallbacks(
    val onOpenCase: (caseId: String) -> Unit,
    val onApprove: (caseId: String) -> Unit,
    val onGiveBack: (caseId: String, comment: String) -> Unit,
)

@Composable
fun ApprovalQueuePage(
    queue: List<ApprovalQueueItem>,
    busy: Boolean,
    callbacks: ApprovalCallbacks,
    modifier: Modifier = Modifier,
    selectedCaseId: String? = null,
) {
    var givingBack by remember { mutableStateOf<ApprovalQueueItem?>(null) }
    LazyColumn(modifier) {
        item { SectionHeader(stringResource(R.string.approvals_waiting), count = queue.size) }
        if (queue.isEmpty()) item { EmptyLine(stringResource(R.string.approvals_none)) }
        items(queue, key = { it.waiting.case.caseId }) { item ->
            QueueRow(
                item = item,
                selected = item.waiting.case.caseId == selectedCaseId,
                enabled = !busy,
                onOpen = { callbacks.onOpenCase(item.waiting.case.caseId) },
                onApprove = { callbacks.onApprove(item.waiting.case.caseId) },
                onGiveBack = { givingBack = item },
            )
        }
    }
    givingBack?.let { item ->
        CommentDialog(
            onConfirm = { comment ->
                givingBack = null
                callbacks.onGiveBack(item.waiting.case.caseId, comment)
            },
            onDismiss = { givingBack = null },
        )
    }
}

@Composable
private fun QueueRow(
    item: ApprovalQueueItem,
    selected: Boolean,
    enabled: Boolean,
    onOpen: () -> Unit,
    onApprove: () -> Unit,
    onGiveBack: () -> Unit,
) {
    val waiting = item.waiting
    ListItem(
        overlineContent = { Text(stringResource(waitingKindLabel(waiting.kind))) },
        headlineContent = { Text(waiting.case.subjectName) },
        supportingContent = {
            Text(
                stringResource(R.string.approvals_since, waiting.since, waiting.daysWaiting),
                color = if (waiting.daysWaiting > 0) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
            )
        },
        colors = if (selected) {
            ListItemDefaults.colors(containerColor = MaterialTheme.colorScheme.secondaryContainer)
        } else {
            ListItemDefaults.colors()
        },
        modifier = Modifier.clickable(onClick = onOpen),
    )
    Row(Modifier.fillMaxWidth().padding(start = 16.dp, end = 16.dp, bottom = 8.dp)) {
        Button(onClick = onApprove, enabled = enabled) { Text(stringResource(R.string.approvals_approve)) }
        OutlinedButton(onClick = onGiveBack, enabled = enabled, modifier = Modifier.padding(start = 8.dp)) {
            Text(stringResource(R.string.approvals_give_back))
        }
    }
}

/** The law asks the approver to say why an item goes back to its case manager. */
@Composable
private fun CommentDialog(onConfirm: (String) -> Unit, onDismiss: () -> Unit) {
    var comment by remember { mutableStateOf("") }
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(stringResource(R.string.approvals_give_back)) },
        text = {
            OutlinedTextField(
                value = comment,
                onValueChange = { comment = it },
                label = { Text(stringResource(R.string.case_action_reason)) },
                minLines = 3,
                modifier = Modifier.fillMaxWidth(),
            )
        },
        confirmButton = { TextButton(onClick = { onConfirm(comment) }) { Text(stringResource(R.string.action_confirm)) } },
        dismissButton = { TextButton(onClick = onDismiss) { Text(stringResource(R.string.action_cancel)) } },
    )
}

/** `plan`, `adjustment` or `closure`, as the oversight calls name what waits. */
internal fun waitingKindLabel(kind: String): Int = when (kind) {
    "plan" -> R.string.waiting_plan
    "adjustment" -> R.string.waiting_adjustment
    else -> R.string.waiting_closure
}

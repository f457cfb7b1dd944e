// The sync screen: when the device last synced and when it tries again, a running sync's progress,
// the outbox with each record's state (and the server's reason for a refusal), and the conflicts left
// by concurrent offline edits, each with every value, who wrote it and when, to keep one.
package vn.hoso.app.ui.sync

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.Sync
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.EmptyLine
import vn.hoso.app.ui.common.NoticeCard
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.app.ui.common.localized
import vn.hoso.core.OutboxRow
import vn.hoso.core.RecordSync
import vn.hoso.core.SyncScreen

@Composable
fun SyncPage(
    state: SyncScreen,
    running: Boolean,
    onSyncNow: () -> Unit,
    onResolve: (recordId: String, field: String, index: UInt) -> Unit,
    onOpenCase: (caseId: String) -> Unit,
    modifier: Modifier = Modifier,
) {
    LazyColumn(modifier) {
        item { SyncStatusBlock(state, running, onSyncNow) }
        item { SectionHeader(stringResource(R.string.sync_conflicts), count = state.conflicts.size) }
        if (state.conflicts.isEmpty()) item { EmptyLine(stringResource(R.string.sync_no_conflicts)) }
        items(state.conflicts, key = { "${it.recordId}/${it.field}" }) { ConflictCard(it, onResolve, onOpenCase) }
        item { SectionHeader(stringResource(R.string.sync_outbox), count = state.outbox.size) }
        if (state.outbox.isEmpty()) item { EmptyLine(stringResource(R.string.sync_outbox_empty)) }
        items(state.outbox, key = { it.recordId }) { OutboxItem(it) }
    }
}

@Composable
private fun SyncStatusBlock(state: SyncScreen, running: Boolean, onSyncNow: () -> Unit) {
    Column(Modifier.padding(16.dp)) {
        Text(state.summary.localized(), style = MaterialTheme.typography.titleMedium)
        state.lastSuccess?.let { Text(stringResource(R.string.sync_last_success, it.text), style = MaterialTheme.typography.bodyMedium) }
        state.nextAttempt?.let { Text(stringResource(R.string.sync_next_attempt, it.text), style = MaterialTheme.typography.bodyMedium) }
        state.serverUrl?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
        Text(
            stringResource(R.string.sync_counts, state.queued.toInt(), state.sent.toInt(), state.rejected.toInt()),
            style = MaterialTheme.typography.bodySmall,
        )
        state.notice?.let { NoticeCard(it.localized(), Modifier.padding(top = 8.dp)) }
        if (running) {
            Text(stringResource(R.string.sync_running), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(top = 8.dp))
            LinearProgressIndicator(Modifier.fillMaxWidth().padding(vertical = 8.dp))
        }
        Button(onClick = onSyncNow, enabled = !running && state.enrolled, modifier = Modifier.fillMaxWidth().padding(top = 8.dp)) {
            Icon(Icons.Outlined.Sync, contentDescription = null)
            Text(stringResource(R.string.sync_now), modifier = Modifier.padding(start = 8.dp))
        }
    }
}

@Composable
private fun OutboxItem(row: OutboxRow) {
    val rejected = row.state == RecordSync.REJECTED
    ListItem(
        headlineContent = { Text(row.title.localized()) },
        supportingContent = {
            Column {
                Text(
                    stringResource(R.string.sync_pending_changes, row.stateLabel.localized(), row.pendingChanges.toInt()),
                    color = if (rejected) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
                )
                row.rejection?.let { Text(it.localized(), color = MaterialTheme.colorScheme.error) }
            }
        },
    )
}

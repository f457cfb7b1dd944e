// One conflicting field: where it is, and each value with who wrote it and when; the user keeps one,
// and the choice settles the conflict on every device at the next sync.
package vn.hoso.app.ui.sync

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.localized
import vn.hoso.core.ConflictChoice
import vn.hoso.core.ConflictRow

@Composable
internal fun ConflictCard(
    conflict: ConflictRow,
    onResolve: (String, String, UInt) -> Unit,
    onOpenCase: (String) -> Unit,
) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 6.dp)) {
        Column(Modifier.padding(12.dp)) {
            Text(conflict.recordTitle.localized(), style = MaterialTheme.typography.titleSmall)
            Text(conflict.fieldLabel.localized(), style = MaterialTheme.typography.bodyMedium)
            conflict.values.forEach { value ->
                HorizontalDivider(Modifier.padding(vertical = 8.dp))
                ConflictValueLine(value) { onResolve(conflict.recordId, conflict.field, value.index) }
            }
            val caseId = conflict.caseId
            if (caseId != null) {
                TextButton(onClick = { onOpenCase(caseId) }) { Text(stringResource(R.string.sync_open_case)) }
            }
        }
    }
}

@Composable
private fun ConflictValueLine(value: ConflictChoice, onKeep: () -> Unit) {
    Row(verticalAlignment = Alignment.CenterVertically) {
        Column(Modifier.weight(1f)) {
            Text(value.text.localized(), style = MaterialTheme.typography.bodyLarge)
            Text(
                stringResource(R.string.sync_written_by, value.author.localized(), value.written.text),
                style = MaterialTheme.typography.bodySmall,
            )
            if (value.current) {
                Text(stringResource(R.string.sync_value_current), style = MaterialTheme.typography.labelSmall, color = MaterialTheme.colorScheme.primary)
            }
        }
        OutlinedButton(onClick = onKeep) { Text(stringResource(R.string.sync_keep_value)) }
    }
}

// The generic form renderer: every form of the core (Mẫu số 01–06, visit notes, referrals, consent)
// drawn from its screen state — sections, fields in order with their input kinds, visibility,
// required marks, answers and the core's Vietnamese/English issues — and the way the form is finished.
// Every change is one autosave call; the page evaluates no condition and no check.
package vn.hoso.app.ui.form

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.Delete
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.pluralStringResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.NoticeCard
import vn.hoso.app.ui.common.RefusalText
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.app.ui.common.localized
import vn.hoso.app.ui.common.padding16
import vn.hoso.core.FormFinish
import vn.hoso.core.FormScreen
import vn.hoso.core.OrphanedAnswer

@Composable
fun FormPage(
    state: FormScreen,
    callbacks: FormCallbacks,
    modifier: Modifier = Modifier,
    busy: Boolean = false,
) {
    val lines = formLines(state.sections, state.editable)
    LazyColumn(modifier) {
        item { FormHeader(state) }
        items(lines, key = { it.key }) { line ->
            when (line) {
                is FormLine.Section -> SectionHeader(line.section.title.localized())
                is FormLine.ItemHeader -> ItemHeader(line, callbacks)
                is FormLine.Field -> FieldEditor(line.view, state.editable, callbacks.onAnswer, callbacks.onAddItem)
            }
        }
        if (state.orphaned.isNotEmpty()) {
            item { SectionHeader(stringResource(R.string.form_orphaned)) }
            items(state.orphaned, key = { "orphan:${it.name}" }) { OrphanedLine(it) }
        }
        item { FinishBar(state, busy, callbacks) }
    }
}

@Composable
private fun FormHeader(state: FormScreen) {
    Column(Modifier.padding(16.dp)) {
        Text(state.title.localized(), style = MaterialTheme.typography.titleLarge)
        if (state.subjectName.isNotEmpty()) Text(state.subjectName, style = MaterialTheme.typography.titleSmall)
        Text(
            listOf(state.statusLabel.localized(), state.legalRef).filter { it.isNotEmpty() }.joinToString(" · "),
            style = MaterialTheme.typography.bodySmall,
        )
        val description = state.description.localized()
        if (description.isNotEmpty()) Text(description, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(top = 8.dp))
    }
    state.readOnlyReason?.let { NoticeCard(it.localized()) }
    if (state.issues.isNotEmpty()) {
        NoticeCard(pluralStringResource(R.plurals.form_issues, state.issues.size, state.issues.size), warning = true)
    }
}

@Composable
private fun ItemHeader(line: FormLine.ItemHeader, callbacks: FormCallbacks) {
    Row(Modifier.fillMaxWidth().padding(start = 16.dp, end = 4.dp, top = 8.dp), verticalAlignment = Alignment.CenterVertically) {
        Text(
            stringResource(R.string.form_item, line.index.toInt() + 1),
            style = MaterialTheme.typography.titleSmall,
            modifier = Modifier.weight(1f),
        )
        if (line.removable) {
            IconButton(onClick = { callbacks.onRemoveItem(line.list, line.index) }) {
                Icon(Icons.Outlined.Delete, contentDescription = stringResource(R.string.form_remove_item, line.index.toInt() + 1))
            }
        }
    }
}

@Composable
private fun OrphanedLine(answer: OrphanedAnswer) {
    Column(Modifier.padding16()) {
        Text(answer.name, style = MaterialTheme.typography.labelMedium)
        Text(answer.valueJson, style = MaterialTheme.typography.bodyMedium)
    }
}

@Composable
private fun FinishBar(state: FormScreen, busy: Boolean, callbacks: FormCallbacks) {
    val finish = state.finish
    if (finish is FormFinish.Done) return
    Column(Modifier.padding(16.dp)) {
        Button(
            onClick = callbacks.onFinish,
            enabled = state.finishAllowed && !busy,
            modifier = Modifier.fillMaxWidth(),
        ) { Text(state.finishLabel.localized()) }
        state.finishRefusal?.let { RefusalText(it.localized(), Modifier.padding(top = 4.dp)) }
    }
}

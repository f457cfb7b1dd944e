// Settings: who is enrolled on this device, the language, the auto-lock delay, changing the PIN, the
// server address, and — read only — what the law leaves open as the province configured it, each value
// with its legal reference.
package vn.hoso.app.ui.settings

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.FilterChip
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.NoticeCard
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.app.ui.common.localized
import vn.hoso.app.ui.common.padding16
import vn.hoso.core.Language
import vn.hoso.core.SettingsScreen

@Composable
fun SettingsPage(state: SettingsScreen, callbacks: SettingsCallbacks, modifier: Modifier = Modifier) {
    var dialog by remember { mutableStateOf<SettingsDialog?>(null) }
    LazyColumn(modifier) {
        state.notice?.let { item { NoticeCard(it.localized()) } }
        item { AccountBlock(state) }
        item { SectionHeader(stringResource(R.string.settings_language)) }
        item { LanguageChoice(state.language, callbacks.onLanguage) }
        item { SectionHeader(stringResource(R.string.settings_security)) }
        item { AutoLockChoice(state, callbacks.onAutoLock) }
        item {
            Column(Modifier.padding16()) {
                OutlinedButton(onClick = { dialog = SettingsDialog.Pin }, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.settings_change_pin))
                }
                OutlinedButton(onClick = callbacks.onLockNow, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.settings_lock_now))
                }
            }
        }
        item { SectionHeader(stringResource(R.string.settings_server)) }
        item {
            ListItem(
                headlineContent = { Text(state.serverUrl ?: stringResource(R.string.settings_no_server)) },
                trailingContent = {
                    OutlinedButton(onClick = { dialog = SettingsDialog.Server }) { Text(stringResource(R.string.action_change)) }
                },
            )
        }
        item { SectionHeader(stringResource(R.string.settings_rules)) }
        items(state.rules, key = { it.key }) { rule ->
            ListItem(
                headlineContent = { Text(rule.label.localized()) },
                supportingContent = {
                    Text("${rule.rule.localized()} · ${rule.legalRef}", style = MaterialTheme.typography.bodySmall)
                },
                trailingContent = { Text(rule.value) },
            )
        }
        item { AboutBlock(state) }
    }
    when (dialog) {
        SettingsDialog.Pin -> ChangePinDialog(
            onConfirm = { current, pin, confirmation ->
                dialog = null
                callbacks.onChangePin(current, pin, confirmation)
            },
            onDismiss = { dialog = null },
        )
        SettingsDialog.Server -> ServerDialog(
            current = state.serverUrl.orEmpty(),
            onConfirm = { url ->
                dialog = null
                callbacks.onServer(url)
            },
            onDismiss = { dialog = null },
        )
        null -> Unit
    }
}

private enum class SettingsDialog { Pin, Server }

@Composable
private fun AccountBlock(state: SettingsScreen) {
    val user = state.user ?: return
    Column(Modifier.padding(16.dp)) {
        Text(user.roleLabel.localized(), style = MaterialTheme.typography.titleMedium)
        if (user.areaName.isNotEmpty()) Text(user.areaName, style = MaterialTheme.typography.bodyMedium)
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun LanguageChoice(current: Language, onLanguage: (Language) -> Unit) {
    FlowRow(Modifier.padding16(), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        FilterChip(selected = current == Language.VI, onClick = { onLanguage(Language.VI) }, label = { Text("Tiếng Việt") })
        FilterChip(selected = current == Language.EN, onClick = { onLanguage(Language.EN) }, label = { Text("English") })
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun AutoLockChoice(state: SettingsScreen, onAutoLock: (UInt) -> Unit) {
    Column(Modifier.padding16()) {
        Text(stringResource(R.string.settings_auto_lock), style = MaterialTheme.typography.bodyMedium)
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            state.autoLockChoices.forEach { minutes ->
                FilterChip(
                    selected = minutes == state.autoLockMinutes,
                    onClick = { onAutoLock(minutes) },
                    label = { Text(stringResource(R.string.settings_minutes, minutes.toInt())) },
                )
            }
        }
    }
}

@Composable
private fun AboutBlock(state: SettingsScreen) {
    Column(Modifier.padding(16.dp)) {
        Text(stringResource(R.string.settings_about), style = MaterialTheme.typography.titleSmall)
        Text(stringResource(R.string.settings_versions, state.appVersion, state.schemaVersion.toInt(), state.adminUnitsVersion), style = MaterialTheme.typography.bodySmall)
        Text(stringResource(R.string.settings_device, state.deviceId), style = MaterialTheme.typography.bodySmall)
    }
}

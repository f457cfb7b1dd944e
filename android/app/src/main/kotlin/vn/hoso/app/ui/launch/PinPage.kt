// The PIN pages: choosing the first PIN (typed twice) and unlocking. What a PIN may be, how many
// attempts are left and the wipe after too many come from the core; this page only collects digits.
package vn.hoso.app.ui.launch

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.pluralStringResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.NoticeCard
import vn.hoso.app.ui.common.localized
import vn.hoso.core.LaunchScreen
import vn.hoso.core.LaunchStage

@Composable
fun ChoosePinPage(
    state: LaunchScreen,
    busy: Boolean,
    onChoosePin: (pin: String, confirmation: String) -> Unit,
    modifier: Modifier = Modifier,
) {
    var pin by remember { mutableStateOf("") }
    var confirmation by remember { mutableStateOf("") }
    PinColumn(modifier) {
        Text(stringResource(R.string.pin_choose_title), style = MaterialTheme.typography.headlineSmall)
        state.user?.let {
            Text(
                "${it.roleLabel.localized()} · ${it.areaName}",
                style = MaterialTheme.typography.bodyMedium,
                modifier = Modifier.padding(top = 4.dp),
            )
        }
        Text(state.pinRule.localized(), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(vertical = 12.dp))
        PinField(pin, { pin = it }, stringResource(R.string.pin_new), ImeAction.Next, onDone = {})
        PinField(confirmation, { confirmation = it }, stringResource(R.string.pin_confirm), ImeAction.Done) {
            onChoosePin(pin, confirmation)
        }
        if (busy) LinearProgressIndicator(Modifier.fillMaxWidth().padding(vertical = 8.dp))
        Button(
            onClick = { onChoosePin(pin, confirmation) },
            enabled = !busy && pin.isNotEmpty() && confirmation.isNotEmpty(),
            modifier = Modifier.fillMaxWidth().padding(top = 12.dp),
        ) { Text(stringResource(R.string.pin_choose_action)) }
    }
}

@Composable
fun UnlockPage(
    state: LaunchScreen,
    busy: Boolean,
    onUnlock: (pin: String) -> Unit,
    modifier: Modifier = Modifier,
) {
    var pin by remember { mutableStateOf("") }
    LaunchedEffect(state) { pin = "" }
    PinColumn(modifier) {
        Text(stringResource(R.string.pin_unlock_title), style = MaterialTheme.typography.headlineSmall)
        state.user?.let {
            Text("${it.roleLabel.localized()} · ${it.areaName}", style = MaterialTheme.typography.bodyMedium)
        }
        state.notice?.let { NoticeCard(it.localized(), warning = true) }
        val stage = state.stage
        if (stage is LaunchStage.Unlock && stage.failures > 0u) {
            Text(
                pluralStringResource(R.plurals.pin_attempts_left, stage.attemptsLeft.toInt(), stage.attemptsLeft.toInt()),
                color = MaterialTheme.colorScheme.error,
                style = MaterialTheme.typography.bodyMedium,
                modifier = Modifier.padding(vertical = 8.dp),
            )
        }
        PinField(pin, { pin = it }, stringResource(R.string.pin_label), ImeAction.Done) { onUnlock(pin) }
        if (busy) LinearProgressIndicator(Modifier.fillMaxWidth().padding(vertical = 8.dp))
        Button(
            onClick = { onUnlock(pin) },
            enabled = !busy && pin.isNotEmpty(),
            modifier = Modifier.fillMaxWidth().padding(top = 12.dp),
        ) { Text(stringResource(R.string.pin_unlock_action)) }
    }
}

@Composable
private fun PinColumn(modifier: Modifier, content: @Composable () -> Unit) {
    Column(
        modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Column(Modifier.widthIn(max = 420.dp).fillMaxWidth()) { content() }
    }
}

@Composable
private fun PinField(value: String, onChange: (String) -> Unit, label: String, imeAction: ImeAction, onDone: () -> Unit) {
    OutlinedTextField(
        value = value,
        onValueChange = { typed -> onChange(typed.filter(Char::isDigit)) },
        label = { Text(label) },
        singleLine = true,
        visualTransformation = PasswordVisualTransformation(),
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword, imeAction = imeAction),
        keyboardActions = KeyboardActions(onDone = { onDone() }),
        modifier = Modifier.fillMaxWidth().padding(top = 8.dp),
    )
}

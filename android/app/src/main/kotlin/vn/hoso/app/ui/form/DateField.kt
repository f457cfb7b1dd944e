// A date field: typed as Vietnamese forms write dates (dd/mm/yyyy) or picked from a calendar. The
// picked day is sent as typed text, so the core reads and checks it like any typed date.
package vn.hoso.app.ui.form

import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.CalendarMonth
import androidx.compose.material3.DatePicker
import androidx.compose.material3.DatePickerDialog
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.rememberDatePickerState
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import vn.hoso.app.R
import vn.hoso.core.AnswerInput
import vn.hoso.core.FieldView

private val VIETNAMESE_DATE: DateTimeFormatter = DateTimeFormatter.ofPattern("dd/MM/yyyy")

@Composable
internal fun DateField(field: FieldView, enabled: Boolean, onAnswer: (AnswerInput) -> Unit) {
    var picking by remember { mutableStateOf(false) }
    TypedField(
        field, enabled, onAnswer,
        KeyboardOptions(keyboardType = KeyboardType.Number),
        trailingIcon = {
            IconButton(onClick = { picking = true }, enabled = enabled) {
                Icon(Icons.Outlined.CalendarMonth, contentDescription = stringResource(R.string.form_pick_date))
            }
        },
    )
    if (picking) {
        DatePickerFor(field.text, onPicked = { day ->
            picking = false
            onAnswer(AnswerInput.Text(day))
        }, onDismiss = { picking = false })
    }
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun DatePickerFor(current: String, onPicked: (String) -> Unit, onDismiss: () -> Unit) {
    val initial = runCatching { LocalDate.parse(current, VIETNAMESE_DATE) }.getOrNull()
    val state = rememberDatePickerState(
        initialSelectedDateMillis = initial?.atStartOfDay(ZoneOffset.UTC)?.toInstant()?.toEpochMilli(),
    )
    DatePickerDialog(
        onDismissRequest = onDismiss,
        confirmButton = {
            TextButton(
                onClick = {
                    val millis = state.selectedDateMillis
                    if (millis == null) {
                        onDismiss()
                    } else {
                        onPicked(Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate().format(VIETNAMESE_DATE))
                    }
                },
            ) { Text(stringResource(R.string.action_confirm)) }
        },
        dismissButton = { TextButton(onClick = onDismiss) { Text(stringResource(R.string.action_cancel)) } },
    ) {
        DatePicker(state = state)
    }
}

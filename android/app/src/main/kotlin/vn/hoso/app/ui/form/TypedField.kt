// A text box for a field the user types (text, numbers, money, ID, phone, dates). It keeps what is
// being typed and autosaves it once typing pauses or the box loses focus; the core reads it by the
// field's kind ("1.500.000" for money, "05/11/2026" for a date) and answers the text to show.
package vn.hoso.app.ui.form

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.focus.onFocusChanged
import kotlinx.coroutines.delay
import vn.hoso.core.AnswerInput
import vn.hoso.core.FieldView

/** How long typing must pause before the answer is saved: one call per pause, not per key. */
private const val AUTOSAVE_PAUSE_MS = 700L

@Composable
internal fun TypedField(
    field: FieldView,
    enabled: Boolean,
    onAnswer: (AnswerInput) -> Unit,
    keyboardOptions: KeyboardOptions,
    multiline: Boolean = false,
    suffix: String? = null,
    trailingIcon: (@Composable () -> Unit)? = null,
) {
    var text by rememberSaveable(field.path) { mutableStateOf(field.text) }
    var lastSent by remember(field.path) { mutableStateOf(field.text) }
    var focused by remember { mutableStateOf(false) }
    val save = {
        if (text != lastSent) {
            lastSent = text
            onAnswer(AnswerInput.Text(text))
        }
    }
    LaunchedEffect(field.text, focused) {
        if (!focused) {
            text = field.text
            lastSent = field.text
        }
    }
    LaunchedEffect(text) {
        delay(AUTOSAVE_PAUSE_MS)
        save()
    }
    OutlinedTextField(
        value = text,
        onValueChange = { text = it },
        enabled = enabled,
        isError = field.issues.isNotEmpty(),
        singleLine = !multiline,
        minLines = if (multiline) 3 else 1,
        keyboardOptions = keyboardOptions,
        suffix = if (suffix != null) {
            { Text(suffix) }
        } else {
            null
        },
        trailingIcon = trailingIcon,
        modifier = Modifier
            .fillMaxWidth()
            .onFocusChanged { state ->
                if (focused && !state.isFocused) save()
                focused = state.isFocused
            },
    )
}

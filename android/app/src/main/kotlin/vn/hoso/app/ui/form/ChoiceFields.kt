// Editors for fields the user picks: one choice (radio buttons, or a picker for long lists), several
// choices (check boxes), yes/no. Each pick is saved at once; choices revealing sensitive data are marked.
package vn.hoso.app.ui.form

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Checkbox
import androidx.compose.material3.FilterChip
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.SensitiveMark
import vn.hoso.app.ui.common.localized
import vn.hoso.core.AnswerInput
import vn.hoso.core.ChoiceView
import vn.hoso.core.FieldView

/** Up to this many choices show as radio buttons; longer lists open a picker. */
private const val INLINE_CHOICES = 6

@Composable
internal fun ChoiceField(field: FieldView, choices: List<ChoiceView>, enabled: Boolean, onAnswer: (AnswerInput) -> Unit) {
    if (choices.size <= INLINE_CHOICES) {
        choices.forEach { choice ->
            RadioLine(choice, selected = choice.code in field.selected, enabled = enabled) {
                onAnswer(AnswerInput.Choice(choice.code))
            }
        }
    } else {
        ChoicePicker(field, choices, enabled, onAnswer)
    }
    if (enabled && field.answered) {
        TextButton(onClick = { onAnswer(AnswerInput.Clear) }) { Text(stringResource(R.string.form_clear)) }
    }
}

@Composable
private fun ChoicePicker(field: FieldView, choices: List<ChoiceView>, enabled: Boolean, onAnswer: (AnswerInput) -> Unit) {
    var showing by remember { mutableStateOf(false) }
    val current = choices.firstOrNull { it.code in field.selected }
    OutlinedButton(onClick = { showing = true }, enabled = enabled, modifier = Modifier.fillMaxWidth()) {
        Text(current?.label?.localized() ?: stringResource(R.string.form_pick))
    }
    if (showing) {
        AlertDialog(
            onDismissRequest = { showing = false },
            title = { Text(field.label.localized()) },
            text = {
                LazyColumn {
                    items(choices, key = { it.code }) { choice ->
                        RadioLine(choice, selected = choice == current, enabled = true) {
                            showing = false
                            onAnswer(AnswerInput.Choice(choice.code))
                        }
                    }
                }
            },
            confirmButton = { TextButton(onClick = { showing = false }) { Text(stringResource(R.string.action_close)) } },
        )
    }
}

@Composable
private fun RadioLine(choice: ChoiceView, selected: Boolean, enabled: Boolean, onSelect: () -> Unit) {
    Row(
        Modifier
            .fillMaxWidth()
            .selectable(selected = selected, enabled = enabled, role = Role.RadioButton, onClick = onSelect)
            .padding(vertical = 4.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        RadioButton(selected = selected, onClick = null, enabled = enabled)
        ChoiceLabel(choice)
    }
}

@Composable
internal fun MultiChoiceField(field: FieldView, choices: List<ChoiceView>, enabled: Boolean, onAnswer: (AnswerInput) -> Unit) {
    Column {
        choices.forEach { choice ->
            val checked = choice.code in field.selected
            Row(
                Modifier
                    .fillMaxWidth()
                    .toggleable(value = checked, enabled = enabled, role = Role.Checkbox) { now ->
                        val codes = if (now) field.selected + choice.code else field.selected - choice.code
                        onAnswer(AnswerInput.Choices(codes))
                    }
                    .padding(vertical = 4.dp),
                verticalAlignment = Alignment.CenterVertically,
            ) {
                Checkbox(checked = checked, onCheckedChange = null, enabled = enabled)
                ChoiceLabel(choice)
            }
        }
    }
}

@Composable
private fun ChoiceLabel(choice: ChoiceView) {
    Text(choice.label.localized(), modifier = Modifier.padding(start = 8.dp))
    if (choice.sensitive) SensitiveMark(Modifier.padding(start = 8.dp))
}

/** Yes or no; tapping the chosen answer again removes it (the question may be left unanswered). */
@Composable
internal fun YesNoField(field: FieldView, enabled: Boolean, onAnswer: (AnswerInput) -> Unit) {
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        listOf(true to R.string.form_yes, false to R.string.form_no).forEach { (value, label) ->
            val selected = field.checked == value
            FilterChip(
                selected = selected,
                enabled = enabled,
                onClick = { onAnswer(if (selected) AnswerInput.Clear else AnswerInput.Boolean(value)) },
                label = { Text(stringResource(label)) },
            )
        }
    }
}

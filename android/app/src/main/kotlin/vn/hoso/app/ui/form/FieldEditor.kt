// One field of a form: its label (required mark, sensitive mark, hint, legal reference), the editor
// its input kind calls for, and the issues the core found in its answer, shown as the core words them.
package vn.hoso.app.ui.form

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.Add
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.SensitiveMark
import vn.hoso.app.ui.common.localized
import vn.hoso.core.AnswerInput
import vn.hoso.core.FieldInput
import vn.hoso.core.FieldView

@Composable
internal fun FieldEditor(
    field: FieldView,
    formEditable: Boolean,
    onAnswer: (String, AnswerInput) -> Unit,
    onAddItem: (String) -> Unit,
) {
    val enabled = formEditable && field.editable
    val answer: (AnswerInput) -> Unit = { onAnswer(field.path, it) }
    Column(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 6.dp)) {
        FieldLabel(field)
        when (val input = field.input) {
            is FieldInput.Text -> TypedField(
                field, enabled, answer,
                KeyboardOptions(capitalization = KeyboardCapitalization.Sentences),
                multiline = input.multiline,
            )
            is FieldInput.Integer -> TypedField(field, enabled, answer, KeyboardOptions(keyboardType = KeyboardType.Number))
            is FieldInput.Decimal -> TypedField(field, enabled, answer, KeyboardOptions(keyboardType = KeyboardType.Decimal))
            is FieldInput.Money -> TypedField(
                field, enabled, answer, KeyboardOptions(keyboardType = KeyboardType.Number),
                suffix = stringResource(R.string.form_money_unit),
            )
            is FieldInput.CitizenId -> TypedField(field, enabled, answer, KeyboardOptions(keyboardType = KeyboardType.Number))
            is FieldInput.Phone -> TypedField(field, enabled, answer, KeyboardOptions(keyboardType = KeyboardType.Phone))
            is FieldInput.Date -> DateField(field, enabled, answer)
            is FieldInput.Choice -> ChoiceField(field, input.choices, enabled, answer)
            is FieldInput.MultiChoice -> MultiChoiceField(field, input.choices, enabled, answer)
            is FieldInput.Boolean -> YesNoField(field, enabled, answer)
            is FieldInput.Repeat -> RepeatField(input, enabled) { onAddItem(field.path) }
        }
        field.issues.forEach { issue ->
            Text(
                issue.message.localized(),
                color = MaterialTheme.colorScheme.error,
                style = MaterialTheme.typography.bodySmall,
                modifier = Modifier.padding(top = 2.dp),
            )
        }
    }
}

@Composable
private fun FieldLabel(field: FieldView) {
    Row(verticalAlignment = Alignment.CenterVertically) {
        Text(
            if (field.required) "${field.label.localized()} *" else field.label.localized(),
            style = MaterialTheme.typography.labelLarge,
            modifier = Modifier.weight(1f, fill = false),
        )
        if (field.sensitive) SensitiveMark(Modifier.padding(start = 8.dp))
    }
    field.hint?.let { Text(it.localized(), style = MaterialTheme.typography.bodySmall) }
    field.legalRef?.let {
        Text(it, style = MaterialTheme.typography.labelSmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
    }
}

/** A list (repeat group): how many items it has; its items' fields follow it in the form. */
@Composable
private fun RepeatField(input: FieldInput.Repeat, enabled: Boolean, onAdd: () -> Unit) {
    val max = input.max
    Text(
        stringResource(R.string.form_list_items, input.items.toInt()),
        style = MaterialTheme.typography.bodySmall,
    )
    OutlinedButton(onClick = onAdd, enabled = enabled && (max == null || input.items < max)) {
        Icon(Icons.Outlined.Add, contentDescription = null)
        Text(stringResource(R.string.form_add_item), modifier = Modifier.padding(start = 8.dp))
    }
}

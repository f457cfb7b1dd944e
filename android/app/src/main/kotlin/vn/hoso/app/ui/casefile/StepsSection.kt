// The five steps of TT 02/2020 Điều 3, each done, current or to come, with the forms filled in it.
package vn.hoso.app.ui.casefile

import androidx.compose.foundation.clickable
import androidx.compose.foundation.lazy.LazyListScope
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.CheckCircle
import androidx.compose.material.icons.outlined.RadioButtonChecked
import androidx.compose.material.icons.outlined.RadioButtonUnchecked
import androidx.compose.material3.Icon
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import vn.hoso.app.R
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.app.ui.common.localized
import vn.hoso.core.FormRow
import vn.hoso.core.StepState
import vn.hoso.core.StepView

internal fun LazyListScope.stepsSection(steps: List<StepView>, onOpenForm: (String) -> Unit) {
    item { SectionHeader(stringResource(R.string.case_steps)) }
    steps.forEach { step ->
        item(key = "step-${step.step}") { StepTitle(step) }
        items(step.forms, key = { it.recordId }) { FormRowItem(it, onOpenForm) }
    }
}

@Composable
private fun StepTitle(step: StepView) {
    val icon = when (step.state) {
        StepState.DONE -> Icons.Outlined.CheckCircle
        StepState.CURRENT -> Icons.Outlined.RadioButtonChecked
        StepState.UPCOMING -> Icons.Outlined.RadioButtonUnchecked
    }
    val state = when (step.state) {
        StepState.DONE -> stringResource(R.string.step_done)
        StepState.CURRENT -> stringResource(R.string.step_current)
        StepState.UPCOMING -> stringResource(R.string.step_upcoming)
    }
    ListItem(
        leadingContent = {
            Icon(
                icon,
                contentDescription = state,
                tint = if (step.state == StepState.CURRENT) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurfaceVariant,
            )
        },
        headlineContent = { Text(stringResource(R.string.step_title, step.step.toInt(), step.title.localized())) },
    )
}

/** A form of the case: its title, status and date; opening it shows it (editable or not, as the core says). */
@Composable
internal fun FormRowItem(row: FormRow, onOpenForm: (String) -> Unit) {
    ListItem(
        headlineContent = { Text(row.title.localized()) },
        supportingContent = {
            Text(listOfNotNull(row.statusLabel.localized(), row.date?.text).joinToString(" · "))
        },
        trailingContent = if (row.editable) {
            { Text(stringResource(R.string.form_editable), style = MaterialTheme.typography.labelSmall) }
        } else {
            null
        },
        modifier = Modifier.clickable { onOpenForm(row.recordId) },
    )
}

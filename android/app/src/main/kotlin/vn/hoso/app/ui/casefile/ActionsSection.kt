// The current step's actions: each allowed one is a button (asking for a reason when the action needs
// one); each refused one is shown disabled with the core's reason. Also the forms the user may start,
// and why the others may not be started now.
package vn.hoso.app.ui.casefile

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.EmptyLine
import vn.hoso.app.ui.common.RefusalText
import vn.hoso.app.ui.common.localized
import vn.hoso.core.ActionView
import vn.hoso.core.CaseAction
import vn.hoso.core.CaseActionInput
import vn.hoso.core.NewFormOption

@Composable
internal fun ActionsSection(actions: List<ActionView>, onAct: (CaseAction, CaseActionInput) -> Unit) {
    var asking by remember { mutableStateOf<ActionView?>(null) }
    Column(Modifier.padding(horizontal = 16.dp)) {
        if (actions.isEmpty()) EmptyLine(stringResource(R.string.case_no_actions))
        actions.forEach { action ->
            Button(
                onClick = {
                    if (action.needsReason) asking = action else onAct(action.action, CaseActionInput())
                },
                enabled = action.allowed,
                modifier = Modifier.fillMaxWidth().padding(top = 8.dp),
            ) { Text(action.label.localized()) }
            action.refusal?.let { RefusalText(it.localized(), Modifier.padding(bottom = 4.dp)) }
        }
    }
    asking?.let { action ->
        ReasonDialog(
            action = action,
            onConfirm = { input ->
                asking = null
                onAct(action.action, input)
            },
            onDismiss = { asking = null },
        )
    }
}

/** Asks why: a plan or a closure proposal is returned, or a closed case reopened. */
@Composable
private fun ReasonDialog(action: ActionView, onConfirm: (CaseActionInput) -> Unit, onDismiss: () -> Unit) {
    var reason by remember { mutableStateOf("") }
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(action.label.localized()) },
        text = {
            OutlinedTextField(
                value = reason,
                onValueChange = { reason = it },
                label = { Text(stringResource(R.string.case_action_reason)) },
                minLines = 3,
                modifier = Modifier.fillMaxWidth(),
            )
        },
        confirmButton = {
            TextButton(onClick = { onConfirm(CaseActionInput(reason)) }) {
                Text(stringResource(R.string.action_confirm))
            }
        },
        dismissButton = { TextButton(onClick = onDismiss) { Text(stringResource(R.string.action_cancel)) } },
    )
}

@Composable
internal fun NewFormsSection(options: List<NewFormOption>, onStartForm: (String) -> Unit) {
    Column(Modifier.padding(horizontal = 16.dp)) {
        options.forEach { option ->
            OutlinedButton(
                onClick = { onStartForm(option.formId) },
                enabled = option.allowed,
                modifier = Modifier.fillMaxWidth().padding(top = 8.dp),
            ) { Text(option.title.localized()) }
            option.refusal?.let { RefusalText(it.localized(), Modifier.padding(bottom = 4.dp)) }
        }
    }
}

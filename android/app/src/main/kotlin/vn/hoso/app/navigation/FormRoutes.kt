// Forms wired to the form holder: one opened, one started now on a case (a form or a visit note), and a
// new subject taken in (then their case's Mẫu số 01). Every answer is one autosave call; a finished form
// closes and the case beside or under it shows its new state.
package vn.hoso.app.navigation

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.hoso.app.presentation.FormStateHolder
import vn.hoso.app.presentation.ScreenState
import vn.hoso.app.ui.cases.LikelyDuplicates
import vn.hoso.app.ui.cases.NewCasePage
import vn.hoso.app.ui.common.ScreenStateBox
import vn.hoso.app.ui.common.errorText
import vn.hoso.app.ui.form.FormCallbacks
import vn.hoso.app.ui.form.FormPage

/** A form page whose holder is first asked by `start` (open, start a form, start a visit note), once. */
@Composable
internal fun FormRoute(context: RouteContext, modifier: Modifier, start: (FormStateHolder) -> Unit) {
    val holder = rememberHolder { scope -> FormStateHolder(scope, context.calls) }
    var started by rememberSaveable { mutableStateOf(false) }
    LaunchedEffect(holder) {
        if (!started) {
            started = true
            start(holder)
        }
    }
    FormContent(holder, context, modifier, retry = { start(holder) })
}

@Composable
internal fun NewCaseRoute(context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> FormStateHolder(scope, context.calls) }
    val state by holder.state.collectAsStateWithLifecycle()
    val duplicates by holder.likelyDuplicates.collectAsStateWithLifecycle()
    var requested by rememberSaveable { mutableStateOf(false) }
    val current = state
    if (!requested || current is ScreenState.Failed) {
        NewCasePage(
            error = (current as? ScreenState.Failed)?.let { errorText(it.error) },
            onTakeIn = { fullName, birthDate, sex ->
                requested = true
                holder.newCase(fullName, birthDate, sex)
            },
            modifier = modifier,
        )
    } else {
        Column(modifier) {
            LikelyDuplicates(duplicates, Modifier.fillMaxWidth())
            FormContent(holder, context, Modifier.weight(1f), retry = {})
        }
    }
}

@Composable
private fun FormContent(holder: FormStateHolder, context: RouteContext, modifier: Modifier, retry: () -> Unit) {
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(holder) { holder.finished.collect { context.back() } }
    val callbacks = FormCallbacks(
        onAnswer = { path, input -> holder.answer(path, input) },
        onAddItem = { list -> holder.addItem(list) },
        onRemoveItem = { list, index -> holder.removeItem(list, index) },
        onFinish = { holder.complete() },
    )
    ScreenStateBox(state, onRetry = retry, modifier) { screen, busy -> FormPage(screen, callbacks, busy = busy) }
}

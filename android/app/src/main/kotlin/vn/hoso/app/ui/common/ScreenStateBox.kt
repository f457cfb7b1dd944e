// A page's frame for its state holder's state: a spinner until the first answer, the failure and a retry
// when there is none, and otherwise the page — with a thin progress line while the next call runs and the
// last call's failure above it.
package vn.hoso.app.ui.common

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import vn.hoso.app.presentation.ScreenState

@Composable
fun <T> ScreenStateBox(
    state: ScreenState<T>,
    onRetry: () -> Unit,
    modifier: Modifier = Modifier,
    content: @Composable (screen: T, busy: Boolean) -> Unit,
) {
    when (state) {
        is ScreenState.Loading -> LoadingBox(modifier)
        is ScreenState.Failed -> FailureBox(errorText(state.error), onRetry, modifier)
        is ScreenState.Ready -> Column(modifier) {
            if (state.busy) LinearProgressIndicator(Modifier.fillMaxWidth())
            state.error?.let { NoticeCard(errorText(it), warning = true) }
            Box(Modifier.weight(1f)) { content(state.screen, state.busy) }
        }
    }
}

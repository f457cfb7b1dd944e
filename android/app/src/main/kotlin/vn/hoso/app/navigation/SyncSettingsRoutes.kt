// The sync page (a tap queues an expedited sync with WorkManager; the page shows it running and reads the
// new state when it ends) and the settings page (the language also switches the app's resources; "lock
// now" goes back to the PIN).
package vn.hoso.app.navigation

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.hoso.app.presentation.SettingsStateHolder
import vn.hoso.app.presentation.SyncStateHolder
import vn.hoso.app.ui.common.ScreenStateBox
import vn.hoso.app.ui.settings.SettingsCallbacks
import vn.hoso.app.ui.settings.SettingsPage
import vn.hoso.app.ui.sync.SyncPage

@Composable
internal fun SyncRoute(context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> SyncStateHolder(scope, context.calls, context.platform.network) }
    val state by holder.state.collectAsStateWithLifecycle()
    val work = remember { context.platform.sync.pendingOrRunning() }
    val syncing by work.collectAsStateWithLifecycle(initialValue = false)
    LaunchedEffect(context.refreshKey, syncing) { if (!syncing) holder.refresh() }
    ScreenStateBox(state, onRetry = { holder.refresh() }, modifier) { screen, _ ->
        SyncPage(
            state = screen,
            running = syncing,
            onSyncNow = { context.platform.sync.syncNow() },
            onResolve = { recordId, field, index -> holder.resolve(recordId, field, index) },
            onOpenCase = { context.navigate(Route.CaseFile(it)) },
        )
    }
}

@Composable
internal fun SettingsRoute(context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> SettingsStateHolder(scope, context.calls) }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(context.refreshKey) { holder.refresh() }
    val callbacks = SettingsCallbacks(
        onLanguage = { language ->
            holder.setLanguage(language)
            context.platform.applyLanguage(language)
        },
        onAutoLock = { holder.setAutoLock(it) },
        onChangePin = { current, pin, confirmation -> holder.changePin(current, pin, confirmation) },
        onServer = { holder.setServer(it) },
        onLockNow = { context.launch.lock() },
    )
    ScreenStateBox(state, onRetry = { holder.refresh() }, modifier) { screen, _ -> SettingsPage(screen, callbacks) }
}

package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import vn.hoso.core.HosoCore

/**
 * The shape of every state holder: one [state] of [ScreenState], and calls run one at a time in the
 * order the user made them (an autosave never overtakes the one before). Each public action returns
 * its [Job], which the UI ignores and the tests join.
 *
 * On Android the scope is the ViewModel's; nothing here imports Android or Compose.
 */
abstract class StateHolder<T>(
    protected val scope: CoroutineScope,
    protected val calls: CoreCalls,
) {
    private val mutable = MutableStateFlow<ScreenState<T>>(ScreenState.Loading)
    private val serial = Mutex()

    val state: StateFlow<ScreenState<T>> = mutable.asStateFlow()

    /** The screen shown now, if any. */
    protected val shown: T?
        get() = mutable.value.screen

    /** Runs `block` after every call launched before it. */
    protected fun launchInOrder(block: suspend () -> Unit): Job = scope.launch { serial.withLock { block() } }

    /** One call that answers this screen, in order. */
    protected fun perform(call: HosoCore.() -> T): Job = launchInOrder { fetch(call) }

    /** Runs a call that answers this screen; the screen shown stays while it runs (`busy`). */
    protected suspend fun fetch(call: HosoCore.() -> T): T? = fetchAs(call) { it }

    /** Runs a call that answers more than this screen, and shows the screen [toScreen] takes from it. */
    protected suspend fun <R> fetchAs(call: HosoCore.() -> R, toScreen: (R) -> T?): T? {
        shown?.let { mutable.value = ScreenState.Ready(it, busy = true) }
        return show(calls.call(call), toScreen)
    }

    /**
     * Shows the screen [toScreen] takes from a call's answer; on failure the screen shown stays, with
     * the error. Returns the new screen, or null.
     */
    protected fun <R> show(result: CallResult<R>, toScreen: (R) -> T?): T? = when (result) {
        is CallResult.Ok -> toScreen(result.value)?.also { mutable.value = ScreenState.Ready(it) }
        is CallResult.Err -> {
            val current = shown
            mutable.value = if (current != null) {
                ScreenState.Ready(current, error = result.error)
            } else {
                ScreenState.Failed(result.error)
            }
            null
        }
    }
}

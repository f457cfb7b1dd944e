package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.withContext
import vn.hoso.core.ApiException
import vn.hoso.core.HosoCore

/** A core call's answer, or why it failed. */
sealed interface CallResult<out T> {
    data class Ok<T>(val value: T) : CallResult<T>

    data class Err(val error: UiError) : CallResult<Nothing>
}

/**
 * Every call to the core goes through here: on a background dispatcher (the core's calls are
 * synchronous and may touch the disk or the network), with the core's errors turned into [UiError].
 * A call refused because the app is locked is also announced on [locked], for the app to show the
 * launch screen.
 */
class CoreCalls(
    val core: HosoCore,
    private val dispatcher: CoroutineDispatcher = Dispatchers.IO,
) {
    private val lockedEvents = MutableSharedFlow<Unit>(extraBufferCapacity = 1)

    /** Emits when a call found the app locked. */
    val locked: SharedFlow<Unit> = lockedEvents.asSharedFlow()

    suspend fun <T> call(block: HosoCore.() -> T): CallResult<T> = withContext(dispatcher) {
        try {
            CallResult.Ok(core.block())
        } catch (error: ApiException) {
            val shown = UiError.of(error)
            if (shown == UiError.Locked) lockedEvents.tryEmit(Unit)
            CallResult.Err(shown)
        }
    }
}

package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import vn.hoso.core.NetworkKind
import vn.hoso.core.SyncScreen

/**
 * The sync screen: last sync and next retry, the outbox with each record's state, the conflicts with
 * every value, who wrote it and when. [running] is true while a sync started here runs, for the
 * progress indicator; a failed run comes back as the screen's notice, not as an error. After the
 * records, the photos whose turn has come are sent on the [network] the platform says it is on
 * (the core holds them on a metered network when the settings say Wi-Fi only).
 */
class SyncStateHolder(
    scope: CoroutineScope,
    calls: CoreCalls,
    private val network: () -> NetworkKind,
) : StateHolder<SyncScreen>(scope, calls) {
    private val mutableRunning = MutableStateFlow(false)

    val running: StateFlow<Boolean> = mutableRunning.asStateFlow()

    fun refresh(): Job = perform { syncScreen() }

    /** Syncs now (the user tapped "sync"; the background worker calls the core itself). */
    fun syncNow(): Job = launchInOrder {
        mutableRunning.value = true
        try {
            fetch { syncRun() }
            val photos = calls.call { uploadPhotos(network()) }
            if (photos is CallResult.Err) show(photos) { null }
        } finally {
            mutableRunning.value = false
        }
    }

    /** Keeps the value at `index` of a conflict's values, on every device. */
    fun resolve(recordId: String, field: String, index: UInt): Job =
        perform { conflictResolve(recordId, field, index) }
}

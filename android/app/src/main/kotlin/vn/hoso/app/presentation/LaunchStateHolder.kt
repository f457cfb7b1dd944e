package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import vn.hoso.core.EnrollmentQr
import vn.hoso.core.LaunchScreen
import vn.hoso.core.readEnrollmentQr

/**
 * The launch flow: enroll (scan a QR code or type the server and code), choose a PIN, unlock. The
 * screen's `stage` says which; a wrong PIN and the wipe after ten are in its `notice`.
 */
class LaunchStateHolder(scope: CoroutineScope, calls: CoreCalls) : StateHolder<LaunchScreen>(scope, calls) {
    fun load(): Job = perform { launchScreen() }

    /** What a scanned QR code carries, to show the server before enrolling. */
    suspend fun readQr(payload: String): CallResult<EnrollmentQr> = calls.call { readEnrollmentQr(payload) }

    fun enrollFromQr(payload: String, deviceName: String): Job = perform { enrollFromQr(payload, deviceName) }

    fun enrollWithCode(serverUrl: String, code: String, deviceName: String): Job =
        perform { enrollWithCode(serverUrl, code, deviceName) }

    fun choosePin(pin: String, confirmation: String): Job = perform { choosePin(pin, confirmation) }

    fun unlock(pin: String): Job = perform { unlock(pin) }

    /** Locks now: call it when the app leaves the screen. */
    fun lock(): Job = perform { lock() }
}

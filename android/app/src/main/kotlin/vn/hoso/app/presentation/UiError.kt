package vn.hoso.app.presentation

import vn.hoso.core.ApiException
import vn.hoso.core.Localized
import vn.hoso.core.NetworkFault

/**
 * Why a call failed, as a screen shows it. What the core says about a case comes as [Localized]
 * text; the other kinds are the app's own words (string resources in `values/` and `values-en/`).
 */
sealed interface UiError {
    /** The core refused, and says why (a rule of the law, input it could not read). */
    data class Refused(val message: Localized) : UiError

    /** Answers still to fix, each with its message. */
    data class Issues(val fields: List<String>, val messages: List<Localized>) : UiError

    /** The app is locked (or not enrolled): go to the launch screen. */
    data object Locked : UiError

    /**
     * The server could not be reached or failed, and the core says how: offline, a name that did not
     * resolve, no secure connection, too slow, a server failure, nothing listening; [message] in its words.
     */
    data class Network(val fault: NetworkFault, val message: Localized) : UiError

    data object NotFound : UiError

    /** This device was revoked by the server and its data erased: enroll again. */
    data object Revoked : UiError

    /** The server answered and refused ([status], [code]); [message] in the server's own words. */
    data class ServerRefused(val status: UShort, val code: String, val message: Localized) : UiError

    /** The store cannot be opened or read (wrong key, newer app, damaged file), or an internal error. */
    data class Broken(val kind: String) : UiError

    companion object {
        fun of(error: ApiException): UiError = when (error) {
            is ApiException.Invalid -> Refused(Localized(error.messageVi, error.messageEn))
            is ApiException.NotAllowed -> Refused(Localized(error.messageVi, error.messageEn))
            is ApiException.Validation -> Issues(
                error.issues.map { it.field },
                error.issues.map { Localized(it.messageVi, it.messageEn) },
            )
            is ApiException.Locked -> Locked
            is ApiException.Network -> Network(error.fault, Localized(error.messageVi, error.messageEn))
            is ApiException.NotFound -> NotFound
            is ApiException.Revoked -> Revoked
            is ApiException.Server -> ServerRefused(error.status, error.code, Localized(error.messageVi, error.messageEn))
            else -> Broken(error::class.simpleName ?: "unknown")
        }
    }
}

// What the user reads when a core call fails: the core's own words when it gives them (a refusal, the
// answers to fix, how the network failed), the shell's resources for the rest (by the server's status when
// it refused). No error carries personal data.
package vn.hoso.app.ui.common

import androidx.compose.runtime.Composable
import androidx.compose.ui.res.stringResource
import vn.hoso.app.R
import vn.hoso.app.presentation.UiError

@Composable
fun errorText(error: UiError): String = when (error) {
    is UiError.Refused -> error.message.localized()
    is UiError.Issues -> error.messages.map { it.localized() }.joinToString("\n")
    is UiError.Locked -> stringResource(R.string.error_locked)
    is UiError.Network -> error.message.localized()
    is UiError.NotFound -> stringResource(R.string.error_not_found)
    is UiError.Revoked -> stringResource(R.string.error_revoked)
    is UiError.ServerRefused -> when (error.status.toInt()) {
        401 -> stringResource(R.string.error_unauthorized)
        403 -> stringResource(R.string.error_forbidden)
        429 -> stringResource(R.string.error_rate_limited)
        else -> stringResource(R.string.error_server, error.code)
    }
    is UiError.Broken -> stringResource(
        when (error.kind) {
            "WrongKey" -> R.string.error_wrong_key
            "NewerApp" -> R.string.error_newer_app
            "Damaged" -> R.string.error_damaged
            "Interrupted" -> R.string.error_interrupted
            else -> R.string.error_internal
        },
    )
}

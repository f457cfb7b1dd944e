// What the user reads when a core call fails: the core's own words when it gives them (a refusal, the
// answers to fix, how the network failed, the server's refusal), the shell's resources for the rest.
// No error carries personal data.
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
    is UiError.ServerRefused -> error.message.localized()
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

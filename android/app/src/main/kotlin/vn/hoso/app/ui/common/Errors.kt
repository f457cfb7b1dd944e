// What the user reads when a core call fails: the core's own words when it gives them (a refusal, an
// invalid input), the shell's resources for the rest. No error carries personal data.
package vn.hoso.app.ui.common

import androidx.compose.runtime.Composable
import androidx.compose.ui.res.pluralStringResource
import androidx.compose.ui.res.stringResource
import vn.hoso.app.R
import vn.hoso.core.ApiException

@Composable
fun errorText(error: ApiException): String = when (error) {
    is ApiException.Invalid -> localized(error.messageVi, error.messageEn)
    is ApiException.NotAllowed -> localized(error.messageVi, error.messageEn)
    is ApiException.Validation ->
        pluralStringResource(R.plurals.error_validation, error.issues.size, error.issues.size)
    is ApiException.Network -> stringResource(R.string.error_network)
    is ApiException.Server -> stringResource(R.string.error_server, error.code)
    is ApiException.Revoked -> stringResource(R.string.error_revoked)
    is ApiException.Interrupted -> stringResource(R.string.error_interrupted)
    is ApiException.Locked -> stringResource(R.string.error_locked)
    is ApiException.NotFound -> stringResource(R.string.error_not_found)
    is ApiException.WrongKey -> stringResource(R.string.error_wrong_key)
    is ApiException.NewerApp -> stringResource(R.string.error_newer_app)
    is ApiException.Damaged -> stringResource(R.string.error_damaged)
    is ApiException.Internal -> stringResource(R.string.error_internal)
}

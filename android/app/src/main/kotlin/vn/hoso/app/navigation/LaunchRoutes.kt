// The launch flow's pages wired to the launch holder: enroll (QR scanner or typed), choose a PIN, unlock.
package vn.hoso.app.navigation

import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.res.stringResource
import kotlinx.coroutines.launch
import vn.hoso.app.R
import vn.hoso.app.platform.Platform
import vn.hoso.app.presentation.CallResult
import vn.hoso.app.presentation.LaunchStateHolder
import vn.hoso.app.ui.common.errorText
import vn.hoso.app.ui.launch.ChoosePinPage
import vn.hoso.app.ui.launch.EnrollPage
import vn.hoso.app.ui.launch.UnlockPage
import vn.hoso.core.EnrollmentQr
import vn.hoso.core.LaunchScreen

@Composable
internal fun EnrollRoute(screen: LaunchScreen, busy: Boolean, launch: LaunchStateHolder, platform: Platform) {
    val scope = rememberCoroutineScope()
    var scanned by remember { mutableStateOf<EnrollmentQr?>(null) }
    var qrProblem by remember { mutableStateOf<QrProblem?>(null) }
    val qrError = when (val problem = qrProblem) {
        is QrProblem.Unreadable -> errorText(problem.result.error)
        is QrProblem.NoScanner -> stringResource(R.string.enroll_no_scanner)
        null -> null
    }
    EnrollPage(
        notice = screen.notice,
        error = qrError,
        busy = busy,
        scanned = scanned,
        defaultDeviceName = platform.deviceName,
        onScanQr = {
            platform.qrScanner.scan(
                onPayload = { payload ->
                    scope.launch {
                        when (val read = launch.readQr(payload)) {
                            is CallResult.Ok -> {
                                scanned = read.value
                                qrProblem = null
                            }
                            is CallResult.Err -> qrProblem = QrProblem.Unreadable(read)
                        }
                    }
                },
                onUnavailable = { qrProblem = QrProblem.NoScanner },
            )
        },
        onEnroll = { serverUrl, code, deviceName -> launch.enrollWithCode(serverUrl, code, deviceName) },
    )
}

private sealed interface QrProblem {
    data class Unreadable(val result: CallResult.Err) : QrProblem
    data object NoScanner : QrProblem
}

@Composable
internal fun ChoosePinRoute(screen: LaunchScreen, busy: Boolean, launch: LaunchStateHolder) {
    ChoosePinPage(screen, busy, onChoosePin = { pin, confirmation -> launch.choosePin(pin, confirmation) })
}

@Composable
internal fun UnlockRoute(screen: LaunchScreen, busy: Boolean, launch: LaunchStateHolder) {
    UnlockPage(screen, busy, onUnlock = { pin -> launch.unlock(pin) })
}

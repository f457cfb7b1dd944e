// Enrolling this device: scan the QR code an administrator shows (server address and code), or type
// them. The core checks both and talks to the server; this page only collects them.
package vn.hoso.app.ui.launch

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.QrCodeScanner
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.NoticeCard
import vn.hoso.app.ui.common.localized
import vn.hoso.core.EnrollmentQr
import vn.hoso.core.Localized

@Composable
fun EnrollPage(
    notice: Localized?,
    error: String?,
    busy: Boolean,
    scanned: EnrollmentQr?,
    defaultDeviceName: String,
    onScanQr: () -> Unit,
    onEnroll: (serverUrl: String, code: String, deviceName: String) -> Unit,
    modifier: Modifier = Modifier,
) {
    var serverUrl by rememberSaveable { mutableStateOf("") }
    var code by rememberSaveable { mutableStateOf("") }
    var deviceName by rememberSaveable { mutableStateOf(defaultDeviceName) }
    LaunchedEffect(scanned) {
        if (scanned != null) {
            serverUrl = scanned.serverUrl
            code = scanned.code
        }
    }
    Column(
        modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text(stringResource(R.string.enroll_title), style = MaterialTheme.typography.headlineSmall)
        Text(
            stringResource(R.string.enroll_explanation),
            style = MaterialTheme.typography.bodyMedium,
            modifier = Modifier.padding(vertical = 12.dp),
        )
        notice?.let { NoticeCard(it.localized(), warning = true) }
        error?.let { NoticeCard(it, warning = true) }
        Column(Modifier.widthIn(max = 480.dp).fillMaxWidth()) {
            Button(onClick = onScanQr, enabled = !busy, modifier = Modifier.fillMaxWidth()) {
                Icon(Icons.Outlined.QrCodeScanner, contentDescription = null)
                Text(stringResource(R.string.enroll_scan_qr), modifier = Modifier.padding(start = 8.dp))
            }
            HorizontalDivider(Modifier.padding(vertical = 16.dp))
            Text(stringResource(R.string.enroll_or_type), style = MaterialTheme.typography.titleSmall)
            OutlinedTextField(
                value = serverUrl,
                onValueChange = { serverUrl = it },
                label = { Text(stringResource(R.string.enroll_server_url)) },
                singleLine = true,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri),
                modifier = Modifier.fillMaxWidth(),
            )
            OutlinedTextField(
                value = code,
                onValueChange = { code = it },
                label = { Text(stringResource(R.string.enroll_code)) },
                singleLine = true,
                keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Characters),
                modifier = Modifier.fillMaxWidth(),
            )
            OutlinedTextField(
                value = deviceName,
                onValueChange = { deviceName = it },
                label = { Text(stringResource(R.string.enroll_device_name)) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth(),
            )
            if (busy) LinearProgressIndicator(Modifier.fillMaxWidth().padding(vertical = 8.dp))
            OutlinedButton(
                onClick = { onEnroll(serverUrl, code, deviceName) },
                enabled = !busy && serverUrl.isNotBlank() && code.isNotBlank(),
                modifier = Modifier.fillMaxWidth().padding(top = 8.dp),
            ) {
                Text(stringResource(R.string.enroll_action))
            }
        }
    }
}

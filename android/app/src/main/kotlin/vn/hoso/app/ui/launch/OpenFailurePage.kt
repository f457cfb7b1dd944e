// The store on this device cannot be opened: say why, and offer to erase it so the device can enroll again
// (synced case files stay on the server).
package vn.hoso.app.ui.launch

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.NoticeCard

@Composable
fun OpenFailurePage(message: String, onErase: () -> Unit, modifier: Modifier = Modifier) {
    var confirming by remember { mutableStateOf(false) }
    Column(
        modifier.fillMaxSize().padding(24.dp),
        verticalArrangement = Arrangement.Center,
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        NoticeCard(message, warning = true)
        Text(stringResource(R.string.open_erase_explanation), modifier = Modifier.padding(16.dp))
        OutlinedButton(onClick = { confirming = true }) { Text(stringResource(R.string.open_erase)) }
    }
    if (confirming) {
        AlertDialog(
            onDismissRequest = { confirming = false },
            title = { Text(stringResource(R.string.open_erase)) },
            text = { Text(stringResource(R.string.open_erase_explanation)) },
            confirmButton = {
                TextButton(onClick = {
                    confirming = false
                    onErase()
                }) { Text(stringResource(R.string.open_erase)) }
            },
            dismissButton = { TextButton(onClick = { confirming = false }) { Text(stringResource(R.string.action_cancel)) } },
        )
    }
}

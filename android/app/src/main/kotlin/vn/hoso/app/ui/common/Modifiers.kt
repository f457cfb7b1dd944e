// Spacing shared by the screens.
package vn.hoso.app.ui.common

import androidx.compose.foundation.layout.padding
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp

fun Modifier.padding16(): Modifier = padding(horizontal = 16.dp, vertical = 8.dp)

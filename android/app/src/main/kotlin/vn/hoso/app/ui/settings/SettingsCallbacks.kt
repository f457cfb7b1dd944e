// What the user changes in the settings; each is one core call answering the new settings screen.
package vn.hoso.app.ui.settings

import vn.hoso.core.Language

class SettingsCallbacks(
    val onLanguage: (Language) -> Unit,
    val onAutoLock: (minutes: UInt) -> Unit,
    val onChangePin: (current: String, pin: String, confirmation: String) -> Unit,
    val onServer: (serverUrl: String) -> Unit,
    val onLockNow: () -> Unit,
)

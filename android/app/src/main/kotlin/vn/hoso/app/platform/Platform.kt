// What the screens need from the platform, handed down from the activity: the QR scanner, the sync
// scheduler, this device's name and the per-app language.
package vn.hoso.app.platform

import vn.hoso.core.Language

class Platform(
    val qrScanner: QrScanner,
    val sync: SyncScheduler,
    val deviceName: String,
    val applyLanguage: (Language) -> Unit,
)

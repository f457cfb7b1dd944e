// What the screens need from the platform, handed down from the activity: the QR scanner, the sync
// scheduler, the photo source, the network the phone is on, this device's name and the per-app language.
package vn.hoso.app.platform

import vn.hoso.core.Language
import vn.hoso.core.NetworkKind

class Platform(
    val qrScanner: QrScanner,
    val sync: SyncScheduler,
    val photos: PhotoSource,
    val network: () -> NetworkKind,
    val deviceName: String,
    val applyLanguage: (Language) -> Unit,
)

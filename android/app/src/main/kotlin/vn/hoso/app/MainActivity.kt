// The one activity: keeps case files out of screenshots and the recent-apps preview, draws the app in
// Compose, and queues a sync for when the network is there each time the user leaves.
package vn.hoso.app

import android.os.Bundle
import android.view.WindowManager
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.activity.viewModels
import androidx.appcompat.app.AppCompatActivity
import androidx.compose.runtime.CompositionLocalProvider
import vn.hoso.app.navigation.HosoRoot
import vn.hoso.app.platform.AppLanguage
import vn.hoso.app.platform.PhotoSource
import vn.hoso.app.platform.Platform
import vn.hoso.app.platform.QrScanner
import vn.hoso.app.platform.deviceName
import vn.hoso.app.platform.networkKind
import vn.hoso.app.ui.common.LocalLanguage
import vn.hoso.app.ui.theme.HosoTheme

class MainActivity : AppCompatActivity() {
    private val appModel: AppViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        enableEdgeToEdge()
        val platform = Platform(
            qrScanner = QrScanner(this),
            sync = (application as HosoApplication).syncScheduler,
            photos = PhotoSource(this),
            network = { networkKind(this) },
            deviceName = deviceName(),
            applyLanguage = AppLanguage::apply,
        )
        setContent {
            HosoTheme {
                CompositionLocalProvider(LocalLanguage provides AppLanguage.current()) {
                    HosoRoot(appModel, platform)
                }
            }
        }
    }

    override fun onStop() {
        super.onStop()
        (application as HosoApplication).syncScheduler.syncWhenOnline()
    }
}

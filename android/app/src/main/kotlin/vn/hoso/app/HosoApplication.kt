// The process: the core's TLS verifier and log lines set up before anything else, one core opener shared
// by the screens and the sync worker, and the periodic background sync scheduled from the first launch on.
package vn.hoso.app

import android.app.Application
import vn.hoso.app.platform.CoreOpener
import vn.hoso.app.platform.SyncScheduler
import vn.hoso.core.HosoAndroid
import vn.hoso.core.LogLevel

class HosoApplication : Application() {
    val cores: CoreOpener by lazy { CoreOpener(this) }
    val syncScheduler: SyncScheduler by lazy { SyncScheduler(this) }

    override fun onCreate() {
        super.onCreate()
        // Servers are verified by Android's certificate store, which the core reaches through this Context.
        HosoAndroid.initTls(this)
        HosoAndroid.logToLogcat(LogLevel.INFO)
        syncScheduler.schedulePeriodic()
    }
}

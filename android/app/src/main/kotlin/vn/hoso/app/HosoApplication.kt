// The process: one core opener shared by the screens and the sync worker, and the periodic background sync
// scheduled from the first launch on.
package vn.hoso.app

import android.app.Application
import vn.hoso.app.platform.CoreOpener
import vn.hoso.app.platform.SyncScheduler

class HosoApplication : Application() {
    val cores: CoreOpener by lazy { CoreOpener(this) }
    val syncScheduler: SyncScheduler by lazy { SyncScheduler(this) }

    override fun onCreate() {
        super.onCreate()
        syncScheduler.schedulePeriodic()
    }
}

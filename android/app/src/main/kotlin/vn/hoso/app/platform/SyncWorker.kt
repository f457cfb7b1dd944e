// Background sync: pushes the outbox and pulls the area's changes through the core, then sends the photos
// whose turn has come on the network the phone is on, while the app may be locked (the core lets sync and
// the upload queue through its lock). Stopped by the system, it asks the core to stop at its
// next step; nothing is lost and the next run goes on from there.
package vn.hoso.app.platform

import android.content.Context
import androidx.work.CoroutineWorker
import androidx.work.ForegroundInfo
import androidx.work.WorkerParameters
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import vn.hoso.app.HosoApplication
import vn.hoso.core.ApiException
import vn.hoso.core.HosoCore

class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {

    override suspend fun doWork(): Result {
        val cores = (applicationContext as HosoApplication).cores
        return try {
            syncInterruptibly(cores.open())
            Result.success()
        } catch (error: ApiException) {
            outcome(error)
        }
    }

    /** Expedited runs before Android 12 are a short foreground service with this notification. */
    override suspend fun getForegroundInfo(): ForegroundInfo = SyncNotification.foregroundInfo(applicationContext)

    private suspend fun syncInterruptibly(core: HosoCore) = coroutineScope {
        val run = async(Dispatchers.IO) {
            core.syncNow()
            core.uploadPhotos(networkKind(applicationContext))
        }
        try {
            run.await()
        } catch (stopped: CancellationException) {
            core.interruptSync()
            core.interruptPhotoUploads()
            throw stopped
        }
    }

    private fun outcome(error: ApiException): Result = when (error) {
        // Worth trying again later: WorkManager backs off, and the core keeps its own retry delay.
        is ApiException.Network, is ApiException.Server, is ApiException.Interrupted -> Result.retry()
        // The device was revoked and erased itself: nothing more to sync until it enrolls again.
        is ApiException.Revoked -> Result.success()
        else -> Result.failure()
    }
}

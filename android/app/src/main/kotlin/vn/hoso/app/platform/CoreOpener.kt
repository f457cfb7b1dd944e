// Opens the device's encrypted store once per process, for the screens and the sync worker alike, with
// the key the Keystore unwraps. Opening is blocking: call it off the main thread.
package vn.hoso.app.platform

import android.content.Context
import java.io.File
import vn.hoso.core.HosoCore

class CoreOpener(private val context: Context) {
    private val folder = File(context.noBackupFilesDir, "hoso")
    private val keys = DatabaseKeyStore(File(folder, "database.key"))
    private val lock = Any()

    @Volatile
    private var core: HosoCore? = null

    /** The open core; throws the core's `ApiException` (`WrongKey`, `Damaged`, `NewerApp`) when it cannot open. */
    fun open(): HosoCore = core ?: synchronized(lock) {
        core ?: HosoCore.open(File(folder, "hoso.db").path, keys.keyHex()).also {
            // The server's logs tell app versions apart by the User-Agent.
            val version = context.packageManager.getPackageInfo(context.packageName, 0).versionName ?: "0"
            it.identifyApp("hoso-android", version)
            core = it
        }
    }

    /**
     * Erases this device's store and its key, when the store can never be opened again (a key lost with
     * a restored phone, a damaged file). Synced case files stay on the server; the device enrolls again.
     */
    fun erase() {
        synchronized(lock) {
            core?.close()
            core = null
            folder.listFiles()?.filter { it.name.startsWith("hoso.db") }?.forEach { it.delete() }
            keys.forget()
        }
    }
}

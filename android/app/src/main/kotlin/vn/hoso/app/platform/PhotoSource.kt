// Photos from the platform, handed to the core as bytes: the system photo picker's choice (no storage
// permission) or the system camera's picture, written through the app's FileProvider into a private cache
// folder and deleted once read. The core makes them upright, strips their metadata and shrinks them.
package vn.hoso.app.platform

import android.content.Context
import android.graphics.BitmapFactory
import android.net.Uri
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.asImageBitmap
import androidx.core.content.FileProvider
import java.io.File
import java.util.UUID

class PhotoSource(private val context: Context) {
    private val cameraFolder: File get() = File(context.cacheDir, "camera").apply { mkdirs() }

    /** A new file for the camera to write into, as the content URI `TakePicture` takes. */
    fun newCameraTarget(): Uri = FileProvider.getUriForFile(
        context,
        "${context.packageName}.photos",
        File(cameraFolder, "${UUID.randomUUID()}.jpg"),
    )

    /** The picture's bytes, or null when it cannot be read (the user removed it meanwhile). */
    fun read(uri: Uri): ByteArray? = context.contentResolver.openInputStream(uri)?.use { it.readBytes() }

    /** Removes the camera's files once their bytes are with the core: only the sealed copy stays. */
    fun clearCamera() {
        cameraFolder.listFiles()?.forEach { it.delete() }
    }

    /** A JPEG from the core (a thumbnail for the list, or a full image for the viewer) as an image. */
    fun image(jpeg: ByteArray): ImageBitmap? =
        BitmapFactory.decodeByteArray(jpeg, 0, jpeg.size)?.asImageBitmap()
}

package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import vn.hoso.core.PhotoCategoryOption
import vn.hoso.core.PhotoInput
import vn.hoso.core.PhotoItem

/**
 * The photos of a case, or of one of its visit notes or forms when [attachedTo] names it: each with
 * its thumbnail and, for a photo taken here, its upload progress. The camera's or the gallery's bytes
 * (JPEG, PNG or WebP; iOS converts HEIC first) go to the core as they are: the core turns them
 * upright, strips their metadata, shrinks them and queues them for upload. A picture the core cannot
 * read stays unsaved and the list shows why.
 */
class PhotosStateHolder(
    scope: CoroutineScope,
    calls: CoreCalls,
    private val caseId: String,
    private val attachedTo: String? = null,
) : StateHolder<List<PhotoItem>>(scope, calls) {
    fun refresh(): Job = perform { listed() }

    /** What a photo may show, for the picker (`living_conditions`, `id_document`…). */
    suspend fun categories(): CallResult<List<PhotoCategoryOption>> = calls.call { photoCategories() }

    /**
     * Attaches the picture [image] reads (on the background dispatcher: a camera file is megabytes);
     * answers the list with it, waiting for upload.
     */
    fun attach(caption: String, category: String, sensitive: Boolean = false, image: () -> ByteArray): Job = perform {
        attachPhoto(PhotoInput(caseId, attachedTo, null, caption, category, null, sensitive), image())
        listed()
    }

    /**
     * The full image of a photo (JPEG) for the viewer: from this phone, or downloaded once and kept;
     * refused in the core's or the server's words when offline, or when the photo is sensitive and not
     * this user's to see.
     */
    suspend fun open(photoId: String): CallResult<ByteArray> = calls.call { openPhoto(photoId) }

    private fun vn.hoso.core.HosoCore.listed(): List<PhotoItem> =
        if (attachedTo == null) casePhotos(caseId) else attachedPhotos(attachedTo)
}

// The photos page wired to its holder and the platform: the system photo picker (PickVisualMedia, no
// storage permission) and the system camera (TakePicture into the app's FileProvider) hand a picture's
// bytes to the core in one call; the camera's file is deleted once the core has its sealed copy. A
// tapped photo opens full size once the core has its image (downloaded when it is not on the phone).
package vn.hoso.app.navigation

import android.net.Uri
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.listSaver
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.hoso.app.presentation.CallResult
import vn.hoso.app.presentation.PhotosStateHolder
import vn.hoso.app.presentation.UiError
import vn.hoso.app.ui.common.ScreenStateBox
import vn.hoso.app.ui.common.errorText
import vn.hoso.app.ui.photos.PhotoCallbacks
import vn.hoso.app.ui.photos.PhotoDraft
import vn.hoso.app.ui.photos.PhotoViewer
import vn.hoso.app.ui.photos.PhotosPage
import vn.hoso.core.PhotoCategoryOption

@Composable
internal fun PhotosRoute(caseId: String, attachedTo: String?, context: RouteContext, modifier: Modifier) {
    val holder = rememberHolder { scope -> PhotosStateHolder(scope, context.calls, caseId, attachedTo) }
    val state by holder.state.collectAsStateWithLifecycle()
    var categories by remember { mutableStateOf(emptyList<PhotoCategoryOption>()) }
    // Saved: Android may end the activity while the camera is in front.
    var draft by rememberSaveable(stateSaver = DraftSaver) { mutableStateOf<PhotoDraft?>(null) }
    var cameraTarget by rememberSaveable { mutableStateOf<Uri?>(null) }
    val source = context.platform.photos
    var viewing by remember { mutableStateOf<Viewing?>(null) }
    val scope = rememberCoroutineScope()
    LaunchedEffect(context.refreshKey) { holder.refresh() }
    LaunchedEffect(holder) { (holder.categories() as? CallResult.Ok)?.let { categories = it.value } }

    // An unreadable picture reaches the core as no bytes, and the page shows the core's refusal.
    fun hand(uri: Uri?) {
        val chosen = draft ?: return
        if (uri == null) return
        holder.attach(chosen.caption, chosen.category, chosen.sensitive) {
            try {
                runCatching { source.read(uri) }.getOrNull() ?: ByteArray(0)
            } finally {
                source.clearCamera()
            }
        }
    }
    val picker = rememberLauncherForActivityResult(ActivityResultContracts.PickVisualMedia()) { hand(it) }
    val camera = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { taken ->
        if (taken) hand(cameraTarget) else source.clearCamera()
    }
    val callbacks = PhotoCallbacks(
        onTakePhoto = {
            draft = it
            source.newCameraTarget().also { target ->
                cameraTarget = target
                camera.launch(target)
            }
        },
        onPickPhoto = {
            draft = it
            picker.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageOnly))
        },
        thumbnail = source::image,
        onOpen = { photo ->
            viewing = Viewing(photo.caption)
            scope.launch {
                viewing = when (val opened = holder.open(photo.photoId)) {
                    is CallResult.Ok -> Viewing(photo.caption, image = withContext(Dispatchers.Default) { source.image(opened.value) })
                    is CallResult.Err -> Viewing(photo.caption, refusal = opened.error)
                }
            }
        },
    )
    ScreenStateBox(state, onRetry = { holder.refresh() }, modifier) { photos, busy ->
        PhotosPage(photos, categories, busy, callbacks)
    }
    viewing?.let { shown ->
        PhotoViewer(shown.image, shown.caption, shown.refusal?.let { errorText(it) }) { viewing = null }
    }
}

/** The photo the viewer shows: loading (neither set), its image, or why it cannot be shown. */
private data class Viewing(val caption: String, val image: ImageBitmap? = null, val refusal: UiError? = null)

/** The caption and category chosen before the camera or the picker opened, kept across recreation. */
private val DraftSaver = listSaver<PhotoDraft?, Any>(
    save = { draft -> if (draft == null) emptyList() else listOf(draft.caption, draft.category, draft.sensitive) },
    restore = { saved -> if (saved.size < 3) null else PhotoDraft(saved[0] as String, saved[1] as String, saved[2] as Boolean) },
)

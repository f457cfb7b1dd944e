// The photos of a case or of one of its visit notes: each with its thumbnail, caption and, for a photo
// taken on this phone, its upload progress; and a new photo taken with the camera or picked from the
// gallery, with its caption, what it shows and whether it is sensitive; a tap on a photo opens it
// full size. The platform decodes the images.
package vn.hoso.app.ui.photos

import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.Lock
import androidx.compose.material.icons.outlined.PhotoCamera
import androidx.compose.material.icons.outlined.PhotoLibrary
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.compose.ui.window.Dialog
import androidx.compose.ui.window.DialogProperties
import vn.hoso.app.R
import vn.hoso.app.ui.common.EmptyLine
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.app.ui.common.localized
import vn.hoso.core.PhotoCategoryOption
import vn.hoso.core.PhotoItem
import vn.hoso.core.PhotoUploadProgress

/** What the user chose for the next photo, handed to the camera or the gallery with it. */
data class PhotoDraft(val caption: String, val category: String, val sensitive: Boolean)

class PhotoCallbacks(
    val onTakePhoto: (PhotoDraft) -> Unit,
    val onPickPhoto: (PhotoDraft) -> Unit,
    /** The thumbnail's JPEG bytes as an image (the platform decodes them). */
    val thumbnail: (ByteArray) -> ImageBitmap?,
    /** Opens the photo full size (the route fetches the image and shows [PhotoViewer]). */
    val onOpen: (PhotoItem) -> Unit,
)

@Composable
fun PhotosPage(
    photos: List<PhotoItem>,
    categories: List<PhotoCategoryOption>,
    busy: Boolean,
    callbacks: PhotoCallbacks,
    modifier: Modifier = Modifier,
) {
    LazyColumn(modifier) {
        item { NewPhoto(categories, enabled = !busy, callbacks) }
        item { SectionHeader(stringResource(R.string.case_photos), count = photos.size) }
        if (photos.isEmpty()) item { EmptyLine(stringResource(R.string.photos_none)) }
        items(photos, key = { it.photoId }) { PhotoRowItem(it, categories, callbacks) }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun NewPhoto(categories: List<PhotoCategoryOption>, enabled: Boolean, callbacks: PhotoCallbacks) {
    var caption by rememberSaveable { mutableStateOf("") }
    var category by rememberSaveable { mutableStateOf("other") }
    // An ID document is sensitive whatever this says (the core decides); the user may mark any other.
    var sensitive by rememberSaveable { mutableStateOf(false) }
    val draft = PhotoDraft(caption, category, sensitive)
    Column(Modifier.padding(16.dp)) {
        OutlinedTextField(
            value = caption,
            onValueChange = { caption = it },
            label = { Text(stringResource(R.string.photo_caption)) },
            modifier = Modifier.fillMaxWidth(),
        )
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            categories.forEach { option ->
                FilterChip(
                    selected = option.code == category,
                    onClick = { category = option.code },
                    label = { Text(localized(option.labelVi, option.labelEn)) },
                )
            }
        }
        Row(verticalAlignment = Alignment.CenterVertically) {
            Checkbox(checked = sensitive, onCheckedChange = { sensitive = it })
            Text(stringResource(R.string.photo_mark_sensitive))
        }
        Row(Modifier.padding(top = 8.dp)) {
            Button(onClick = { callbacks.onTakePhoto(draft) }, enabled = enabled) {
                Icon(Icons.Outlined.PhotoCamera, contentDescription = null)
                Text(stringResource(R.string.photo_take), modifier = Modifier.padding(start = 8.dp))
            }
            OutlinedButton(onClick = { callbacks.onPickPhoto(draft) }, enabled = enabled, modifier = Modifier.padding(start = 8.dp)) {
                Icon(Icons.Outlined.PhotoLibrary, contentDescription = null)
                Text(stringResource(R.string.photo_pick), modifier = Modifier.padding(start = 8.dp))
            }
        }
    }
}

@Composable
private fun PhotoRowItem(photo: PhotoItem, categories: List<PhotoCategoryOption>, callbacks: PhotoCallbacks) {
    val label = categories.firstOrNull { it.code == photo.category }?.let { localized(it.labelVi, it.labelEn) } ?: photo.category
    val image = remember(photo.photoId, photo.thumbnailJpeg) { photo.thumbnailJpeg?.let(callbacks.thumbnail) }
    ListItem(
        modifier = Modifier.clickable { callbacks.onOpen(photo) },
        leadingContent = {
            if (image != null) {
                Image(image, contentDescription = photo.caption, modifier = Modifier.size(72.dp))
            } else {
                Icon(Icons.Outlined.Lock, contentDescription = stringResource(R.string.photo_withheld), modifier = Modifier.size(72.dp))
            }
        },
        overlineContent = { Text(label) },
        headlineContent = { Text(photo.caption.ifEmpty { stringResource(R.string.photo_no_caption) }) },
        supportingContent = { photo.upload?.let { UploadLine(it) } },
    )
}

@Composable
private fun UploadLine(upload: PhotoUploadProgress) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Row(verticalAlignment = Alignment.CenterVertically) {
            Text(
                stringResource(
                    when (upload.state) {
                        "uploaded" -> R.string.photo_uploaded
                        "uploading" -> R.string.photo_uploading
                        "failed" -> R.string.photo_upload_failed
                        else -> R.string.photo_waiting
                    },
                    (upload.fraction * 100).toInt(),
                ),
                style = MaterialTheme.typography.bodySmall,
            )
        }
        if (upload.state != "uploaded") {
            LinearProgressIndicator(progress = { upload.fraction.toFloat() }, modifier = Modifier.fillMaxWidth())
        }
        val failure = upload.failureVi
        if (failure != null) {
            Text(localized(failure, upload.failureEn ?: failure), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
        }
    }
}

/** A photo full size over the page, or why it cannot be shown; a tap anywhere closes it. */
@Composable
fun PhotoViewer(image: ImageBitmap?, caption: String, refusal: String?, onClose: () -> Unit) {
    Dialog(onDismissRequest = onClose, properties = DialogProperties(usePlatformDefaultWidth = false)) {
        Box(Modifier.fillMaxSize().background(Color.Black).clickable(onClick = onClose), contentAlignment = Alignment.Center) {
            when {
                image != null -> Image(image, contentDescription = caption, contentScale = ContentScale.Fit, modifier = Modifier.fillMaxSize())
                refusal != null -> Text(refusal, color = Color.White, modifier = Modifier.padding(24.dp))
                else -> CircularProgressIndicator()
            }
        }
    }
}

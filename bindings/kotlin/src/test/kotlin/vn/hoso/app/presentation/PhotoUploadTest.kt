package vn.hoso.app.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import vn.hoso.core.NetworkKind
import vn.hoso.core.PhotoSettings

/**
 * A photo of a case through the presentation layer when the user wants photos sent on Wi-Fi only: a
 * sync on mobile data sends the records and holds the photo; the next sync on Wi-Fi sends it whole;
 * the chairman's tablet then lists it with its thumbnail, marked sensitive as Mai marked it, and opens it
 * full size.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhotoUploadTest {
    private val server = DemoServer.start()

    @AfterAll
    fun stop() = server.close()

    @Test
    fun `a photo waits for Wi-Fi when the user asks, then reaches the chairman's tablet`() = runBlocking {
        val calls = CoreCalls(newDevice(), Dispatchers.IO)
        val launch = LaunchStateHolder(this, calls)
        launch.enrollWithCode(server.url, server.code("collaborator"), "điện thoại của Mai").join()
        launch.choosePin(PIN, PIN).join()
        var network = NetworkKind.METERED
        val sync = SyncStateHolder(this, calls) { network }
        sync.syncNow().join()
        calls.core.setPhotoSettings(PhotoSettings(unmeteredOnly = true, cacheBytes = 64uL shl 20))

        val cases = CaseListStateHolder(this, calls)
        cases.refresh().join()
        val caseId = cases.state.value.ready().rows.first().caseId
        val photos = PhotosStateHolder(this, calls, caseId)
        photos.attach("Giấy xác nhận hộ nghèo", "document", sensitive = true) { cameraJpeg() }.join()
        val attached = photos.state.value.ready().single { it.caption == "Giấy xác nhận hộ nghèo" }
        assertTrue(attached.sensitive)
        assertEquals(caseId, attached.caseId)
        assertEquals(null, attached.attachedTo)

        sync.syncNow().join()
        assertEquals(0u, sync.state.value.ready().queued, "the records went on mobile data")
        photos.refresh().join()
        val held = photos.state.value.ready().single { it.photoId == attached.photoId }.upload!!
        assertEquals("waiting", held.state)
        assertEquals(0uL, held.sentBytes)

        network = NetworkKind.UNMETERED
        sync.syncNow().join()
        photos.refresh().join()
        val sent = photos.state.value.ready().single { it.photoId == attached.photoId }.upload!!
        assertEquals("uploaded", sent.state)
        assertEquals(sent.totalBytes, sent.sentBytes)

        val tablet = CoreCalls(newDevice(), Dispatchers.IO)
        val chairman = LaunchStateHolder(this, tablet)
        chairman.enrollWithCode(server.url, server.code("approver"), "máy tính bảng").join()
        chairman.choosePin(PIN, PIN).join()
        SyncStateHolder(this, tablet, wifi).syncNow().join()
        val seen = PhotosStateHolder(this, tablet, caseId)
        seen.refresh().join()
        val there = seen.state.value.ready().single { it.photoId == attached.photoId }
        assertEquals("Giấy xác nhận hộ nghèo", there.caption)
        assertTrue(there.thumbnailJpeg!!.isNotEmpty(), "the thumbnail travels with the record")
        assertFalse(there.onDevice, "the full image downloads when opened")
        assertEquals(null, there.upload, "taken on another device")
        assertTrue(there.sensitive, "the mark travels with the record")
        val full = (seen.open(there.photoId) as CallResult.Ok).value
        assertEquals(listOf(0xFF.toByte(), 0xD8.toByte()), full.take(2).toList(), "a JPEG")
        assertTrue(full.size > there.thumbnailJpeg!!.size, "the full image, not the thumbnail")
        seen.refresh().join()
        assertTrue(seen.state.value.ready().single { it.photoId == there.photoId }.onDevice, "kept once opened")
    }
}

package vn.hoso.app.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import vn.hoso.core.AnswerInput
import vn.hoso.core.CaseScreen
import vn.hoso.core.FormFinish
import vn.hoso.core.LaunchStage
import vn.hoso.core.NetworkFault
import vn.hoso.core.writeEnrollmentQr

/**
 * A collaborator's day through the presentation layer, on the real core and a real demo server:
 * enroll from a QR payload (first to a server that is down, told so in the core's words; then with a wrong code, told in the server's) → PIN → today's agenda → a case → a visit note with a Vietnamese
 * validation message fixed and a photo from the camera → sync with progress, the photo's upload
 * with it → a conflict with another phone shown with both values, who and when, and resolved.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollaboratorDayTest {
    private val server = DemoServer.start()

    @AfterAll
    fun stop() = server.close()

    @Test
    fun `a collaborator's day`() = runBlocking {
        val calls = CoreCalls(newDevice(), Dispatchers.IO)
        val launch = LaunchStateHolder(this, calls)
        launch.load().join()
        assertEquals(LaunchStage.Enroll, launch.state.value.ready().stage)
        val nobody = java.net.ServerSocket(0).use { it.localPort }
        launch.enrollFromQr(writeEnrollmentQr("http://127.0.0.1:$nobody", server.code("collaborator")), "điện thoại").join()
        val down = (launch.state.value as ScreenState.Ready).error as UiError.Network
        assertEquals(NetworkFault.REFUSED, down.fault)
        assertTrue(down.message.vi.startsWith("Máy chủ từ chối kết nối"), down.message.vi)
        launch.enrollWithCode(server.url, "ABCD-EFGH-JKMN", "điện thoại").join()
        val wrongCode = (launch.state.value as ScreenState.Ready).error as UiError.ServerRefused
        assertTrue(wrongCode.message.vi.contains("xin mã mới"), wrongCode.message.vi)
        val payload = writeEnrollmentQr(server.url, server.code("collaborator"))
        assertEquals(server.url, launch.readQr(payload).let { (it as CallResult.Ok).value.serverUrl })
        launch.enrollFromQr(payload, "điện thoại của Mai").join()
        assertEquals(LaunchStage.ChoosePin, launch.state.value.ready().stage)
        launch.choosePin("123456", "123456").join()
        val weak = (launch.state.value as ScreenState.Ready).error as UiError.Refused
        assertTrue(weak.message.vi.contains("dễ đoán"), weak.message.vi)
        launch.choosePin(PIN, PIN).join()
        assertEquals(LaunchStage.Ready, launch.state.value.ready().stage)

        val sync = SyncStateHolder(this, calls, wifi)
        val seen = mutableListOf<Boolean>()
        val watching = launch(Dispatchers.Default) { sync.running.collect { seen += it } }
        sync.syncNow().join()
        watching.cancel()
        assertTrue(true in seen, "the progress indicator showed while syncing")
        assertTrue(sync.state.value.ready().notice!!.vi.contains("nhận"), "${sync.state.value}")

        val agenda = AgendaStateHolder(this, calls)
        agenda.refresh().join()
        val overdue = agenda.state.value.ready().overdue
        assertTrue(overdue.isNotEmpty(), "the demo commune has overdue visits")
        val item = overdue.first { it.caseId != null }
        assertTrue(item.legalRef.startsWith("TT 02/2020"), item.legalRef)
        val caseId = item.caseId!!

        val case = CaseStateHolder(this, calls, caseId)
        case.refresh().join()
        assertEquals(item.subjectName, case.state.value.ready().subject!!.fullName)

        val visit = FormStateHolder(this, calls)
        visit.startVisit(caseId).join()
        visit.answer("visit_date", AnswerInput.Text("01/01/2099")).join()
        val future = visit.field("visit_date").issues.single()
        assertEquals("date_in_future", future.code)
        assertEquals("“Ngày thăm” không thể là ngày trong tương lai.", future.message.vi)
        visit.answer("visit_date", AnswerInput.Text(todayText())).join()
        assertTrue(visit.field("visit_date").issues.isEmpty())
        visit.answer("met_with", AnswerInput.Choices(listOf("subject", "family"))).join()
        visit.answer("observations", AnswerInput.Text("Bà đi lại được trong nhà, đã uống thuốc đều.")).join()
        val filled = visit.state.value.ready()
        assertEquals(FormFinish.Complete, filled.finish)
        assertTrue(filled.finishAllowed, "${filled.finishRefusal}")
        visit.complete().join()
        assertEquals("submitted", visit.state.value.ready().status)
        case.refresh().join()
        assertTrue(case.state.value.ready().visits.first().summary.startsWith("Bà đi lại được"))
        val photos = photoOfTheVisit(caseId, visit.state.value.ready().recordId, calls)

        sync.syncNow().join()
        assertEquals(0u, sync.state.value.ready().queued)
        photos.refresh().join()
        val sent = photos.state.value.ready().single().upload!!
        assertEquals("uploaded", sent.state)
        assertEquals(1.0, sent.fraction)
        assertEquals(sent.totalBytes, sent.sentBytes)

        conflictWithAnotherPhone(calls, case.state.value.ready(), sync)
    }

    /**
     * The camera's JPEG attached to the visit note: a picture the core cannot read is refused in
     * Vietnamese and nothing is saved; the real one waits for upload until the next sync.
     */
    private suspend fun kotlinx.coroutines.CoroutineScope.photoOfTheVisit(
        caseId: String,
        visitId: String,
        calls: CoreCalls,
    ): PhotosStateHolder {
        val photos = PhotosStateHolder(this, calls, caseId, attachedTo = visitId)
        photos.refresh().join()
        assertTrue(photos.state.value.ready().isEmpty())
        val categories = (photos.categories() as CallResult.Ok).value
        val home = categories.single { it.code == "living_conditions" }
        assertEquals("Điều kiện sống", home.labelVi)
        photos.attach("Bếp mới sửa", home.code) { byteArrayOf(1, 2, 3) }.join()
        val refused = (photos.state.value as ScreenState.Ready).error as UiError.Refused
        assertTrue(refused.message.vi.isNotEmpty())
        assertTrue(photos.state.value.screen!!.isEmpty(), "nothing saved")
        photos.attach("Bếp mới sửa", home.code) { cameraJpeg() }.join()
        val photo = photos.state.value.ready().single()
        assertEquals("Bếp mới sửa", photo.caption)
        assertEquals(visitId, photo.attachedTo)
        assertTrue(photo.onDevice && photo.thumbnailJpeg!!.isNotEmpty())
        assertTrue(maxOf(photo.width, photo.height) <= 1600u, "${photo.width}×${photo.height}")
        assertEquals("waiting", photo.upload!!.state)
        assertEquals(0.0, photo.upload!!.fraction)
        return photos
    }

    /** The chairman's tablet and Mai's phone both change the subject's phone number offline. */
    private suspend fun kotlinx.coroutines.CoroutineScope.conflictWithAnotherPhone(
        calls: CoreCalls,
        case: CaseScreen,
        sync: SyncStateHolder,
    ) {
        val chairman = newDevice()
        chairman.enrollWithCode(server.url, server.code("approver"), "máy tính bảng")
        chairman.choosePin(PIN, PIN)
        chairman.syncRun()
        val mine = FormStateHolder(this, calls)
        mine.start(case.caseId, "TT02-M01").join()
        mine.answer("subject.phone", AnswerInput.Text("0912000111")).join()
        val theirs = chairman.formStart(case.caseId, "TT02-M01")
        chairman.formAnswer(theirs.recordId, "subject.phone", AnswerInput.Text("0987000222"))
        chairman.syncRun()

        sync.syncNow().join()
        val conflict = sync.state.value.ready().conflicts.single()
        assertTrue(conflict.fieldLabel.vi.startsWith("Số điện thoại"), conflict.fieldLabel.vi)
        assertEquals(case.subject!!.fullName, conflict.recordTitle.vi)
        val values = conflict.values.associateBy { it.text.vi }
        assertEquals(setOf("0912000111", "0987000222"), values.keys)
        assertEquals("Bạn", values.getValue("0912000111").author.vi)
        assertTrue(values.getValue("0987000222").author.vi.startsWith("Người dùng khác"))
        assertTrue(values.values.all { it.written.text.isNotEmpty() })
        sync.resolve(conflict.recordId, conflict.field, values.getValue("0987000222").index).join()
        assertTrue(sync.state.value.ready().conflicts.isEmpty())
        sync.syncNow().join()
        chairman.syncRun()
        assertTrue(chairman.syncScreen().conflicts.isEmpty(), "every device settles")
    }
}

fun FormStateHolder.field(path: String) =
    state.value.ready().sections.flatMap { it.fields }.single { it.path == path }

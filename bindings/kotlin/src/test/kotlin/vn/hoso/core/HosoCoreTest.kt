package vn.hoso.core

import java.awt.Color
import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import java.io.File
import java.nio.file.Files
import java.time.LocalDate
import java.time.ZoneId
import javax.imageio.ImageIO
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

/** Drives the real Rust core through the generated bindings, and a real hoso-server on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HosoCoreTest {
    private val key = "6b1f3e5a7c9d0b2e4f6a8c0e2b4d6f8a1c3e5a7b9d1f3a5c7e9b0d2f4a6c8e0b"
    private val pin = "274915"
    private val today: String = LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh")).toString()
    private val inAMonth: String = LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh")).plusDays(30).toString()
    private lateinit var server: TestServer
    private val url get() = server.url

    private fun admin(vararg args: String): String = server.admin(*args)

    private fun enrollmentCode(role: String): String {
        val user = admin("create-user", "--name", "Người dùng $role", "--role", role,
            "--area-kind", "commune", "--area-code", "25920")
        return admin("issue-code", "--user", user)
    }

    @BeforeAll
    fun startServer() {
        server = TestServer.start()
    }

    @AfterAll
    fun stopServer() = server.close()

    private fun newCore(): HosoCore {
        val dir = Files.createTempDirectory("hoso-device").toFile()
        return HosoCore.open(File(dir, "hoso.db").path, key)
    }

    private fun openCase(core: HosoCore, name: String): String {
        val person = core.registerPerson(null, """{"full_name": "$name", "birth_date": "1950-02-03", "sex": "male"}""")
        return core.openCase(CaseInput(person.recordId, null, "25920", "79", null, listOf("ND20-D5-K5-a")))
    }

    private fun complete(core: HosoCore, caseId: String, formId: String, answers: String): String {
        val id = core.startForm(caseId, formId)
        val issues = core.saveForm(id, answers)
        assertTrue(issues.isEmpty(), "$formId still has issues: $issues")
        if (formId != "TT02-M04" && formId != "TT02-M06") core.submitForm(id)
        return id
    }

    @Test
    fun `the store is encrypted and refuses a wrong key`() {
        val dir = Files.createTempDirectory("hoso-device").toFile()
        val path = File(dir, "hoso.db").path
        HosoCore.open(path, key).close()
        val bytes = File(path).readBytes()
        assertFalse(String(bytes, Charsets.ISO_8859_1).contains("SQLite format 3"))
        assertFailsWith<ApiException.WrongKey> { HosoCore.open(path, "0".repeat(63) + "1") }
        val badKey = assertFailsWith<ApiException.Invalid> { HosoCore.open(path, "short") }
        assertTrue(badKey.messageVi.contains("Khóa mã hóa"))
    }

    @Test
    fun `a case goes from intake to closure through the bindings`() {
        val core = newCore()
        val chairman = newCore()
        core.enroll(url, enrollmentCode("collaborator"), "điện thoại")
        core.choosePin(pin, pin)
        chairman.enroll(url, enrollmentCode("approver"), "máy tính bảng")
        chairman.choosePin(pin, pin)
        val caseId = openCase(core, "Nguyễn Văn Đức")
        complete(core, caseId, "TT02-M01", """{
            "subject.full_name": "Nguyễn Văn Đức", "subject.birth_date": "1950-02-03", "subject.sex": "male",
            "subject.address": "Thôn 3, xã Tân Hiệp", "subject.categories": ["ND20-D5-K5-a"],
            "subject_needs": "Khám bệnh, sửa nhà", "current_state": "Minh mẫn",
            "household.head_name": "Nguyễn Văn Đức", "household.address": "Thôn 3, xã Tân Hiệp",
            "relationship_to_head": "Chủ hộ", "household.member_count": 1, "care_capacity": "Sống một mình"}""")
        complete(core, caseId, "TT02-M02", """{"assessment_date": "$today", "assessed_with": ["subject"],
            "need_health": "Khám khớp", "priority_health": 1, "summary": "Cần y tế trước"}""")
        complete(core, caseId, "TT02-M03", """{"need_types": ["long_term"], "voluntary": true,
            "eligible_at_facility_or_locality": true, "determined_on": "$today"}""")
        core.act(caseId, LifecycleAction.StartPlanning)
        val plan = complete(core, caseId, "TT02-M04", """{"plan_date": "$today", "objectives": "Được khám và chăm sóc",
            "activities": [{"activity": "Đưa đi khám", "start_date": "$today", "end_date": "$inAMonth",
            "responsible": "Cộng tác viên"}], "responsibilities": "Gia đình và UBND xã"}""")
        core.act(caseId, LifecycleAction.SubmitPlan(plan))
        core.syncNow()
        chairman.syncNow()
        chairman.act(caseId, LifecycleAction.ApprovePlan(plan))
        chairman.syncNow()
        core.syncNow()
        core.recordVisit(caseId, """{"visit_date": "$today", "met_with": ["subject"], "observations": "Ổn định",
            "next_visit_date": "$inAMonth"}""")
        val closure = complete(core, caseId, "TT02-M06", """{"closure_trigger": "objectives_achieved",
            "evaluation": "Đạt mục tiêu", "meeting_date": "$today", "meeting_participants": "Chủ tịch, CTV, đối tượng",
            "signed_case_manager": true, "signed_subject": true, "signed_family": true}""")
        core.act(caseId, LifecycleAction.ProposeClosure(closure))
        core.syncNow()
        chairman.syncNow()
        chairman.act(caseId, LifecycleAction.ApproveClosure)
        complete(chairman, caseId, "TT02-HANDOVER", """{"handover_date": "$today", "received_by": "Nguyễn Thị Hằng",
            "relationship": "Con gái", "confirmed_by_facility_head": true, "confirmed_by_family": true}""")
        chairman.syncNow()
        core.syncNow()
        val file = core.caseFile(caseId)
        assertEquals("closed", file.status)
        assertEquals(5u.toUByte(), file.step)
        assertTrue(file.timeline.any { it.titleVi == "Kết thúc quản lý đối tượng" })
        assertTrue(core.followUps(inAMonth).any { it.kind == "post_closure_follow_up" && it.legalRef == "TT 02/2020 Điều 10.2" })
        assertTrue(core.formDefinitionsJson().contains("TT02-M06"))
    }

    @Test
    fun `invalid input is refused with a Vietnamese message and nothing is saved`() {
        val core = newCore()
        core.enroll(url, enrollmentCode("collaborator"), "điện thoại")
        core.choosePin(pin, pin)
        val refused = assertFailsWith<ApiException.Validation> {
            core.registerPerson(null, """{"full_name": "Hà Thị Thu", "birth_date": "1990-01-01", "sex": "female",
                "citizen_id": "001090234567"}""")
        }
        assertEquals("citizen_id_sex", refused.issues[0].code)
        assertTrue(refused.issues[0].messageVi.contains("giới tính"))
        assertTrue(core.search("thu", 10u).isEmpty())
        val caseId = openCase(core, "Lê Văn Tám")
        val visit = core.startForm(caseId, "TT02-M05")
        val issues = core.saveForm(visit, """{"visit_date": "2999-01-01"}""")
        assertTrue(issues.any { it.code == "date_in_future" && it.messageVi.contains("tương lai") })
        assertFailsWith<ApiException.Validation> { core.submitForm(visit) }
        assertFailsWith<ApiException.Invalid> { core.saveForm(visit, "not json") }
        assertFailsWith<ApiException.NotAllowed> { core.act(caseId, LifecycleAction.StartPlanning) }
    }

    @Test
    fun `a new case comes from a filled form 01 in one call and warns of a duplicate`() {
        val core = newCore()
        core.enroll(url, enrollmentCode("collaborator"), "điện thoại")
        core.choosePin(pin, pin)
        val form = """{"subject.full_name": "Lò Thị Ánh", "subject.birth_date": "1985-05-05", "subject.sex": "female",
            "subject.address": "Bản Lầu", "subject.categories": ["ND20-D5-K4"]}"""
        val first = core.createCaseWithInformation("25920", "79", null, form)
        assertTrue(first.issues.any { it.field == "subject_needs" && it.code == "required" }, "a draft is saved with what is left")
        assertEquals("Lò Thị Ánh", core.caseFile(first.caseId).subjectName)
        val second = core.createCaseWithInformation("25920", "79", null, form)
        assertEquals(listOf(first.subjectId), second.likelyDuplicates)
    }

    @Test
    fun `search finds Đức when typed duc`() {
        val core = newCore()
        core.enroll(url, enrollmentCode("collaborator"), "điện thoại")
        core.choosePin(pin, pin)
        openCase(core, "Trần Minh Đức")
        val hits = core.search("duc", 10u)
        assertEquals(listOf("Trần Minh Đức"), hits.map { it.title })
    }

    @Test
    fun `two phones sync through a real server`() {
        val lan = newCore()
        val minh = newCore()
        lan.enroll(url, enrollmentCode("collaborator"), "điện thoại của Lan")
        lan.choosePin(pin, pin)
        minh.enroll(url, enrollmentCode("collaborator"), "điện thoại của Minh")
        minh.choosePin(pin, pin)
        val caseId = openCase(lan, "Đặng Văn Quý")
        assertTrue(lan.outbox().all { it.state == "queued" })
        val pushed = lan.syncNow()
        assertTrue(pushed.acknowledged > 0u)
        assertTrue(lan.outbox().isEmpty())
        minh.syncNow()
        assertEquals("Đặng Văn Quý", minh.caseFile(caseId).subjectName)
        assertEquals(listOf("Đặng Văn Quý"), minh.search("dang van quy", 5u).map { it.title })
        assertEquals(0u, minh.syncStatus().consecutiveFailures)
        assertTrue(minh.conflicts().isEmpty())
    }

    /** A camera-like JPEG: stripes and a gradient, so it compresses like a photo, not a flat colour. */
    private fun cameraJpeg(): ByteArray {
        val image = BufferedImage(2400, 1800, BufferedImage.TYPE_INT_RGB)
        for (y in 0 until 1800) for (x in 0 until 2400) {
            image.setRGB(x, y, Color((x / 5) % 256, (y / 4) % 256, (x * y / 97) % 256).rgb)
        }
        return ByteArrayOutputStream().also { ImageIO.write(image, "jpg", it) }.toByteArray()
    }

    @Test
    fun `a photo is attached, listed with its thumbnail and progress, uploaded and opened elsewhere`() {
        val taker = newCore()
        val approver = newCore()
        taker.enroll(url, enrollmentCode("collaborator"), "điện thoại")
        taker.choosePin(pin, pin)
        approver.enroll(url, enrollmentCode("approver"), "máy tính bảng")
        approver.choosePin(pin, pin)
        val caseId = openCase(taker, "Hà Thị Ảnh")
        val category = taker.photoCategories().first { it.code == "living_conditions" }
        assertEquals("Điều kiện sống", category.labelVi)
        val photoId = taker.attachPhoto(
            PhotoInput(caseId, null, null, "Mái nhà dột", category.code, null, false), cameraJpeg())
        val listed = taker.casePhotos(caseId).single()
        assertEquals(photoId, listed.photoId)
        assertEquals(1600u, listed.width, "reduced to 1600 px")
        assertTrue(listed.thumbnailJpeg!!.size in 1..60_000)
        assertEquals("waiting", listed.upload!!.state)
        assertEquals(0.0, listed.upload!!.fraction)

        taker.syncNow()
        val report = taker.uploadPhotos(NetworkKind.UNMETERED)
        assertEquals(1u, report.uploaded)
        val sent = taker.casePhotos(caseId).single().upload!!
        assertEquals("uploaded", sent.state)
        assertEquals(1.0, sent.fraction)
        assertEquals(null, taker.photoQueue().nextAttemptMillis, "nothing left to send")

        approver.syncNow()
        val seen = approver.casePhotos(caseId).single()
        assertFalse(seen.onDevice)
        assertEquals(listed.thumbnailJpeg!!.toList(), seen.thumbnailJpeg!!.toList())
        assertEquals(taker.openPhoto(photoId).toList(), approver.openPhoto(photoId).toList())
        assertTrue(approver.casePhotos(caseId).single().onDevice)

        val bad = assertFailsWith<ApiException.Invalid> {
            taker.attachPhoto(PhotoInput(caseId, null, null, "", "other", null, false), byteArrayOf(1, 2, 3))
        }
        assertTrue(bad.messageVi.contains("JPEG"), bad.messageVi)
        assertEquals(1, taker.casePhotos(caseId).size, "nothing saved")
    }
}

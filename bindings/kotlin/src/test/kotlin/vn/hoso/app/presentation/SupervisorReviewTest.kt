package vn.hoso.app.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import vn.hoso.core.AnswerInput
import vn.hoso.core.CaseAction
import vn.hoso.core.FollowUpKind
import vn.hoso.core.FormFinish
import vn.hoso.core.HosoCore
import vn.hoso.core.LaunchStage

/**
 * The commune chairman's review on a tablet: the list and the detail open side by side, as the
 * two-pane layout holds them. The approvals waiting come from the agenda (the oversight FFI has its
 * own queue too); approving moves the case to step 3; the overdue list is the caseload filtered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SupervisorReviewTest {
    private val server = DemoServer.start()

    @AfterAll
    fun stop() = server.close()

    /** Mai takes in a subject on her phone, completes the intake forms and submits a plan. */
    private fun submittedPlan(): String {
        val mai = newDevice()
        mai.enrollWithCode(server.url, server.newCode("collaborator"), "điện thoại của Mai")
        mai.choosePin(PIN, PIN)
        val today = todayText()
        val intake = mai.caseNew("Lê Văn Tám", "03/02/1950", "nam", null)
        val caseId = intake.form.caseId
        mai.fill(intake.form.recordId, mapOf(
            "subject.address" to "Thôn 2, phường Tân Hiệp", "subject.categories" to "ND20-D5-K5-a",
            "subject_needs" to "Khám bệnh định kỳ", "current_state" to "Minh mẫn",
            "household.head_name" to "Lê Văn Tám", "household.address" to "Thôn 2, phường Tân Hiệp",
            "relationship_to_head" to "Chủ hộ", "household.member_count" to "1",
            "care_capacity" to "Sống một mình",
        ))
        mai.formComplete(intake.form.recordId)
        val needs = mai.formStart(caseId, "TT02-M02").recordId
        mai.fill(needs, mapOf("assessment_date" to today, "assessed_with" to "subject",
            "need_health" to "Khám khớp gối", "priority_health" to "1", "summary" to "Cần y tế trước"))
        mai.formComplete(needs)
        val criteria = mai.formStart(caseId, "TT02-M03").recordId
        mai.fill(criteria, mapOf("need_types" to "long_term", "voluntary" to "có",
            "eligible_at_facility_or_locality" to "có", "determined_on" to today))
        mai.formComplete(criteria)
        mai.caseAct(caseId, CaseAction.START_PLANNING, vn.hoso.core.CaseActionInput())
        val plan = mai.formStart(caseId, "TT02-M04").recordId
        mai.formAddItem(plan, "activities")
        val filled = mai.fill(plan, mapOf("plan_date" to today, "objectives" to "Được khám tại nhà",
            "activities.0.activity" to "Đưa đi khám", "activities.0.start_date" to today,
            "activities.0.end_date" to "31/12/2099", "activities.0.responsible" to "Cộng tác viên",
            "responsibilities" to "Gia đình và UBND phường"))
        assertEquals(FormFinish.ThroughCase(CaseAction.SUBMIT_PLAN), filled.finish)
        assertTrue(filled.finishAllowed, "${filled.finishRefusal}")
        mai.caseAct(caseId, CaseAction.SUBMIT_PLAN, vn.hoso.core.CaseActionInput())
        mai.syncRun()
        return caseId
    }

    private fun HosoCore.fill(recordId: String, answers: Map<String, String>) =
        answers.entries.map { (path, text) -> formAnswer(recordId, path, AnswerInput.Text(text)) }.last()

    @Test
    fun `the chairman approves a plan and reviews the overdue cases on a tablet`() = runBlocking {
        val caseId = submittedPlan()
        val calls = CoreCalls(newDevice(), Dispatchers.IO)
        val launch = LaunchStateHolder(this, calls)
        launch.enrollWithCode(server.url, server.code("approver"), "máy tính bảng").join()
        launch.choosePin(PIN, PIN).join()
        assertTrue(launch.state.value.ready().user!!.mayApprove)
        SyncStateHolder(this, calls).syncNow().join()

        val agenda = AgendaStateHolder(this, calls)
        agenda.refresh().join()
        // The demo commune has other plans and closures waiting for the chairman too.
        val waiting = agenda.state.value.ready().dueToday.filter { it.kind == FollowUpKind.APPROVAL_WAITING }
        assertEquals("TT 02/2020 Điều 7.1", waiting.single { it.caseId == caseId }.legalRef)

        val list = CaseListStateHolder(this, calls)
        val detail = CaseStateHolder(this, calls, caseId)
        list.setStep(2.toUByte()).join()
        detail.refresh().join()
        assertTrue(list.state.value.ready().rows.any { it.caseId == caseId })
        val approve = detail.state.value.ready().actions.single { it.action == CaseAction.APPROVE_PLAN }
        assertTrue(approve.allowed, "${approve.refusal}")
        val giveBack = detail.state.value.ready().actions.single { it.action == CaseAction.RETURN_PLAN }
        assertTrue(giveBack.needsReason)
        detail.act(CaseAction.APPROVE_PLAN).join()
        assertEquals(3.toUByte(), detail.state.value.ready().stage.step)
        list.refresh().join()
        assertFalse(list.state.value.ready().rows.any { it.caseId == caseId }, "no longer at step 2")

        list.setStep(null).join()
        list.setOverdueOnly(true).join()
        val overdue = list.state.value.ready()
        assertTrue(overdue.rows.isNotEmpty() && overdue.rows.all { it.overdue > 0u })
        SyncStateHolder(this, calls).syncNow().join()
    }

    @Test
    fun `a collaborator is told only the chairman approves`() = runBlocking {
        val caseId = submittedPlan()
        val calls = CoreCalls(newDevice(), Dispatchers.IO)
        val launch = LaunchStateHolder(this, calls)
        launch.enrollWithCode(server.url, server.newCode("collaborator"), "điện thoại").join()
        assertEquals(LaunchStage.ChoosePin, launch.state.value.ready().stage)
        launch.choosePin(PIN, PIN).join()
        SyncStateHolder(this, calls).syncNow().join()
        val detail = CaseStateHolder(this, calls, caseId)
        detail.refresh().join()
        val approve = detail.state.value.ready().actions.single { it.action == CaseAction.APPROVE_PLAN }
        assertFalse(approve.allowed)
        assertTrue(approve.refusal!!.vi.contains("Chủ tịch UBND"), approve.refusal!!.vi)
    }
}

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
import vn.hoso.core.FormFinish
import vn.hoso.core.HosoCore
import vn.hoso.core.LaunchStage

/**
 * The commune chairman's review on a tablet, through the supervisor's holders: the approval queue
 * (the list pane) beside the case it opens (the detail pane), a plan approved from the queue, then
 * the oversight figures with the overdue list, all answered offline from the tablet's store.
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
    fun `the chairman approves a plan from the queue and reviews the overdue cases on a tablet`() = runBlocking {
        val caseId = submittedPlan()
        val calls = CoreCalls(newDevice(), Dispatchers.IO)
        val launch = LaunchStateHolder(this, calls)
        launch.enrollWithCode(server.url, server.code("approver"), "máy tính bảng").join()
        launch.choosePin(PIN, PIN).join()
        assertTrue(launch.state.value.ready().user!!.mayApprove)
        SyncStateHolder(this, calls, wifi).syncNow().join()

        // The list pane: the queue, longest waiting first; the demo commune has other items waiting too.
        val queue = ApprovalQueueStateHolder(this, calls)
        queue.refresh().join()
        val waiting = queue.state.value.ready()
        val mine = waiting.single { it.waiting.case.caseId == caseId }
        assertEquals("plan", mine.waiting.kind)
        assertEquals("Lê Văn Tám", mine.waiting.case.subjectName)
        assertEquals(0L, mine.waiting.daysWaiting)
        assertTrue(waiting.zipWithNext().all { (a, b) -> a.waiting.daysWaiting >= b.waiting.daysWaiting })
        val oversight = OversightStateHolder(this, calls)
        oversight.refresh().join()
        val before = oversight.state.value.ready()
        assertEquals(waiting.size, before.approvals.size)

        // The detail pane beside it: the case file the queue item opens, with the law's actions.
        val detail = CaseStateHolder(this, calls, caseId)
        detail.refresh().join()
        assertEquals(2.toUByte(), detail.state.value.ready().stage.step)
        val giveBack = detail.state.value.ready().actions.single { it.action == CaseAction.RETURN_PLAN }
        assertTrue(giveBack.needsReason)

        queue.approve(caseId).join()
        val after = queue.state.value.ready()
        assertFalse(after.any { it.waiting.case.caseId == caseId }, "the approved plan leaves the queue")
        assertEquals(waiting.size - 1, after.size)
        detail.refresh().join()
        assertEquals(3.toUByte(), detail.state.value.ready().stage.step)

        oversight.refresh().join()
        val figures = oversight.state.value.ready()
        assertFalse(figures.approvals.any { it.case.caseId == caseId })
        assertEquals(before.openByStep[1] - 1u, figures.openByStep[1], "one case fewer at step 2")
        assertEquals(before.openByStep[2] + 1u, figures.openByStep[2], "one case more at step 3")
        assertEquals(figures.openCases, figures.openByStep.sum())
        assertTrue(figures.overdue.isNotEmpty(), "the demo commune has overdue visits")
        assertTrue(figures.overdue.all { it.daysOverdue > 0 && it.legalRef.startsWith("TT 02/2020") })
        assertTrue(figures.overdue.zipWithNext().all { (a, b) -> a.daysOverdue >= b.daysOverdue })

        val sync = SyncStateHolder(this, calls, wifi)
        sync.syncNow().join()
        assertEquals(0u, sync.state.value.ready().queued, "the decision reached the server")
    }

    @Test
    fun `a plan given back leaves the queue and returns to its case manager`() = runBlocking {
        val caseId = submittedPlan()
        val calls = CoreCalls(newDevice(), Dispatchers.IO)
        val launch = LaunchStateHolder(this, calls)
        launch.enrollWithCode(server.url, server.newCode("approver"), "máy tính bảng").join()
        launch.choosePin(PIN, PIN).join()
        SyncStateHolder(this, calls, wifi).syncNow().join()
        val queue = ApprovalQueueStateHolder(this, calls)
        queue.giveBack(caseId, "").join()
        val refused = (queue.state.value as ScreenState.Failed).error as UiError.Refused
        assertTrue(refused.message.vi.isNotEmpty())
        queue.giveBack(caseId, "Cần ghi rõ ngày khám").join()
        assertFalse(queue.state.value.ready().any { it.waiting.case.caseId == caseId })
        val detail = CaseStateHolder(this, calls, caseId)
        detail.refresh().join()
        assertEquals(2.toUByte(), detail.state.value.ready().stage.step)
    }

    @Test
    fun `a collaborator is told only the chairman approves`() = runBlocking {
        val caseId = submittedPlan()
        val calls = CoreCalls(newDevice(), Dispatchers.IO)
        val launch = LaunchStateHolder(this, calls)
        launch.enrollWithCode(server.url, server.newCode("collaborator"), "điện thoại").join()
        assertEquals(LaunchStage.ChoosePin, launch.state.value.ready().stage)
        launch.choosePin(PIN, PIN).join()
        SyncStateHolder(this, calls, wifi).syncNow().join()
        val detail = CaseStateHolder(this, calls, caseId)
        detail.refresh().join()
        val approve = detail.state.value.ready().actions.single { it.action == CaseAction.APPROVE_PLAN }
        assertFalse(approve.allowed)
        assertTrue(approve.refusal!!.vi.contains("Chủ tịch UBND"), approve.refusal!!.vi)
    }
}

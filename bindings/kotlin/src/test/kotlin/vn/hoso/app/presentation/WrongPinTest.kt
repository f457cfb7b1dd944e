package vn.hoso.app.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import vn.hoso.core.LaunchStage

/** A wrong PIN typed again and again: the attempts left, the warning, then the wipe. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WrongPinTest {
    private val server = DemoServer.start()

    @AfterAll
    fun stop() = server.close()

    @Test
    fun `ten wrong PINs in a row erase the device's data`() = runBlocking {
        val calls = CoreCalls(newDevice(), Dispatchers.IO)
        val launch = LaunchStateHolder(this, calls)
        launch.enrollWithCode(server.url, server.code("collaborator"), "điện thoại").join()
        launch.choosePin(PIN, PIN).join()
        val sync = SyncStateHolder(this, calls, wifi)
        sync.syncNow().join()
        val cases = CaseListStateHolder(this, calls)
        cases.refresh().join()
        assertTrue(cases.state.value.ready().matching > 0u, "the demo caseload is on the phone")

        launch.lock().join()
        for (attempt in 1..9) {
            launch.unlock("000111").join()
            val screen = launch.state.value.ready()
            assertEquals(LaunchStage.Unlock(attempt.toUInt(), (10 - attempt).toUInt()), screen.stage)
            val notice = screen.notice!!.vi
            assertTrue(notice.contains("Còn ${10 - attempt} lần thử"), notice)
            assertEquals(attempt >= 5, notice.contains("sẽ bị xóa"), notice)
        }
        launch.unlock("000111").join()
        val wiped = launch.state.value.ready()
        assertEquals(LaunchStage.Enroll, wiped.stage)
        assertTrue(wiped.notice!!.vi.contains("đã bị xóa"), wiped.notice!!.vi)

        val lockedEvent = async { calls.locked.first() }
        kotlinx.coroutines.yield()
        cases.refresh().join()
        assertEquals(UiError.Locked, (cases.state.value as ScreenState.Ready).error)
        lockedEvent.await()
        assertEquals(0uL, calls.core.syncStatus().outboxOps)
        assertTrue(!calls.core.syncStatus().enrolled, "the credentials went with the data")
    }
}

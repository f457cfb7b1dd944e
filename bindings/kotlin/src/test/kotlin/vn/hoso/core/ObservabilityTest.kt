package vn.hoso.core

import java.io.File
import java.nio.file.Files
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

/**
 * What the core tells the app while it works, implemented in Kotlin and driven through the bindings:
 * a progress listener during sync, a log sink for the core's lines, and network faults as kinds with
 * Vietnamese words. Against the real core and a real hoso-server on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityTest {
    private val key = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
    private val pin = "274915"
    /** Well formed, so that only the network can refuse it. */
    private val someCode = "ABCD-EFGH-JKMN"
    private lateinit var server: TestServer
    private val url get() = server.url

    private fun admin(vararg args: String): String = server.admin(*args)

    private fun enrolled(): HosoCore {
        val core = HosoCore.open(File(Files.createTempDirectory("hoso-device").toFile(), "hoso.db").path, key)
        val user = admin("create-user", "--name", "Cộng tác viên", "--role", "collaborator",
            "--area-kind", "commune", "--area-code", "25920")
        core.identifyApp("hoso-kotlin-test", "1.0.0")
        core.enroll(url, admin("issue-code", "--user", user), "điện thoại")
        core.choosePin(pin, pin)
        return core
    }

    @BeforeAll
    fun startServer() {
        server = TestServer.start()
    }

    @AfterAll
    fun stopServer() = server.close()

    private class Recorder : SyncProgressListener {
        val seen = CopyOnWriteArrayList<SyncProgress>()
        override fun onProgress(progress: SyncProgress) {
            seen.add(progress)
        }
    }

    private fun assertMonotoneToOne(seen: List<SyncProgress>, phase: SyncPhase) {
        assertTrue(seen.isNotEmpty() && seen.all { it.phase == phase }, "$seen")
        assertEquals(0.0, seen.first().fraction)
        assertTrue(seen.zipWithNext().all { (a, b) -> b.fraction >= a.fraction }, "$seen")
        assertEquals(1.0, seen.last().fraction)
    }

    @Test
    fun `a sync tells a Kotlin listener how far it is, never going back, ending at 1`() {
        val lan = enrolled()
        repeat(5) {
            lan.registerPerson(null, """{"full_name": "Vàng Thị Mỷ $it", "birth_date": "1990-01-0${it + 1}"}""")
        }
        val pushing = Recorder()
        val pushed = lan.syncWithProgress(pushing)
        val push = pushing.seen.filter { it.phase == SyncPhase.PUSH }
        assertMonotoneToOne(push, SyncPhase.PUSH)
        assertEquals(pushed.pushed, push.last().done)

        val minh = enrolled()
        val pulling = Recorder()
        val pulled = minh.syncWithProgress(pulling)
        assertMonotoneToOne(pulling.seen, SyncPhase.PULL)
        assertEquals(pulled.pulledRecords, pulling.seen.last().records)
        assertTrue(pulling.seen.last().bytes > 0u)
    }

    @Test
    fun `the core's log lines reach a Kotlin sink, without the names it handled`() {
        val entries = CopyOnWriteArrayList<LogEntry>()
        setLogSink(object : LogSink {
            override fun log(entry: LogEntry) {
                entries.add(entry)
            }
        }, LogLevel.DEBUG)
        try {
            val lan = enrolled()
            lan.registerPerson(null, """{"full_name": "Giàng A Sùng", "birth_date": "1975-03-04", "phone": "0987654321"}""")
            lan.syncNow()
            assertTrue(entries.any { it.target.startsWith("hoso_core") && it.message.startsWith("sync finished") }, "$entries")
            assertTrue(entries.none { it.message.contains("Giàng A Sùng") || it.message.contains("0987654321") })
            val before = entries.size
            setLogLevel(LogLevel.ERROR)
            lan.syncNow()
            assertTrue(entries.drop(before).all { it.level == LogLevel.ERROR }, "nothing below the level set")
        } finally {
            setLogLevel(LogLevel.ERROR)
        }
    }

    @Test
    fun `a refused connection reaches Kotlin as its own kind, in Vietnamese`() {
        val core = HosoCore.open(File(Files.createTempDirectory("hoso-device").toFile(), "hoso.db").path, key)
        val closed = java.net.ServerSocket(0).use { it.localPort }
        val refused = assertFailsWith<ApiException.Network> { core.enroll("http://127.0.0.1:$closed", someCode, "x") }
        assertEquals(NetworkFault.REFUSED, refused.fault)
        assertTrue(refused.messageVi.contains("từ chối"), refused.messageVi)
        val plain = assertFailsWith<ApiException.Invalid> { core.enroll("http://hoso.example.vn", someCode, "x") }
        assertTrue(plain.messageVi.contains("https://"))
    }
}

package vn.hoso.app.presentation

import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import vn.hoso.core.HosoCore
import vn.hoso.core.NetworkKind
import vn.hoso.core.newDatabaseKey

/**
 * `hoso-server serve --demo` on a free loopback port, with the enrollment codes it printed (each
 * works once); [newCode] issues more through `hoso-server admin`, as an administrator would.
 */
class DemoServer private constructor(
    private val process: Process,
    private val data: File,
    val url: String,
    val codes: Map<String, String>,
) : AutoCloseable {
    fun code(role: String): String = codes.getValue(role)

    /** A one-time code for a new user of the demo commune. */
    fun newCode(role: String): String {
        val user = admin("create-user", "--name", "Người dùng $role", "--role", role,
            "--area-kind", "commune", "--area-code", "25920")
        return admin("issue-code", "--user", user)
    }

    private fun admin(vararg args: String): String {
        val process = ProcessBuilder(listOf(System.getProperty("hoso.server.bin"), "admin", "--data", data.path) + args)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start()
        val out = process.inputStream.bufferedReader().readText().trim()
        check(process.waitFor() == 0) { "admin ${args.toList()}" }
        return out
    }

    override fun close() {
        process.destroy()
        process.waitFor(10, TimeUnit.SECONDS)
    }

    companion object {
        fun start(): DemoServer {
            val data = File(Files.createTempDirectory("hoso-demo").toFile(), "data")
            val port = java.net.ServerSocket(0).use { it.localPort }
            val process = ProcessBuilder(
                System.getProperty("hoso.server.bin"), "serve", "--demo",
                "--data", data.path, "--listen", "127.0.0.1:$port",
            ).redirectError(ProcessBuilder.Redirect.DISCARD).start()
            val codes = mutableMapOf<String, String>()
            val lines = process.inputStream.bufferedReader()
            while (true) {
                val line = lines.readLine() ?: error("hoso-server stopped before it was ready")
                if (line == "ready") break
                val words = line.trim().split(Regex("\\s+"))
                if (words.size == 2 && words[1].matches(Regex("[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}"))) {
                    codes[words[0]] = words[1]
                }
            }
            return DemoServer(process, data, "http://127.0.0.1:$port", codes)
        }
    }
}

/** A new device: its own encrypted store, keyed as a phone's first launch keys it. */
fun newDevice(): HosoCore {
    val dir = Files.createTempDirectory("hoso-device").toFile()
    return HosoCore.open(File(dir, "hoso.db").path, newDatabaseKey())
}

const val PIN = "274915"

/** What the platform reports for a test device's network: unmetered, so photos go at once. */
val wifi: () -> NetworkKind = { NetworkKind.UNMETERED }

/** A camera-like JPEG: stripes and a gradient, so it compresses like a photo, not a flat colour. */
fun cameraJpeg(): ByteArray {
    val image = java.awt.image.BufferedImage(2400, 1800, java.awt.image.BufferedImage.TYPE_INT_RGB)
    for (y in 0 until 1800) for (x in 0 until 2400) {
        image.setRGB(x, y, java.awt.Color((x / 5) % 256, (y / 4) % 256, (x * y / 97) % 256).rgb)
    }
    return java.io.ByteArrayOutputStream().also { javax.imageio.ImageIO.write(image, "jpg", it) }.toByteArray()
}

/** Today in Vietnam, as Vietnamese forms write it. */
fun todayText(): String = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Ho_Chi_Minh"))
    .format(java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy"))

fun <T> ScreenState<T>.ready(): T {
    val state = this
    check(state is ScreenState.Ready<T>) { "expected a screen, got $state" }
    check(state.error == null) { "the last call failed: ${state.error}" }
    return state.screen
}

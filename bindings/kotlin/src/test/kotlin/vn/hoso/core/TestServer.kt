package vn.hoso.core

import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * A real `hoso-server serve` on a free loopback port, with one commune (25920, Phường Tân Hiệp) set up;
 * [admin] runs `hoso-server admin` on its data folder, as an administrator would.
 */
class TestServer private constructor(
    private val process: Process,
    private val data: File,
    val url: String,
) : AutoCloseable {
    fun admin(vararg args: String): String = admin(data, *args)

    override fun close() {
        process.destroy()
        process.waitFor(10, TimeUnit.SECONDS)
    }

    companion object {
        private val serverBin = System.getProperty("hoso.server.bin")

        private fun admin(data: File, vararg args: String): String {
            val process = ProcessBuilder(listOf(serverBin, "admin", "--data", data.path) + args.toList()).start()
            val out = process.inputStream.bufferedReader().readText().trim()
            check(process.waitFor() == 0) { "admin ${args.toList()}" }
            return out
        }

        fun start(): TestServer {
            val data = Files.createTempDirectory("hoso-server").toFile()
            admin(data, "create-area", "--kind", "commune", "--code", "25920", "--name", "Phường Tân Hiệp")
            val port = java.net.ServerSocket(0).use { it.localPort }
            val url = "http://127.0.0.1:$port"
            val process = ProcessBuilder(serverBin, "serve", "--data", data.path, "--listen", "127.0.0.1:$port")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start()
            val deadline = System.currentTimeMillis() + 20_000
            while (System.currentTimeMillis() < deadline) {
                try {
                    (java.net.URI("$url/v1/health").toURL().openConnection() as java.net.HttpURLConnection).apply {
                        connectTimeout = 500
                        if (responseCode == 200) return TestServer(process, data, url)
                    }
                } catch (_: java.io.IOException) {
                    Thread.sleep(100)
                }
            }
            process.destroy()
            error("hoso-server did not start")
        }
    }
}

// What the Android app calls once at start, before the generated bindings are used: the platform's
// certificate verifier gets the app's Context, and the core's log lines go to Logcat.
package vn.hoso.core

import android.content.Context
import android.util.Log

object HosoAndroid {
    init {
        System.loadLibrary("hoso_core")
    }

    /** Lets the core verify servers with Android's own certificate store (Application.onCreate). */
    @JvmStatic
    external fun initTls(context: Context)

    /** Sends the core's log lines at [level] and above to Logcat, under the tag "hoso". */
    fun logToLogcat(level: LogLevel = LogLevel.INFO) = setLogSink(LogcatSink, level)
}

/** Writes the core's log lines to Logcat; the message names its source (rustls, ureq, hoso_core). */
private object LogcatSink : LogSink {
    override fun log(entry: LogEntry) {
        val line = "${entry.target}: ${entry.message}"
        when (entry.level) {
            LogLevel.ERROR -> Log.e("hoso", line)
            LogLevel.WARN -> Log.w("hoso", line)
            LogLevel.INFO -> Log.i("hoso", line)
            LogLevel.DEBUG -> Log.d("hoso", line)
            LogLevel.TRACE -> Log.v("hoso", line)
        }
    }
}

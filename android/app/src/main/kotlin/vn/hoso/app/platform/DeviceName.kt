// The name a device enrolls under, as the administrator sees it in the device list ("Samsung SM-A155F").
package vn.hoso.app.platform

import android.os.Build

fun deviceName(): String {
    val maker = Build.MANUFACTURER.replaceFirstChar { it.uppercase() }
    return if (Build.MODEL.startsWith(Build.MANUFACTURER, ignoreCase = true)) Build.MODEL else "$maker ${Build.MODEL}"
}

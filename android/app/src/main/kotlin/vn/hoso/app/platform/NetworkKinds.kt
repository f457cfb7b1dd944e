// The network the phone is on, as the core's photo uploads need it: unmetered (Wi-Fi), metered (mobile
// data; held when the settings say Wi-Fi only) or none.
package vn.hoso.app.platform

import android.content.Context
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import vn.hoso.core.NetworkKind

fun networkKind(context: Context): NetworkKind {
    val connectivity = context.getSystemService(ConnectivityManager::class.java)
    val capabilities = connectivity?.getNetworkCapabilities(connectivity.activeNetwork) ?: return NetworkKind.OFFLINE
    return when {
        !capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET) -> NetworkKind.OFFLINE
        capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED) -> NetworkKind.UNMETERED
        else -> NetworkKind.METERED
    }
}

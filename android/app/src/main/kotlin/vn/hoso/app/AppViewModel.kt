// The app above the screens, surviving rotations: the core opened off the main thread, the launch flow
// (enroll, PIN, unlock) whose holder also hears every call refused because the app is locked, the back
// stack and each open route's holders.
package vn.hoso.app

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.hoso.app.navigation.Navigator
import vn.hoso.app.navigation.RouteStores
import vn.hoso.app.presentation.CoreCalls
import vn.hoso.app.presentation.LaunchStateHolder
import vn.hoso.app.presentation.UiError
import vn.hoso.core.ApiException

sealed interface Opening {
    data object InProgress : Opening

    /** The store cannot be opened (a key lost with a restored phone, a damaged file, a newer app's data). */
    data class Failed(val error: UiError) : Opening

    data class Open(val calls: CoreCalls, val launch: LaunchStateHolder) : Opening
}

class AppViewModel(application: Application) : AndroidViewModel(application) {
    private val app = application as HosoApplication
    private val mutableOpening = MutableStateFlow<Opening>(Opening.InProgress)

    val opening: StateFlow<Opening> = mutableOpening.asStateFlow()
    val navigator = Navigator()
    val routeStores = RouteStores()

    init {
        openStore()
    }

    /** Erases the store that cannot be opened, so that the device enrolls again. */
    fun eraseAndReopen() {
        viewModelScope.launch {
            withContext(Dispatchers.IO) { app.cores.erase() }
            openStore()
        }
    }

    private fun openStore() {
        mutableOpening.value = Opening.InProgress
        viewModelScope.launch {
            val opened = withContext(Dispatchers.IO) { runCatching { app.cores.open() } }
            mutableOpening.value = opened.fold(
                onSuccess = { core -> started(CoreCalls(core)) },
                onFailure = { error ->
                    Opening.Failed(if (error is ApiException) UiError.of(error) else UiError.Broken("WrongKey"))
                },
            )
        }
    }

    private fun started(calls: CoreCalls): Opening.Open {
        val launch = LaunchStateHolder(viewModelScope, calls)
        launch.load()
        viewModelScope.launch { calls.locked.collect { launch.load() } }
        return Opening.Open(calls, launch)
    }

    override fun onCleared() {
        routeStores.clear()
    }
}

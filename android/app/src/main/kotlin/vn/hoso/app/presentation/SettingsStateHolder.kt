package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import vn.hoso.core.Language
import vn.hoso.core.SettingsScreen

/** Settings: language, auto-lock, PIN, server address, and the configured rules with their references. */
class SettingsStateHolder(scope: CoroutineScope, calls: CoreCalls) : StateHolder<SettingsScreen>(scope, calls) {
    fun refresh(): Job = perform { settingsScreen() }

    fun setLanguage(language: Language): Job = perform { settingsSetLanguage(language) }

    fun setAutoLock(minutes: UInt): Job = perform { settingsSetAutoLock(minutes) }

    fun changePin(current: String, pin: String, confirmation: String): Job =
        perform { settingsChangePin(current, pin, confirmation) }

    fun setServer(serverUrl: String): Job = perform { settingsSetServer(serverUrl) }
}

package vn.hoso.app.presentation

import vn.hoso.core.Language
import vn.hoso.core.Localized

/**
 * What every screen's state holder shows: the screen state the core answered, whether a call is in
 * flight, and the last call's failure. The Compose screens render it and nothing else.
 */
sealed interface ScreenState<out T> {
    /** Nothing to show yet: the first call is in flight. */
    data object Loading : ScreenState<Nothing>

    /** The core's answer; `busy` while the next call runs; `error` when the last call failed. */
    data class Ready<T>(val screen: T, val busy: Boolean = false, val error: UiError? = null) : ScreenState<T>

    /** The first call failed: nothing to show but why. */
    data class Failed(val error: UiError) : ScreenState<Nothing>
}

/** The screen, when there is one. */
val <T> ScreenState<T>.screen: T?
    get() = (this as? ScreenState.Ready<T>)?.screen

/** The text in the user's language. */
fun Localized.pick(language: Language): String = if (language == Language.EN) en else vi

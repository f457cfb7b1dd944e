// Texts the core gives in both languages (`Localized {vi, en}`), shown in the user's language.
package vn.hoso.app.ui.common

import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.runtime.staticCompositionLocalOf
import vn.hoso.core.Language
import vn.hoso.core.Localized

/** The language the core's texts are shown in; the activity provides it from the app's locale. */
val LocalLanguage = staticCompositionLocalOf { Language.VI }

@Composable
@ReadOnlyComposable
fun Localized.localized(): String = if (LocalLanguage.current == Language.EN) en else vi

/** For the FFI's few texts that come as two strings rather than a `Localized`. */
@Composable
@ReadOnlyComposable
fun localized(vi: String, en: String): String = if (LocalLanguage.current == Language.EN) en else vi

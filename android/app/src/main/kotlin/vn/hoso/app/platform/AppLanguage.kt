// The app's language: Vietnamese unless the user chose English. The choice is kept by the platform (per-app
// language, so the shell's own resources follow) and by the core (so its texts and the sync notices do).
package vn.hoso.app.platform

import androidx.appcompat.app.AppCompatDelegate
import androidx.core.os.LocaleListCompat
import java.util.Locale
import vn.hoso.core.Language

object AppLanguage {
    /** The language the core's two-language texts are shown in, from the app's current locale. */
    fun current(): Language {
        val chosen = AppCompatDelegate.getApplicationLocales()
        val locale = if (chosen.isEmpty) Locale.getDefault() else chosen[0] ?: Locale.getDefault()
        return if (locale.language == "en") Language.EN else Language.VI
    }

    /** Switches the shell's resources; the activity restarts in the new language. */
    fun apply(language: Language) {
        val tag = if (language == Language.EN) "en" else "vi"
        AppCompatDelegate.setApplicationLocales(LocaleListCompat.forLanguageTags(tag))
    }
}

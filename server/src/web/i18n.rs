//! The dashboard's language: Vietnamese unless the visitor chose English (a `hoso_lang` cookie), and
//! the texts of its frame. Figures and reasons come from the model already in both languages.

use axum::http::HeaderMap;
use hoso_model::i18n::Localized;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

pub const LANG_COOKIE: &str = "hoso_lang";

impl Lang {
    pub fn of(headers: &HeaderMap) -> Lang {
        match super::auth::cookie(headers, LANG_COOKIE).as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn pick(self, text: &Localized) -> &str {
        match self {
            Lang::Vi => &text.vi,
            Lang::En => &text.en,
        }
    }

    /// A text given in both languages here.
    pub fn t(self, vi: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// A day as people write it here (dd/mm/yyyy in both languages: the law's documents use it).
    pub fn day(self, day: chrono::NaiveDate) -> String {
        hoso_model::domain::day_text(day)
    }

    /// An instant (Unix ms) in Vietnam's time.
    pub fn instant(self, millis: u64) -> String {
        let offset = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
        chrono::DateTime::from_timestamp_millis(i64::try_from(millis).unwrap_or(i64::MAX))
            .map(|t| {
                t.with_timezone(&offset)
                    .format("%d/%m/%Y %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    }
}

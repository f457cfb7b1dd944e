//! What a user typed or picked, turned into the answer a field keeps — and back into the text a text
//! box shows. Shells send what the user gave; the core reads it by the field's kind, so every shell
//! (and the terminal one, which sends text only) saves the same answer: "1.500.000" for money,
//! "05/11/2026" for a date, "có" for yes. Text that cannot be read is kept as typed, and validation
//! says what is wrong with it: nothing typed is dropped.

use chrono::NaiveDate;
use hoso_model::domain::day_text;
use hoso_model::fold::fold;
use hoso_model::forms::{Choice, FieldKind};
use hoso_model::i18n::Localized;
use serde_json::{Value, json};

/// One answer as a shell sends it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum AnswerInput {
    /// What was typed in a text box (any field but a list).
    Text {
        text: String,
    },
    /// The code picked in a single choice.
    Choice {
        code: String,
    },
    /// The codes picked in a multiple choice.
    Choices {
        codes: Vec<String>,
    },
    Boolean {
        value: bool,
    },
    /// Removes the answer.
    Clear,
}

/// The answer a field keeps for an input; a list's items are added and removed, never typed.
pub fn answer(kind: &FieldKind, input: AnswerInput) -> Result<Value, Localized> {
    if matches!(kind, FieldKind::Repeat { .. }) && input != AnswerInput::Clear {
        return Err(Localized::new(
            "Danh sách được thêm hoặc bớt từng mục, không nhập trực tiếp.",
            "A list takes items added or removed one by one, not typed text.",
        ));
    }
    Ok(match input {
        AnswerInput::Clear => Value::Null,
        AnswerInput::Boolean { value } => json!(value),
        AnswerInput::Choice { code } => json!(code),
        AnswerInput::Choices { codes } => json!(codes),
        AnswerInput::Text { text } => match text.trim() {
            "" => Value::Null,
            typed => typed_answer(kind, typed),
        },
    })
}

fn typed_answer(kind: &FieldKind, typed: &str) -> Value {
    let read = match kind {
        FieldKind::Integer { .. } => typed.replace(' ', "").parse::<i64>().ok().map(|n| json!(n)),
        FieldKind::Decimal { .. } => typed
            .replace(' ', "")
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .map(|n| json!(n)),
        FieldKind::Money => money(typed).map(|n| json!(n)),
        FieldKind::Date { .. } => date(typed).map(|d| json!(d.format("%Y-%m-%d").to_string())),
        FieldKind::Boolean => yes_no(typed).map(|b| json!(b)),
        FieldKind::Choice { choices, .. } => choice(choices, typed).map(|c| json!(c)),
        FieldKind::MultiChoice { choices, .. } => Some(json!(
            typed
                .split([',', ';'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| choice(choices, t).unwrap_or_else(|| t.to_string()))
                .collect::<Vec<String>>()
        )),
        _ => None,
    };
    read.unwrap_or_else(|| json!(typed))
}

/// Đồng written with thousands separators and an optional unit: "1.500.000", "1 500 000 đ".
fn money(typed: &str) -> Option<u64> {
    let lowered = typed.to_lowercase();
    let number = lowered
        .trim_end_matches("vnđ")
        .trim_end_matches("vnd")
        .trim_end_matches(['đ', '₫'])
        .replace(['.', ',', ' '], "");
    number.parse().ok()
}

/// A day as Vietnamese forms write it (dd/mm/yyyy, also with - or .) or as ISO.
fn date(typed: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(typed, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            let parts: Vec<&str> = typed.split(['/', '-', '.']).collect();
            match parts.as_slice() {
                [d, m, y] if y.len() == 4 => {
                    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
                }
                _ => None,
            }
        })
}

fn yes_no(typed: &str) -> Option<bool> {
    match fold(typed).as_str() {
        "co" | "dung" | "yes" | "y" | "true" | "1" => Some(true),
        "khong" | "sai" | "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A choice given by its code or its label (Vietnamese or English, diacritics optional).
fn choice(choices: &[Choice], typed: &str) -> Option<String> {
    let folded = fold(typed);
    choices
        .iter()
        .find(|c| c.code == typed || fold(&c.label.vi) == folded || fold(&c.label.en) == folded)
        .map(|c| c.code.clone())
}

/// The text a text box shows for an answer: dates as dd/mm/yyyy, numbers as written; "" for answers
/// that are not text (choices, yes/no, lists), which the screen gives in their own form.
pub fn text_of(kind: &FieldKind, value: Option<&Value>) -> String {
    match (kind, value) {
        (FieldKind::Date { .. }, Some(Value::String(text))) => {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(day_text)
                .unwrap_or_else(|_| text.clone())
        }
        (
            FieldKind::Choice { .. }
            | FieldKind::MultiChoice { .. }
            | FieldKind::Boolean
            | FieldKind::Repeat { .. },
            Some(Value::String(text)),
        ) => text.clone(),
        (
            FieldKind::Choice { .. }
            | FieldKind::MultiChoice { .. }
            | FieldKind::Boolean
            | FieldKind::Repeat { .. },
            _,
        ) => String::new(),
        (_, Some(Value::String(text))) => text.clone(),
        (_, Some(Value::Number(n))) => n.to_string(),
        (_, Some(Value::Bool(b))) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(kind: &FieldKind, typed: &str) -> Value {
        answer(kind, AnswerInput::Text { text: typed.into() }).unwrap()
    }

    fn choices() -> Vec<Choice> {
        vec![
            Choice {
                code: "male".into(),
                label: Localized::new("Nam", "Male"),
                legal_ref: None,
                sensitive: false,
                never_posted: false,
            },
            Choice {
                code: "female".into(),
                label: Localized::new("Nữ", "Female"),
                legal_ref: None,
                sensitive: false,
                never_posted: false,
            },
        ]
    }

    #[test]
    fn numbers_money_and_dates_are_read_as_vietnamese_write_them() {
        assert_eq!(text(&FieldKind::Money, "1.500.000 đ"), json!(1_500_000));
        assert_eq!(text(&FieldKind::Money, "1 500 000"), json!(1_500_000));
        let integer = FieldKind::Integer {
            min: None,
            max: None,
        };
        assert_eq!(text(&integer, " 3 "), json!(3));
        let date_kind = FieldKind::Date {
            not_in_future: true,
            after_field: None,
            birth: false,
        };
        assert_eq!(text(&date_kind, "05/11/2026"), json!("2026-11-05"));
        assert_eq!(text(&date_kind, "5-11-2026"), json!("2026-11-05"));
        assert_eq!(text(&date_kind, "2026-11-05"), json!("2026-11-05"));
        assert_eq!(
            text_of(&date_kind, Some(&json!("2026-11-05"))),
            "05/11/2026"
        );
    }

    #[test]
    fn what_cannot_be_read_is_kept_as_typed_for_validation_to_explain() {
        let integer = FieldKind::Integer {
            min: None,
            max: None,
        };
        assert_eq!(text(&integer, "ba"), json!("ba"));
        let date_kind = FieldKind::Date {
            not_in_future: false,
            after_field: None,
            birth: false,
        };
        assert_eq!(text(&date_kind, "31/02/2026"), json!("31/02/2026"));
        assert_eq!(text(&FieldKind::Money, ""), Value::Null);
    }

    #[test]
    fn choices_and_yes_no_are_read_from_codes_or_labels() {
        let single = FieldKind::Choice {
            choices: choices(),
            choices_ref: None,
        };
        assert_eq!(text(&single, "nu"), json!("female"));
        assert_eq!(text(&single, "Male"), json!("male"));
        assert_eq!(text(&single, "khác"), json!("khác"));
        let multi = FieldKind::MultiChoice {
            choices: choices(),
            choices_ref: None,
            choices_from: None,
        };
        assert_eq!(text(&multi, "Nam, nữ"), json!(["male", "female"]));
        assert_eq!(text(&FieldKind::Boolean, "Có"), json!(true));
        assert_eq!(text(&FieldKind::Boolean, "không"), json!(false));
    }

    #[test]
    fn a_list_is_never_typed() {
        let list = FieldKind::Repeat {
            fields: vec![],
            min: 0,
            max: None,
        };
        let refused = answer(&list, AnswerInput::Text { text: "x".into() }).unwrap_err();
        assert!(refused.vi.contains("từng mục"));
        assert_eq!(answer(&list, AnswerInput::Clear), Ok(Value::Null));
    }
}

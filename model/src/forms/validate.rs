//! Validation of answers against a definition. Every issue names the field and says, in Vietnamese and
//! English, what is wrong; no message repeats the value typed.

use super::checks;
use super::definition::{Condition, FieldDef, FieldKind, FormDefinition};
use super::{Answers, Issue};
use crate::i18n::Localized;
use chrono::NaiveDate;
use serde_json::Value;

fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

/// Whether a field's condition holds for these answers (inside a repeat group, the item's answers):
/// what decides a field's relevance, here and on the form screens.
pub fn evaluate(condition: &Condition, answers: &serde_json::Map<String, Value>) -> bool {
    match condition {
        Condition::Answered(field) => !is_empty(answers.get(field)),
        Condition::Equals(field, expected) => answers.get(field) == Some(expected),
        Condition::Includes(field, code) => answers
            .get(field)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(code))),
        Condition::All(all) => all.iter().all(|c| evaluate(c, answers)),
        Condition::Any(any) => any.iter().any(|c| evaluate(c, answers)),
        Condition::Not(inner) => !evaluate(inner, answers),
    }
}

pub fn validate(definition: &FormDefinition, answers: &Answers, today: NaiveDate) -> Vec<Issue> {
    let scope: serde_json::Map<String, Value> = answers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut issues = Vec::new();
    let fields: Vec<&FieldDef> = definition.fields().collect();
    check_fields(&fields, &scope, "", today, &mut issues);
    issues
}

fn check_fields(
    fields: &[&FieldDef],
    scope: &serde_json::Map<String, Value>,
    path: &str,
    today: NaiveDate,
    issues: &mut Vec<Issue>,
) {
    for field in fields {
        if field.relevant.as_ref().is_some_and(|c| !evaluate(c, scope)) {
            continue;
        }
        let name = format!("{path}{}", field.name);
        let value = scope.get(&field.name);
        if is_empty(value) {
            if field.required {
                issues.push(problem(
                    &name,
                    "required",
                    field,
                    "là bắt buộc",
                    "is required",
                ));
            }
            continue;
        }
        check_value(
            field,
            value.expect("not empty"),
            scope,
            &name,
            today,
            issues,
        );
    }
}

fn problem(name: &str, code: &str, field: &FieldDef, vi: &str, en: &str) -> Issue {
    Issue {
        field: name.to_string(),
        code: code.to_string(),
        message: Localized::new(
            format!("“{}” {vi}.", field.label.vi),
            format!("“{}” {en}.", field.label.en),
        ),
    }
}

fn from_check(name: &str, field: &FieldDef, issue: Issue) -> Issue {
    Issue {
        field: name.to_string(),
        code: issue.code,
        message: Localized::new(
            format!("“{}”: {}", field.label.vi, issue.message.vi),
            format!("“{}”: {}", field.label.en, issue.message.en),
        ),
    }
}

fn parse_date(value: &Value) -> Option<NaiveDate> {
    value
        .as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn check_value(
    field: &FieldDef,
    value: &Value,
    scope: &serde_json::Map<String, Value>,
    name: &str,
    today: NaiveDate,
    issues: &mut Vec<Issue>,
) {
    let mut push = |code: &str, vi: &str, en: &str| issues.push(problem(name, code, field, vi, en));
    match &field.kind {
        FieldKind::Text { max_len, .. } => match value.as_str() {
            None => push("type", "phải là văn bản", "must be text"),
            Some(text) => {
                if max_len.is_some_and(|max| text.chars().count() > max) {
                    push(
                        "too_long",
                        &format!("dài quá {} ký tự", max_len.unwrap_or(0)),
                        &format!("is longer than {} characters", max_len.unwrap_or(0)),
                    );
                }
            }
        },
        FieldKind::Integer { min, max } => match value.as_i64() {
            None => push("type", "phải là số nguyên", "must be a whole number"),
            Some(n) => {
                if min.is_some_and(|m| n < m) {
                    push(
                        "too_small",
                        &format!("phải từ {} trở lên", min.unwrap_or(0)),
                        &format!("must be at least {}", min.unwrap_or(0)),
                    );
                } else if max.is_some_and(|m| n > m) {
                    push(
                        "too_large",
                        &format!("không được lớn hơn {}", max.unwrap_or(0)),
                        &format!("must be at most {}", max.unwrap_or(0)),
                    );
                }
            }
        },
        FieldKind::Decimal { min, max } => match value.as_f64() {
            None => push("type", "phải là số", "must be a number"),
            Some(n) => {
                if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                    push(
                        "out_of_range",
                        "nằm ngoài khoảng cho phép",
                        "is out of the allowed range",
                    );
                }
            }
        },
        FieldKind::Money => {
            if value.as_u64().is_none() {
                push(
                    "money",
                    "phải là số tiền (đồng) không âm, không có phần lẻ",
                    "must be a whole, non-negative amount of đồng",
                );
            }
        }
        FieldKind::Date {
            not_in_future,
            after_field,
            birth,
        } => match parse_date(value) {
            None => push(
                "date_format",
                "phải là ngày hợp lệ (năm-tháng-ngày)",
                "must be a valid date (YYYY-MM-DD)",
            ),
            Some(day) => {
                if *birth && let Err(issue) = checks::check_birth_date(day, today) {
                    issues.push(from_check(name, field, issue));
                    return;
                }
                if *not_in_future && day > today {
                    push(
                        "date_in_future",
                        "không thể là ngày trong tương lai",
                        "cannot be in the future",
                    );
                }
                if let Some(other) = after_field
                    .as_deref()
                    .and_then(|f| scope.get(f))
                    .and_then(parse_date)
                    && day < other
                {
                    push(
                        "date_order",
                        "phải sau ngày bắt đầu",
                        "must be after the start date",
                    );
                }
            }
        },
        FieldKind::Choice { choices, .. } => {
            if !value
                .as_str()
                .is_some_and(|code| choices.iter().any(|c| c.code == code))
            {
                push(
                    "choice_unknown",
                    "có lựa chọn không hợp lệ",
                    "has an invalid choice",
                );
            }
        }
        FieldKind::MultiChoice {
            choices,
            choices_from,
            ..
        } => {
            // Choices that depend on the case are listed by the screen: any title is taken.
            let valid = value.as_array().is_some_and(|items| {
                items.iter().all(|v| {
                    v.as_str().is_some_and(|code| {
                        choices_from.is_some() || choices.iter().any(|c| c.code == code)
                    })
                })
            });
            if !valid {
                push(
                    "choice_unknown",
                    "có lựa chọn không hợp lệ",
                    "has an invalid choice",
                );
            }
        }
        FieldKind::Boolean => {
            if !value.is_boolean() {
                push("type", "phải là có hoặc không", "must be yes or no");
            }
        }
        FieldKind::CitizenId => match value.as_str() {
            None => push(
                "citizen_id_format",
                "phải là số CMND (9 chữ số) hoặc căn cước công dân (12 chữ số)",
                "must be a 9-digit identity card or 12-digit citizen ID number",
            ),
            Some(text) => {
                if let Err(issue) = checks::check_citizen_id(text, None, None) {
                    issues.push(from_check(name, field, issue));
                }
            }
        },
        FieldKind::Phone => match value.as_str() {
            None => push(
                "phone_format",
                "phải là số điện thoại",
                "must be a phone number",
            ),
            Some(text) => {
                if let Err(issue) = checks::check_phone(text) {
                    issues.push(from_check(name, field, issue));
                }
            }
        },
        FieldKind::Repeat { fields, min, max } => {
            let Some(items) = value.as_array() else {
                push("type", "phải là danh sách", "must be a list");
                return;
            };
            if items.len() < *min {
                push(
                    "repeat_too_few",
                    &format!("cần ít nhất {min} mục"),
                    &format!("needs at least {min} item(s)"),
                );
            }
            if max.is_some_and(|m| items.len() > m) {
                push(
                    "repeat_too_many",
                    &format!("có nhiều hơn {} mục", max.unwrap_or(0)),
                    &format!("has more than {} items", max.unwrap_or(0)),
                );
            }
            let sub: Vec<&FieldDef> = fields.iter().collect();
            for (index, item) in items.iter().enumerate() {
                match item.as_object() {
                    Some(object) => {
                        check_fields(&sub, object, &format!("{name}.{index}."), today, issues)
                    }
                    None => issues.push(problem(
                        &format!("{name}.{index}"),
                        "type",
                        field,
                        "có mục không hợp lệ",
                        "has an invalid item",
                    )),
                }
            }
        }
    }
}

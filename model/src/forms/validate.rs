//! Validation of answers against a definition. Every issue names the field and says, in Vietnamese and
//! English, what is wrong; no message repeats the value typed.

use super::checks;
use super::definition::{Choice, Condition, FieldDef, FieldKind, FormDefinition};
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
    let answer = Answer { field, name };
    let issue = match &field.kind {
        FieldKind::Text { max_len, .. } => check_text(&answer, value, *max_len),
        FieldKind::Integer { min, max } => check_integer(&answer, value, *min, *max),
        FieldKind::Decimal { min, max } => check_decimal(&answer, value, *min, *max),
        FieldKind::Money => value.as_u64().is_none().then(|| {
            answer.problem(
                "money",
                "phải là số tiền (đồng) không âm, không có phần lẻ",
                "must be a whole, non-negative amount of đồng",
            )
        }),
        FieldKind::Date {
            not_in_future,
            after_field,
            birth,
        } => {
            let rules = DateRules {
                not_in_future: *not_in_future,
                after_field: after_field.as_deref(),
                birth: *birth,
            };
            issues.extend(check_date(&answer, value, &rules, scope, today));
            None
        }
        FieldKind::Choice { choices, .. } => {
            let valid = value.as_str().is_some_and(|code| is_choice(choices, code));
            (!valid).then(|| answer.invalid_choice())
        }
        FieldKind::MultiChoice {
            choices,
            choices_from,
            ..
        } => {
            // Choices that depend on the case are listed by the screen: any title is taken.
            let valid = value.as_array().is_some_and(|items| {
                items.iter().all(|v| {
                    v.as_str()
                        .is_some_and(|code| choices_from.is_some() || is_choice(choices, code))
                })
            });
            (!valid).then(|| answer.invalid_choice())
        }
        FieldKind::Boolean => (!value.is_boolean())
            .then(|| answer.problem("type", "phải là có hoặc không", "must be yes or no")),
        FieldKind::CitizenId => match value.as_str() {
            None => Some(answer.problem(
                "citizen_id_format",
                "phải là số CMND (9 chữ số) hoặc căn cước công dân (12 chữ số)",
                "must be a 9-digit identity card or 12-digit citizen ID number",
            )),
            Some(text) => checks::check_citizen_id(text, None, None)
                .err()
                .map(|issue| answer.check_failed(issue)),
        },
        FieldKind::Phone => match value.as_str() {
            None => Some(answer.problem(
                "phone_format",
                "phải là số điện thoại",
                "must be a phone number",
            )),
            Some(text) => checks::check_phone(text)
                .err()
                .map(|issue| answer.check_failed(issue)),
        },
        FieldKind::Repeat { fields, min, max } => {
            check_repeat(&answer, value, fields, (*min, *max), today, issues);
            None
        }
    };
    issues.extend(issue);
}

/// One answer being checked: its field's definition and its name among the answers (`items.0.x`).
struct Answer<'a> {
    field: &'a FieldDef,
    name: &'a str,
}

impl Answer<'_> {
    fn problem(&self, code: &str, vi: &str, en: &str) -> Issue {
        problem(self.name, code, self.field, vi, en)
    }

    fn check_failed(&self, issue: Issue) -> Issue {
        from_check(self.name, self.field, issue)
    }

    fn invalid_choice(&self) -> Issue {
        self.problem(
            "choice_unknown",
            "có lựa chọn không hợp lệ",
            "has an invalid choice",
        )
    }
}

fn is_choice(choices: &[Choice], code: &str) -> bool {
    choices.iter().any(|c| c.code == code)
}

fn check_text(answer: &Answer<'_>, value: &Value, max_len: Option<usize>) -> Option<Issue> {
    let Some(text) = value.as_str() else {
        return Some(answer.problem("type", "phải là văn bản", "must be text"));
    };
    let max = max_len.filter(|max| text.chars().count() > *max)?;
    Some(answer.problem(
        "too_long",
        &format!("dài quá {max} ký tự"),
        &format!("is longer than {max} characters"),
    ))
}

fn check_integer(
    answer: &Answer<'_>,
    value: &Value,
    min: Option<i64>,
    max: Option<i64>,
) -> Option<Issue> {
    let Some(n) = value.as_i64() else {
        return Some(answer.problem("type", "phải là số nguyên", "must be a whole number"));
    };
    if let Some(min) = min.filter(|m| n < *m) {
        Some(answer.problem(
            "too_small",
            &format!("phải từ {min} trở lên"),
            &format!("must be at least {min}"),
        ))
    } else {
        let max = max.filter(|m| n > *m)?;
        Some(answer.problem(
            "too_large",
            &format!("không được lớn hơn {max}"),
            &format!("must be at most {max}"),
        ))
    }
}

fn check_decimal(
    answer: &Answer<'_>,
    value: &Value,
    min: Option<f64>,
    max: Option<f64>,
) -> Option<Issue> {
    let Some(n) = value.as_f64() else {
        return Some(answer.problem("type", "phải là số", "must be a number"));
    };
    (min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m)).then(|| {
        answer.problem(
            "out_of_range",
            "nằm ngoài khoảng cho phép",
            "is out of the allowed range",
        )
    })
}

/// What a date field's definition asks of its answer.
struct DateRules<'a> {
    not_in_future: bool,
    after_field: Option<&'a str>,
    birth: bool,
}

fn check_date(
    answer: &Answer<'_>,
    value: &Value,
    rules: &DateRules<'_>,
    scope: &serde_json::Map<String, Value>,
    today: NaiveDate,
) -> Vec<Issue> {
    let Some(day) = parse_date(value) else {
        return vec![answer.problem(
            "date_format",
            "phải là ngày hợp lệ (năm-tháng-ngày)",
            "must be a valid date (YYYY-MM-DD)",
        )];
    };
    if rules.birth
        && let Err(issue) = checks::check_birth_date(day, today)
    {
        return vec![answer.check_failed(issue)];
    }
    let mut issues = Vec::new();
    if rules.not_in_future && day > today {
        issues.push(answer.problem(
            "date_in_future",
            "không thể là ngày trong tương lai",
            "cannot be in the future",
        ));
    }
    if let Some(other) = rules
        .after_field
        .and_then(|f| scope.get(f))
        .and_then(parse_date)
        && day < other
    {
        issues.push(answer.problem(
            "date_order",
            "phải sau ngày bắt đầu",
            "must be after the start date",
        ));
    }
    issues
}

/// A repeat's items: their count, then each item's fields as a form of their own.
fn check_repeat(
    answer: &Answer<'_>,
    value: &Value,
    fields: &[FieldDef],
    (min, max): (usize, Option<usize>),
    today: NaiveDate,
    issues: &mut Vec<Issue>,
) {
    let Some(items) = value.as_array() else {
        issues.push(answer.problem("type", "phải là danh sách", "must be a list"));
        return;
    };
    if items.len() < min {
        issues.push(answer.problem(
            "repeat_too_few",
            &format!("cần ít nhất {min} mục"),
            &format!("needs at least {min} item(s)"),
        ));
    }
    if let Some(max) = max.filter(|m| items.len() > *m) {
        issues.push(answer.problem(
            "repeat_too_many",
            &format!("có nhiều hơn {max} mục"),
            &format!("has more than {max} items"),
        ));
    }
    let sub: Vec<&FieldDef> = fields.iter().collect();
    let name = answer.name;
    for (index, item) in items.iter().enumerate() {
        match item.as_object() {
            Some(object) => check_fields(&sub, object, &format!("{name}.{index}."), today, issues),
            None => issues.push(problem(
                &format!("{name}.{index}"),
                "type",
                answer.field,
                "có mục không hợp lệ",
                "has an invalid item",
            )),
        }
    }
}

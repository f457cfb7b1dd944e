//! Checks on a person's identity fields, whichever form or screen they come from (TT 02/2020 Điều
//! 4.1.a: name, birth date, sex, ID number, contact). Messages never repeat a value.

use crate::forms::{Answers, Issue, checks};
use crate::i18n::Localized;
use crate::schema::fields;
use chrono::NaiveDate;

fn text<'a>(answers: &'a Answers, field: &str) -> Option<&'a str> {
    answers
        .get(field)
        .and_then(serde_json::Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn at(prefix: &str, field: &str, issue: Issue) -> Issue {
    Issue {
        field: format!("{prefix}{field}"),
        ..issue
    }
}

/// A person is registered with a name; the issue names the field as the form does (`prefix` is
/// `subject.` on Mẫu 01, empty on a person's own screen).
pub fn require_full_name(person: &Answers, prefix: &str) -> Result<(), Issue> {
    match text(person, fields::FULL_NAME) {
        Some(_) => Ok(()),
        None => Err(Issue {
            field: format!("{prefix}{}", fields::FULL_NAME),
            code: "required".into(),
            message: Localized::new("Hãy nhập họ và tên.", "Enter the full name."),
        }),
    }
}

/// Checks the birth date, ID number and phone of a person, each only when given.
pub fn check_person(person: &Answers, prefix: &str, today: NaiveDate) -> Vec<Issue> {
    let mut issues = Vec::new();
    let birth = match text(person, fields::BIRTH_DATE) {
        None => None,
        Some(value) => match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(day) => {
                if let Err(issue) = checks::check_birth_date(day, today) {
                    issues.push(at(prefix, fields::BIRTH_DATE, issue));
                }
                Some(day)
            }
            Err(_) => {
                issues.push(Issue {
                    field: format!("{prefix}{}", fields::BIRTH_DATE),
                    code: "date_format".into(),
                    message: Localized::new(
                        "Ngày sinh phải có dạng năm-tháng-ngày.",
                        "The date of birth must be a date (YYYY-MM-DD).",
                    ),
                });
                None
            }
        },
    };
    if let Some(id) = text(person, fields::CITIZEN_ID)
        && let Err(issue) = checks::check_citizen_id(id, birth, text(person, fields::SEX))
    {
        issues.push(at(prefix, fields::CITIZEN_ID, issue));
    }
    if let Some(phone) = text(person, fields::PHONE)
        && let Err(issue) = checks::check_phone(phone)
    {
        issues.push(at(prefix, fields::PHONE, issue));
    }
    issues
}

/// The answers under `prefix` (`subject.full_name` → `full_name`), for the record they are bound to.
pub fn bound_answers(answers: &Answers, prefix: &str) -> Answers {
    answers
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix).map(|n| (n.to_string(), v.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date")
    }

    fn person(pairs: &[(&str, serde_json::Value)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn a_person_needs_a_name_and_the_issue_names_the_form_field() {
        let issue = require_full_name(&person(&[("full_name", json!("  "))]), "subject.")
            .expect_err("a blank name is no name");
        assert_eq!(issue.field, "subject.full_name");
        assert_eq!(issue.message.vi, "Hãy nhập họ và tên.");
        assert!(require_full_name(&person(&[("full_name", json!("Lò Văn Pọm"))]), "").is_ok());
    }

    #[test]
    fn a_birth_date_that_is_not_a_date_or_in_the_future_is_refused() {
        let bad_format = check_person(&person(&[("birth_date", json!("12/05/1990"))]), "", today());
        assert_eq!(bad_format[0].code, "date_format");
        let future = check_person(
            &person(&[("birth_date", json!("2030-01-01"))]),
            "s.",
            today(),
        );
        assert_eq!(future[0].field, "s.birth_date");
    }

    #[test]
    fn an_id_number_must_agree_with_the_birth_year_and_a_phone_must_be_vietnamese() {
        let issues = check_person(
            &person(&[
                ("birth_date", json!("1990-05-12")),
                ("citizen_id", json!("0791")),
                ("phone", json!("12")),
            ]),
            "",
            today(),
        );
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, vec!["citizen_id", "phone"]);
    }

    #[test]
    fn answers_bound_to_a_record_lose_their_prefix() {
        let answers = person(&[
            ("subject.full_name", json!("A")),
            ("household.address", json!("B")),
        ]);
        let subject = bound_answers(&answers, "subject.");
        assert_eq!(subject.len(), 1);
        assert_eq!(subject["full_name"], json!("A"));
    }
}

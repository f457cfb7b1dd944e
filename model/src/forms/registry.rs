//! The form definitions a build ships (`core/forms/*.json`) and those loaded at run time.

use super::definition::{Choice, FieldDef, FieldKind, FormDefinition};
use crate::i18n::Localized;
use crate::op::is_valid_field_name;
use std::collections::BTreeMap;

const BUILTIN: &[&str] = &[
    include_str!("../../forms/TT02-M01.json"),
    include_str!("../../forms/TT02-M02.json"),
    include_str!("../../forms/TT02-M03.json"),
    include_str!("../../forms/TT02-M04.json"),
    include_str!("../../forms/TT02-M05.json"),
    include_str!("../../forms/TT02-M06.json"),
    include_str!("../../forms/TT02-HANDOVER.json"),
    include_str!("../../forms/HOSO-REFERRAL.json"),
    include_str!("../../forms/HOSO-CONSENT.json"),
    include_str!("../../forms/HOSO-DSR.json"),
    // Earlier versions stay shipped, so a draft saved under one opens upgraded with nothing lost.
    include_str!("../../forms/previous/TT02-M01.v1.json"),
    include_str!("../../forms/previous/TT02-M05.v1.json"),
    include_str!("../../forms/previous/TT02-M06.v1.json"),
    include_str!("../../forms/previous/TT02-HANDOVER.v1.json"),
];

const SHARED_CHOICES: &[(&str, &str)] = &[(
    "subject_categories",
    include_str!("../../forms/subject_categories.json"),
)];

#[derive(Clone, Debug)]
pub struct Registry {
    /// (form id, version) → definition, with shared choice lists resolved.
    forms: BTreeMap<(String, u32), FormDefinition>,
    shared: BTreeMap<String, Vec<Choice>>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", .0.en)]
pub struct DefinitionError(pub Localized);

fn bad(vi: String, en: String) -> DefinitionError {
    DefinitionError(Localized::new(vi, en))
}

impl Registry {
    /// The definitions shipped with this build. They are checked by the tests, so a broken one never ships.
    pub fn builtin() -> Registry {
        let mut registry = Registry {
            forms: BTreeMap::new(),
            shared: BTreeMap::new(),
        };
        for (name, json) in SHARED_CHOICES {
            let choices: Vec<Choice> =
                serde_json::from_str(json).expect("shipped choice lists are valid JSON");
            registry.shared.insert((*name).to_string(), choices);
        }
        for json in BUILTIN {
            registry
                .load_json(json)
                .expect("shipped form definitions are valid");
        }
        registry
    }

    /// Adds a definition (a new form, or a new version of one). Refuses a malformed definition with a
    /// clear reason and leaves the registry unchanged.
    pub fn load_json(&mut self, json: &str) -> Result<&FormDefinition, DefinitionError> {
        let mut definition: FormDefinition = serde_json::from_str(json).map_err(|e| {
            bad(
                format!(
                    "Định nghĩa biểu mẫu không đọc được (dòng {}, cột {}).",
                    e.line(),
                    e.column()
                ),
                format!(
                    "The form definition cannot be read (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        for section in &mut definition.sections {
            for field in &mut section.fields {
                self.resolve_choices(field)?;
            }
        }
        check_definition(&definition)?;
        let key = (definition.id.clone(), definition.version);
        if self.forms.contains_key(&key) {
            return Err(bad(
                format!("Biểu mẫu {} phiên bản {} đã có.", key.0, key.1),
                format!("Form {} version {} already exists.", key.0, key.1),
            ));
        }
        Ok(self.forms.entry(key).or_insert(definition))
    }

    fn resolve_choices(&self, field: &mut FieldDef) -> Result<(), DefinitionError> {
        match &mut field.kind {
            FieldKind::Choice {
                choices,
                choices_ref,
            }
            | FieldKind::MultiChoice {
                choices,
                choices_ref,
                ..
            } => {
                if let Some(name) = choices_ref {
                    let shared = self.shared.get(name.as_str()).ok_or_else(|| {
                        bad(
                            format!("Không có danh sách lựa chọn “{name}”."),
                            format!("There is no choice list “{name}”."),
                        )
                    })?;
                    choices.clone_from(shared);
                }
                Ok(())
            }
            FieldKind::Repeat { fields, .. } => {
                fields.iter_mut().try_for_each(|f| self.resolve_choices(f))
            }
            _ => Ok(()),
        }
    }

    pub fn get(&self, id: &str, version: u32) -> Option<&FormDefinition> {
        self.forms.get(&(id.to_string(), version))
    }

    pub fn latest(&self, id: &str) -> Option<&FormDefinition> {
        self.forms
            .range((id.to_string(), 0)..=(id.to_string(), u32::MAX))
            .next_back()
            .map(|(_, d)| d)
    }

    /// The newest version of every form.
    pub fn all_latest(&self) -> Vec<&FormDefinition> {
        let mut latest: BTreeMap<&str, &FormDefinition> = BTreeMap::new();
        for ((id, _), definition) in &self.forms {
            latest.insert(id.as_str(), definition);
        }
        latest.into_values().collect()
    }
}

fn check_definition(definition: &FormDefinition) -> Result<(), DefinitionError> {
    let id = &definition.id;
    if id.is_empty() || definition.version == 0 {
        return Err(bad(
            "Biểu mẫu cần có mã và phiên bản từ 1.".into(),
            "A form needs an id and a version from 1.".into(),
        ));
    }
    let mut names: Vec<&str> = Vec::new();
    check_fields(id, definition.fields().collect(), &mut names)?;
    for field in definition.fields() {
        for used in field.relevant.iter().flat_map(|c| c.fields()) {
            if !names.contains(&used) {
                return Err(bad(
                    format!(
                        "{id}: điều kiện của “{}” dùng trường không có: “{used}”.",
                        field.name
                    ),
                    format!(
                        "{id}: the condition of “{}” uses a missing field “{used}”.",
                        field.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_fields<'a>(
    id: &str,
    fields: Vec<&'a FieldDef>,
    names: &mut Vec<&'a str>,
) -> Result<(), DefinitionError> {
    for field in fields {
        // Answers are stored as `a.<name>` fields, which must stay valid op field names.
        if !is_valid_field_name(&format!("a.{}", field.name)) {
            return Err(bad(
                format!(
                    "{id}: tên trường “{}” không hợp lệ (chỉ a-z, 0-9, '_' và '.').",
                    field.name
                ),
                format!(
                    "{id}: invalid field name “{}” (only a-z, 0-9, '_' and '.').",
                    field.name
                ),
            ));
        }
        if names.contains(&field.name.as_str()) {
            return Err(bad(
                format!("{id}: trường “{}” bị trùng tên.", field.name),
                format!("{id}: field name “{}” is used twice.", field.name),
            ));
        }
        names.push(&field.name);
        let listed_by_the_case = matches!(
            field.kind,
            FieldKind::MultiChoice {
                choices_from: Some(_),
                ..
            }
        );
        if !listed_by_the_case && field.kind.choices().is_some_and(<[Choice]>::is_empty) {
            return Err(bad(
                format!("{id}: trường “{}” không có lựa chọn nào.", field.name),
                format!("{id}: field “{}” has no choices.", field.name),
            ));
        }
        if let FieldKind::Repeat { fields, .. } = &field.kind {
            let mut inner = Vec::new();
            check_fields(id, fields.iter().collect(), &mut inner)?;
        }
    }
    Ok(())
}

//! Opening a draft saved under an older definition under a newer one, losing nothing.

use super::Answers;
use super::definition::FormDefinition;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Upgraded {
    /// Every answer: carried, renamed to its new name, or kept under its old name when orphaned.
    pub answers: Answers,
    pub carried: Vec<String>,
    /// (old name, new name)
    pub renamed: Vec<(String, String)>,
    /// Answers to fields the new version does not have (kept, shown read-only), and answers whose
    /// choice code the new version no longer offers.
    pub orphaned: Vec<String>,
}

/// `old` is the definition the answers were saved under; fields are matched by name, then by `renamed_from`.
pub fn upgrade_answers(_old: &FormDefinition, new: &FormDefinition, answers: Answers) -> Upgraded {
    let mut result = Upgraded {
        answers: Answers::new(),
        carried: Vec::new(),
        renamed: Vec::new(),
        orphaned: Vec::new(),
    };
    for (name, value) in answers {
        let target = new
            .field(&name)
            .or_else(|| new.fields().find(|f| f.renamed_from.contains(&name)));
        match target {
            Some(field) => {
                if let Some(choices) = field.kind.choices() {
                    let codes: Vec<&str> = match &value {
                        serde_json::Value::String(code) => vec![code.as_str()],
                        serde_json::Value::Array(items) => {
                            items.iter().filter_map(|v| v.as_str()).collect()
                        }
                        _ => vec![],
                    };
                    if codes
                        .iter()
                        .any(|code| !choices.iter().any(|c| c.code == *code))
                    {
                        result.orphaned.push(field.name.clone());
                    }
                }
                if field.name == name {
                    result.carried.push(name.clone());
                } else {
                    result.renamed.push((name.clone(), field.name.clone()));
                }
                // A value already given under the new name wins over the old name's.
                result.answers.entry(field.name.clone()).or_insert(value);
            }
            None => {
                result.orphaned.push(name.clone());
                result.answers.insert(name, value);
            }
        }
    }
    result
}

//! Who the user is, as far as the rules care: the roles of TT 02/2020 and of hoso's oversight.

use serde::{Deserialize, Serialize};

/// Who the user is, as far as the rules care. Stable wire names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cộng tác viên công tác xã hội cấp xã.
    Collaborator,
    /// Người quản lý đối tượng at a facility or commune.
    CaseManager,
    /// Chủ tịch UBND cấp xã or người đứng đầu cơ sở trợ giúp xã hội (TT 02 Điều 7.1, 8.2).
    Approver,
    /// Provincial staff: oversight and reports, read-only on cases.
    ProvincialOfficer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Collaborator => "collaborator",
            Role::CaseManager => "case_manager",
            Role::Approver => "approver",
            Role::ProvincialOfficer => "provincial_officer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [
            Role::Collaborator,
            Role::CaseManager,
            Role::Approver,
            Role::ProvincialOfficer,
            Role::Admin,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }

    pub fn may_approve(self) -> bool {
        matches!(self, Role::Approver | Role::Admin)
    }

    pub fn may_record(self) -> bool {
        !matches!(self, Role::ProvincialOfficer)
    }
}

//! Why a storage operation is refused: a stable code for programs and a message for people. The HTTP
//! status is the API layer's business.

use hoso_model::i18n::Localized;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    BadArea,
    UnknownArea,
    UnknownUser,
    UnknownDevice,
    BadDeviceId,
    CodeUnknown,
    CodeUsed,
    CodeExpired,
    Unauthenticated,
    DeviceRevoked,
    WrongAdminToken,
    /// A dashboard sign-in name someone else already has.
    LoginTaken,
    /// No photo record with this id.
    UnknownPhoto,
    /// The record is outside the device's area (or not a photo).
    OutOfScope,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::BadArea => "bad_area",
            Refusal::UnknownArea => "unknown_area",
            Refusal::UnknownUser => "unknown_user",
            Refusal::UnknownDevice => "unknown_device",
            Refusal::BadDeviceId => "bad_request",
            Refusal::CodeUnknown => "code_unknown",
            Refusal::CodeUsed => "code_used",
            Refusal::CodeExpired => "code_expired",
            Refusal::Unauthenticated | Refusal::WrongAdminToken => "unauthenticated",
            Refusal::DeviceRevoked => "device_revoked",
            Refusal::LoginTaken => "login_taken",
            Refusal::UnknownPhoto => "unknown_photo",
            Refusal::OutOfScope => "out_of_scope",
        }
    }

    pub fn message(self) -> Localized {
        let (vi, en) = match self {
            Refusal::BadArea => (
                "Mã địa bàn hoặc tên không hợp lệ.",
                "Invalid area code or name.",
            ),
            Refusal::UnknownArea => ("Địa bàn chưa được tạo.", "The area does not exist yet."),
            Refusal::UnknownUser => ("Không có người dùng này.", "There is no such user."),
            Refusal::UnknownDevice => ("Không có thiết bị này.", "There is no such device."),
            Refusal::BadDeviceId => ("Mã thiết bị không hợp lệ.", "Invalid device id."),
            Refusal::CodeUnknown => (
                "Mã đăng ký không đúng: hãy kiểm tra lại hoặc xin mã mới.",
                "The enrollment code is not right: check it or ask for a new one.",
            ),
            Refusal::CodeUsed => (
                "Mã đăng ký này đã được dùng: hãy xin mã mới.",
                "This enrollment code was already used: ask for a new one.",
            ),
            Refusal::CodeExpired => (
                "Mã đăng ký đã hết hạn: hãy xin mã mới.",
                "This enrollment code has expired: ask for a new one.",
            ),
            Refusal::Unauthenticated => (
                "Thiết bị chưa đăng ký hoặc mã truy cập sai.",
                "Unknown device or wrong token.",
            ),
            Refusal::DeviceRevoked => (
                "Thiết bị này đã bị thu hồi: dữ liệu trên máy sẽ được xóa.",
                "This device was revoked: its local data will be erased.",
            ),
            Refusal::WrongAdminToken => ("Mã quản trị không đúng.", "Wrong admin token."),
            Refusal::LoginTaken => (
                "Tên đăng nhập này đã có người dùng: hãy chọn tên khác.",
                "This sign-in name is taken: choose another.",
            ),
            Refusal::UnknownPhoto => (
                "Máy chủ chưa có bản ghi ảnh này: hãy đồng bộ hồ sơ trước.",
                "The server has no such photo record yet: sync the records first.",
            ),
            Refusal::OutOfScope => (
                "Ảnh này nằm ngoài địa bàn của bạn.",
                "This photo is outside your area.",
            ),
        };
        Localized::new(vi, en)
    }
}

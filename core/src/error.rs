//! The internal error: full detail for logs and tests. It never carries personal data (no names, ID
//! numbers or field values), only ids, codes and counts. The FFI maps it to the small public
//! `ApiError` in [`crate::ffi`].

use hoso_model::i18n::Localized;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the database key is wrong or the file is not a hoso database")]
    WrongKeyOrNotADatabase,
    #[error(
        "the database was written by a newer app (schema {found}, this app knows up to {supported})"
    )]
    NewerSchema { found: u32, supported: u32 },
    #[error("the database file is damaged: {detail}")]
    Corrupt { detail: String },
    #[error("record {id} was not found")]
    NotFound { id: String },
    #[error("invalid input: {}", .0.en)]
    Invalid(Localized),
    #[error("validation failed on {} field(s)", .0.len())]
    Validation(Vec<hoso_model::forms::Issue>),
    #[error("not allowed: {}", .0.en)]
    NotAllowed(Localized),
    #[error(transparent)]
    Clock(#[from] hoso_model::hlc::ClockError),
    #[error(transparent)]
    OpShape(#[from] hoso_model::op::OpShapeError),
    #[error("storage: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("serialisation: {0}")]
    Json(#[from] serde_json::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    /// The server could not be reached, or failed: `fault` says how (the user's words), `detail` is
    /// for the log.
    #[error("network ({fault:?}): {detail}")]
    Network { fault: NetworkFault, detail: String },
    /// The server answered something the protocol does not allow (e.g. a push without receipts).
    #[error("the server broke the protocol: {0}")]
    Protocol(String),
    /// A refusal the protocol defines (a 4xx with its code and the server's own words for the user);
    /// a server failing (5xx) is a [`NetworkFault::ServerError`].
    #[error("the server refused: {status} {code}")]
    Server {
        status: u16,
        code: String,
        message: Localized,
    },
    #[error("this device was revoked by the server")]
    Revoked,
    #[error("interrupted")]
    Interrupted,
    /// The app is locked (or not yet enrolled, or without a PIN): the screens wait for the launch
    /// screen's flow.
    #[error("the app is locked")]
    Locked,
}

/// Why a sync did not get through, in the kinds a user can act on differently: wait for a network,
/// check the address, check the phone's date or the Wi-Fi sign-in, try again later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkFault {
    /// No network, or the connection dropped in the middle of an exchange.
    Offline,
    /// The server's name did not resolve.
    Dns,
    /// No secure connection: an untrusted or expired certificate, a wrong clock, a captive portal.
    Tls,
    /// The server took too long to accept the connection or to answer.
    Timeout,
    /// The server failed (a 5xx answer, or one that is not HTTP).
    ServerError,
    /// Nothing accepts connections at the address: the server is down or the address is wrong.
    Refused,
}

impl NetworkFault {
    /// What the app shows for this kind of failure.
    pub fn message(self) -> Localized {
        let (vi, en) = match self {
            NetworkFault::Offline => (
                "Không có kết nối mạng, hoặc kết nối bị ngắt giữa chừng. Dữ liệu vẫn được lưu trên máy và sẽ được gửi khi có mạng.",
                "No network connection, or the connection dropped. Your work is saved on this device and will be sent when there is a connection.",
            ),
            NetworkFault::Dns => (
                "Không tìm thấy máy chủ theo địa chỉ đã cài đặt. Hãy kiểm tra kết nối mạng và địa chỉ máy chủ.",
                "The server's address could not be found. Check the network connection and the server address.",
            ),
            NetworkFault::Tls => (
                "Không thiết lập được kết nối an toàn với máy chủ. Hãy kiểm tra ngày giờ của máy, hoặc mạng đang dùng (Wi-Fi công cộng có thể yêu cầu đăng nhập).",
                "A secure connection to the server could not be made. Check this device's date and time, or the network in use (a public Wi-Fi may ask you to sign in).",
            ),
            NetworkFault::Timeout => (
                "Máy chủ không trả lời kịp. Mạng có thể đang chậm; hãy thử lại sau.",
                "The server did not answer in time. The network may be slow; try again later.",
            ),
            NetworkFault::ServerError => (
                "Máy chủ đang gặp sự cố. Hãy thử lại sau; dữ liệu vẫn được lưu trên máy.",
                "The server has a problem. Try again later; your work is saved on this device.",
            ),
            NetworkFault::Refused => (
                "Máy chủ từ chối kết nối: máy chủ có thể đang tắt hoặc địa chỉ không đúng.",
                "The server refused the connection: it may be down, or the address may be wrong.",
            ),
        };
        Localized::new(vi, en)
    }
}

impl From<hoso_sqlite::Error> for Error {
    fn from(error: hoso_sqlite::Error) -> Error {
        match error {
            hoso_sqlite::Error::WrongKeyOrNotADatabase => Error::WrongKeyOrNotADatabase,
            hoso_sqlite::Error::Corrupt { detail } => Error::Corrupt { detail },
            hoso_sqlite::Error::NewerSchema { found, supported } => {
                Error::NewerSchema { found, supported }
            }
            hoso_sqlite::Error::Sqlite(e) => Error::Sqlite(e),
            hoso_sqlite::Error::Io(e) => Error::Io(e),
        }
    }
}

impl Error {
    pub fn invalid(vi: &str, en: &str) -> Error {
        Error::Invalid(Localized::new(vi, en))
    }

    pub fn not_allowed(vi: &str, en: &str) -> Error {
        Error::NotAllowed(Localized::new(vi, en))
    }

    /// What a user reads when the server refused without the protocol's body (a proxy in between).
    pub fn unexplained_refusal(status: u16) -> Localized {
        Localized::new(
            format!("Máy chủ từ chối yêu cầu (mã {status})."),
            format!("The server refused the request (status {status})."),
        )
    }

    /// What a user reads when the server's answer broke the protocol.
    pub fn broken_protocol() -> Localized {
        Localized::new(
            "Máy chủ trả lời không đúng giao thức; hãy báo cho quản trị viên.",
            "The server's answer broke the protocol; tell the administrator.",
        )
    }
}

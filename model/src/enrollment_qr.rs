//! The payload of an enrollment QR code: the server's address and a one-time enrollment code, so a
//! phone enrolls by scanning instead of typing. Written by whoever prints the code (an administrator's
//! screen, the demo server), read by the device. Format (docs/protocol.md, "Enrollment QR code"):
//!
//! ```text
//! hoso://enroll?v=1&server=https%3A%2F%2Fhoso.example.vn&code=ABCD-EFGH-JKMN
//! ```
//!
//! Reading refuses, with a reason in Vietnamese and English: another scheme, another version, a server
//! address that is not http(s), carries a password, a query or a fragment, or is plain http to anything
//! but this machine (loopback: the tests, a phone reaching its computer through `adb reverse`), and a
//! code that is not three groups of four characters of the server's alphabet. [`check_server_url`] is
//! the one rule for every server address the device takes (typed, scanned, or given to the sync
//! client). A code is normalised as people type it: case, spaces and missing dashes do not matter.
//! Nothing read is ever put into a message.
//!
//! Addresses are read with `http::Uri`, not a WHATWG URL parser: it takes no international domain
//! names, so the phone library carries no Unicode IDNA tables (`scripts/size-budget`).

use crate::i18n::Localized;
use http::Uri;
use std::net::IpAddr;

pub const SCHEME: &str = "hoso";
pub const VERSION: &str = "1";
/// The characters of an enrollment code: no look-alikes (0/O, 1/I/L).
pub const CODE_ALPHABET: &str = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A read and checked payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrollmentQr {
    /// The server's base address, without a trailing slash.
    pub server_url: String,
    /// The code in the server's form, `ABCD-EFGH-JKMN`.
    pub code: String,
}

fn refuse(vi: &str, en: &str) -> Localized {
    Localized::new(vi, en)
}

/// Writes the payload a QR code carries.
pub fn write(server_url: &str, code: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("v", VERSION)
        .append_pair("server", server_url.trim_end_matches('/'))
        .append_pair("code", code)
        .finish();
    format!("{SCHEME}://enroll?{query}")
}

/// Reads a scanned payload.
pub fn read(payload: &str) -> Result<EnrollmentQr, Localized> {
    let link: Uri = payload.trim().parse().map_err(|_| not_hoso())?;
    let is_hoso = link
        .scheme_str()
        .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME));
    if !is_hoso || link.host() != Some("enroll") {
        return Err(not_hoso());
    }
    let query = link.query().unwrap_or_default();
    let param = |name: &str| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    match param("v").as_deref() {
        Some(VERSION) => {}
        Some(_) => {
            return Err(refuse(
                "Mã QR này dành cho phiên bản hoso mới hơn: hãy cập nhật ứng dụng.",
                "This QR code is for a newer version of hoso: update the app.",
            ));
        }
        None => return Err(not_hoso()),
    }
    let server = param("server").ok_or_else(|| {
        refuse(
            "Mã QR thiếu địa chỉ máy chủ.",
            "The QR code has no server address.",
        )
    })?;
    let code = param("code").ok_or_else(|| {
        refuse(
            "Mã QR thiếu mã đăng ký.",
            "The QR code has no enrollment code.",
        )
    })?;
    Ok(EnrollmentQr {
        server_url: check_server_url(&server)?,
        code: normalise_code(&code)?,
    })
}

fn not_hoso() -> Localized {
    refuse(
        "Đây không phải mã QR đăng ký thiết bị của hoso.",
        "This is not a hoso device enrollment QR code.",
    )
}

/// A server's base address as the device will call it (`https://host[:port][/path]`, no trailing
/// slash): http(s), no credentials, query or fragment; plain http only to this machine, so that case
/// files never cross a network unencrypted.
pub fn check_server_url(text: &str) -> Result<String, Localized> {
    let bad = || {
        refuse(
            "Địa chỉ máy chủ không hợp lệ (cần dạng https://tên-miền).",
            "The server address is not valid (expected https://domain).",
        )
    };
    let text = text.trim();
    // `Uri` drops a fragment silently: refuse it here, as a query.
    let url: Uri = text.parse().map_err(|_| bad())?;
    let (Some(scheme), Some(authority)) = (url.scheme_str(), url.authority()) else {
        return Err(bad());
    };
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") || url.query().is_some() || text.contains('#') {
        return Err(bad());
    }
    if authority.as_str().contains('@') {
        return Err(refuse(
            "Địa chỉ máy chủ không được chứa tên đăng nhập hay mật khẩu.",
            "The server address must not carry a user name or password.",
        ));
    }
    if scheme == "http" && !is_loopback(authority.host()) {
        return Err(refuse(
            "Địa chỉ máy chủ phải bắt đầu bằng https:// để dữ liệu được mã hóa trên đường truyền.",
            "The server address must start with https:// so that data is encrypted on its way.",
        ));
    }
    let base = format!("{scheme}://{authority}{}", url.path());
    Ok(base.trim_end_matches('/').to_string())
}

/// This machine: `localhost` or a loopback address.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An enrollment code as typed or scanned, in the server's form `ABCD-EFGH-JKMN`.
pub fn normalise_code(text: &str) -> Result<String, Localized> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    if compact.chars().count() != 12 || !compact.chars().all(|c| CODE_ALPHABET.contains(c)) {
        return Err(refuse(
            "Mã đăng ký gồm 12 chữ cái và chữ số (không có 0, O, 1, I, L), ví dụ ABCD-EFGH-JKMN.",
            "An enrollment code has 12 letters and digits (no 0, O, 1, I, L), e.g. ABCD-EFGH-JKMN.",
        ));
    }
    // Every character is ASCII (checked above), so byte ranges are character ranges.
    Ok(format!(
        "{}-{}-{}",
        &compact[0..4],
        &compact[4..8],
        &compact[8..12]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_payload_reads_back() {
        let payload = write("https://hoso.example.vn/api/", "ABCD-EFGH-JKMN");
        assert!(payload.starts_with("hoso://enroll?v=1&server=https%3A%2F%2F"));
        assert_eq!(
            read(&payload),
            Ok(EnrollmentQr {
                server_url: "https://hoso.example.vn/api".into(),
                code: "ABCD-EFGH-JKMN".into()
            })
        );
    }

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(
            normalise_code(" abcd efgh jkmn ").unwrap(),
            "ABCD-EFGH-JKMN"
        );
        assert_eq!(normalise_code("abcdefghjkmn").unwrap(), "ABCD-EFGH-JKMN");
        let refused = normalise_code("ABCD-EFGH-JK0N").unwrap_err();
        assert!(refused.vi.contains("12 chữ cái"));
        assert!(normalise_code("ABCD-EFGH").is_err());
        assert!(normalise_code("ĐĐĐĐ-EFGH-JKMN").is_err());
    }

    #[test]
    fn plain_http_is_only_for_this_machine() {
        for local in [
            "http://127.0.0.1:8787",
            "http://localhost:8787",
            "http://[::1]:8787",
        ] {
            assert_eq!(check_server_url(local).as_deref(), Ok(local), "{local}");
        }
        for network in [
            "http://hoso.example.vn",
            "http://192.168.1.20:8787",
            "http://10.0.0.5",
        ] {
            let refused = check_server_url(network).unwrap_err();
            assert!(refused.vi.contains("https://"), "{network}");
        }
        assert_eq!(
            check_server_url(" HTTPS://hoso.example.vn:8443/api/ ").as_deref(),
            Ok("https://hoso.example.vn:8443/api")
        );
        assert!(check_server_url("https://user:secret@hoso.example.vn").is_err());
        assert!(check_server_url("ftp://hoso.example.vn").is_err());
        assert!(check_server_url("https://hoso.example.vn/?token=1").is_err());
        assert!(check_server_url("https://hoso.example.vn/#top").is_err());
        assert!(check_server_url("hoso.example.vn").is_err());
        assert!(check_server_url("https://hồsơ.vn").is_err());
    }

    #[test]
    fn other_payloads_are_refused_with_a_reason_that_repeats_nothing_read() {
        let cases = [
            ("https://example.com", "không phải mã QR"),
            ("WIFI:S:cafe;T:WPA;P:secret;;", "không phải mã QR"),
            (
                "hoso://enroll?v=2&server=https://a.vn&code=ABCD-EFGH-JKMN",
                "phiên bản",
            ),
            ("hoso://enroll?v=1&code=ABCD-EFGH-JKMN", "địa chỉ máy chủ"),
            ("hoso://enroll?v=1&server=https://a.vn", "mã đăng ký"),
            (
                "hoso://enroll?v=1&server=http://a.vn&code=ABCD-EFGH-JKMN",
                "https",
            ),
        ];
        for (payload, expected) in cases {
            let refusal = read(payload).unwrap_err();
            assert!(refusal.vi.contains(expected), "{payload}: {}", refusal.vi);
            assert!(!refusal.vi.contains("a.vn") && !refusal.en.contains("secret"));
        }
    }
}

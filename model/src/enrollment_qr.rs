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
//! but this machine or a private network (a training room's laptop), and a code that is not three groups
//! of four characters of the server's alphabet. A code is normalised as people type it: case, spaces
//! and missing dashes do not matter. Nothing read is ever put into a message.

use crate::i18n::Localized;
use std::net::IpAddr;
use url::{Host, Url};

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
    let mut link = Url::parse(&format!("{SCHEME}://enroll")).expect("a constant, valid URL");
    link.query_pairs_mut()
        .append_pair("v", VERSION)
        .append_pair("server", server_url.trim_end_matches('/'))
        .append_pair("code", code);
    link.to_string()
}

/// Reads a scanned payload.
pub fn read(payload: &str) -> Result<EnrollmentQr, Localized> {
    let link = Url::parse(payload.trim()).map_err(|_| not_hoso())?;
    if link.scheme() != SCHEME || link.host_str() != Some("enroll") {
        return Err(not_hoso());
    }
    let param = |name: &str| {
        link.query_pairs()
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

/// A server's base address as the device will call it: http(s), no credentials, query or fragment;
/// plain http only to this machine or a private network.
pub fn check_server_url(text: &str) -> Result<String, Localized> {
    let bad = || {
        refuse(
            "Địa chỉ máy chủ không hợp lệ (cần dạng https://tên-miền).",
            "The server address is not valid (expected https://domain).",
        )
    };
    let url = Url::parse(text.trim()).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(bad());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "Địa chỉ máy chủ không được chứa tên đăng nhập hay mật khẩu.",
            "The server address must not carry a user name or password.",
        ));
    }
    if url.scheme() == "http" && !is_local(url.host()) {
        return Err(refuse(
            "Máy chủ phải dùng kết nối mã hóa (https), trừ máy chủ trong mạng nội bộ.",
            "The server must use an encrypted connection (https), unless it is on a private network.",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// This machine or a private network (RFC 1918, link-local, IPv6 unique-local).
fn is_local(host: Option<Host<&str>>) -> bool {
    let ip = match host {
        Some(Host::Domain(name)) => return name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
        None => return false,
    };
    match ip {
        IpAddr::V4(ip) => ip.is_loopback() || ip.is_private() || ip.is_link_local(),
        IpAddr::V6(ip) => ip.is_loopback() || ip.is_unique_local() || ip.is_unicast_link_local(),
    }
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
    fn plain_http_is_only_for_this_machine_or_a_private_network() {
        for local in [
            "http://127.0.0.1:8787",
            "http://localhost:8787",
            "http://192.168.1.20:8787",
            "http://10.0.0.5",
            "http://[::1]:8787",
        ] {
            assert!(check_server_url(local).is_ok(), "{local}");
        }
        let refused = check_server_url("http://hoso.example.vn").unwrap_err();
        assert!(refused.vi.contains("https"));
        assert!(check_server_url("https://hoso.example.vn").is_ok());
        assert!(check_server_url("https://user:secret@hoso.example.vn").is_err());
        assert!(check_server_url("ftp://hoso.example.vn").is_err());
        assert!(check_server_url("https://hoso.example.vn/?token=1").is_err());
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

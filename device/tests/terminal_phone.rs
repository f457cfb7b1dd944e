//! Terminal phones against a real `hoso-server serve --demo`: a collaborator's day (enroll with the
//! printed code, PIN, sync, today's agenda, a case, a visit note with a Vietnamese validation message
//! fixed and a photo attached from a file, sync with the photo's upload, the photo listed on the
//! chairman's phone, a conflict with another phone shown with both values and resolved) and the chairman's
//! approval, from the queue, of a plan the collaborator wrote on her phone, then the overdue figures.

use hoso_tests::server_binary;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

const PIN: &str = "274915";

/// `hoso-server serve --demo` on a free port, with the enrollment codes it printed.
struct DemoServer {
    url: String,
    codes: Vec<(String, String)>,
    child: Child,
    _dir: tempfile::TempDir,
}

impl DemoServer {
    fn start() -> DemoServer {
        let dir = tempfile::tempdir().expect("a folder");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(server_binary())
            .args(["serve", "--demo", "--data"])
            .arg(dir.path().join("data"))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("hoso-server starts");
        let mut codes = Vec::new();
        let stdout = child.stdout.take().expect("piped");
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("the server's output");
            if line == "ready" {
                break;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            if let [role, code] = words.as_slice()
                && code.len() == 14
                && code.matches('-').count() == 2
            {
                codes.push((role.to_string(), code.to_string()));
            }
        }
        DemoServer {
            url: format!("http://127.0.0.1:{port}"),
            codes,
            child,
            _dir: dir,
        }
    }

    fn code(&self, role: &str) -> &str {
        &self
            .codes
            .iter()
            .find(|(r, _)| r == role)
            .unwrap_or_else(|| panic!("the demo prints a code for {role}: {:?}", self.codes))
            .1
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One terminal phone: its own folder.
struct Phone {
    dir: tempfile::TempDir,
}

impl Phone {
    fn enrolled(server: &DemoServer, role: &str) -> Phone {
        let phone = Phone {
            dir: tempfile::tempdir().expect("a folder"),
        };
        let out = phone.run(
            &[
                "enroll",
                "--server",
                &server.url,
                "--code",
                server.code(role),
            ],
            &format!("{PIN}\n{PIN}\n"),
        );
        assert!(out.contains("Đã đăng ký"), "{out}");
        assert!(out.contains("Đã đặt mã PIN."), "{out}");
        phone
    }

    fn run(&self, args: &[&str], input: &str) -> String {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hoso-device"))
            .arg("--dir")
            .arg(self.dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hoso-device starts");
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(input.as_bytes())
            .expect("the script is written");
        let output = child.wait_with_output().expect("hoso-device ends");
        let out = String::from_utf8_lossy(&output.stdout).to_string();
        assert!(
            output.status.success(),
            "{out}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        out
    }

    /// Unlocks and runs shell commands, one per line.
    fn shell(&self, commands: &[&str]) -> String {
        let mut script = format!("{PIN}\n");
        for command in commands {
            script.push_str(command);
            script.push('\n');
        }
        script.push_str("quit\n");
        self.run(&[], &script)
    }
}

/// The case id a case screen shows.
fn case_id(out: &str) -> String {
    let at = out.find("Mã hồ sơ ").expect("a case screen") + "Mã hồ sơ ".len();
    out[at..]
        .split_whitespace()
        .next()
        .expect("an id")
        .to_string()
}

fn today() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as u64;
    hoso_model::domain::local_date(millis)
        .format("%d/%m/%Y")
        .to_string()
}

/// The visit's photo: the text file refused in Vietnamese with nothing saved, the camera's JPEG shrunk
/// to 1600 px and waiting, then sent whole by the sync.
fn assert_photo_attached_and_sent(out: &str) {
    assert!(
        out.contains("Tệp này không phải là ảnh JPEG, PNG hay WebP."),
        "{out}"
    );
    assert!(!out.contains("2 ảnh"), "only the JPEG was saved: {out}");
    let listed = out
        .find("1 ảnh\n  1. [Điều kiện sống] Bếp mới sửa — 1600×1200")
        .expect(out);
    let waiting = listed + out[listed..].find("chờ gửi 0%").expect(out);
    let synced = waiting
        + out[waiting..]
            .find("1 ảnh đã gửi · 0 ảnh chưa gửi được")
            .expect(out);
    assert!(out[synced..].contains("đã gửi 100%"), "{out}");
}

#[test]
fn a_collaborators_day_on_a_terminal_phone() {
    let server = DemoServer::start();
    let mai = Phone::enrolled(&server, "collaborator");
    let hung = Phone::enrolled(&server, "approver");
    let morning = mai.shell(&["sync", "agenda", "cases --overdue", "case 1"]);
    assert!(morning.contains("Đã gửi 0 thay đổi"), "{morning}");
    assert!(morning.contains("Quá hạn"), "{morning}");
    assert!(
        morning.contains("[TT 02/2020 Điều"),
        "the agenda says why: {morning}"
    );
    let case = case_id(&morning);
    let today = today();
    let camera = tempfile::tempdir().expect("a folder");
    let photo = camera.path().join("IMG_0001.jpg");
    std::fs::write(&photo, hoso_tests::photos::camera_jpeg(2400, 1800, 1)).expect("a photo file");
    let not_a_photo = camera.path().join("notes.txt");
    std::fs::write(&not_a_photo, "không phải ảnh").expect("a text file");
    let visit = mai.shell(&[
        &format!("case {case}"),
        "visit",
        "set visit_date 01/01/2099",
        &format!("set visit_date {today}"),
        "set met_with subject, family",
        "set observations Bà đi lại được trong nhà, đã uống thuốc đều.",
        &format!("set next_visit_date {today}"),
        &format!("attach {}", not_a_photo.display()),
        &format!(
            "attach {} --category living_conditions Bếp mới sửa",
            photo.display()
        ),
        "complete",
        "photos",
        "sync",
        "photos",
    ]);
    assert_photo_attached_and_sent(&visit);
    assert!(
        visit.contains("“Ngày thăm” không thể là ngày trong tương lai."),
        "{visit}"
    );
    assert!(visit.contains("0 mục còn cần sửa."), "{visit}");
    assert!(visit.contains("Bà đi lại được trong nhà"), "{visit}");
    assert!(visit.contains("được nhận, 0 bị từ chối"), "{visit}");

    // Both phones change the subject's phone number offline; the chairman's reaches the server first.
    let seen = hung.shell(&["sync", &format!("case {case}"), "photos"]);
    assert!(
        seen.contains("[Điều kiện sống] Bếp mới sửa — 1600×1200"),
        "the photo reached the chairman's phone: {seen}"
    );
    mai.shell(&[
        &format!("case {case}"),
        "new TT02-M01",
        "set subject.phone 0912 000 111",
    ]);
    let hung_edit = hung.shell(&[
        &format!("case {case}"),
        "new TT02-M01",
        "set subject.phone 0987 000 222",
        "sync",
    ]);
    assert!(hung_edit.contains("0 bị từ chối"), "{hung_edit}");
    let evening = mai.shell(&["sync", "conflicts"]);
    assert!(evening.contains("1 xung đột"), "{evening}");
    assert!(
        evening.contains("Số điện thoại"),
        "the field's label: {evening}"
    );
    assert!(
        evening.contains("0912 000 111") || evening.contains("0912000111"),
        "{evening}"
    );
    assert!(evening.contains("0987"), "{evening}");
    assert!(evening.contains("Bạn"), "who wrote each value: {evening}");
    assert!(evening.contains("Người dùng khác"), "{evening}");
    let resolved = mai.shell(&["resolve 1 1", "sync", "conflicts"]);
    assert!(resolved.contains("0 xung đột"), "{resolved}");
    let settled = hung.shell(&["sync", "conflicts"]);
    assert!(
        settled.contains("0 xung đột"),
        "every phone settles: {settled}"
    );
}

/// How many items the approval queue printed first after `from` says wait.
fn queue_length(out: &str, from: usize) -> usize {
    let at = from + out[from..].find(" mục chờ phê duyệt").expect(out);
    let start = out[..at].rfind('\n').map_or(0, |i| i + 1);
    out[start..at].trim().parse().expect(out)
}

#[test]
fn the_chairman_approves_a_plan_written_on_a_terminal_phone() {
    let server = DemoServer::start();
    let mai = Phone::enrolled(&server, "collaborator");
    let hung = Phone::enrolled(&server, "approver");
    let today = today();
    let intake = mai.shell(&[
        "new-case Lê Văn Tám; 03/02/1950; nam",
        "set subject.address Thôn 2, phường Tân Hiệp",
        "set subject.categories ND20-D5-K5-a",
        "set subject_needs Khám bệnh định kỳ, sửa mái nhà",
        "set current_state Minh mẫn, đi lại chậm",
        "set household.head_name Lê Văn Tám",
        "set household.address Thôn 2, phường Tân Hiệp",
        "set relationship_to_head Chủ hộ",
        "set household.member_count 1",
        "set care_capacity Sống một mình, con gái ở xã bên",
        "complete",
        "new TT02-M02",
        &format!("set assessment_date {today}"),
        "set assessed_with subject",
        "set need_health Khám khớp gối",
        "set priority_health 1",
        "set summary Cần hỗ trợ y tế trước",
        "complete",
        "new TT02-M03",
        "set need_types long_term",
        "set voluntary có",
        "set eligible_at_facility_or_locality có",
        &format!("set determined_on {today}"),
        "complete",
        "act A1",
        "new TT02-M04",
        &format!("set plan_date {today}"),
        "set objectives Được khám và chăm sóc tại nhà",
        "add activities",
        "set activities.0.activity Đưa đi khám tại trạm y tế",
        &format!("set activities.0.start_date {today}"),
        "set activities.0.end_date 31/12/2099",
        "set activities.0.responsible Cộng tác viên",
        "set responsibilities Gia đình và UBND phường",
        "complete",
        "sync",
    ]);
    assert!(intake.contains("0 mục còn cần sửa."), "{intake}");
    assert!(
        intake.contains("Kế hoạch chờ phê duyệt"),
        "submitted: {intake}"
    );
    let case = case_id(&intake);
    let review = hung.shell(&[
        "sync",
        "agenda",
        "queue",
        &format!("approve {case}"),
        "oversight",
        &format!("case {case}"),
        "sync",
    ]);
    assert!(review.contains("Chờ phê duyệt — Lê Văn Tám"), "{review}");
    let waiting = queue_length(&review, 0);
    let queued = review
        .find("[Kế hoạch trợ giúp] Lê Văn Tám — chờ từ")
        .expect(&review);
    assert_eq!(
        queue_length(&review, queued),
        waiting - 1,
        "the approved plan leaves the queue: {review}"
    );
    let figures = review.find("Số liệu đến ngày").expect(&review);
    assert!(
        review[figures..].contains("Quá hạn (") && review[figures..].contains("[TT 02/2020"),
        "the overdue list with the law's reference: {review}"
    );
    assert!(
        review.contains("bước 3"),
        "approved, the plan is carried out: {review}"
    );
    let after = mai.shell(&["sync", &format!("case {case}")]);
    assert!(
        after.contains("Kế hoạch chăm sóc, trợ giúp đối tượng (Mẫu số 04) — đã phê duyệt"),
        "{after}"
    );
}

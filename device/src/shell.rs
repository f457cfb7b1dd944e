//! The interactive shell: one command per user action, each one core call (the same the apps make),
//! its answer rendered. Numbers in a command point at the last list shown (`case 2`, `set 5 …`,
//! `act A1`). `help` lists the commands.

use crate::prompt::Prompt;
use crate::render::{self, CaseNumbers, Lang};
use hoso_core::ffi::{ApiError, HosoCore, NetworkKind, PhotoInput};
use hoso_core::screens::case::CaseActionInput;
use hoso_core::screens::caseload::CaseFilter;
use hoso_core::screens::input::AnswerInput;
use hoso_core::screens::launch::LaunchStage;
use hoso_core::screens::settings::Language;

const HELP_VI: &str = "Lệnh:
  agenda                         việc hôm nay
  cases [chữ] [--step N] [--overdue] [--mine]   danh sách hồ sơ
  households [chữ] · household N danh sách hộ, một hộ
  case N|MÃ                      mở một hồ sơ
  new-case HỌ TÊN; dd/mm/yyyy; nam|nữ            tiếp nhận đối tượng mới
  form Fn|MÃ · new Nn|MẪU · visit                mở, bắt đầu biểu mẫu, ghi chép thăm
  set N|TRƯỜNG GIÁ_TRỊ · clear N|TRƯỜNG          trả lời một trường (tự lưu)
  add DANH_SÁCH · remove DANH_SÁCH N · show · complete
  act An [lý do]                 thao tác của bước hiện tại
  referral Rn TRẠNG_THÁI
  attach TỆP [--category MÃ] [chú thích]        gắn ảnh (JPEG, PNG, WebP) vào biểu mẫu đang mở hoặc hồ sơ
  photos                         ảnh của hồ sơ và tiến độ gửi
  queue · approve N|MÃ · giveback N|MÃ NHẬN_XÉT · oversight    hàng chờ phê duyệt, số liệu giám sát
  sync · outbox · conflicts · resolve N GIÁ_TRỊ_SỐ
  settings · lang vi|en · autolock PHÚT · lock · quit";

const HELP_EN: &str = "Commands:
  agenda                         today's work
  cases [words] [--step N] [--overdue] [--mine]  the caseload
  households [words] · household N               households, one household
  case N|ID                      open a case
  new-case FULL NAME; dd/mm/yyyy; male|female    take in a new subject
  form Fn|ID · new Nn|FORM · visit               open, start a form, a visit note
  set N|FIELD VALUE · clear N|FIELD              answer one field (autosaved)
  add LIST · remove LIST N · show · complete
  act An [reason]                an action of the current step
  referral Rn STATUS
  attach FILE [--category CODE] [caption]       attach a photo (JPEG, PNG, WebP) to the open form or the case
  photos                         the case's photos and their upload progress
  queue · approve N|ID · giveback N|ID COMMENT · oversight      the approval queue, oversight figures
  sync · outbox · conflicts · resolve N VALUE_NUMBER
  settings · lang vi|en · autolock MINUTES · lock · quit";

/// An error as the user reads it.
pub fn error_text(lang: Lang, error: &ApiError) -> String {
    let pick = |vi: &str, en: &str| lang.say(vi, en).to_string();
    match error {
        ApiError::Invalid {
            message_vi,
            message_en,
        }
        | ApiError::NotAllowed {
            message_vi,
            message_en,
        } => pick(message_vi, message_en),
        ApiError::Validation { issues } => issues
            .iter()
            .map(|i| format!("⚠ {}", pick(&i.message_vi, &i.message_en)))
            .collect::<Vec<_>>()
            .join("\n"),
        ApiError::NotFound => pick("Không tìm thấy.", "Not found."),
        ApiError::Network {
            message_vi,
            message_en,
            ..
        } => pick(message_vi, message_en),
        ApiError::Locked => pick("Ứng dụng đang khóa.", "The app is locked."),
        ApiError::Revoked => pick(
            "Thiết bị đã bị thu hồi; dữ liệu trên máy đã được xóa.",
            "This device was revoked; its data was erased.",
        ),
        other => format!("{}: {other}", pick("Lỗi", "Error")),
    }
}

pub struct Shell<'a> {
    core: &'a HosoCore,
    prompt: Prompt,
    pub lang: Lang,
    cases: Vec<Option<String>>,
    households: Vec<String>,
    case: Option<String>,
    numbers: CaseNumbers,
    form: Option<String>,
    fields: Vec<String>,
}

/// What a command asks of the loop.
enum Next {
    Continue,
    Quit,
}

impl<'a> Shell<'a> {
    pub fn new(core: &'a HosoCore, prompt: Prompt, lang: Lang) -> Shell<'a> {
        Shell {
            core,
            prompt,
            lang,
            cases: Vec::new(),
            households: Vec::new(),
            case: None,
            numbers: CaseNumbers::default(),
            form: None,
            fields: Vec::new(),
        }
    }

    pub fn prompt(&mut self) -> &mut Prompt {
        &mut self.prompt
    }

    /// Asks for the PIN until the app is unlocked; `false` if the input ended or the device was
    /// wiped.
    pub fn unlock(&mut self) -> bool {
        loop {
            let screen = match self.core.launch_screen() {
                Ok(screen) => screen,
                Err(error) => {
                    println!("{}", error_text(self.lang, &error));
                    return false;
                }
            };
            match screen.stage {
                LaunchStage::Ready => return true,
                LaunchStage::Unlock { .. } => {}
                _ => {
                    println!(
                        "{}",
                        self.lang.say(
                            "Thiết bị chưa được đăng ký: chạy `hoso-device enroll`.",
                            "This device is not enrolled: run `hoso-device enroll`."
                        )
                    );
                    return false;
                }
            }
            let Some(pin) = self.prompt.pin(self.lang.say("Mã PIN: ", "PIN: ")) else {
                return false;
            };
            match self.core.unlock(pin.trim().to_string()) {
                Ok(screen) => {
                    if let Some(notice) = &screen.notice {
                        println!("{}", self.lang.text(notice));
                    }
                    if screen.stage == LaunchStage::Enroll {
                        return false;
                    }
                }
                Err(error) => println!("{}", error_text(self.lang, &error)),
            }
        }
    }

    /// Reads and runs commands until `quit` or the end of the input.
    pub fn run(&mut self) {
        if !self.unlock() {
            return;
        }
        // The language chosen on the command line becomes the device's.
        if let Ok(settings) = self.core.settings_set_language(self.lang.0) {
            self.lang = Lang(settings.language);
        }
        println!(
            "{}",
            self.lang.say(
                "Gõ `help` để xem các lệnh.",
                "Type `help` for the commands."
            )
        );
        while let Some(line) = self.prompt.line("hoso> ") {
            match self.command(line.trim()) {
                Ok(Next::Quit) => return,
                Ok(Next::Continue) => {}
                Err(ApiError::Locked) => {
                    println!("{}", error_text(self.lang, &ApiError::Locked));
                    if !self.unlock() {
                        return;
                    }
                }
                Err(error) => println!("{}", error_text(self.lang, &error)),
            }
        }
    }

    fn command(&mut self, line: &str) -> Result<Next, ApiError> {
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim();
        match word {
            "" => {}
            "help" | "?" => println!("{}", self.lang.say(HELP_VI, HELP_EN)),
            "quit" | "exit" => return Ok(Next::Quit),
            "agenda" => self.agenda()?,
            "cases" => self.cases(rest)?,
            "households" => self.households(rest)?,
            "household" => self.household(rest)?,
            "case" => self.open_case(rest)?,
            "new-case" => self.new_case(rest)?,
            "form" => self.open_form(rest)?,
            "new" => self.new_form(rest)?,
            "visit" => {
                let screen = self.core.visit_start(self.current_case()?)?;
                self.show_form(&screen);
            }
            "set" => self.set(rest)?,
            "clear" => self.answer(rest, AnswerInput::Clear)?,
            "add" => self.add_item(rest)?,
            "remove" => self.remove_item(rest)?,
            "show" => self.show()?,
            "complete" => self.complete()?,
            "act" => self.act(rest)?,
            "referral" => self.referral(rest)?,
            "attach" => self.attach(rest)?,
            "photos" => self.photos()?,
            "queue" | "approve" | "giveback" | "oversight" => self.supervise(word, rest)?,
            other => return self.sync_or_settings(other, rest),
        }
        Ok(Next::Continue)
    }

    fn sync_or_settings(&mut self, word: &str, rest: &str) -> Result<Next, ApiError> {
        match word {
            "sync" => self.sync()?,
            "outbox" => println!("{}", render::sync(self.lang, &self.core.sync_screen()?)),
            "conflicts" => println!(
                "{}",
                render::conflicts(self.lang, &self.core.sync_screen()?)
            ),
            "resolve" => self.resolve(rest)?,
            "settings" => println!(
                "{}",
                render::settings(self.lang, &self.core.settings_screen()?)
            ),
            "lang" => {
                let language = if rest == "en" {
                    Language::En
                } else {
                    Language::Vi
                };
                self.lang = Lang(self.core.settings_set_language(language)?.language);
            }
            "autolock" => {
                let minutes = rest.parse().map_err(|_| self.invalid_number())?;
                println!(
                    "{}",
                    render::settings(self.lang, &self.core.settings_set_auto_lock(minutes)?)
                );
            }
            "lock" => {
                self.core.lock()?;
                if !self.unlock() {
                    return Ok(Next::Quit);
                }
            }
            _ => println!(
                "{}",
                self.lang.say(
                    "Không có lệnh này; gõ `help`.",
                    "No such command; type `help`."
                )
            ),
        }
        Ok(Next::Continue)
    }

    fn invalid_number(&self) -> ApiError {
        ApiError::Invalid {
            message_vi: "Cần một số.".into(),
            message_en: "A number is needed.".into(),
        }
    }

    /// The item a number (or an id, or a prefixed number like `F2`) points at in a list.
    fn pick<T: Clone>(&self, list: &[T], text: &str, prefix: char) -> Result<T, ApiError> {
        let number = text
            .trim_start_matches(prefix)
            .parse::<usize>()
            .map_err(|_| self.invalid_number())?;
        number
            .checked_sub(1)
            .and_then(|i| list.get(i))
            .cloned()
            .ok_or(ApiError::NotFound)
    }

    fn current_case(&self) -> Result<String, ApiError> {
        self.case.clone().ok_or_else(|| ApiError::Invalid {
            message_vi: "Hãy mở một hồ sơ trước (`case N`).".into(),
            message_en: "Open a case first (`case N`).".into(),
        })
    }

    fn current_form(&self) -> Result<String, ApiError> {
        self.form.clone().ok_or_else(|| ApiError::Invalid {
            message_vi: "Hãy mở một biểu mẫu trước (`form Fn`, `new Nn`, `visit`).".into(),
            message_en: "Open a form first (`form Fn`, `new Nn`, `visit`).".into(),
        })
    }

    fn agenda(&mut self) -> Result<(), ApiError> {
        let (text, cases) = render::agenda(self.lang, &self.core.agenda_screen()?);
        println!("{text}");
        self.cases = cases;
        Ok(())
    }

    fn cases(&mut self, rest: &str) -> Result<(), ApiError> {
        let mut filter = CaseFilter::default();
        let mut words = Vec::new();
        let mut parts = rest.split_whitespace();
        while let Some(part) = parts.next() {
            match part {
                "--overdue" => filter.overdue_only = true,
                "--mine" => filter.mine_only = true,
                "--step" => filter.step = parts.next().and_then(|s| s.parse().ok()),
                word => words.push(word),
            }
        }
        filter.query = words.join(" ");
        let (text, cases) = render::case_list(self.lang, &self.core.case_list(filter)?);
        println!("{text}");
        self.cases = cases;
        Ok(())
    }

    fn households(&mut self, rest: &str) -> Result<(), ApiError> {
        let (text, households) =
            render::household_list(self.lang, &self.core.household_list(rest.into(), 50)?);
        println!("{text}");
        self.households = households;
        Ok(())
    }

    fn household(&mut self, rest: &str) -> Result<(), ApiError> {
        let id = self.pick(&self.households, rest, 'H')?;
        let (text, cases) = render::household(self.lang, &self.core.household_screen(id)?);
        println!("{text}");
        self.cases = cases;
        Ok(())
    }

    fn open_case(&mut self, rest: &str) -> Result<(), ApiError> {
        let id = if rest.len() > 8 {
            rest.to_string()
        } else {
            self.pick(&self.cases, rest, '#')?
                .ok_or(ApiError::NotFound)?
        };
        self.show_case(&self.core.case_screen(id.clone())?);
        self.case = Some(id);
        self.form = None;
        Ok(())
    }

    fn show_case(&mut self, screen: &hoso_core::screens::case::CaseScreen) {
        let (text, numbers) = render::case(self.lang, screen);
        println!("{text}");
        self.numbers = numbers;
        self.case = Some(screen.case_id.clone());
    }

    fn new_case(&mut self, rest: &str) -> Result<(), ApiError> {
        let parts: Vec<&str> = rest.split(';').map(str::trim).collect();
        let [name, birth, sex] = parts.as_slice() else {
            return Err(ApiError::Invalid {
                message_vi: "Cần: HỌ TÊN; dd/mm/yyyy; nam|nữ".into(),
                message_en: "Needed: FULL NAME; dd/mm/yyyy; male|female".into(),
            });
        };
        let intake = self
            .core
            .case_new((*name).into(), (*birth).into(), (*sex).into(), None)?;
        for duplicate in &intake.likely_duplicates {
            println!(
                "⚠ {} {} ({})",
                self.lang
                    .say("Có thể trùng với", "Possibly the same person as"),
                duplicate.full_name,
                duplicate
                    .birth
                    .as_ref()
                    .map(|b| b.text.as_str())
                    .unwrap_or("?")
            );
        }
        self.case = Some(intake.form.case_id.clone());
        self.show_form(&intake.form);
        Ok(())
    }

    fn show_form(&mut self, screen: &hoso_core::screens::form::FormScreen) {
        let (text, fields) = render::form(self.lang, screen);
        println!("{text}");
        self.fields = fields;
        self.form = Some(screen.record_id.clone());
        self.case = Some(screen.case_id.clone());
    }

    fn open_form(&mut self, rest: &str) -> Result<(), ApiError> {
        let id = if rest.len() > 8 {
            rest.to_string()
        } else {
            self.pick(&self.numbers.forms, rest, 'F')?
        };
        let screen = self.core.form_open(id)?;
        self.show_form(&screen);
        Ok(())
    }

    fn new_form(&mut self, rest: &str) -> Result<(), ApiError> {
        let form_id = if rest.starts_with('N') || rest.parse::<usize>().is_ok() {
            self.pick(&self.numbers.new_forms, rest, 'N')?
        } else {
            rest.to_string()
        };
        let screen = self.core.form_start(self.current_case()?, form_id)?;
        self.show_form(&screen);
        Ok(())
    }

    /// A field's path from its number on the last form shown, or the path itself.
    fn path(&self, text: &str) -> Result<String, ApiError> {
        if text.parse::<usize>().is_ok() {
            self.pick(&self.fields, text, ' ')
        } else {
            Ok(text.to_string())
        }
    }

    fn set(&mut self, rest: &str) -> Result<(), ApiError> {
        let (field, value) = rest.split_once(' ').unwrap_or((rest, ""));
        self.answer(
            field,
            AnswerInput::Text {
                text: value.trim().to_string(),
            },
        )
    }

    /// Autosaves one answer and shows that field again, with what is wrong with it.
    fn answer(&mut self, field: &str, input: AnswerInput) -> Result<(), ApiError> {
        let path = self.path(field.trim())?;
        let screen = self
            .core
            .form_answer(self.current_form()?, path.clone(), input)?;
        let (_, fields) = render::form(self.lang, &screen);
        let shown = screen
            .sections
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.path == path);
        if let Some(view) = shown {
            let number = fields.iter().position(|p| p == &path).map_or(0, |i| i + 1);
            println!("{}", render::field(self.lang, number, view));
        }
        println!(
            "{} {}",
            screen.issues.len(),
            self.lang.say("mục còn cần sửa.", "answer(s) left to fix.")
        );
        self.fields = fields;
        Ok(())
    }

    fn add_item(&mut self, list: &str) -> Result<(), ApiError> {
        let screen = self.core.form_add_item(self.current_form()?, list.into())?;
        self.show_form(&screen);
        Ok(())
    }

    fn remove_item(&mut self, rest: &str) -> Result<(), ApiError> {
        let (list, index) = rest.split_once(' ').ok_or_else(|| self.invalid_number())?;
        let index = index.trim().parse().map_err(|_| self.invalid_number())?;
        let screen = self
            .core
            .form_remove_item(self.current_form()?, list.into(), index)?;
        self.show_form(&screen);
        Ok(())
    }

    fn show(&mut self) -> Result<(), ApiError> {
        match (&self.form, &self.case) {
            (Some(form), _) => {
                let screen = self.core.form_open(form.clone())?;
                self.show_form(&screen);
            }
            (None, Some(case)) => {
                let screen = self.core.case_screen(case.clone())?;
                self.show_case(&screen);
            }
            (None, None) => self.agenda()?,
        }
        Ok(())
    }

    /// Finishes the open form: completes it, or takes the case action that submits it.
    fn complete(&mut self) -> Result<(), ApiError> {
        let form = self.core.form_open(self.current_form()?)?;
        match form.finish {
            hoso_core::screens::form::FormFinish::ThroughCase { action } => {
                let outcome =
                    self.core
                        .case_act(form.case_id.clone(), action, CaseActionInput::default())?;
                self.form = None;
                self.show_case(&outcome.case);
            }
            _ => {
                let screen = self.core.form_complete(form.record_id.clone())?;
                println!("{}", self.lang.text(&screen.status_label));
                self.form = None;
                let case = self.core.case_screen(screen.case_id)?;
                self.show_case(&case);
            }
        }
        Ok(())
    }

    fn act(&mut self, rest: &str) -> Result<(), ApiError> {
        let (number, input) = rest.split_once(' ').unwrap_or((rest, ""));
        let action = self.pick(&self.numbers.actions, number, 'A')?;
        let input = CaseActionInput {
            reason: input.trim().into(),
        };
        let outcome = self
            .core
            .case_act(self.current_case()?, action.action, input)?;
        self.show_case(&outcome.case);
        if let Some(form) = outcome.opened_form {
            self.show_form(&form);
        }
        Ok(())
    }

    fn referral(&mut self, rest: &str) -> Result<(), ApiError> {
        let (number, status) = rest.split_once(' ').ok_or_else(|| self.invalid_number())?;
        let id = self.pick(&self.numbers.referrals, number, 'R')?;
        let screen = self.core.referral_set_status(id, status.trim().into())?;
        self.show_case(&screen);
        Ok(())
    }

    /// Attaches a photo file to the open form (a visit note) or, with none open, to the case: one
    /// call; the core makes it upright, strips its metadata, shrinks it and queues its upload.
    fn attach(&mut self, rest: &str) -> Result<(), ApiError> {
        let mut words = rest.split_whitespace();
        let file = words.next().ok_or_else(|| ApiError::Invalid {
            message_vi: "Cần: attach TỆP [--category MÃ] [chú thích]".into(),
            message_en: "Needed: attach FILE [--category CODE] [caption]".into(),
        })?;
        let mut category = "other".to_string();
        let mut caption = Vec::new();
        while let Some(word) = words.next() {
            if word == "--category" {
                category = words.next().unwrap_or("other").to_string();
            } else {
                caption.push(word);
            }
        }
        // The path is the user's own; the error names it back to them only.
        let image = std::fs::read(file).map_err(|error| ApiError::Invalid {
            message_vi: format!("Không đọc được tệp {file}: {error}"),
            message_en: format!("Cannot read the file {file}: {error}"),
        })?;
        let input = PhotoInput {
            case_id: self.current_case()?,
            attached_to: self.form.clone(),
            form_field: None,
            caption: caption.join(" "),
            category,
            location: None,
            sensitive: false,
        };
        self.core.attach_photo(input, image)?;
        self.photos()
    }

    /// The open form's photos, or the case's.
    fn photos(&mut self) -> Result<(), ApiError> {
        let photos = match &self.form {
            Some(form) => self.core.attached_photos(form.clone())?,
            None => self.core.case_photos(self.current_case()?)?,
        };
        let categories = self.core.photo_categories();
        println!("{}", render::photos(self.lang, &photos, &categories));
        Ok(())
    }

    /// The approver's queue and decisions, and the oversight figures; numbers point at the last list.
    fn supervise(&mut self, word: &str, rest: &str) -> Result<(), ApiError> {
        let today = crate::supervisor::today();
        let (number, comment) = rest.split_once(' ').unwrap_or((rest, ""));
        let case = || -> Result<String, ApiError> {
            if number.len() > 8 {
                Ok(number.to_string())
            } else {
                self.pick(&self.cases, number, '#')?
                    .ok_or(ApiError::NotFound)
            }
        };
        let queue = match word {
            "approve" => self.core.approve_waiting(case()?, today.clone())?,
            "giveback" => {
                self.core
                    .return_waiting(case()?, comment.trim().into(), today.clone())?
            }
            "oversight" => {
                let (text, cases) =
                    crate::supervisor::oversight(self.lang, &self.core.oversight(today)?);
                println!("{text}");
                self.cases = cases;
                return Ok(());
            }
            _ => self.core.approval_queue(today)?,
        };
        let (text, cases) = crate::supervisor::queue(self.lang, &queue);
        println!("{text}");
        self.cases = cases;
        Ok(())
    }

    /// Syncs the records, then sends the photos whose turn has come (a terminal's network is taken
    /// as unmetered).
    fn sync(&mut self) -> Result<(), ApiError> {
        let screen = crate::progress::sync_with_bar(self.core, self.lang)?;
        let sent = self.core.upload_photos(NetworkKind::Unmetered)?;
        if sent.uploaded + sent.failed > 0 {
            println!(
                "{} {} · {} {}",
                sent.uploaded,
                self.lang.say("ảnh đã gửi", "photo(s) sent"),
                sent.failed,
                self.lang.say("ảnh chưa gửi được", "photo(s) not sent")
            );
        }
        println!("{}", render::sync(self.lang, &screen));
        if !screen.conflicts.is_empty() {
            println!("{}", render::conflicts(self.lang, &screen));
        }
        Ok(())
    }

    fn resolve(&mut self, rest: &str) -> Result<(), ApiError> {
        let (number, index) = rest.split_once(' ').ok_or_else(|| self.invalid_number())?;
        let screen = self.core.sync_screen()?;
        let conflict = self.pick(&screen.conflicts, number, '#')?;
        let index = index.trim().parse().map_err(|_| self.invalid_number())?;
        let after = self
            .core
            .conflict_resolve(conflict.record_id, conflict.field, index)?;
        println!("{}", render::conflicts(self.lang, &after));
        Ok(())
    }
}

//! `hoso-device`: a terminal phone. It keeps its own encrypted store in a folder, enrolls with a code
//! (`hoso-server serve --demo` prints some), unlocks with a PIN, and shows the apps' screens — the same
//! core calls the Android and iOS apps make, rendered as text. It holds no rule.

mod keystore;
mod progress;
mod prompt;
mod render;
mod shell;
mod supervisor;

use clap::{Parser, Subcommand};
use hoso_core::ffi::HosoCore;
use hoso_core::screens::launch::LaunchStage;
use hoso_core::screens::settings::Language;
use prompt::Prompt;
use render::Lang;
use shell::{Shell, error_text};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "hoso-device",
    version,
    about = "A terminal phone for hoso / điện thoại trên dòng lệnh cho hoso"
)]
struct Cli {
    /// The folder of this terminal phone (its encrypted store and its key).
    #[arg(long, default_value = "hoso-phone")]
    dir: PathBuf,
    /// The language of the terminal's words before the device has its own setting.
    #[arg(long, value_parser = ["vi", "en"], default_value = "vi")]
    lang: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Enroll this terminal phone (a QR payload, or a server address and a code), then choose a PIN.
    Enroll {
        /// The payload of an enrollment QR code (`hoso://enroll?...`).
        #[arg(long, conflicts_with_all = ["server", "code"])]
        qr: Option<String>,
        #[arg(long, default_value = "http://127.0.0.1:8787")]
        server: String,
        #[arg(long, required_unless_present = "qr")]
        code: Option<String>,
        /// How the server lists this device.
        #[arg(long, default_value = "hoso-device")]
        name: String,
    },
    /// Unlock with the PIN and work in the shell (the default).
    Shell,
}

fn open(dir: &std::path::Path) -> Result<Arc<HosoCore>, String> {
    let key = keystore::database_key(dir)?;
    let path = dir.join("hoso.db").to_string_lossy().to_string();
    HosoCore::open(path, key).map_err(|e| format!("cannot open {}: {e}", dir.display()))
}

/// Chooses the PIN, asking again until the core accepts one.
fn choose_pin(core: &HosoCore, prompt: &mut Prompt, lang: Lang) -> bool {
    loop {
        let Ok(screen) = core.launch_screen() else {
            return false;
        };
        if screen.stage != LaunchStage::ChoosePin {
            return true;
        }
        println!("{}", lang.text(&screen.pin_rule));
        let (Some(pin), Some(again)) = (
            prompt.pin(lang.say("Mã PIN mới: ", "New PIN: ")),
            prompt.pin(lang.say("Nhập lại mã PIN: ", "PIN again: ")),
        ) else {
            return false;
        };
        if let Err(error) = core.choose_pin(pin.trim().into(), again.trim().into()) {
            println!("{}", error_text(lang, &error));
        }
    }
}

fn enroll(
    core: &HosoCore,
    lang: Lang,
    qr: Option<String>,
    server: String,
    code: Option<String>,
    name: String,
) -> Result<(), String> {
    let enrolled = match qr {
        Some(payload) => core.enroll_from_qr(payload, name),
        None => core.enroll_with_code(server, code.unwrap_or_default(), name),
    };
    let screen = enrolled.map_err(|e| error_text(lang, &e))?;
    if let Some(user) = &screen.user {
        println!(
            "{} {} — {}",
            lang.say("Đã đăng ký:", "Enrolled:"),
            lang.text(&user.role_label),
            user.area_name
        );
    }
    if choose_pin(core, &mut Prompt::new(), lang) {
        println!("{}", lang.say("Đã đặt mã PIN.", "The PIN is set."));
        Ok(())
    } else {
        Err(lang.say("Chưa đặt mã PIN.", "No PIN was set.").to_string())
    }
}

fn main() {
    let cli = Cli::parse();
    let lang = Lang(if cli.lang == "en" {
        Language::En
    } else {
        Language::Vi
    });
    let outcome = open(&cli.dir).and_then(|core| match cli.command {
        Some(Command::Enroll {
            qr,
            server,
            code,
            name,
        }) => enroll(&core, lang, qr, server, code, name),
        Some(Command::Shell) | None => {
            let mut shell = Shell::new(&core, Prompt::new(), lang);
            if core
                .launch_screen()
                .is_ok_and(|s| s.stage == LaunchStage::ChoosePin)
                && !choose_pin(&core, shell.prompt(), lang)
            {
                return Err(lang.say("Chưa đặt mã PIN.", "No PIN was set.").to_string());
            }
            shell.run();
            Ok(())
        }
    });
    if let Err(message) = outcome {
        eprintln!("hoso-device: {message}");
        std::process::exit(1);
    }
}

//! Reading what the user types: commands line by line, and PINs hidden when typed at a terminal (read
//! as plain lines when the input is a script, as in the end-to-end tests).

use std::io::{BufRead, IsTerminal, Write};

pub struct Prompt {
    lines: std::io::Lines<std::io::StdinLock<'static>>,
    terminal: bool,
}

impl Prompt {
    pub fn new() -> Prompt {
        let stdin = std::io::stdin();
        Prompt {
            terminal: stdin.is_terminal(),
            lines: stdin.lock().lines(),
        }
    }

    /// The next line, after showing `prompt`; `None` at the end of the input.
    pub fn line(&mut self, prompt: &str) -> Option<String> {
        print!("{prompt}");
        // A prompt not yet flushed only shows late; nothing is lost if it fails.
        std::io::stdout().flush().ok();
        let line = self.lines.next()?.ok()?;
        if !self.terminal {
            println!("{line}");
        }
        Some(line)
    }

    /// A PIN: hidden at a terminal, a plain line from a script (never echoed).
    pub fn pin(&mut self, prompt: &str) -> Option<String> {
        if self.terminal {
            return rpassword::prompt_password(prompt).ok();
        }
        println!("{prompt}");
        self.lines.next()?.ok()
    }
}

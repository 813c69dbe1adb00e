//! Secrets from standard input (`--pin-stdin`, one per line) or a hidden terminal prompt;
//! never from argv, where other users and shell history could see them.

use std::io::{BufRead, IsTerminal};

use sesame_app::AppError;

pub struct Secrets {
    from_stdin: bool,
}

impl Secrets {
    pub fn new(from_stdin: bool) -> Self {
        Secrets { from_stdin }
    }

    /// Reads the next secret, named `what` in errors.
    pub fn read(&mut self, what: &str, prompt: &str) -> Result<String, AppError> {
        if self.from_stdin {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| {
                AppError::InvalidArgument(format!("cannot read the {what} from stdin: {e}"))
            })?;
            let value = line.trim_end_matches(['\n', '\r']).to_string();
            if value.is_empty() {
                return Err(AppError::InvalidArgument(format!(
                    "expected the {what} on standard input"
                )));
            }
            return Ok(value);
        }
        if !std::io::stdin().is_terminal() {
            return Err(AppError::InvalidArgument(format!(
                "the {what} is needed: pass --pin-stdin and write it to standard input"
            )));
        }
        rpassword::prompt_password(prompt)
            .map_err(|e| AppError::InvalidArgument(format!("cannot read the {what}: {e}")))
    }
}

//! Progress while a waiter polls, on stderr: a spinner with the state and the time waited when
//! stderr is a terminal, otherwise one line each time the state changes (logs stay short).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::waiter::Progress;

/// Reports a wait's progress; [`WaitProgress::update`] is the waiter's `on_progress`.
pub struct WaitProgress {
    what: String,
    spinner: Option<ProgressBar>,
    last_state: Option<Option<String>>,
}

fn clock(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

impl WaitProgress {
    /// Progress of waiting for `what` (`pool pool-a to be Running`).
    pub fn new(what: impl Into<String>) -> Self {
        let what = what.into();
        let spinner = std::io::stderr().is_terminal().then(|| {
            let spinner = ProgressBar::new_spinner();
            // The time ticks with the spinner, not only at each poll.
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed} elapsed)") {
                spinner.set_style(style);
            }
            spinner.enable_steady_tick(Duration::from_millis(120));
            spinner.set_message(format!("waiting for {what}"));
            spinner
        });
        WaitProgress {
            what,
            spinner,
            last_state: None,
        }
    }

    /// The line for one report.
    pub fn line(&self, progress: &Progress<'_>) -> String {
        format!(
            "waiting for {}: {} ({} elapsed, {} poll{})",
            self.what,
            progress.state.unwrap_or("no state yet"),
            clock(progress.elapsed),
            progress.polls,
            if progress.polls == 1 { "" } else { "s" }
        )
    }

    /// Called after every poll that leaves the waiter waiting.
    pub fn update(&mut self, progress: &Progress<'_>) {
        match &self.spinner {
            Some(spinner) => spinner.set_message(format!(
                "waiting for {}: {}, {} poll{}",
                self.what,
                progress.state.unwrap_or("no state yet"),
                progress.polls,
                if progress.polls == 1 { "" } else { "s" }
            )),
            None => {
                let state = progress.state.map(str::to_owned);
                if self.last_state.as_ref() != Some(&state) {
                    eprintln!("{}", self.line(progress));
                    self.last_state = Some(state);
                }
            }
        }
    }

    /// Ends the spinner (its line is cleared; the outcome is reported by the caller).
    pub fn finish(&mut self) {
        if let Some(spinner) = self.spinner.take() {
            spinner.finish_and_clear();
        }
    }
}

impl Drop for WaitProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

//! The one table of exit statuses.

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Done.
    Ok = 0,
    /// Failed: the message names the file and line.
    Fatal = 1,
    /// Usage error or invalid rules.
    Usage = 2,
    /// Done, but some rows were rejected (listed in rejected.csv).
    Rejected = 3,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> Self {
        std::process::ExitCode::from(c as u8)
    }
}

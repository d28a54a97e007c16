//! The progress bar factory: stderr only, hidden when asked or not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over `total` input bytes; hidden with `--quiet` (indicatif hides it
/// by itself when stderr is not a terminal, as under cron).
pub fn bytes_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{spinner} {bar:30} {bytes}/{total_bytes} · {msg} · {binary_bytes_per_sec} · {elapsed} · ~{eta} left",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

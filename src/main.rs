//! Entry point: parse the command line, run, map the outcome to an exit code.

use clap::Parser;
use triage::exit::ExitCode;

fn main() -> std::process::ExitCode {
    let cli = triage::cli::Cli::parse();
    match triage::run::run(cli) {
        Ok(code) => code.into(),
        Err(err) => {
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::Ok.into();
            }
            eprintln!("triage: {err:#}");
            let usage = err.downcast_ref::<triage::config::UsageError>().is_some()
                || err.downcast_ref::<triage::rules::RulesError>().is_some();
            if usage { ExitCode::Usage } else { ExitCode::Fatal }.into()
        }
    }
}

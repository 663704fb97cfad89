//! The `serialtrack` binary: the server and the operators' command line in one program.

use clap::Parser;
use serialtrack_server::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("serialtrack: {error:#}");
            ExitCode::from(2)
        }
    }
}

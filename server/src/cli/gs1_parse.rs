//! `serialtrack gs1 parse`: scanner strings to elements, for people (a table) and for machines (JSON lines).

use anyhow::Context;
use serde::Serialize;
use serialtrack_shared::gs1::{self, Element, ParseOptions};
use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// A character the scanner sends in place of GS (ASCII 29) between fields, e.g. `|` or `~`;
    /// the word `GS` names ASCII 29 itself.
    #[arg(long, value_parser = parse_separator)]
    separator: Option<char>,
    /// Write one JSON object per input instead of a table.
    #[arg(long)]
    json: bool,
    /// The scanner string; `-` reads one input per line from standard input.
    input: String,
}

fn parse_separator(text: &str) -> Result<char, String> {
    if text.eq_ignore_ascii_case("gs") || text == "\\x1d" || text == "\\x1D" {
        return Ok('\u{1d}');
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("'{text}' is not one character: give the single character your scanner sends for GS")),
    }
}

/// One line of `--json` output.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum JsonVerdict<'a> {
    Valid { input: &'a str, valid: bool, elements: Vec<Element> },
    Invalid { input: &'a str, valid: bool, error: String, position: Option<usize> },
}

fn verdict<'a>(input: &'a str, options: &ParseOptions) -> JsonVerdict<'a> {
    match gs1::parse(input, options) {
        Ok(elements) => JsonVerdict::Valid { input, valid: true, elements },
        Err(error) => {
            JsonVerdict::Invalid { input, valid: false, error: error.message.clone(), position: error.position }
        }
    }
}

fn write_table(out: &mut impl Write, input: &str, options: &ParseOptions) -> std::io::Result<bool> {
    match gs1::parse(input, options) {
        Ok(elements) => {
            for element in &elements {
                let title = gs1::ai_title(&element.ai).unwrap_or("");
                writeln!(out, "({}) {:<44} {}", element.ai, title, element.value)?;
            }
            Ok(true)
        }
        Err(error) => {
            match error.position {
                Some(position) => writeln!(out, "invalid at character {position}: {}", error.message)?,
                None => writeln!(out, "invalid: {}", error.message)?,
            }
            Ok(false)
        }
    }
}

fn write_one(out: &mut impl Write, input: &str, args: &ParseArgs, options: &ParseOptions) -> anyhow::Result<bool> {
    if args.json {
        let line = verdict(input, options);
        let valid = matches!(line, JsonVerdict::Valid { .. });
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
        Ok(valid)
    } else {
        Ok(write_table(out, input, options)?)
    }
}

pub fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    let options = ParseOptions { separator: args.separator, ..ParseOptions::default() };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut all_valid = true;
    if args.input == "-" {
        let mut reader = std::io::stdin().lock();
        let mut raw = Vec::new();
        loop {
            raw.clear();
            if reader.read_until(b'\n', &mut raw).context("reading standard input")? == 0 {
                break;
            }
            // Only the line ending is removed: a trailing GS or space is part of what the scanner sent.
            if raw.last() == Some(&b'\n') {
                raw.pop();
                if raw.last() == Some(&b'\r') {
                    raw.pop();
                }
            }
            let line = String::from_utf8_lossy(&raw);
            all_valid &= write_one(&mut out, &line, &args, &options)?;
        }
    } else {
        all_valid = write_one(&mut out, &args.input, &args, &options)?;
    }
    out.flush()?;
    Ok(if all_valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

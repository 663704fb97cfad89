//! `serialtrack serials generate`: serials to stdout, one per line, for a line system or a label printer.

use anyhow::{bail, Context};
use serialtrack_shared::ids::Serial;
use serialtrack_shared::serials::{
    find_duplicates, Alphabet, Duplicate, PatternCounter, RandomisedScheme, SerialGenerator, SerialPattern,
};
use std::collections::HashSet;
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// How many serials to write.
    #[arg(long)]
    count: u64,
    /// Randomised serials (EU FMD): the characters to use, in order.
    #[arg(long, default_value = Alphabet::UPPER_ALPHANUMERIC, conflicts_with = "pattern")]
    alphabet: String,
    /// Randomised serials: the length of each serial (1–20).
    #[arg(long, default_value_t = 12, conflicts_with = "pattern")]
    length: u32,
    /// Randomised serials: the product's secret key, 32 hex digits; without it a new key is made and printed
    /// to stderr — keep it to continue the same sequence later.
    #[arg(long, conflicts_with = "pattern")]
    key: Option<String>,
    /// The first counter value: 0 for randomised serials (continue where the last run stopped), 1 for patterns.
    #[arg(long)]
    start: Option<u64>,
    /// Patterned serials instead, e.g. 'CM500-{YYYY}-{NNNN}' (the counter starts again each year).
    #[arg(long)]
    pattern: Option<String>,
    /// The year for a pattern; defaults to the current year.
    #[arg(long, requires = "pattern")]
    year: Option<i32>,
    /// A file of serials already issued (one per line): refuse to write any of them again.
    #[arg(long)]
    existing: Option<PathBuf>,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    if args.count == 0 {
        bail!("--count must be at least 1");
    }
    let serials = match &args.pattern {
        Some(template) => patterned(template, &args)?,
        None => randomised(&args)?,
    };
    if let Some(path) = &args.existing {
        refuse_existing(&serials, path)?;
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    for serial in &serials {
        out.write_all(serial.as_str().as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn randomised(args: &GenerateArgs) -> anyhow::Result<Vec<Serial>> {
    let scheme = RandomisedScheme::new(Alphabet::parse(&args.alphabet)?, args.length)?;
    let start = args.start.unwrap_or(0);
    let end = start.checked_add(args.count).context("--start plus --count is too large")?;
    scheme.check_capacity(u128::from(end))?;
    let key = match &args.key {
        Some(hex) => parse_key(hex)?,
        None => {
            let mut key = [0u8; 16];
            getrandom::fill(&mut key).map_err(|error| anyhow::anyhow!("no randomness for a new key: {error}"))?;
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            eprintln!("serialtrack: new key {hex} — pass --key {hex} --start {end} to continue this sequence");
            key
        }
    };
    let generator = SerialGenerator::new(scheme, key);
    Ok(generator.serials(start..end).collect::<Result<_, _>>()?)
}

fn parse_key(hex: &str) -> anyhow::Result<[u8; 16]> {
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect();
    match bytes {
        Some(bytes) if bytes.len() == 16 => Ok(bytes.try_into().unwrap_or([0; 16])),
        _ => bail!("--key must be 32 hexadecimal digits (16 bytes), e.g. 00112233445566778899aabbccddeeff"),
    }
}

fn patterned(template: &str, args: &GenerateArgs) -> anyhow::Result<Vec<Serial>> {
    let pattern = SerialPattern::parse(template)?;
    let year = match args.year {
        Some(year) => year,
        None => current_year(),
    };
    let mut counter = PatternCounter { year, next: args.start.unwrap_or(1).max(1) };
    Ok(counter.issue(&pattern, year, args.count)?)
}

fn current_year() -> i32 {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    // Days since 1970 to a civil year (proleptic Gregorian), enough precision for a serial's {YYYY}.
    let days = (seconds / 86_400) as i64;
    let era_days = days + 719_468;
    let era = era_days.div_euclid(146_097);
    let day_of_era = era_days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let year = year_of_era + era * 400 + if month_index >= 10 { 1 } else { 0 };
    year as i32
}

fn refuse_existing(serials: &[Serial], path: &PathBuf) -> anyhow::Result<()> {
    let file = std::fs::File::open(path).with_context(|| format!("reading --existing {}", path.display()))?;
    let mut existing = HashSet::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        let line = line.trim();
        if !line.is_empty() {
            existing.insert(line.to_owned());
        }
    }
    let duplicates = find_duplicates(serials, |serial| existing.contains(serial.as_str()));
    if duplicates.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = duplicates
        .iter()
        .take(10)
        .map(|duplicate| match duplicate {
            Duplicate::AlreadyTaken { serial, .. } => format!("{serial} (already issued)"),
            Duplicate::Repeated { serial, .. } => format!("{serial} (repeated)"),
        })
        .collect();
    bail!(
        "{} of the serials would be issued twice: {}{} — nothing was written; use another --start or key",
        duplicates.len(),
        shown.join(", "),
        if duplicates.len() > 10 { ", …" } else { "" }
    )
}

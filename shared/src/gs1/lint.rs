//! Component checks ("linters"): the content rules of AI components beyond their character set and length.
//! Each returns the 0-based offset within the component of the first offending character, and why.

use crate::ids::{gs1_check_digit, is_cset82};

/// A check applied to one component of an AI's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lint {
    /// GS1 mod-10 check digit in the last position.
    CheckDigit,
    /// YYMMDD; DD may be 00 (the end of the month).
    DateDayMayBeZero,
    /// YYMMDD, a real calendar day.
    Date,
    /// YYYYMMDD, a real calendar day.
    LongDate,
    /// YYYYMMDD; DD may be 00.
    LongDateDayMayBeZero,
    /// HHMM.
    HourMinute,
    Hour,
    Minute,
    Second,
    /// An ISO 3166 numeric country code.
    Country,
    /// ISO 3166 numeric, or 999 (unknown).
    CountryOr999,
    /// One to five ISO 3166 numeric codes.
    CountryList,
    /// An ISO 3166 alpha-2 code.
    CountryAlpha2,
    /// An ISO 4217 numeric currency code.
    Currency,
    /// Not all zeros.
    NonZero,
    /// Exactly zero.
    Zero,
    /// No leading zero.
    NoZeroPrefix,
    /// 0, 1 or 9 (face in, face out, undefined).
    Winding,
    /// 0 or 1.
    YesNo,
    /// Piece number then total, each half the length, 0 < piece ≤ total.
    PieceOfTotal,
    /// Digits only (for components declared as CSET 82 that must be numeric).
    Numeric,
    /// Percent-encoding is well formed (`%` followed by two hex digits).
    PercentEncoded,
    /// A hyphen.
    Hyphen,
    /// At least one non-digit.
    HasNonDigit,
    /// ISO 5218 sex code: 0, 1, 2 or 9.
    Sex,
    /// "n/m" position in sequence with one-digit numbers.
    PositionInSequence,
}

impl Lint {
    /// The check a GS1 Syntax Dictionary linter name stands for (`csum`, `yymmd0` …), if we implement it.
    pub fn from_name(name: &str) -> Option<Lint> {
        Some(match name {
            "csum" => Lint::CheckDigit,
            "yymmd0" => Lint::DateDayMayBeZero,
            "yymmdd" => Lint::Date,
            "yyyymmdd" => Lint::LongDate,
            "yyyymmd0" => Lint::LongDateDayMayBeZero,
            "hhmi" => Lint::HourMinute,
            "hh" => Lint::Hour,
            "mi" => Lint::Minute,
            "ss" => Lint::Second,
            "iso3166" => Lint::Country,
            "iso3166999" => Lint::CountryOr999,
            "iso3166list" => Lint::CountryList,
            "iso3166alpha2" => Lint::CountryAlpha2,
            "iso4217" => Lint::Currency,
            "iso5218" => Lint::Sex,
            "nonzero" => Lint::NonZero,
            "zero" => Lint::Zero,
            "nozeroprefix" => Lint::NoZeroPrefix,
            "winding" => Lint::Winding,
            "yesno" => Lint::YesNo,
            "pieceoftotal" => Lint::PieceOfTotal,
            "csetnumeric" => Lint::Numeric,
            "pcenc" => Lint::PercentEncoded,
            "hyphen" => Lint::Hyphen,
            "hasnondigit" => Lint::HasNonDigit,
            "posinseqslash" => Lint::PositionInSequence,
            _ => return None,
        })
    }
}

/// Why a component failed its check: the offset in the component (None for the whole component) and a sentence.
pub type LintFailure = (Option<usize>, String);

pub fn check(lint: Lint, value: &str) -> Result<(), LintFailure> {
    match lint {
        Lint::CheckDigit => check_digit(value),
        Lint::DateDayMayBeZero => date(value, 6, true),
        Lint::Date => date(value, 6, false),
        Lint::LongDate => date(value, 8, false),
        Lint::LongDateDayMayBeZero => date(value, 8, true),
        Lint::HourMinute => {
            digits(value, 4, "an hour and minute (HHMM)")?;
            range(value, 0..2, 23, "hour")?;
            range(value, 2..4, 59, "minute")
        }
        Lint::Hour => digits(value, 2, "an hour (HH)").and_then(|_| range(value, 0..2, 23, "hour")),
        Lint::Minute => digits(value, 2, "a minute (MM)").and_then(|_| range(value, 0..2, 59, "minute")),
        Lint::Second => digits(value, 2, "a second (SS)").and_then(|_| range(value, 0..2, 59, "second")),
        Lint::Country => code_in(value, super::codes::ISO3166_NUMERIC, "an ISO 3166 country code"),
        Lint::CountryOr999 => {
            if value == "999" {
                Ok(())
            } else {
                code_in(value, super::codes::ISO3166_NUMERIC, "an ISO 3166 country code or 999")
            }
        }
        Lint::CountryList => country_list(value),
        Lint::CountryAlpha2 => code_in(value, super::codes::ISO3166_ALPHA2, "an ISO 3166 two-letter country code"),
        Lint::Currency => code_in(value, super::codes::ISO4217_NUMERIC, "an ISO 4217 currency code"),
        Lint::NonZero => {
            all_digits(value)?;
            if value.bytes().all(|b| b == b'0') {
                return Err((None, "this value may not be zero".into()));
            }
            Ok(())
        }
        Lint::Zero => {
            let all_zero = !value.is_empty() && value.bytes().all(|b| b == b'0');
            all_zero.then_some(()).ok_or((Some(0), "this must be 0".into()))
        }
        Lint::NoZeroPrefix => {
            all_digits(value)?;
            if value.len() > 1 && value.starts_with('0') || value == "0" {
                return Err((Some(0), "this number may not start with 0".into()));
            }
            Ok(())
        }
        Lint::Winding => matches!(value, "0" | "1" | "9")
            .then_some(())
            .ok_or((Some(0), "the winding direction must be 0, 1 or 9".into())),
        Lint::YesNo => matches!(value, "0" | "1").then_some(()).ok_or((Some(0), "this flag must be 0 or 1".into())),
        Lint::Sex => matches!(value, "0" | "1" | "2" | "9")
            .then_some(())
            .ok_or((Some(0), "must be 0, 1, 2 or 9 (ISO 5218)".into())),
        Lint::PieceOfTotal => piece_of_total(value),
        Lint::Numeric => all_digits(value),
        Lint::PercentEncoded => percent_encoded(value),
        Lint::Hyphen => {
            let hyphens = !value.is_empty() && value.bytes().all(|b| b == b'-');
            hyphens.then_some(()).ok_or((Some(0), "this must be a hyphen".into()))
        }
        Lint::HasNonDigit => value
            .bytes()
            .any(|b| !b.is_ascii_digit())
            .then_some(())
            .ok_or((None, "this value needs a non-digit".into())),
        Lint::PositionInSequence => position_in_sequence(value),
    }
}

/// "n/m": the n-th of m, both written without leading zeros, 1 ≤ n ≤ m.
fn position_in_sequence(value: &str) -> Result<(), LintFailure> {
    let plain_number = |text: &str| {
        !text.is_empty() && !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit()) && text.len() < 10
    };
    let ok = match value.split_once('/') {
        Some((position, count)) if plain_number(position) && plain_number(count) => {
            position.parse::<u32>().unwrap_or(0) <= count.parse::<u32>().unwrap_or(0)
        }
        _ => false,
    };
    ok.then_some(()).ok_or((None, "a position in a sequence is written n/m with 1 ≤ n ≤ m".into()))
}

fn all_digits(value: &str) -> Result<(), LintFailure> {
    match value.bytes().position(|b| !b.is_ascii_digit()) {
        Some(offset) => Err((Some(offset), "a digit is expected here".into())),
        None => Ok(()),
    }
}

fn digits(value: &str, len: usize, what: &str) -> Result<(), LintFailure> {
    all_digits(value)?;
    if value.len() != len {
        return Err((None, format!("{what} has {len} digits")));
    }
    Ok(())
}

fn number(value: &str, span: std::ops::Range<usize>) -> u32 {
    value[span].bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0'))
}

fn range(value: &str, span: std::ops::Range<usize>, max: u32, what: &str) -> Result<(), LintFailure> {
    if number(value, span.clone()) > max {
        return Err((Some(span.start), format!("the {what} {} is not possible", &value[span])));
    }
    Ok(())
}

fn check_digit(value: &str) -> Result<(), LintFailure> {
    all_digits(value)?;
    if value.is_empty() {
        return Err((None, "a value with a check digit cannot be empty".into()));
    }
    let (data, check) = value.split_at(value.len() - 1);
    let expected = gs1_check_digit(data).unwrap_or(0);
    if check.as_bytes()[0] - b'0' != expected {
        return Err((
            Some(value.len() - 1),
            format!("the check digit should be {expected}, not {check}: check for a mistyped digit"),
        ));
    }
    Ok(())
}

fn date(value: &str, len: usize, day_may_be_zero: bool) -> Result<(), LintFailure> {
    let format = if len == 6 { "YYMMDD" } else { "YYYYMMDD" };
    digits(value, len, &format!("a date ({format})"))?;
    let year_digits = len - 4;
    let year = number(value, 0..year_digits);
    let month = number(value, year_digits..year_digits + 2);
    let day = number(value, year_digits + 2..len);
    if !(1..=12).contains(&month) {
        return Err((Some(year_digits), format!("the month {month:02} does not exist")));
    }
    // Two-digit years are read in GS1's sliding window around today; for leap years only the century of 00
    // matters, and 2000 was a leap year.
    let full_year = if len == 6 { 2000 + year } else { year };
    let leap = full_year % 4 == 0 && (full_year % 100 != 0 || full_year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days || (day == 0 && !day_may_be_zero) {
        return Err((Some(year_digits + 2), format!("the day {day:02} does not exist in month {month:02}")));
    }
    Ok(())
}

fn code_in(value: &str, codes: &[&str], what: &str) -> Result<(), LintFailure> {
    codes.binary_search(&value).map(|_| ()).map_err(|_| (None, format!("'{value}' is not {what}")))
}

fn country_list(value: &str) -> Result<(), LintFailure> {
    all_digits(value)?;
    if value.is_empty() || !value.len().is_multiple_of(3) || value.len() > 15 {
        return Err((None, "a list of countries is 1 to 5 three-digit ISO 3166 codes".into()));
    }
    for start in (0..value.len()).step_by(3) {
        let code = &value[start..start + 3];
        code_in(code, super::codes::ISO3166_NUMERIC, "an ISO 3166 country code").map_err(|(_, m)| (Some(start), m))?;
    }
    Ok(())
}

fn piece_of_total(value: &str) -> Result<(), LintFailure> {
    all_digits(value)?;
    if value.is_empty() || !value.len().is_multiple_of(2) {
        return Err((None, "piece and total must have the same number of digits".into()));
    }
    let half = value.len() / 2;
    let (piece, total) = (number(value, 0..half), number(value, half..value.len()));
    if piece == 0 {
        return Err((Some(0), "the piece number cannot be 0".into()));
    }
    if total == 0 {
        return Err((Some(half), "the total number of pieces cannot be 0".into()));
    }
    if piece > total {
        return Err((Some(0), format!("piece {piece} cannot exceed the total of {total}")));
    }
    Ok(())
}

fn percent_encoded(value: &str) -> Result<(), LintFailure> {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(|b| b.is_ascii_hexdigit());
            if !(hex(i + 1) && hex(i + 2)) {
                return Err((Some(i), "'%' must be followed by two hexadecimal digits".into()));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// True for the 39 characters of GS1 CSET 39.
pub fn is_cset39(c: char) -> bool {
    matches!(c, '#' | '-' | '/' | '0'..='9' | 'A'..='Z')
}

/// True for the 64 characters of GS1 CSET 64 (base64url); `=` is padding, allowed only at the end.
pub fn is_cset64(c: char) -> bool {
    matches!(c, '-' | '0'..='9' | 'A'..='Z' | '_' | 'a'..='z')
}

pub fn is_cset82_char(c: char) -> bool {
    is_cset82(c)
}

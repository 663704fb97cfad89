//! Checks one AI's value against its definition: components, character sets, lengths and content rules.

use super::ai::{AiDefinition, Charset};
use super::error::{Gs1Error, Gs1Rule};
use super::lint::{self, Lint};

/// Validates `value` of `definition`; `offset` is the value's character index in the input, for errors.
pub fn validate(definition: &AiDefinition, value: &str, offset: usize) -> Result<(), Gs1Error> {
    let ai = &definition.ai;
    if value.is_empty() {
        return Err(Gs1Error::at(
            Gs1Rule::TooShort,
            offset,
            format!("AI ({ai}) has no value: give its data after the AI"),
        ));
    }
    let bytes = value.as_bytes();
    let mut position = 0;
    for component in &definition.components {
        let remaining = bytes.len() - position;
        if remaining == 0 && component.optional {
            break;
        }
        if remaining < component.min {
            return Err(too_short(definition, offset + bytes.len()));
        }
        let take = if component.min == component.max { component.min } else { remaining.min(component.max) };
        let part = &value[position..position + take];
        if let Some(bad) = part.chars().position(|c| !in_charset(component.charset, c)) {
            let found = part[bad..].chars().next().unwrap_or(' ');
            return Err(Gs1Error::at(
                Gs1Rule::InvalidCharacter,
                offset + position + bad,
                format!("AI ({ai}) may not contain '{}' here: {}", printable(found), charset_words(component.charset)),
            ));
        }
        if component.charset == Charset::Cset64 {
            check_padding(ai, part, offset + position)?;
        }
        for lint in &component.lints {
            lint::check(*lint, part).map_err(|(at, why)| {
                let rule = match lint {
                    Lint::CheckDigit => Gs1Rule::CheckDigit,
                    Lint::Date | Lint::DateDayMayBeZero | Lint::LongDate | Lint::LongDateDayMayBeZero => {
                        Gs1Rule::InvalidDate
                    }
                    Lint::HourMinute | Lint::Hour | Lint::Minute | Lint::Second => Gs1Rule::InvalidDate,
                    _ => Gs1Rule::InvalidContent,
                };
                Gs1Error::at(rule, offset + position + at.unwrap_or(0), format!("AI ({ai}): {why}"))
            })?;
        }
        position += take;
    }
    if position < bytes.len() {
        return Err(Gs1Error::at(
            Gs1Rule::TooLong,
            offset + position,
            format!("AI ({ai}) is too long: it takes at most {} characters", definition.max_len()),
        ));
    }
    Ok(())
}

fn too_short(definition: &AiDefinition, at: usize) -> Gs1Error {
    let ai = &definition.ai;
    let expected = if definition.is_fixed_length() {
        format!("exactly {}", definition.max_len())
    } else {
        format!("{} to {}", definition.min_len(), definition.max_len())
    };
    Gs1Error::at(Gs1Rule::TooShort, at, format!("AI ({ai}) is too short: it takes {expected} characters"))
}

/// Whether every character of `value` is in `charset` (with CSET 64's padding rule).
pub fn fits_charset(charset: Charset, value: &str) -> bool {
    value.chars().all(|c| in_charset(charset, c)) && (charset != Charset::Cset64 || check_padding("", value, 0).is_ok())
}

fn in_charset(charset: Charset, c: char) -> bool {
    match charset {
        Charset::Numeric => c.is_ascii_digit(),
        Charset::Cset82 => lint::is_cset82_char(c),
        Charset::Cset39 => lint::is_cset39(c),
        Charset::Cset64 => lint::is_cset64(c) || c == '=',
    }
}

/// Base64url padding: `=` only at the end, at most two, as GS1's CSET 64 check allows it.
fn check_padding(ai: &str, part: &str, offset: usize) -> Result<(), Gs1Error> {
    let Some(first_pad) = part.find('=') else { return Ok(()) };
    let pads = part.len() - first_pad;
    let well_formed = first_pad > 0 && part[first_pad..].bytes().all(|b| b == b'=') && pads <= 2 && part.len() % 4 == 3;
    if well_formed {
        Ok(())
    } else {
        Err(Gs1Error::at(Gs1Rule::InvalidCharacter, offset + first_pad, format!("AI ({ai}): '=' may only pad the end")))
    }
}

fn charset_words(charset: Charset) -> &'static str {
    match charset {
        Charset::Numeric => "only digits are allowed",
        Charset::Cset82 => "only letters, digits and !\"%&'()*+,-./:;<=>?_ are allowed (GS1 CSET 82)",
        Charset::Cset39 => "only capital letters, digits and # - / are allowed (GS1 CSET 39)",
        Charset::Cset64 => "only letters, digits, - and _ are allowed (base64url)",
    }
}

/// Control characters (a scanner's GS, a tab) are named, not printed.
pub fn printable(c: char) -> String {
    match c {
        '\u{1d}' => "GS (ASCII 29)".into(),
        c if c.is_control() => format!("control character {}", c as u32),
        c => c.to_string(),
    }
}

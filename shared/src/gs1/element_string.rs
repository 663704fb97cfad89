//! Element strings as scanners send them (AIs and values run together, variable-length fields ended by GS)
//! and the bracketed form people type, `(01)09506000134352(21)ABC`.

use super::ai::{self, AiDefinition};
use super::error::{Gs1Error, Gs1Rule};
use super::value::{self, printable};
use super::{Element, ParseOptions};

const GS: u8 = 0x1d;

/// Parses an element string starting at byte `start` of `input` (ASCII already checked).
pub fn parse_raw(input: &str, start: usize, options: &ParseOptions) -> Result<Vec<Element>, Gs1Error> {
    let bytes = input.as_bytes();
    let stand_in = options.separator.filter(char::is_ascii).map(|c| c as u8);
    let is_separator = |b: u8| b == GS || Some(b) == stand_in;
    let mut elements = Vec::with_capacity(4);
    let mut position = start;
    // FNC1 in first position is how GS1 data announces itself; a scanner may pass it on as a separator.
    while position < bytes.len() && is_separator(bytes[position]) {
        position += 1;
    }
    if position >= bytes.len() {
        return Err(Gs1Error::at(Gs1Rule::Empty, start, "there is no GS1 data after the prefix: scan the code again"));
    }
    while position < bytes.len() {
        let definition = ai::lookup_prefix(&bytes[position..]).ok_or_else(|| unknown_ai(input, position))?;
        let value_start = position + definition.ai.len();
        let value_end = if definition.predefined_length {
            let fixed_end = (value_start + definition.max_len()).min(bytes.len());
            match bytes[value_start..fixed_end].iter().position(|b| is_separator(*b)) {
                Some(separator) => value_start + separator,
                None => fixed_end,
            }
        } else {
            bytes[value_start..].iter().position(|b| is_separator(*b)).map_or(bytes.len(), |p| value_start + p)
        };
        let value = &input[value_start..value_end];
        check_not_separator_like(definition, value, value_start)?;
        value::validate(definition, value, value_start)?;
        elements.push(Element { ai: definition.ai.clone(), value: value.to_owned() });
        position = value_end;
        if position < bytes.len() && is_separator(bytes[position]) {
            position += 1;
        }
    }
    Ok(elements)
}

fn unknown_ai(input: &str, position: usize) -> Gs1Error {
    let shown: String = input[position..].chars().take(4).map(printable).collect();
    Gs1Error::at(
        Gs1Rule::UnknownAi,
        position,
        format!("no GS1 Application Identifier starts with '{shown}': check the code, or the scanner's GS setting"),
    )
}

/// A `^` in data is the GS1 engines' notation for FNC1, never data: say so plainly.
fn check_not_separator_like(definition: &AiDefinition, value: &str, offset: usize) -> Result<(), Gs1Error> {
    match value.find('^') {
        Some(at) => Err(Gs1Error::at(
            Gs1Rule::InvalidCharacter,
            offset + at,
            format!("AI ({}) contains '^': if your scanner sends ^ for GS, set the separator to ^", definition.ai),
        )),
        None => Ok(()),
    }
}

/// Parses `(01)09506000134352(21)ABC`; `\(` stands for a literal parenthesis inside a value.
pub fn parse_bracketed(input: &str, options: &ParseOptions) -> Result<Vec<Element>, Gs1Error> {
    let bytes = input.as_bytes();
    let mut elements = Vec::with_capacity(4);
    let mut position = 0;
    while position < bytes.len() {
        if bytes[position] != b'(' {
            return Err(Gs1Error::at(Gs1Rule::Syntax, position, "expected '(' to start an AI, as in (01)"));
        }
        let close = bytes[position..]
            .iter()
            .position(|b| *b == b')')
            .map(|p| position + p)
            .ok_or_else(|| Gs1Error::at(Gs1Rule::Syntax, position, "this '(' has no closing ')'"))?;
        let ai_text = &input[position + 1..close];
        let known = ai::lookup(ai_text);
        let plausible = (2..=4).contains(&ai_text.len()) && ai_text.bytes().all(|b| b.is_ascii_digit());
        if known.is_none() && !(options.permit_unknown_ais && plausible) {
            return Err(Gs1Error::at(
                Gs1Rule::UnknownAi,
                position + 1,
                format!("({ai_text}) is not a GS1 Application Identifier we know: check the digits"),
            ));
        }
        let value_start = close + 1;
        let mut value = String::new();
        let mut cursor = value_start;
        while cursor < bytes.len() && bytes[cursor] != b'(' {
            if bytes[cursor] == b'\\' && bytes.get(cursor + 1) == Some(&b'(') {
                value.push('(');
                cursor += 2;
            } else {
                value.push(char::from(bytes[cursor]));
                cursor += 1;
            }
        }
        if value.is_empty() {
            return Err(Gs1Error::at(Gs1Rule::TooShort, value_start, format!("({ai_text}) has no value after it")));
        }
        match known {
            Some(definition) => {
                check_not_separator_like(definition, &value, value_start)?;
                value::validate(definition, &value, value_start)?;
            }
            None => unknown_value(ai_text, &value, value_start)?,
        }
        elements.push(Element { ai: ai_text.to_owned(), value });
        position = cursor;
    }
    if elements.is_empty() {
        return Err(Gs1Error::at(Gs1Rule::Empty, 0, "nothing to parse"));
    }
    Ok(elements)
}

/// An AI outside the table (allowed only when asked for): any 1–90 CSET 82 characters.
pub fn unknown_value(ai: &str, value: &str, offset: usize) -> Result<(), Gs1Error> {
    if let Some(bad) = value.chars().position(|c| !crate::ids::is_cset82(c)) {
        return Err(Gs1Error::at(Gs1Rule::InvalidCharacter, offset + bad, format!("AI ({ai}) may hold only CSET 82")));
    }
    if value.len() > 90 {
        return Err(Gs1Error::at(Gs1Rule::TooLong, offset + 90, format!("AI ({ai}) is too long")));
    }
    Ok(())
}

//! GS1 Digital Link URIs: `https://{domain}/{any stem}/01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD`.
//!
//! Policy on short GTINs: GS1 writes GTINs in Digital Link URIs as 14 digits. A GTIN-8/12/13 in the path is
//! refused unless `ParseOptions::permit_zero_suppressed_gtin` is set, as GS1's own syntax engine does by default.

use super::ai::{self, AiDefinition};
use super::element_string::unknown_value;
use super::error::{Gs1Error, Gs1Rule};
use super::{value, Element, ParseOptions};

pub fn is_digital_link(input: &str) -> bool {
    ["http://", "HTTP://", "https://", "HTTPS://"].iter().any(|scheme| input.starts_with(scheme))
}

fn dl_error(position: usize, message: impl Into<String>) -> Gs1Error {
    Gs1Error::at(Gs1Rule::DigitalLink, position, message)
}

pub fn parse(input: &str, options: &ParseOptions) -> Result<Vec<Element>, Gs1Error> {
    let scheme_end = input.find("://").map_or(0, |i| i + 3);
    let forbidden = |b: u8| {
        matches!(b, b' ' | b'<' | b'>' | b'{' | b'}' | b'\\' | b'^' | b'`' | b'"' | b'|') || !b.is_ascii_graphic()
    };
    if let Some(bad) = input.bytes().position(forbidden) {
        return Err(dl_error(bad, "this link contains a character a URI may not hold: check the scan"));
    }
    let without_fragment = input.split('#').next().unwrap_or(input);
    let (before_query, query) = match without_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (without_fragment, None),
    };
    let rest = &before_query[scheme_end..];
    let Some(slash) = rest.find('/') else {
        return Err(dl_error(scheme_end, "a Digital Link needs a domain and a path, e.g. https://id.gs1.org/01/…"));
    };
    let domain = &rest[..slash];
    if domain.is_empty() {
        return Err(dl_error(scheme_end, "a Digital Link needs a domain, e.g. https://id.gs1.org/01/…"));
    }
    if let Some(bad) = domain.find(|c: char| !(c.is_ascii_alphanumeric() || "-.:[]".contains(c))) {
        return Err(dl_error(scheme_end + bad, "the link's domain contains a character a domain may not hold"));
    }
    let path_start = scheme_end + slash;
    let segments: Vec<(usize, &str)> = split_with_offsets(&before_query[path_start + 1..], '/', path_start + 1);
    let (key_index, key) = find_key(&segments)?;
    let mut elements = Vec::with_capacity(4);
    for pair in segments[key_index..].chunks(2) {
        let (ai_offset, ai_text) = pair[0];
        let (value_offset, raw) = pair[1];
        let definition = ai::lookup(ai_text).ok_or_else(|| dl_error(ai_offset, "unknown AI in the link's path"))?;
        if raw.is_empty() {
            return Err(dl_error(value_offset, format!("AI ({ai_text}) has an empty value in the link's path")));
        }
        let decoded = percent_decode(raw, false, value_offset, ai_text)?;
        let decoded = pad_gtin(definition, decoded, options);
        value::validate(definition, &decoded, value_offset)?;
        elements.push(Element { ai: ai_text.to_owned(), value: decoded });
    }
    let path_len = elements.len();
    if let Some(query) = query {
        let query_offset = input.find('?').map_or(0, |i| i + 1);
        for (offset, parameter) in split_with_offsets(query, '&', query_offset) {
            let Some((name, raw)) = parameter.split_once('=') else { continue };
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) {
                // Other query parameters (linkType, context …) belong to the resolver, not to GS1 data.
                continue;
            }
            let value_offset = offset + name.len() + 1;
            if raw.is_empty() {
                return Err(dl_error(value_offset, format!("AI ({name}) has an empty value in the link's query")));
            }
            let decoded = percent_decode(raw, true, value_offset, name)?;
            match ai::lookup(name) {
                Some(definition) => {
                    check_attribute(definition, key, &elements[..path_len], offset, options)?;
                    let decoded = pad_gtin(definition, decoded, options);
                    value::validate(definition, &decoded, value_offset)?;
                    if elements.iter().any(|e| e.ai == name) {
                        return Err(dl_error(offset, format!("AI ({name}) appears twice in the link")));
                    }
                    elements.push(Element { ai: name.to_owned(), value: decoded });
                }
                None if options.permit_unknown_ais && (2..=4).contains(&name.len()) => {
                    if !options.permit_unknown_ai_attributes {
                        return Err(dl_error(offset, format!("AI ({name}) cannot be a Digital Link attribute")));
                    }
                    unknown_value(name, &decoded, value_offset)?;
                    elements.push(Element { ai: name.to_owned(), value: decoded });
                }
                None => return Err(dl_error(offset, format!("({name}) in the link's query is not a known GS1 AI"))),
            }
        }
    }
    Ok(elements)
}

fn split_with_offsets(text: &str, separator: char, base: usize) -> Vec<(usize, &str)> {
    let mut offset = base;
    text.split(separator)
        .map(|part| {
            let item = (offset, part);
            offset += part.len() + 1;
            item
        })
        .collect()
}

/// The primary key and its qualifiers must end the path; anything before them is the resolver's own stem.
fn find_key(segments: &[(usize, &str)]) -> Result<(usize, &'static AiDefinition), Gs1Error> {
    let position = segments.first().map_or(0, |s| s.0);
    let no_key = || dl_error(position, "no GS1 key (such as /01/ followed by a GTIN) ends the link's path");
    if segments.len() < 2 || segments.len() % 2 == 1 && segments.len() < 3 {
        return Err(no_key());
    }
    let mut best = None;
    let mut start = segments.len();
    while start >= 2 {
        start -= 2;
        let ai_text = segments[start].1;
        let Some(definition) = ai::lookup(ai_text) else { break };
        let is_path_ai = definition.dl_key.is_some() || definition.dl_qualifier;
        if !is_path_ai || segments[start + 1].1.is_empty() && start + 2 == segments.len() {
            break;
        }
        if let Some(alternatives) = &definition.dl_key {
            let qualifiers: Vec<&str> = segments[start + 2..].iter().step_by(2).map(|s| s.1).collect();
            if follows_alternatives(alternatives, &qualifiers) {
                best = Some((start, definition));
            }
        }
    }
    match best {
        Some(found) => Ok(found),
        None if segments.len() >= 2
            && ai::lookup(segments[segments.len() - 2].1).is_some_and(|d| d.dl_key.is_some() || d.dl_qualifier) =>
        {
            Err(dl_error(position, "the AIs in the link's path are not a key followed by its qualifiers in order"))
        }
        None => Err(no_key()),
    }
}

/// Qualifiers must follow one alternative's order, each at most once.
fn follows_alternatives(alternatives: &[Vec<String>], qualifiers: &[&str]) -> bool {
    if qualifiers.is_empty() {
        return true;
    }
    alternatives.iter().any(|sequence| {
        let mut next = 0;
        qualifiers.iter().all(|q| match sequence[next..].iter().position(|s| s == q) {
            Some(found) => {
                next += found + 1;
                true
            }
            None => false,
        })
    })
}

/// A query AI must be a data attribute, and not one that belongs in the path as a qualifier of the key.
fn check_attribute(
    definition: &AiDefinition,
    key: &AiDefinition,
    path: &[Element],
    offset: usize,
    options: &ParseOptions,
) -> Result<(), Gs1Error> {
    let name = &definition.ai;
    if path.iter().any(|element| &element.ai == name) {
        return Err(dl_error(offset, format!("AI ({name}) appears twice in the link")));
    }
    let alternatives = key.dl_key.as_deref().unwrap_or(&[]);
    let could_be_in_path = alternatives
        .iter()
        .any(|sequence| sequence.contains(name) && path[1..].iter().all(|qualifier| sequence.contains(&qualifier.ai)));
    if could_be_in_path {
        return Err(dl_error(offset, format!("AI ({name}) belongs in the link's path, not its query")));
    }
    if !definition.dl_attribute && !options.permit_unknown_ai_attributes {
        return Err(dl_error(offset, format!("AI ({name}) cannot be a Digital Link attribute")));
    }
    Ok(())
}

/// Short GTINs are padded to 14 digits only when the caller allows zero-suppressed GTINs.
fn pad_gtin(definition: &AiDefinition, value: String, options: &ParseOptions) -> String {
    let short_gtin = matches!(value.len(), 8 | 12 | 13) && value.bytes().all(|b| b.is_ascii_digit());
    if definition.ai == "01" && options.permit_zero_suppressed_gtin && short_gtin {
        format!("{value:0>14}")
    } else {
        value
    }
}

fn percent_decode(raw: &str, in_query: bool, offset: usize, ai_text: &str) -> Result<String, Gs1Error> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = raw.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
                let byte =
                    hex.ok_or_else(|| dl_error(offset + i, "a '%' must be followed by two hexadecimal digits"))?;
                if byte == 0 {
                    return Err(dl_error(offset + i, format!("AI ({ai_text}) contains an encoded NUL character")));
                }
                out.push(byte);
                i += 3;
            }
            // In a query string a '+' means a space (HTML form encoding); in a path it is a '+'.
            b'+' if in_query => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| dl_error(offset, format!("AI ({ai_text}) is not valid text once decoded")))
}

/// The Digital Link for `elements` under `base` (e.g. `https://id.gs1.org`).
pub fn generate(elements: &[Element], base: &str, options: &ParseOptions) -> Result<String, Gs1Error> {
    let base = base.trim_end_matches('/');
    let (key_index, key) = elements
        .iter()
        .enumerate()
        .find_map(|(i, e)| ai::lookup(&e.ai).filter(|d| d.dl_key.is_some()).map(|d| (i, d)))
        .ok_or_else(|| {
            Gs1Error::whole(Gs1Rule::DigitalLink, "a Digital Link needs a primary key such as a GTIN (01)")
        })?;
    let alternatives = key.dl_key.clone().unwrap_or_default();
    let present = |ai: &str| elements.iter().any(|e| e.ai == ai);
    let sequence =
        alternatives.iter().find(|sequence| sequence.iter().any(|q| present(q))).cloned().unwrap_or_default();
    let mut uri = format!("{base}/{}/{}", key.ai, percent_encode(&elements[key_index].value));
    let mut used: Vec<&str> = vec![&key.ai];
    for qualifier in &sequence {
        if let Some(element) = elements.iter().find(|e| &e.ai == qualifier) {
            uri.push_str(&format!("/{}/{}", element.ai, percent_encode(&element.value)));
            used.push(&element.ai);
        }
    }
    let mut attributes: Vec<&Element> = Vec::new();
    for element in elements {
        if used.contains(&element.ai.as_str()) || attributes.iter().any(|a| a.ai == element.ai) {
            continue;
        }
        let allowed = match ai::lookup(&element.ai) {
            Some(definition) => definition.dl_attribute,
            None => options.permit_unknown_ai_attributes,
        };
        if !allowed {
            return Err(Gs1Error::whole(
                Gs1Rule::DigitalLink,
                format!("AI ({}) cannot be carried in a Digital Link", element.ai),
            ));
        }
        attributes.push(element);
    }
    // Attributes of pre-defined length first, as GS1's own generator orders them; otherwise input order.
    attributes.sort_by_key(|element| ai::predefined_length(&element.ai).is_none());
    for (index, element) in attributes.iter().enumerate() {
        uri.push(if index == 0 { '?' } else { '&' });
        uri.push_str(&format!("{}={}", element.ai, percent_encode(&element.value)));
    }
    Ok(uri)
}

/// Keeps URI unreserved characters; encodes the rest (CSET 82 allows `/ % ? & +` …, a URI does not).
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

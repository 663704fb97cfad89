//! The characters a randomised serial is written in.

use super::SerialError;
use crate::ids::is_cset82;

/// 2 to 82 distinct CSET 82 characters, in a fixed order (the order is part of the scheme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alphabet {
    symbols: Vec<u8>,
}

impl Alphabet {
    pub const DIGITS: &'static str = "0123456789";
    /// Upper-case letters and digits without the look-alikes I, O (read as 1 and 0 on worn labels).
    pub const UPPER_ALPHANUMERIC: &'static str = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    pub fn parse(text: &str) -> Result<Self, SerialError> {
        let bad = |detail: String| SerialError::BadAlphabet { detail };
        if let Some((position, c)) = text.chars().enumerate().find(|(_, c)| !is_cset82(*c)) {
            return Err(bad(format!("character {position} ('{c}') is not in CSET 82")));
        }
        let symbols = text.as_bytes().to_vec();
        if let Some(position) = (1..symbols.len()).find(|&i| symbols[..i].contains(&symbols[i])) {
            return Err(bad(format!("'{}' appears twice", char::from(symbols[position]))));
        }
        if !(2..=82).contains(&symbols.len()) {
            return Err(bad(format!("this one has {}", symbols.len())));
        }
        Ok(Self { symbols })
    }

    pub fn len(&self) -> u32 {
        self.symbols.len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }

    pub fn as_str(&self) -> &str {
        // Only CSET 82 (ASCII) bytes are ever stored.
        std::str::from_utf8(&self.symbols).unwrap_or_default()
    }

    pub(super) fn symbol(&self, digit: u64) -> u8 {
        self.symbols[digit as usize]
    }
}

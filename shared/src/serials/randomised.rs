//! Randomised serials (EU FMD): a keyed permutation of a per-product counter, written in an alphabet.
//! Serials are unique because the permutation is a bijection; nothing has to be stored to avoid repeats.

use super::feistel::Permutation;
use super::{Alphabet, SerialError};
use crate::ids::Serial;
use std::ops::Range;

/// FMD: the chance of guessing a valid serial must stay below 1 in 10,000.
pub const GUESS_FACTOR: u128 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RandomisedScheme {
    alphabet: Alphabet,
    length: u32,
}

impl RandomisedScheme {
    pub fn new(alphabet: Alphabet, length: u32) -> Result<Self, SerialError> {
        if !(1..=20).contains(&length) {
            return Err(SerialError::BadLength { length });
        }
        Ok(Self { alphabet, length })
    }

    pub fn alphabet(&self) -> &Alphabet {
        &self.alphabet
    }

    pub fn length(&self) -> u32 {
        self.length
    }

    /// How many serials the scheme can write: alphabet^length (82^20 still fits a u128).
    pub fn space(&self) -> u128 {
        u128::from(self.alphabet.len()).saturating_pow(self.length)
    }

    /// Refuses when issuing `total_issued` serials would leave the space under 10,000 × that number.
    pub fn check_capacity(&self, total_issued: u128) -> Result<(), SerialError> {
        let needed = total_issued.saturating_mul(GUESS_FACTOR);
        if self.space() < needed {
            return Err(SerialError::SpaceTooSmall {
                space: self.space().to_string(),
                needed: needed.to_string(),
                requested: total_issued.to_string(),
            });
        }
        Ok(())
    }

    /// How many counter values may ever be used under the FMD rule: space / 10,000.
    pub fn counter_capacity(&self) -> u64 {
        u64::try_from(self.space() / GUESS_FACTOR).unwrap_or(u64::MAX)
    }
}

/// Writes the serial for any counter value of one product, under that product's secret key.
#[derive(Debug, Clone)]
pub struct SerialGenerator {
    scheme: RandomisedScheme,
    permutation: Permutation,
    /// alphabet^k for the largest k that fits a u64: serials are written in u64 chunks, not with u128 division.
    chunk: (u64, u32),
}

impl SerialGenerator {
    pub fn new(scheme: RandomisedScheme, key: [u8; 16]) -> Self {
        let base = u64::from(scheme.alphabet.len());
        let mut chunk = (1u64, 0u32);
        while let Some(next) = chunk.0.checked_mul(base) {
            chunk = (next, chunk.1 + 1);
        }
        Self { permutation: Permutation::new(scheme.space(), key), scheme, chunk }
    }

    pub fn scheme(&self) -> &RandomisedScheme {
        &self.scheme
    }

    /// The serial for `counter`; distinct counters always give distinct serials.
    pub fn serial_at(&self, counter: u64) -> Result<Serial, SerialError> {
        let space = self.scheme.space();
        if u128::from(counter) >= space {
            return Err(SerialError::CounterOutOfRange { counter, space: space.to_string() });
        }
        let text = self.write(self.permutation.apply(u128::from(counter)));
        Ok(Serial::parse(&text).expect("an alphabet of CSET 82 characters and a length of 1–20 make a valid serial"))
    }

    /// The serials for a range of counter values, in counter order.
    pub fn serials(&self, counters: Range<u64>) -> impl Iterator<Item = Result<Serial, SerialError>> + '_ {
        counters.map(move |counter| self.serial_at(counter))
    }

    /// `value` in base |alphabet|, left-padded to the scheme's length.
    fn write(&self, mut value: u128) -> String {
        let base = u64::from(self.scheme.alphabet.len());
        let length = self.scheme.length as usize;
        let mut out = vec![self.scheme.alphabet.symbol(0); length];
        let mut position = length;
        while position > 0 {
            let (chunk_size, chunk_digits) = self.chunk;
            let mut low = (value % u128::from(chunk_size)) as u64;
            value /= u128::from(chunk_size);
            for _ in 0..chunk_digits {
                if position == 0 {
                    break;
                }
                position -= 1;
                out[position] = self.scheme.alphabet.symbol(low % base);
                low /= base;
            }
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(alphabet: &str, length: u32) -> RandomisedScheme {
        RandomisedScheme::new(Alphabet::parse(alphabet).unwrap(), length).unwrap()
    }

    #[test]
    fn given_a_scheme_when_serials_are_requested_then_the_fmd_rule_decides() {
        // (alphabet, length, serials requested, allowed?)
        let cases = [
            (Alphabet::DIGITS, 8, 10_000, true),
            (Alphabet::DIGITS, 8, 10_001, false),
            (Alphabet::DIGITS, 12, 100_000_000, true),
            (Alphabet::UPPER_ALPHANUMERIC, 20, 1_000_000_000_000, true),
            (Alphabet::UPPER_ALPHANUMERIC, 4, 200, false),
        ];
        for (alphabet, length, requested, allowed) in cases {
            let outcome = scheme(alphabet, length).check_capacity(requested);
            assert_eq!(outcome.is_ok(), allowed, "{alphabet} × {length} for {requested}: {outcome:?}");
        }
    }

    #[test]
    fn a_length_outside_one_to_twenty_is_refused() {
        let digits = Alphabet::parse(Alphabet::DIGITS).unwrap();
        assert_eq!(RandomisedScheme::new(digits.clone(), 0), Err(SerialError::BadLength { length: 0 }));
        assert_eq!(RandomisedScheme::new(digits, 21), Err(SerialError::BadLength { length: 21 }));
    }

    #[test]
    fn serials_have_the_scheme_length_and_alphabet() {
        let generator = SerialGenerator::new(scheme(Alphabet::UPPER_ALPHANUMERIC, 20), [9; 16]);
        for serial in generator.serials(0..500) {
            let serial = serial.unwrap();
            assert_eq!(serial.as_str().len(), 20);
            assert!(serial.as_str().chars().all(|c| Alphabet::UPPER_ALPHANUMERIC.contains(c)), "{serial}");
        }
    }

    #[test]
    fn the_whole_space_of_a_tiny_scheme_is_covered_exactly_once() {
        let generator = SerialGenerator::new(scheme("ab3", 4), [3; 16]);
        let mut serials: Vec<String> =
            generator.serials(0..81).map(|serial| serial.unwrap().as_str().to_owned()).collect();
        serials.sort();
        serials.dedup();
        assert_eq!(serials.len(), 81);
        assert!(generator.serial_at(81).is_err());
    }
}

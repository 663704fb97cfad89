//! Duplicate checks for imported or requested serials: against the serials already in the pool, and within the
//! list itself, so an import is judged as a whole and every problem is reported at once.

use crate::ids::Serial;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Duplicate {
    /// The serial at `position` is already in the pool.
    AlreadyTaken { position: usize, serial: Serial },
    /// The serial at `position` repeats the one at `first_position` in the same list.
    Repeated { position: usize, first_position: usize, serial: Serial },
}

pub fn find_duplicates(candidates: &[Serial], is_taken: impl Fn(&Serial) -> bool) -> Vec<Duplicate> {
    let mut first_seen: HashMap<&Serial, usize> = HashMap::with_capacity(candidates.len());
    let mut duplicates = Vec::new();
    for (position, serial) in candidates.iter().enumerate() {
        if let Some(&first_position) = first_seen.get(serial) {
            duplicates.push(Duplicate::Repeated { position, first_position, serial: serial.clone() });
            continue;
        }
        first_seen.insert(serial, position);
        if is_taken(serial) {
            duplicates.push(Duplicate::AlreadyTaken { position, serial: serial.clone() });
        }
    }
    duplicates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_and_taken_serials_are_all_reported_with_positions() {
        let serials: Vec<Serial> = ["A1", "B2", "A1", "C3"].iter().map(|s| Serial::parse(s).unwrap()).collect();
        let taken = |serial: &Serial| serial.as_str() == "C3";
        let found = find_duplicates(&serials, taken);
        assert_eq!(
            found,
            vec![
                Duplicate::Repeated { position: 2, first_position: 0, serial: serials[0].clone() },
                Duplicate::AlreadyTaken { position: 3, serial: serials[3].clone() },
            ]
        );
        assert!(find_duplicates(&serials[..2], |_| false).is_empty());
    }
}

//! The GS1 mod-10 check digit shared by GTIN, GLN and SSCC.

/// The check digit for a string of data digits (without the check digit): weights 3,1,3,1,… from the
/// rightmost digit leftwards; check = (10 − sum mod 10) mod 10. `None` if a character is not a digit.
pub fn gs1_check_digit(data_digits: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (index_from_right, byte) in data_digits.bytes().rev().enumerate() {
        if !byte.is_ascii_digit() {
            return None;
        }
        let weight = if index_from_right % 2 == 0 { 3 } else { 1 };
        sum += u32::from(byte - b'0') * weight;
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// True when the last digit of `digits` is the GS1 check digit of the others.
pub fn has_valid_check_digit(digits: &str) -> bool {
    let Some((data, check)) = digits.len().checked_sub(1).map(|n| digits.split_at(n)) else {
        return false;
    };
    match (gs1_check_digit(data), check.bytes().next()) {
        (Some(expected), Some(actual)) if actual.is_ascii_digit() => expected == actual - b'0',
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_gtins_have_the_published_check_digit() {
        // (data digits, check digit) from GS1 examples.
        let cases = [("0950600013435", 2), ("9520123456788", 0), ("1234567890123", 1), ("", 0)];
        for (data, check) in cases {
            assert_eq!(gs1_check_digit(data), Some(check), "data {data}");
        }
    }

    #[test]
    fn a_wrong_or_missing_check_digit_is_refused() {
        assert!(has_valid_check_digit("09506000134352"));
        assert!(!has_valid_check_digit("09506000134353"));
        assert!(!has_valid_check_digit(""));
        assert!(!has_valid_check_digit("0950600013435X"));
    }
}

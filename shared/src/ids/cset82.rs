//! GS1 character set 82: the characters allowed in serials, lots and most alphanumeric AIs.

/// True for the 82 characters of CSET 82: `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
pub const fn is_cset82(c: char) -> bool {
    matches!(c,
        '!' | '"' | '%' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | '-' | '.' | '/'
        | '0'..='9' | ':' | ';' | '<' | '=' | '>' | '?' | 'A'..='Z' | '_' | 'a'..='z')
}

/// The character index and character of the first character outside CSET 82, if any.
pub fn first_non_cset82(text: &str) -> Option<(usize, char)> {
    text.chars().enumerate().find(|(_, c)| !is_cset82(*c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cset82_has_exactly_82_characters() {
        let count = (0u8..=127).filter(|b| is_cset82(char::from(*b))).count();
        assert_eq!(count, 82);
    }

    #[test]
    fn forbidden_characters_are_reported_with_their_index() {
        for forbidden in [' ', '#', '$', '@', '[', '\\', ']', '^', '`', '{', '|', '}', '~', 'é'] {
            let text = format!("AB{forbidden}C");
            assert_eq!(first_non_cset82(&text), Some((2, forbidden)));
        }
        assert_eq!(first_non_cset82("AZaz09!\"%&'()*+,-./:;<=>?_"), None);
    }
}

//! Elements back to text: the bracketed form people read, and the element string a scanner sends.

use super::ai;
use super::Element;

/// `(01)09506000134352(21)ABC`; a `(` inside a value is written `\(` so the text parses back the same.
pub fn to_bracketed(elements: &[Element]) -> String {
    let mut out = String::new();
    for element in elements {
        out.push('(');
        out.push_str(&element.ai);
        out.push(')');
        out.push_str(&element.value.replace('(', "\\("));
    }
    out
}

/// The element string a scanner sends (without a symbology identifier): a `separator` (GS, ASCII 29, unless the
/// scanner uses a stand-in) after every field whose length is not pre-defined, except the last.
pub fn to_element_string(elements: &[Element], separator: char) -> String {
    let mut out = String::new();
    for (index, element) in elements.iter().enumerate() {
        out.push_str(&element.ai);
        out.push_str(&element.value);
        let last = index + 1 == elements.len();
        if !last && ai::predefined_length(&element.ai).is_none() {
            out.push(separator);
        }
    }
    out
}

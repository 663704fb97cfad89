//! Our own cases for the scanner-string parser: every input form, refusals with their rule and position,
//! and properties (formatting parses back; nothing panics).

use proptest::prelude::*;
use serialtrack_shared::gs1::{self, Element, Gs1Rule, ParseOptions, GS};

fn parse(input: &str) -> Result<Vec<Element>, gs1::Gs1Error> {
    gs1::parse(input, &ParseOptions::default())
}

fn pairs(elements: &[Element]) -> Vec<(&str, &str)> {
    elements.iter().map(|e| (e.ai.as_str(), e.value.as_str())).collect()
}

#[test]
fn given_each_input_form_when_parsed_then_the_same_elements_come_out() {
    let expected = [("01", "09506000134352"), ("21", "ABC123"), ("10", "LOT-7"), ("17", "281231")];
    let inputs = [
        format!("]d2010950600013435221ABC123{GS}10LOT-7{GS}17281231"),
        format!("]C1010950600013435221ABC123{GS}10LOT-7{GS}17281231"),
        format!("]Q3010950600013435221ABC123{GS}10LOT-7{GS}17281231"),
        format!("010950600013435221ABC123{GS}10LOT-7{GS}17281231"),
        format!("{GS}010950600013435221ABC123{GS}10LOT-7{GS}17281231"),
        "(01)09506000134352(21)ABC123(10)LOT-7(17)281231".to_owned(),
        "https://id.example.com/01/09506000134352/10/LOT-7/21/ABC123?17=281231".to_owned(),
    ];
    for input in &inputs {
        let elements = parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        let mut got = pairs(&elements);
        got.sort();
        let mut want = expected.to_vec();
        want.sort();
        assert_eq!(got, want, "{input:?}");
    }
}

#[test]
fn a_stand_in_separator_is_read_as_gs() {
    let options = ParseOptions { separator: Some('|'), ..ParseOptions::default() };
    let elements = gs1::parse("]d2010950600013435221A|10B", &options).unwrap();
    assert_eq!(pairs(&elements), [("01", "09506000134352"), ("21", "A"), ("10", "B")]);
    // Without the setting the '|' is data, and CSET 82 does not allow it.
    let error = parse("]d2010950600013435221A|10B").unwrap_err();
    assert_eq!((error.rule, error.position), (Gs1Rule::InvalidCharacter, Some(22)));
}

#[test]
fn given_a_bad_input_when_parsed_then_the_rule_and_position_are_named() {
    // (input, rule, position)
    let cases: [(&str, Gs1Rule, Option<usize>); 12] = [
        ("", Gs1Rule::Empty, None),
        ("(01)09506000134353", Gs1Rule::CheckDigit, Some(17)),
        ("(01)0950600013435", Gs1Rule::TooShort, Some(17)),
        ("(17)281332(01)09506000134352", Gs1Rule::InvalidDate, Some(6)),
        ("(21)ABC", Gs1Rule::MissingRequiredAi, None),
        ("(01)09506000134352(02)09506000134352", Gs1Rule::InvalidPair, None),
        ("(01)09506000134352(21)A(21)B", Gs1Rule::ConflictingRepeat, None),
        ("(01)09506000134352(21)A B", Gs1Rule::InvalidCharacter, Some(23)),
        ("(01)09506000134352(21)123456789012345678901", Gs1Rule::TooLong, Some(42)),
        ("0109506000134352891234", Gs1Rule::UnknownAi, Some(16)),
        ("]X9abc", Gs1Rule::SymbologyIdentifier, Some(0)),
        ("https://id.gs1.org/01/09506000134352/99/X", Gs1Rule::DigitalLink, Some(19)),
    ];
    for (input, rule, position) in cases {
        let error = parse(input).expect_err(input);
        assert_eq!((error.rule, error.position), (rule, position), "{input:?}: {}", error.message);
        assert!(error.message.len() > 10, "a sentence, not a code: {}", error.message);
    }
}

#[test]
fn non_ascii_input_is_refused_at_its_character_position() {
    let error = parse("(01)09506000134352(21)AÉB").unwrap_err();
    assert_eq!((error.rule, error.position), (Gs1Rule::InvalidCharacter, Some(23)));
}

#[test]
fn every_ai_the_product_needs_is_known_with_a_title() {
    let needed = [
        "00", "01", "10", "11", "17", "21", "22", "91", "92", "240", "241", "254", "414", "710", "711", "712", "713",
        "714", "715",
    ];
    for ai in needed {
        assert!(gs1::ai_title(ai).is_some_and(|t| !t.is_empty()), "AI {ai}");
    }
    assert_eq!(gs1::ai_title("89"), None);
}

#[test]
fn elements_format_back_to_each_form() {
    let elements = parse("(01)09506000134352(10)L\\(7)1(21)S/1").unwrap();
    assert_eq!(elements[1].value, "L(7)1", "an escaped parenthesis is data");
    assert_eq!(gs1::to_bracketed(&elements), "(01)09506000134352(10)L\\(7)1(21)S/1");
    assert_eq!(gs1::to_element_string(&elements, GS), format!("010950600013435210L(7)1{GS}21S/1"));
    assert_eq!(
        gs1::to_digital_link(&elements, "https://id.example.com/").unwrap(),
        "https://id.example.com/01/09506000134352/10/L%287%291/21/S%2F1"
    );
}

fn element_strategy() -> impl Strategy<Value = Vec<Element>> {
    let serial = "[A-Za-z0-9!%&*+,./:;<=>?_'-]{1,20}";
    (
        proptest::array::uniform13(0u8..10),
        serial,
        proptest::option::of("[A-Z0-9]{1,20}"),
        proptest::option::of((0u8..100, 1u8..13, 0u8..29)),
    )
        .prop_map(|(digits, serial, lot, expiry)| {
            let data: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
            let check = serialtrack_shared::ids::gs1_check_digit(&data).unwrap();
            let mut elements = vec![Element::new("01", format!("{data}{check}")), Element::new("21", serial)];
            if let Some(lot) = lot {
                elements.push(Element::new("10", lot));
            }
            if let Some((yy, mm, dd)) = expiry {
                elements.push(Element::new("17", format!("{yy:02}{mm:02}{dd:02}")));
            }
            elements
        })
}

proptest! {
    #[test]
    fn formatted_elements_parse_back_to_the_same_elements(elements in element_strategy()) {
        let options = ParseOptions::default();
        let scanned = format!("]d2{}", gs1::to_element_string(&elements, GS));
        prop_assert_eq!(&gs1::parse(&scanned, &options).unwrap(), &elements);
        prop_assert_eq!(&gs1::parse(&gs1::to_bracketed(&elements), &options).unwrap(), &elements);
        let link = gs1::to_digital_link(&elements, "https://id.example.com").unwrap();
        let mut from_link = gs1::parse(&link, &options).unwrap();
        let mut sorted = elements.clone();
        from_link.sort_by(|a, b| a.ai.cmp(&b.ai));
        sorted.sort_by(|a, b| a.ai.cmp(&b.ai));
        prop_assert_eq!(from_link, sorted);
    }

    #[test]
    fn parsing_never_panics_on_any_text(input in "\\PC{0,60}") {
        let _ = gs1::parse(&input, &ParseOptions::default());
    }

    #[test]
    fn parsing_never_panics_on_near_miss_scanner_strings(input in "(\\]d2|\\(|https://a/)?[0-9()\\x1d|A-Z/?=&%]{0,50}") {
        let _ = gs1::parse(&input, &ParseOptions { separator: Some('|'), ..ParseOptions::default() });
    }
}

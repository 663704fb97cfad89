//! Rules across the AIs of one scan: an AI that needs another (21 needs 01), pairs that may not meet
//! (01 with 02), and an AI repeated with a different value.

use super::ai::{self, matches_pattern};
use super::error::{Gs1Error, Gs1Rule};
use super::Element;

pub fn check(elements: &[Element]) -> Result<(), Gs1Error> {
    check_repeats(elements)?;
    let present = |pattern: &str| elements.iter().any(|element| matches_pattern(&element.ai, pattern));
    for (index, element) in elements.iter().enumerate() {
        if elements[..index].iter().any(|earlier| earlier.ai == element.ai) {
            continue;
        }
        let Some(definition) = ai::lookup(&element.ai) else { continue };
        for excluded in &definition.excludes {
            let clash = elements.iter().find(|other| other.ai != element.ai && matches_pattern(&other.ai, excluded));
            if let Some(other) = clash {
                return Err(Gs1Error::whole(
                    Gs1Rule::InvalidPair,
                    format!("AI ({}) may not appear together with AI ({}): remove one of them", element.ai, other.ai),
                ));
            }
        }
        for requirement in &definition.requires {
            let satisfied = requirement.alternatives.iter().any(|all| all.iter().all(|pattern| present(pattern)));
            if !satisfied {
                let options: Vec<String> = requirement.alternatives.iter().map(|all| all.join(" with ")).collect();
                return Err(Gs1Error::whole(
                    Gs1Rule::MissingRequiredAi,
                    format!("AI ({}) needs one of these AIs with it: {}", element.ai, options.join(", ")),
                ));
            }
        }
    }
    check_signature_serials(elements)
}

fn check_repeats(elements: &[Element]) -> Result<(), Gs1Error> {
    for (index, element) in elements.iter().enumerate() {
        if let Some(other) = elements[..index].iter().find(|e| e.ai == element.ai && e.value != element.value) {
            return Err(Gs1Error::whole(
                Gs1Rule::ConflictingRepeat,
                format!(
                    "AI ({}) appears twice with different values ({} and {})",
                    element.ai, other.value, element.value
                ),
            ));
        }
    }
    Ok(())
}

/// A digital signature (8030) signs one instance, so a document, coupon or asset key with it must carry its
/// optional serial component.
fn check_signature_serials(elements: &[Element]) -> Result<(), Gs1Error> {
    if !elements.iter().any(|element| element.ai == "8030") {
        return Ok(());
    }
    for (key, bare_length) in [("253", 13), ("255", 13), ("8003", 14)] {
        if let Some(element) = elements.iter().find(|element| element.ai == key && element.value.len() <= bare_length) {
            return Err(Gs1Error::whole(
                Gs1Rule::MissingRequiredAi,
                format!("AI ({}) needs its serial component when signed with AI (8030)", element.ai),
            ));
        }
    }
    Ok(())
}

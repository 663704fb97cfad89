//! The AI table, parsed once into lookup structures: a definition per AI code, found by prefix.

use super::ai_table::{Row, PREDEFINED_LENGTHS, ROWS};
use super::lint::Lint;
use std::sync::OnceLock;

/// The character set of a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Numeric,
    Cset82,
    Cset39,
    Cset64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub charset: Charset,
    pub min: usize,
    pub max: usize,
    pub optional: bool,
    pub lints: Vec<Lint>,
}

/// A requirement: one of `alternatives` must be present, each alternative a set of AI patterns all present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub alternatives: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiDefinition {
    pub ai: String,
    pub title: &'static str,
    pub predefined_length: bool,
    pub dl_attribute: bool,
    pub components: Vec<Component>,
    pub requires: Vec<Requirement>,
    pub excludes: Vec<String>,
    /// `None` when not a Digital Link primary key; else its alternative qualifier sequences.
    pub dl_key: Option<Vec<Vec<String>>>,
    /// Whether some primary key takes this AI as a Digital Link qualifier (22, 10, 21 for a GTIN …).
    pub dl_qualifier: bool,
}

impl AiDefinition {
    pub fn min_len(&self) -> usize {
        self.components.iter().filter(|c| !c.optional).map(|c| c.min).sum()
    }

    pub fn max_len(&self) -> usize {
        self.components.iter().map(|c| c.max).sum()
    }

    /// Fixed length: every component has one length and none is optional.
    pub fn is_fixed_length(&self) -> bool {
        self.components.iter().all(|c| c.min == c.max && !c.optional)
    }
}

struct Registry {
    definitions: Vec<AiDefinition>,
    /// Index into `definitions` by (length of the AI, numeric AI code).
    by_code: [Vec<Option<u16>>; 3],
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut definitions = Vec::new();
        let mut by_code = [vec![None; 100], vec![None; 1000], vec![None; 10000]];
        for row in ROWS {
            for ai in expand(row) {
                let index = definitions.len() as u16;
                by_code[ai.len() - 2][ai.parse::<usize>().unwrap_or(0)] = Some(index);
                definitions.push(definition(row, ai));
            }
        }
        let qualifiers: Vec<String> =
            definitions.iter().filter_map(|d: &AiDefinition| d.dl_key.clone()).flatten().flatten().collect();
        for definition in &mut definitions {
            definition.dl_qualifier = qualifiers.contains(&definition.ai);
        }
        Registry { definitions, by_code }
    })
}

fn expand(row: &Row) -> Vec<String> {
    let first: usize = row.ai.parse().unwrap_or(0);
    let last: usize = row.last.map_or(first, |last| last.parse().unwrap_or(first));
    (first..=last).map(|code| format!("{code:0width$}", width = row.ai.len())).collect()
}

fn definition(row: &Row, ai: String) -> AiDefinition {
    AiDefinition {
        title: row.title,
        predefined_length: row.flags.contains('P'),
        dl_attribute: row.flags.contains('A'),
        components: row.spec.split_whitespace().map(component).collect(),
        requires: row
            .requires
            .split_whitespace()
            .map(|group| Requirement {
                alternatives: group.split('|').map(|alt| alt.split('+').map(str::to_owned).collect()).collect(),
            })
            .collect(),
        excludes: row.excludes.split_whitespace().map(str::to_owned).collect(),
        dl_key: match row.dl {
            "-" => None,
            "key" => Some(Vec::new()),
            spec => Some(
                spec.trim_start_matches("key:")
                    .split('/')
                    .map(|seq| seq.split(',').map(str::to_owned).collect())
                    .collect(),
            ),
        },
        dl_qualifier: false,
        ai,
    }
}

fn component(spec: &str) -> Component {
    let optional = spec.starts_with('[');
    let spec = spec.trim_start_matches('[').trim_end_matches(']');
    let (format, lints) = spec.split_once(':').unwrap_or((spec, ""));
    let charset = match format.as_bytes().first() {
        Some(b'N') => Charset::Numeric,
        Some(b'Y') => Charset::Cset39,
        Some(b'Z') => Charset::Cset64,
        _ => Charset::Cset82,
    };
    let length = &format[1..];
    let (min, max) = match length.strip_prefix("..") {
        Some(max) => (1, max.parse().unwrap_or(1)),
        None => {
            let n = length.parse().unwrap_or(1);
            (n, n)
        }
    };
    let lints = lints.split(',').filter(|name| !name.is_empty()).map(lint).collect();
    Component { charset, min, max, optional, lints }
}

/// The table names only checks `Lint::from_name` knows; the reference-vector test would catch a typo.
fn lint(name: &str) -> Lint {
    Lint::from_name(name).unwrap_or(Lint::Numeric)
}

/// The definition of the AI at the start of `digits` (2, 3 or 4 digits long), if it is one we know.
pub fn lookup_prefix(digits: &[u8]) -> Option<&'static AiDefinition> {
    let registry = registry();
    let mut code = 0usize;
    for (index, byte) in digits.iter().take(4).enumerate() {
        if !byte.is_ascii_digit() {
            return None;
        }
        code = code * 10 + usize::from(byte - b'0');
        if index >= 1 {
            if let Some(Some(found)) = registry.by_code[index - 1].get(code) {
                return Some(&registry.definitions[usize::from(*found)]);
            }
        }
    }
    None
}

/// The definition of exactly this AI.
pub fn lookup(ai: &str) -> Option<&'static AiDefinition> {
    lookup_prefix(ai.as_bytes()).filter(|definition| definition.ai == ai)
}

/// The length of the element string (AI + value) GS1 pre-defines for AIs starting with these two digits.
pub fn predefined_length(ai: &str) -> Option<usize> {
    let prefix = ai.get(..2)?;
    PREDEFINED_LENGTHS.iter().find(|(p, _)| *p == prefix).map(|(_, len)| *len)
}

/// Does `ai` match `pattern` (`01`, `31nn`, `392n`)?
pub fn matches_pattern(ai: &str, pattern: &str) -> bool {
    ai.len() == pattern.len() && ai.bytes().zip(pattern.bytes()).all(|(a, p)| p == b'n' || a == p)
}

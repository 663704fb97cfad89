//! Why a serial scheme or a request for serials was refused; each message says what to change.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SerialError {
    #[error("an alphabet needs 2 to 82 different GS1 CSET 82 characters; {detail}")]
    BadAlphabet { detail: String },
    #[error("a serial length must be 1 to 20 characters, not {length}")]
    BadLength { length: u32 },
    #[error(
        "this scheme has {space} possible serials but {needed} are needed to issue {requested} \
         (EU FMD: at least 10,000 × the serials issued, so a guess succeeds less than once in 10,000); \
         use a longer serial or a larger alphabet"
    )]
    SpaceTooSmall { space: String, needed: String, requested: String },
    #[error("counter {counter} is outside this scheme's {space} serials")]
    CounterOutOfRange { counter: u64, space: String },
    #[error("the serial space is used up: {remaining} counter values remain, {requested} were asked for")]
    Exhausted { remaining: u64, requested: u64 },
    #[error("the pattern '{template}' is not usable: {detail}")]
    BadPattern { template: String, detail: String },
    #[error(
        "the {width}-digit counter of {year} is used up after {max} serials: widen the {{N…}} part of the pattern"
    )]
    YearExhausted { year: i32, width: usize, max: u64 },
    #[error("the year {year} cannot be written in this pattern (0 to 9999)")]
    BadYear { year: i32 },
}

//! Serial number generation.
//!
//! - [`randomised`]: EU FMD serials, a keyed permutation ([`feistel`]) of a per-product counter written in an
//!   [`Alphabet`]; [`blocks`] hands devices disjoint counter ranges.
//! - [`patterned`]: `CM500-{YYYY}-{NNNN}` serials with an annual reset.
//! - [`duplicates`]: checks of imported lists against the pool and themselves.
//! - [`scheme`]: the serde form kept in a product's settings.

mod alphabet;
pub mod blocks;
pub mod duplicates;
mod error;
mod feistel;
pub mod patterned;
pub mod randomised;
pub mod scheme;

pub use alphabet::Alphabet;
pub use blocks::{allocate, CounterBlock};
pub use duplicates::{find_duplicates, Duplicate};
pub use error::SerialError;
pub use patterned::{PatternCounter, SerialPattern};
pub use randomised::{RandomisedScheme, SerialGenerator};
pub use scheme::{SerialScheme, ValidScheme};

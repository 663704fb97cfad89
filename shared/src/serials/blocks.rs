//! Counter blocks: each device (an offline tablet) is handed a disjoint range of counter values, so two devices
//! can never write the same serial even when neither can reach the server.

use super::SerialError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterBlock {
    pub start: u64,
    pub len: u64,
}

impl CounterBlock {
    pub fn end(&self) -> u64 {
        self.start + self.len
    }

    pub fn counters(&self) -> std::ops::Range<u64> {
        self.start..self.end()
    }

    pub fn overlaps(&self, other: &CounterBlock) -> bool {
        self.start < other.end() && other.start < self.end()
    }
}

/// Hands out the next `size` counter values from `next_free`, below `capacity`; returns the block and the new
/// `next_free`. The caller stores the new `next_free` in the same transaction that records the block.
pub fn allocate(next_free: u64, size: u64, capacity: u64) -> Result<(CounterBlock, u64), SerialError> {
    let remaining = capacity.saturating_sub(next_free);
    if size == 0 || size > remaining {
        return Err(SerialError::Exhausted { remaining, requested: size });
    }
    Ok((CounterBlock { start: next_free, len: size }, next_free + size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn successive_blocks_are_disjoint_and_adjacent() {
        let (first, next) = allocate(0, 100, 1_000).unwrap();
        let (second, next) = allocate(next, 250, 1_000).unwrap();
        assert_eq!((first.counters(), second.counters(), next), (0..100, 100..350, 350));
        assert!(!first.overlaps(&second));
    }

    #[test]
    fn a_block_beyond_the_capacity_is_refused() {
        assert_eq!(allocate(900, 101, 1_000), Err(SerialError::Exhausted { remaining: 100, requested: 101 }));
        assert!(allocate(0, 0, 1_000).is_err());
    }
}

//! A keyed permutation of the integers 0..n (format-preserving encryption of a counter).
//!
//! An unbalanced Feistel network over the smallest power of two ≥ n, with SipHash-1-3 as its round
//! function, and cycle-walking to stay below n: applying the permutation again until the value lands in
//! range keeps it a bijection of 0..n. Why this and not a stored list: the pool can hand out hundreds of
//! millions of serials that are unique by construction and unguessable without the key, with nothing to look up.
//! It is not NIST FF1/FF3-1; it is a pseudo-random permutation as strong as SipHash as a keyed PRF, which is
//! what serial randomisation needs (unpredictability, not secrecy of the counter).

const ROUNDS: u64 = 8;

#[derive(Debug, Clone)]
pub struct Permutation {
    domain: u128,
    left_bits: u32,
    right_bits: u32,
    k0: u64,
    k1: u64,
}

impl Permutation {
    /// A permutation of 0..domain (domain ≥ 2) under a 128-bit key.
    pub fn new(domain: u128, key: [u8; 16]) -> Self {
        let bits = (128 - (domain - 1).leading_zeros()).max(2);
        let left_bits = bits / 2;
        let (k0, k1) = key.split_at(8);
        Self {
            domain,
            left_bits,
            right_bits: bits - left_bits,
            k0: u64::from_le_bytes(k0.try_into().unwrap_or_default()),
            k1: u64::from_le_bytes(k1.try_into().unwrap_or_default()),
        }
    }

    /// The image of `value`, which must be below the domain.
    pub fn apply(&self, value: u128) -> u128 {
        debug_assert!(value < self.domain);
        let mut x = self.round_trip(value);
        while x >= self.domain {
            x = self.round_trip(x);
        }
        x
    }

    fn round_trip(&self, value: u128) -> u128 {
        let right_mask = mask(self.right_bits);
        let left_mask = mask(self.left_bits);
        let mut left = (value >> self.right_bits) as u64 & left_mask;
        let mut right = value as u64 & right_mask;
        for round in 0..ROUNDS {
            // Alternate which half is mixed, so both halves pass through every other round.
            if round % 2 == 0 {
                left = (left ^ self.prf(round, right)) & left_mask;
            } else {
                right = (right ^ self.prf(round, left)) & right_mask;
            }
        }
        (u128::from(left) << self.right_bits) | u128::from(right)
    }

    fn prf(&self, round: u64, half: u64) -> u64 {
        siphash13(self.k0 ^ round.wrapping_mul(0x9E37_79B9_7F4A_7C15), self.k1, half)
    }
}

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// SipHash-1-3 of one 64-bit word: a fast keyed pseudo-random function.
fn siphash13(k0: u64, k1: u64, message: u64) -> u64 {
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    let round = |v: &mut [u64; 4]| {
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[2] = v[2].rotate_left(32);
    };
    v[3] ^= message;
    round(&mut v);
    v[0] ^= message;
    let length_block = 8u64 << 56;
    v[3] ^= length_block;
    round(&mut v);
    v[0] ^= length_block;
    v[2] ^= 0xff;
    for _ in 0..3 {
        round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_domain_is_permuted_onto_itself() {
        for domain in [2u128, 3, 10, 81, 1000, 4096] {
            let permutation = Permutation::new(domain, [7; 16]);
            let mut seen = vec![false; domain as usize];
            for value in 0..domain {
                let image = permutation.apply(value);
                assert!(image < domain);
                assert!(!seen[image as usize], "domain {domain}: {image} twice");
                seen[image as usize] = true;
            }
        }
    }

    #[test]
    fn different_keys_give_different_orders() {
        let a: Vec<u128> = (0..20).map(|v| Permutation::new(1 << 40, [1; 16]).apply(v)).collect();
        let b: Vec<u128> = (0..20).map(|v| Permutation::new(1 << 40, [2; 16]).apply(v)).collect();
        assert_ne!(a, b);
    }
}

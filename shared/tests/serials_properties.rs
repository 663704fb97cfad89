//! Properties of serial generation that must hold for any key, alphabet, length and counter range.

use proptest::prelude::*;
use serialtrack_shared::ids::is_cset82;
use serialtrack_shared::serials::{
    allocate, Alphabet, PatternCounter, RandomisedScheme, SerialGenerator, SerialPattern,
};
use std::collections::HashSet;

fn alphabet_strategy() -> impl Strategy<Value = String> {
    // Distinct CSET 82 characters, 2 to 40 of them, in a random order.
    let cset82: Vec<char> = (0u8..128).map(char::from).filter(|c| is_cset82(*c)).collect();
    proptest::sample::subsequence(cset82, 2..40).prop_shuffle().prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_serials_are_unique_and_inside_cset82(
        alphabet in alphabet_strategy(),
        length in 4u32..=20,
        key in any::<[u8; 16]>(),
        start in 0u64..1_000_000,
    ) {
        let scheme = RandomisedScheme::new(Alphabet::parse(&alphabet).unwrap(), length).unwrap();
        let count = 2_000u64.min(scheme.counter_capacity().saturating_sub(start));
        let generator = SerialGenerator::new(scheme, key);
        let mut seen = HashSet::new();
        for serial in generator.serials(start..start + count) {
            let serial = serial.unwrap();
            prop_assert_eq!(serial.as_str().chars().count(), length as usize);
            prop_assert!(serial.as_str().chars().all(|c| is_cset82(c) && alphabet.contains(c)));
            prop_assert!(seen.insert(serial.as_str().to_owned()), "{} twice", serial);
        }
    }

    #[test]
    fn a_small_space_is_a_bijection_for_any_key(key in any::<[u8; 16]>(), length in 1u32..=6) {
        let scheme = RandomisedScheme::new(Alphabet::parse("xyz").unwrap(), length).unwrap();
        let space = scheme.space() as u64;
        let generator = SerialGenerator::new(scheme, key);
        let all: HashSet<String> = generator.serials(0..space).map(|s| s.unwrap().as_str().to_owned()).collect();
        prop_assert_eq!(all.len() as u64, space);
    }

    #[test]
    fn device_blocks_never_overlap(sizes in proptest::collection::vec(1u64..10_000, 1..30)) {
        let mut next_free = 0;
        let mut blocks = Vec::new();
        for size in sizes {
            let (block, next) = allocate(next_free, size, u64::MAX).unwrap();
            next_free = next;
            blocks.push(block);
        }
        for (i, a) in blocks.iter().enumerate() {
            for b in &blocks[i + 1..] {
                prop_assert!(!a.overlaps(b));
            }
        }
    }

    #[test]
    fn patterned_serials_are_unique_within_a_year_and_across_years(counts in proptest::collection::vec(1u64..200, 1..10)) {
        let pattern = SerialPattern::parse("CM500-{YYYY}-{NNNN}").unwrap();
        let mut counter = PatternCounter::new(2026);
        let mut seen = HashSet::new();
        for (index, count) in counts.into_iter().enumerate() {
            let year = 2026 + (index as i32 / 3);
            for serial in counter.issue(&pattern, year, count).unwrap() {
                prop_assert!(seen.insert(serial.as_str().to_owned()), "{} twice", serial);
            }
        }
    }
}

//! What a replica step changed in one IndexedDB store (the outbox, the inbox, the journal): the records to
//! write again and the keys to delete, found by key. A step writes only these: the outbox can hold a shift's
//! work, and rewriting it all would make each action slower than the last.
//!
//! Keys are widened to `u128` (a device seq, a UUID) so that one sort and one search serve every store: a map
//! per store type compiled a B-tree and a sort per key and record type into the app (README.md, "The app's
//! weight").

/// The records of `after` that are new or differ from `before`, and the keys of `before` that `after` lost.
pub struct Changes<'a, T> {
    pub put: Vec<&'a T>,
    pub gone: Vec<u128>,
}

pub fn changes<'a, T: PartialEq>(before: &[T], after: &'a [T], key: impl Fn(&T) -> u128) -> Changes<'a, T> {
    let index = |records: &[T]| {
        let mut keys: Vec<(u128, u32)> =
            records.iter().enumerate().map(|(at, record)| (key(record), at as u32)).collect();
        keys.sort_unstable();
        keys
    };
    let find = |keys: &[(u128, u32)], wanted: u128| {
        keys.binary_search_by_key(&wanted, |(key, _)| *key).ok().map(|found| keys[found].1 as usize)
    };
    let (was, now) = (index(before), index(after));
    let put = after.iter().filter(|record| find(&was, key(record)).is_none_or(|at| before[at] != **record)).collect();
    let gone = was.iter().filter(|(old, _)| find(&now, *old).is_none()).map(|(old, _)| *old).collect();
    Changes { put, gone }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_new_changed_and_lost_records_are_written() {
        // Given records (key, value) before and after a step, then what is written and what deleted.
        let before = [(3, "queued"), (1, "queued"), (2, "sending")];
        let after = [(1, "queued"), (2, "acked"), (4, "queued")];
        let found = changes(&before, &after, |(key, _)| *key as u128);
        assert_eq!(found.put, vec![&(2, "acked"), &(4, "queued")]);
        assert_eq!(found.gone, vec![3]);
        let same = changes(&after, &after, |(key, _)| *key as u128);
        assert!(same.put.is_empty() && same.gone.is_empty());
        let emptied = changes(&after, &[], |(key, _): &(u64, &str)| *key as u128);
        assert_eq!(emptied.gone, vec![1, 2, 4]);
    }
}

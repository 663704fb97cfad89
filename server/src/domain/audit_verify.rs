//! Checking the audit trail (docs/AUDIT.md, "Verify"): each tenant's chain is walked in seq order, streaming,
//! and the first entry that was edited, deleted, inserted or reordered is named with what is wrong, in words.
//! Signed checkpoints (from the database, or exported to a file) anchor the chain, so a truncated tail or a
//! chain rebuilt end to end by someone without the key is found too.

use super::audit_key::signature_valid;
use crate::store::audit::chain::{link_hash, payload_hash, GENESIS};
use crate::store::segment::{ArchivedEntry, SegmentBody};
use crate::store::{AuditCheckpointRecord, AuditHeadRecord, AuditRecord, Store, StoreError, SERVER_CHAIN};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, VecDeque};

/// The action of the entry a purge writes, whose `audit_seqs` names the entries it cleared.
const PURGE_ACTION: &str = "retention.purged";

/// The `[first, last]` ranges a purge entry's new value names.
fn purged_seqs(new_value: Option<&str>) -> Vec<[i64; 2]> {
    let value: serde_json::Value = new_value.and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default();
    serde_json::from_value(value.get("audit_seqs").cloned().unwrap_or_default()).unwrap_or_default()
}

/// How far from its place a moved entry is looked for, to say "reordered" or "inserted" rather than "edited".
const MOVED_SEARCH: i64 = 16;

/// What is wrong with a chain: the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Tamper {
    /// The first entry that is not as it was written.
    pub seq: i64,
    /// What is wrong, in words.
    pub what: String,
}

/// One chain's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChainReport {
    pub tenant_id: String,
    /// Entries read.
    pub entries: u64,
    /// Of them, entries whose fields a purge cleared (their hashes still checked, each named by a purge).
    pub purged: u64,
    /// Of them, entries whose fields are in an archive segment (checked there).
    pub archived: u64,
    /// The chain head's seq as stored.
    pub head_seq: i64,
    /// Signed checkpoints the chain was compared with.
    pub checkpoints: u64,
    /// `None` when the chain is intact.
    pub problem: Option<Tamper>,
}

/// The check of every chain asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VerifyReport {
    /// Whether every chain is intact.
    pub intact: bool,
    pub chains: Vec<ChainReport>,
}

/// A checkpoint the chain must pass through, and where it came from (for the words).
#[derive(Debug, Clone)]
struct Anchor {
    seq: i64,
    hash: String,
    source: String,
}

/// The walk along one chain, fed its entries in seq order.
struct ChainCheck {
    tenant_id: String,
    next: i64,
    prev_hash: String,
    entries: u64,
    purged: u64,
    archived: u64,
    /// The purged entries seen, as merged ranges, and the ranges the chain's purge entries say they cleared.
    purged_ranges: Vec<[i64; 2]>,
    explained: Vec<[i64; 2]>,
    anchors: VecDeque<Anchor>,
    checkpoints: u64,
    problem: Option<Tamper>,
}

impl ChainCheck {
    fn new(tenant_id: &str, mut anchors: Vec<Anchor>) -> Self {
        anchors.sort_by_key(|anchor| anchor.seq);
        Self {
            tenant_id: tenant_id.to_owned(),
            next: 1,
            prev_hash: GENESIS.to_owned(),
            entries: 0,
            purged: 0,
            archived: 0,
            purged_ranges: Vec::new(),
            explained: Vec::new(),
            anchors: anchors.into(),
            checkpoints: 0,
            problem: None,
        }
    }

    fn fail(&mut self, seq: i64, what: String) -> bool {
        self.problem = Some(Tamper { seq, what });
        false
    }

    /// Checks one entry; false once a problem is found (the walk stops there).
    fn feed(&mut self, row: &AuditRecord) -> bool {
        let seq = row.seq;
        if seq != self.next {
            let next = self.next;
            return match seq > next {
                true if next == 1 => {
                    self.fail(1, format!("entry 1 is missing: the chain starts at entry {seq} (deleted)"))
                }
                true => self.fail(
                    next,
                    format!("entry {next} is missing: the chain goes from entry {} to entry {seq} (deleted)", next - 1),
                ),
                false => self.fail(seq, format!("entry {seq} is out of order")),
            };
        }
        // A purged entry's fields are gone (its purge must name it, checked at the end); an archived one's are
        // checked in its segment (`check_segments`).
        let elsewhere = row.purged_at.is_some() || row.archived_in.is_some();
        let fields_intact = elsewhere || payload_hash(&row.payload()) == row.payload_hash;
        let hashed_here = link_hash(&self.tenant_id, seq, &row.prev_hash, &row.payload_hash) == row.hash;
        if !fields_intact {
            return self
                .fail(seq, format!("entry {seq} was edited: its fields no longer match the hash written with them"));
        }
        if !hashed_here {
            let moved = (1..=MOVED_SEARCH).flat_map(|distance| [seq + distance, seq - distance]).find(|other| {
                *other > 0 && link_hash(&self.tenant_id, *other, &row.prev_hash, &row.payload_hash) == row.hash
            });
            return match moved {
                Some(was) if was > seq => self.fail(
                    seq,
                    format!(
                        "entry {seq} holds what was written as entry {was}: entries were reordered, or entries \
                         before it were deleted and the rest renumbered"
                    ),
                ),
                Some(was) => self.fail(
                    was,
                    format!(
                        "entry {was} was inserted: what is now entry {seq} was written as entry {was}, and the \
                         entries from {was} on were renumbered to make room"
                    ),
                ),
                None => {
                    self.fail(seq, format!("entry {seq} was edited: its hash does not match its place in the chain"))
                }
            };
        }
        if row.prev_hash != self.prev_hash {
            let before = seq - 1;
            return self.fail(
                before,
                format!(
                    "entry {before} was changed or replaced: entry {seq} was written after an entry {before} with \
                     another hash"
                ),
            );
        }
        while let Some(anchor) = self.anchors.front().filter(|anchor| anchor.seq <= seq).cloned() {
            self.anchors.pop_front();
            self.checkpoints += 1;
            if anchor.seq == seq && anchor.hash != row.hash {
                return self.fail(
                    seq,
                    format!(
                        "entry {seq} is not the one {} signed: the chain was rewritten up to here (rebuilt \
                         without the signing key)",
                        anchor.source
                    ),
                );
            }
        }
        self.entries += 1;
        if row.purged_at.is_some() {
            self.purged += 1;
            match self.purged_ranges.last_mut() {
                Some(range) if range[1] + 1 == seq => range[1] = seq,
                _ => self.purged_ranges.push([seq, seq]),
            }
        } else if row.archived_in.is_some() {
            self.archived += 1;
        }
        if row.action.as_deref() == Some(PURGE_ACTION) {
            self.explained.extend(purged_seqs(row.new_value.as_deref()));
        }
        self.prev_hash.clone_from(&row.hash);
        self.next += 1;
        true
    }

    /// The first purged entry that no purge entry of the chain names: its fields were cleared by hand.
    fn unexplained_purge(&mut self) -> Option<Tamper> {
        let explained = crate::store::seq_ranges_merged(std::mem::take(&mut self.explained));
        let covered = |seq: i64| {
            let after = explained.partition_point(|range| range[0] <= seq);
            after > 0 && explained[after - 1][1] >= seq
        };
        for range in &self.purged_ranges {
            if let Some(seq) = (range[0]..=range[1]).find(|seq| !covered(*seq)) {
                return Some(Tamper {
                    seq,
                    what: format!(
                        "entry {seq}'s fields were cleared, but no purge of the chain names it: it was edited by \
                         hand to look purged"
                    ),
                });
            }
        }
        None
    }

    /// Compares the end of the walk with the stored head and the checkpoints beyond it.
    fn finish(mut self, head: Option<AuditHeadRecord>) -> ChainReport {
        if self.problem.is_none() {
            self.problem = self.unexplained_purge();
        }
        let last = self.next - 1;
        if self.problem.is_none() {
            match &head {
                None if last > 0 => {
                    self.fail(last, format!("the chain's head is missing (the chain ends at entry {last})"));
                }
                Some(head) if head.seq > last => {
                    let first = last + 1;
                    self.fail(
                        first,
                        format!("entries {first} to {} are missing: the end of the chain was deleted", head.seq),
                    );
                }
                Some(head) if head.seq < last => {
                    let first = head.seq + 1;
                    self.fail(
                        first,
                        format!(
                            "entry {first} lies beyond the chain's head (entry {}): it was added by hand",
                            head.seq
                        ),
                    );
                }
                Some(head) if head.seq > 0 && head.hash != self.prev_hash => {
                    self.fail(last, format!("entry {last} does not match the chain's head: it was changed"));
                }
                _ => {}
            }
        }
        if self.problem.is_none() {
            if let Some(anchor) = self.anchors.pop_front() {
                self.checkpoints += 1;
                let first = last + 1;
                self.fail(
                    first,
                    format!(
                        "the chain ends at entry {last}, but {} signed entry {}: the entries after {last} were \
                         deleted (truncated)",
                        anchor.source, anchor.seq
                    ),
                );
            }
        }
        ChainReport {
            tenant_id: self.tenant_id,
            entries: self.entries,
            purged: self.purged,
            archived: self.archived,
            head_seq: head.map_or(0, |head| head.seq),
            checkpoints: self.checkpoints,
            problem: self.problem,
        }
    }
}

/// Which checkpoints to check the chains against, and which key to trust.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// The only public key (hex) whose checkpoints count; `None` trusts each checkpoint's own key.
    pub public_key: Option<String>,
    /// Checkpoints exported earlier (`serialtrack audit export-checkpoints`), besides the database's own.
    pub exported: Vec<AuditCheckpointRecord>,
}

/// A time in milliseconds as RFC 3339 (UTC), for the words.
fn when(millis: i64) -> String {
    let time = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000);
    time.ok().and_then(|time| time.format(&time::format_description::well_known::Rfc3339).ok()).unwrap_or_default()
}

/// A checkpoint as an anchor, or what is wrong with it.
fn anchor(checkpoint: &AuditCheckpointRecord, trust: &Trust, source: &str) -> Result<Anchor, Tamper> {
    let when = when(checkpoint.at);
    let source = format!("the {source} checkpoint of {when}");
    if !signature_valid(checkpoint) {
        return Err(Tamper {
            seq: checkpoint.seq,
            what: format!("{source} for entry {} has a bad signature: it was forged or altered", checkpoint.seq),
        });
    }
    if trust.public_key.as_ref().is_some_and(|trusted| *trusted != checkpoint.public_key) {
        return Err(Tamper {
            seq: checkpoint.seq,
            what: format!("{source} for entry {} was signed by a key that is not trusted", checkpoint.seq),
        });
    }
    Ok(Anchor { seq: checkpoint.seq, hash: checkpoint.hash.clone(), source })
}

/// Checks one tenant's chain against its stored and exported checkpoints.
pub async fn verify_chain(store: &dyn Store, tenant_id: &str, trust: &Trust) -> Result<ChainReport, StoreError> {
    let stored = store.audit_checkpoints(Some(tenant_id)).await?;
    let exported = trust.exported.iter().filter(|checkpoint| checkpoint.tenant_id == tenant_id);
    let mut anchors = Vec::new();
    let mut bad_checkpoint: Option<Tamper> = None;
    let candidates = stored.iter().map(|checkpoint| (checkpoint, "stored")).chain(exported.map(|c| (c, "exported")));
    for (checkpoint, source) in candidates {
        match anchor(checkpoint, trust, source) {
            Ok(anchor) => anchors.push(anchor),
            Err(tamper) => {
                if bad_checkpoint.as_ref().is_none_or(|bad| tamper.seq < bad.seq) {
                    bad_checkpoint = Some(tamper);
                }
            }
        }
    }
    let mut check = ChainCheck::new(tenant_id, anchors);
    let head = store.audit_scan(tenant_id, &mut |row| check.feed(&row)).await?;
    let mut report = check.finish(head);
    if let Some(bad) = check_segments(store, tenant_id).await? {
        if report.problem.as_ref().is_none_or(|problem| bad.seq < problem.seq) {
            report.problem = Some(bad);
        }
    }
    if let Some(bad) = bad_checkpoint {
        if report.problem.as_ref().is_none_or(|problem| bad.seq < problem.seq) {
            report.problem = Some(bad);
        }
    }
    Ok(report)
}

/// Checks the fields of archived entries against the hashes the chain keeps for them, segment by segment (one
/// segment in memory at a time), and that no archived entry points to a segment that is gone.
async fn check_segments(store: &dyn Store, tenant_id: &str) -> Result<Option<Tamper>, StoreError> {
    let mut first: Option<Tamper> = None;
    let mut keep = |tamper: Tamper| {
        if first.as_ref().is_none_or(|seen| tamper.seq < seen.seq) {
            first = Some(tamper);
        }
    };
    for (segment, seq) in store.entries_of_missing_segments(tenant_id).await? {
        keep(Tamper {
            seq,
            what: format!("entry {seq} was archived into segment {segment}, which is gone: the segment was deleted"),
        });
    }
    for id in store.segment_ids(tenant_id).await? {
        let (Some(segment), hashes) = store.segment_with_hashes(tenant_id, &id).await? else { continue };
        let Some(first_hash) = hashes.first() else { continue };
        let body = match SegmentBody::decode(&segment.body, &segment.body_sha256) {
            Ok(body) => body,
            Err(_) => {
                let seq = first_hash.seq;
                keep(Tamper {
                    seq,
                    what: format!("archive segment {id}, which holds entry {seq}, is damaged or was altered"),
                });
                continue;
            }
        };
        let fields: HashMap<i64, &ArchivedEntry> = body.entries.iter().map(|entry| (entry.seq, entry)).collect();
        for hash in &hashes {
            let seq = hash.seq;
            match fields.get(&seq) {
                None => keep(Tamper {
                    seq,
                    what: format!("entry {seq} says it was archived into segment {id}, which does not hold it"),
                }),
                Some(entry) if payload_hash(&entry.payload()) != hash.payload_hash => keep(Tamper {
                    seq,
                    what: format!(
                        "entry {seq} was edited in archive segment {id}: its fields no longer match its hash"
                    ),
                }),
                Some(_) => {}
            }
        }
    }
    Ok(first)
}

/// Checks the chains of these tenants, or of every tenant (and the server's own chain) when `None`.
pub async fn verify(
    store: &dyn Store,
    tenants: Option<Vec<String>>,
    trust: &Trust,
) -> Result<VerifyReport, StoreError> {
    let tenants = match tenants {
        Some(tenants) => tenants,
        None => {
            let mut all: BTreeSet<String> = store.tenants().await?.into_iter().map(|tenant| tenant.id).collect();
            all.extend(store.audit_heads().await?.into_iter().map(|head| head.tenant_id));
            all.extend(trust.exported.iter().map(|checkpoint| checkpoint.tenant_id.clone()));
            all.insert(SERVER_CHAIN.to_owned());
            all.into_iter().collect()
        }
    };
    let mut chains = Vec::new();
    for tenant_id in tenants {
        chains.push(verify_chain(store, &tenant_id, trust).await?);
    }
    Ok(VerifyReport { intact: chains.iter().all(|chain| chain.problem.is_none()), chains })
}

//! The visited-state store: 64-bit fingerprints, and a compact log of how
//! each state was first reached.
//!
//! Why fingerprints: a state can be hundreds of bytes, and the explorer must
//! remember every state it has seen. Like TLC (`tlc2.tool.fp`), kripke keeps
//! only a 64-bit fingerprint of each visited state; full states live only in
//! the frontier. How a state was first reached is kept apart, in the [`Log`]:
//! its parent and the position of the step among the parent's successors
//! (in the model's deterministic order). A trace is rebuilt by replaying the
//! model from an initial state and taking, at each step, the successor at
//! the logged position; the explorer then re-validates it.
//!
//! The cost is a small chance that two different states share a fingerprint,
//! in which case the second is wrongly taken as already seen. With `n`
//! distinct states among `g` generated, the chance is about n·(g−n)/2^64
//! (the "optimistic" estimate TLC prints); the run reports it. The hash uses
//! a fixed seed, so fingerprints, and therefore every count and trace, are
//! the same on every run and machine.
//!
//! Memory: the fingerprint table is open addressing with linear probing over
//! bare `u64` slots (0 marks a free slot, so a fingerprint of 0 is stored as
//! 1: one more, negligible, way to collide). It is split into 256 shards by
//! the top bits of the fingerprint, and each shard grows on its own, by a
//! fifth, when it is 85 % full: slots are 8 bytes at a load between 71 %
//! and 85 %, so the table costs 9.4 to 11.3 bytes per state, and growing
//! never needs a second copy of more than one shard at a time. (At 85 %,
//! linear probing looks at about 4 slots to find a stored fingerprint and
//! 22 to miss one: adjacent words, a cache line or three.) The log costs 2
//! to 4 bytes per state (see [`Log`]).

use std::hash::{Hash, Hasher};

/// No parent: an initial state.
pub const NO_PARENT: u32 = u32::MAX;

/// A 64-bit hash with a fixed seed: each 8 bytes are folded in with
/// murmur3's 64-bit finaliser, so a difference anywhere spreads over all bits.
pub struct FpHasher(u64);

fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

impl Hasher for FpHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = fmix64(self.0 ^ w);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.0 = fmix64(self.0 ^ u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }
    fn write_u64(&mut self, w: u64) {
        self.0 = fmix64(self.0 ^ w);
    }
    fn finish(&self) -> u64 {
        fmix64(self.0 ^ 0x9e37_79b9_7f4a_7c15)
    }
}

/// The fingerprint of a state.
pub fn fingerprint<S: Hash + ?Sized>(s: &S) -> u64 {
    let mut h = FpHasher(0x243f_6a88_85a3_08d3);
    s.hash(&mut h);
    h.finish()
}

const SHARD_BITS: u32 = 8;
/// The number of shards of the fingerprint table.
const SHARDS: usize = 1 << SHARD_BITS;
const MIN_SLOTS: usize = 8;

/// One shard of the fingerprint table.
struct Shard {
    slots: Box<[u64]>,
    len: usize,
}

impl Shard {
    fn new(cap: usize) -> Shard {
        Shard {
            slots: vec![0; cap].into_boxed_slice(),
            len: 0,
        }
    }

    /// Where the probe for `key` starts: the bits below the shard number,
    /// scaled to the shard's size (any size, not only powers of two).
    fn home(&self, key: u64) -> usize {
        (((key << SHARD_BITS) as u128 * self.slots.len() as u128) >> 64) as usize
    }

    /// The slot holding `key`, or the free slot where it would go.
    fn probe(&self, key: u64) -> usize {
        let n = self.slots.len();
        let mut i = self.home(key);
        loop {
            let k = self.slots[i];
            if k == key || k == 0 {
                return i;
            }
            i += 1;
            if i == n {
                i = 0;
            }
        }
    }

    /// Adds `key` if absent; whether it was.
    fn add(&mut self, key: u64) -> bool {
        let mut i = self.probe(key);
        if self.slots[i] == key {
            return false;
        }
        if (self.len + 1) * 20 > self.slots.len() * 17 {
            self.grow();
            i = self.probe(key);
        }
        self.slots[i] = key;
        self.len += 1;
        true
    }

    /// Removes `key` (stored), moving back the keys probed past it.
    fn remove(&mut self, key: u64) {
        let n = self.slots.len();
        let mut hole = self.probe(key);
        if self.slots[hole] != key {
            return;
        }
        self.slots[hole] = 0;
        self.len -= 1;
        let mut j = hole;
        loop {
            j = if j + 1 == n { 0 } else { j + 1 };
            let k = self.slots[j];
            if k == 0 {
                return;
            }
            // `k` stays unless the hole lies on its way from home to `j`.
            let h = self.home(k);
            let stays = if hole <= j {
                hole < h && h <= j
            } else {
                hole < h || h <= j
            };
            if !stays {
                self.slots[hole] = k;
                self.slots[j] = 0;
                hole = j;
            }
        }
    }

    /// The size a shard holding `len` keys has when they were added one by
    /// one, so that a shard's size does not depend on keys added and
    /// removed since.
    fn size_for(len: usize) -> usize {
        let mut cap = MIN_SLOTS;
        while len * 20 > cap * 17 {
            cap += cap.div_ceil(5);
        }
        cap
    }

    fn grow(&mut self) {
        self.resize(self.slots.len() + self.slots.len().div_ceil(5));
    }

    fn resize(&mut self, cap: usize) {
        let old = std::mem::replace(self, Shard::new(cap));
        for &k in old.slots.iter().filter(|&&k| k != 0) {
            let i = self.probe(k);
            self.slots[i] = k;
        }
        self.len = old.len;
    }
}

/// Which states were first reached from which: one entry per stored state,
/// in the order they were stored, each the parent's index and the position
/// of the step among the parent's successors (for an initial state: among
/// the initial states).
///
/// Entries are packed as variable-length integers: the parent as the
/// difference from the previous entry's parent (zigzag coded: breadth-first,
/// parents only grow, by little; depth-first, they jump both ways) and the
/// position as it is. Typical entries take 2 to 3 bytes. Every
/// [`LOG_BLOCK`] entries, a mark records where the block starts, so finding
/// an entry decodes at most one block.
///
/// The bytes are kept in chunks of [`LOG_CHUNK`] that are never
/// reallocated (a block never straddles two), so the log grows without
/// ever holding an old and a new copy of itself: that copy was a tenth of
/// the peak memory of large runs.
#[derive(Default)]
struct Log {
    chunks: Vec<Vec<u8>>,
    /// Per block: its chunk, its first entry's offset there, and the parent
    /// (plus one; 0 for none) of the entry before it.
    marks: Vec<(u32, u32, u32)>,
    len: u32,
    last: u32,
}

const LOG_BLOCK: u32 = 64;
const LOG_CHUNK: usize = 1 << 20;
/// The most bytes a block takes: two varints of at most 5 bytes per entry.
const LOG_BLOCK_BYTES: usize = LOG_BLOCK as usize * 10;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

impl Log {
    fn push(&mut self, parent: u32, position: u32) {
        if self.len.is_multiple_of(LOG_BLOCK) {
            let room = self
                .chunks
                .last()
                .is_some_and(|c| c.len() + LOG_BLOCK_BYTES <= LOG_CHUNK);
            if !room {
                self.chunks.push(Vec::with_capacity(LOG_CHUNK));
            }
            let chunk = self.chunks.len() - 1;
            let offset = self.chunks[chunk].len();
            self.marks.push((chunk as u32, offset as u32, self.last));
        }
        let bytes = self.chunks.last_mut().expect("a chunk is open");
        // Parents are stored plus one, so that "none" is 0.
        let p = parent.wrapping_add(1);
        let delta = i64::from(p) - i64::from(self.last);
        put_varint(bytes, ((delta << 1) ^ (delta >> 63)) as u64);
        put_varint(bytes, u64::from(position));
        self.last = p;
        self.len += 1;
    }

    /// Entry `i`: its parent (or [`NO_PARENT`]) and its position.
    fn get(&self, i: u32) -> (u32, u32) {
        let (chunk, offset, mut last) = self.marks[(i / LOG_BLOCK) as usize];
        let bytes = &self.chunks[chunk as usize];
        let mut at = offset as usize;
        let mut position = 0;
        for _ in 0..=i % LOG_BLOCK {
            let z = get_varint(bytes, &mut at);
            let delta = ((z >> 1) as i64) ^ -((z & 1) as i64);
            last = (i64::from(last) + delta) as u32;
            position = get_varint(bytes, &mut at) as u32;
        }
        (last.wrapping_sub(1), position)
    }

    fn bytes(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum::<usize>()
            + self.marks.len() * std::mem::size_of::<(u32, u32, u32)>()
    }
}

/// The visited states: their fingerprints, and for each, in the order they
/// were stored, how it was first reached.
pub struct Store {
    shards: Vec<Shard>,
    log: Log,
}

impl Default for Store {
    fn default() -> Store {
        Store {
            shards: (0..1 << SHARD_BITS)
                .map(|_| Shard::new(MIN_SLOTS))
                .collect(),
            log: Log::default(),
        }
    }
}

fn key(fp: u64) -> u64 {
    fp.max(1)
}

fn shard_of(key: u64) -> usize {
    (key >> (64 - SHARD_BITS)) as usize
}

impl Store {
    pub fn len(&self) -> usize {
        self.log.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.log.len == 0
    }

    /// Adds a fingerprint if new, reached from `parent` by its successor
    /// number `position` (or initial state number `position`). Returns the
    /// state's index if it was new.
    pub fn insert(&mut self, fp: u64, parent: u32, position: u32) -> Option<u32> {
        let k = key(fp);
        self.shards[shard_of(k)]
            .add(k)
            .then(|| self.log(parent, position))
    }

    /// Adds fingerprints without logging them, each with a tag, in order.
    /// The shards are split into `groups` groups that take theirs in
    /// parallel, each scanning the whole list `fps()`. Returns, per group,
    /// the tag of each fingerprint that was new (not stored, nor earlier in
    /// the list), in list order. The caller then logs each new state with
    /// [`Store::log`], in the order the states are to be numbered.
    ///
    /// A fingerprint repeated in the list is found in a small set of those
    /// this call added, which stays in cache, rather than in the table: the
    /// explorer's lists repeat states a lot (successors that states of one
    /// batch share).
    pub fn add_all<T, I>(&mut self, groups: usize, fps: impl Fn() -> I + Sync) -> Vec<Vec<T>>
    where
        I: Iterator<Item = (u64, T)>,
        T: Send,
    {
        use rayon::prelude::*;
        let groups = groups.clamp(1, SHARDS);
        let per = SHARDS.div_ceil(groups);
        let group = |g: usize, shards: &mut [Shard]| {
            let mut new = Vec::new();
            let mut added = hashbrown::HashSet::new();
            for (fp, tag) in fps() {
                let k = key(fp);
                let s = shard_of(k);
                if s / per == g && !added.contains(&k) && shards[s % per].add(k) {
                    added.insert(k);
                    new.push(tag);
                }
            }
            new
        };
        if groups == 1 {
            return vec![group(0, &mut self.shards)];
        }
        self.shards
            .par_chunks_mut(per)
            .enumerate()
            .map(|(g, shards)| group(g, shards))
            .collect()
    }

    /// Removes fingerprints that [`Store::add_all`] added but that were
    /// not logged (a run stopped in their batch), leaving the table as if
    /// they had never been added: same contents, same size.
    pub fn forget(&mut self, fps: &[u64]) {
        let mut touched = vec![false; SHARDS];
        for &fp in fps {
            let k = key(fp);
            self.shards[shard_of(k)].remove(k);
            touched[shard_of(k)] = true;
        }
        for (shard, _) in self.shards.iter_mut().zip(touched).filter(|(_, t)| *t) {
            let cap = Shard::size_for(shard.len);
            if cap != shard.slots.len() {
                shard.resize(cap);
            }
        }
    }

    /// Logs how the next state (whose fingerprint is added) was reached;
    /// returns its index.
    pub fn log(&mut self, parent: u32, position: u32) -> u32 {
        let index = self.log.len;
        assert!(index < NO_PARENT, "more than 2^32 - 1 states");
        self.log.push(parent, position);
        index
    }

    pub fn contains(&self, fp: u64) -> bool {
        let k = key(fp);
        let shard = &self.shards[shard_of(k)];
        shard.slots[shard.probe(k)] == k
    }

    /// The way to stored state `i`: the position of the initial state it
    /// starts from, then the position of each step among its state's
    /// successors.
    pub fn path_to(&self, mut i: u32) -> Vec<u32> {
        let mut path = Vec::new();
        loop {
            let (parent, position) = self.log.get(i);
            path.push(position);
            if parent == NO_PARENT {
                break;
            }
            i = parent;
        }
        path.reverse();
        path
    }

    /// Bytes held per stored state: fingerprint slots (free ones included)
    /// and the log.
    pub fn bytes_per_state(&self) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        let slots: usize = self.shards.iter().map(|s| s.slots.len()).sum();
        (slots * 8 + self.log.bytes()) as f64 / self.len() as f64
    }
}

/// The optimistic estimate of the chance that some fingerprint collided.
pub fn collision_probability(distinct: u64, generated: u64) -> f64 {
    distinct as f64 * generated.saturating_sub(distinct) as f64 / 2f64.powi(64)
}

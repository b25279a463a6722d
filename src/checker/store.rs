//! The visited-state store: 64-bit fingerprints and parent links.
//!
//! Why fingerprints: a state can be hundreds of bytes, and the explorer must
//! remember every state it has seen. Like TLC (`tlc2.tool.fp`), kripke keeps
//! only a 64-bit fingerprint of each visited state, plus the index of the
//! state it was first reached from; full states live only in the frontier.
//! A trace is rebuilt by replaying the model along the parent links and
//! picking, at each step, the successor with the stored fingerprint.
//!
//! The cost is a small chance that two different states share a fingerprint,
//! in which case the second is wrongly taken as already seen. With `n`
//! distinct states among `g` generated, the chance is about n·(g−n)/2^64
//! (the "optimistic" estimate TLC prints); the run reports it. The hash uses
//! a fixed seed, so fingerprints, and therefore every count and trace, are
//! the same on every run and machine.

use std::hash::{Hash, Hasher};

use hashbrown::HashTable;

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

/// Fingerprints of the visited states, in the order they were first reached,
/// with the index of the state each was first reached from.
#[derive(Default)]
pub struct Store {
    fps: Vec<u64>,
    parent: Vec<u32>,
    table: HashTable<u32>,
}

impl Store {
    pub fn len(&self) -> usize {
        self.fps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fps.is_empty()
    }

    /// Adds a fingerprint if new; returns its index and whether it was new.
    pub fn insert(&mut self, fp: u64, parent: u32) -> (u32, bool) {
        if let Some(&i) = self.table.find(fp, |&i| self.fps[i as usize] == fp) {
            return (i, false);
        }
        let i = self.fps.len() as u32;
        self.fps.push(fp);
        self.parent.push(parent);
        let fps = &self.fps;
        self.table.insert_unique(fp, i, |&j| fps[j as usize]);
        (i, true)
    }

    pub fn contains(&self, fp: u64) -> bool {
        self.table
            .find(fp, |&i| self.fps[i as usize] == fp)
            .is_some()
    }

    pub fn fp(&self, i: u32) -> u64 {
        self.fps[i as usize]
    }

    /// The indices from an initial state to `i`.
    pub fn path_to(&self, mut i: u32) -> Vec<u32> {
        let mut path = vec![i];
        while self.parent[i as usize] != NO_PARENT {
            i = self.parent[i as usize];
            path.push(i);
        }
        path.reverse();
        path
    }

    /// Bytes held per stored state (fingerprint, parent, table slot and its
    /// control byte, at the table's current load).
    pub fn bytes_per_state(&self) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        let n = self.fps.len() as f64;
        let slots = self.table.capacity() as f64;
        (self.fps.capacity() as f64 * 8.0 + self.parent.capacity() as f64 * 4.0 + slots * 5.0) / n
    }
}

/// The optimistic estimate of the chance that some fingerprint collided.
pub fn collision_probability(distinct: u64, generated: u64) -> f64 {
    distinct as f64 * generated.saturating_sub(distinct) as f64 / 2f64.powi(64)
}

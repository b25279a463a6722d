//! Domains of types and the packed state layout.
//!
//! Every type of the core language is finite, so its values can be listed
//! (`Domains::values`, in `Value` order) and numbered. A state is stored as a
//! fixed number of 64-bit words: each variable gets a fixed bit range, laid out
//! by its type. Small types store the value's index in the type's domain;
//! sets are bitsets over their element domain; maps store one value per key;
//! sequences a length and a fixed number of slots; records and tuples their
//! fields in order. Equal states have equal words, so states can be compared
//! and hashed as plain words, and the layout is the same on every machine.

use std::sync::Arc;

use hashbrown::HashMap;

use super::value::Value;
use crate::sema::program::{Program, SetKind};
use crate::sema::types::Type;

/// Largest domain kripke lists in full (for quantifying over a type, for
/// parameters, or for a layout that numbers values).
pub const MAX_DOMAIN: usize = 1 << 22;
/// Domains up to this size are stored as an index into the domain.
const INDEXED: u128 = 1 << 16;

/// The values of one type, in order, with their positions.
pub struct Domain {
    pub values: super::value::List<Value>,
    pub index: HashMap<Value, u32>,
}

/// Lists the values of types, once per type.
pub struct Domains<'p> {
    prog: &'p Program,
    cache: HashMap<Type, Arc<Domain>>,
}

impl<'p> Domains<'p> {
    pub fn new(prog: &'p Program) -> Self {
        Domains {
            prog,
            cache: HashMap::new(),
        }
    }

    /// A domain already listed, if it is.
    pub fn cached(&self, ty: &Type) -> Option<Arc<Domain>> {
        self.cache.get(ty).cloned()
    }

    /// All values of `ty` in `Value` order, or why they cannot be listed.
    pub fn get(&mut self, ty: &Type) -> Result<Arc<Domain>, String> {
        if let Some(d) = self.cache.get(ty) {
            return Ok(d.clone());
        }
        match ty.size(self.prog) {
            Some(n) if n <= MAX_DOMAIN as u128 => {}
            _ => {
                return Err(format!(
                    "the type {} has too many values to list (more than {MAX_DOMAIN})",
                    ty.show(self.prog)
                ));
            }
        }
        let mut values = self.list(ty)?;
        values.sort_unstable();
        values.dedup();
        let index: HashMap<Value, u32> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (v.clone(), i as u32))
            .collect();
        let d = Arc::new(Domain {
            values: values.into(),
            index,
        });
        self.cache.insert(ty.clone(), d.clone());
        Ok(d)
    }

    fn list(&mut self, ty: &Type) -> Result<Vec<Value>, String> {
        let prog = self.prog;
        Ok(match ty {
            Type::Bool => vec![Value::Bool(false), Value::Bool(true)],
            Type::Int(lo, hi) => (*lo..=*hi).map(Value::Int).collect(),
            Type::Enum(atoms) => atoms.iter().map(|a| Value::Atom(*a)).collect(),
            Type::Scalar(s) => (0..prog.sets[*s].members.len() as u32)
                .map(|i| Value::Member(*s as u32, i))
                .collect(),
            Type::AnyNode => prog
                .sets
                .iter()
                .enumerate()
                .filter(|(_, s)| s.kind != SetKind::Values)
                .flat_map(|(si, s)| {
                    (0..s.members.len() as u32).map(move |i| Value::Member(si as u32, i))
                })
                .collect(),
            Type::Option(t) => {
                let inner = self.get(t)?;
                std::iter::once(Value::None)
                    .chain(
                        inner
                            .values
                            .iter()
                            .map(|v| Value::Some(Arc::new(v.clone()))),
                    )
                    .collect()
            }
            Type::Tuple(ts) => self
                .product(ts)?
                .into_iter()
                .map(|x| Value::Tuple(x.into()))
                .collect(),
            Type::Record(fs) => {
                let ts: Vec<Type> = fs.iter().map(|(_, t)| t.clone()).collect();
                self.product(&ts)?
                    .into_iter()
                    .map(|x| Value::Tuple(x.into()))
                    .collect()
            }
            Type::Set(t) => {
                let elems = self.get(t)?.values.to_vec();
                let n = elems.len();
                (0u64..(1u64 << n))
                    .map(|mask| {
                        Value::Set(
                            (0..n)
                                .filter(|i| mask >> i & 1 == 1)
                                .map(|i| elems[i].clone())
                                .collect::<Vec<_>>()
                                .into(),
                        )
                    })
                    .collect()
            }
            Type::Map(k, v) => {
                let keys = self.get(k)?.values.to_vec();
                let vals = self.get(v)?;
                let ts = vec![(**v).clone(); keys.len()];
                let _ = vals;
                self.product(&ts)?
                    .into_iter()
                    .map(|vs| Value::Map(keys.iter().cloned().zip(vs).collect::<Vec<_>>().into()))
                    .collect()
            }
            Type::Seq(t, n) => {
                let elems = self.get(t)?.values.to_vec();
                let mut out = vec![Value::Seq(Vec::new().into())];
                let mut layer: Vec<Vec<Value>> = vec![Vec::new()];
                for _ in 0..*n {
                    let mut next = Vec::new();
                    for s in &layer {
                        for e in &elems {
                            let mut s2 = s.clone();
                            s2.push(e.clone());
                            next.push(s2);
                        }
                    }
                    out.extend(next.iter().map(|x| Value::Seq(x.clone().into())));
                    layer = next;
                }
                out
            }
            Type::Message => {
                let mut out = Vec::new();
                for (vi, var) in prog.variants.iter().enumerate() {
                    let ts: Vec<Type> = var.fields.iter().map(|(_, t)| t.clone()).collect();
                    out.extend(
                        self.product(&ts)?
                            .into_iter()
                            .map(|fs| Value::Msg(vi as u32, fs.into())),
                    );
                }
                out
            }
            Type::Unknown | Type::Temporal => {
                return Err("internal: listing an untyped domain".into());
            }
        })
    }

    fn product(&mut self, ts: &[Type]) -> Result<Vec<Vec<Value>>, String> {
        let mut out: Vec<Vec<Value>> = vec![Vec::new()];
        for t in ts {
            let d = self.get(t)?;
            let mut next = Vec::with_capacity(out.len() * d.values.len());
            for prefix in &out {
                for v in d.values.iter() {
                    let mut p = prefix.clone();
                    p.push(v.clone());
                    next.push(p);
                }
                if next.len() > MAX_DOMAIN {
                    return Err(format!(
                        "a product of types has more than {MAX_DOMAIN} values"
                    ));
                }
            }
            out = next;
        }
        Ok(out)
    }
}

/// How one value of a type is packed into bits.
pub enum Layout {
    /// The value's index in its (small) domain.
    Indexed { domain: Arc<Domain>, bits: u32 },
    /// An integer from `lo` to `hi`, as an offset from `lo`.
    Int { lo: i64, hi: i64, bits: u32 },
    /// A presence bit, then the value.
    Option(Box<Layout>),
    /// Fields in order (tuples and records).
    Fields(Vec<Layout>),
    /// One bit per element of the element domain.
    Set(Arc<Domain>),
    /// The value for each key, keys in order.
    Map { keys: Vec<Value>, val: Box<Layout> },
    /// A length, then `cap` slots.
    Seq {
        cap: u32,
        len_bits: u32,
        elem: Box<Layout>,
    },
    /// A variant tag, then that variant's fields (padded to the widest).
    Msg {
        tag_bits: u32,
        variants: Vec<Vec<Layout>>,
        width: u32,
    },
}

fn bits_for(n: u128) -> u32 {
    if n <= 1 {
        0
    } else {
        128 - (n - 1).leading_zeros()
    }
}

impl Layout {
    /// The layout of `ty`. Only atomic values (booleans, enumerations,
    /// nodes and set members) are stored as an index into their domain; a
    /// composite value is stored part by part (which costs at most a few
    /// bits), so that the evaluator over packed states (`packed.rs`) reads
    /// and writes a field, a map entry or a set element in place, and
    /// symmetry reduction finds each member's bits where it can move them.
    pub fn new(ty: &Type, doms: &mut Domains) -> Result<Layout, String> {
        let atomic = matches!(
            ty,
            Type::Bool | Type::Enum(_) | Type::Scalar(_) | Type::AnyNode
        );
        let small = ty.size(doms.prog).is_some_and(|n| n <= INDEXED);
        if small && atomic {
            let domain = doms.get(ty)?;
            return Ok(Layout::Indexed {
                bits: bits_for(domain.values.len() as u128),
                domain,
            });
        }
        Ok(match ty {
            Type::Int(lo, hi) => Layout::Int {
                lo: *lo,
                hi: *hi,
                bits: bits_for((*hi as i128 - *lo as i128 + 1) as u128),
            },
            Type::Option(t) => Layout::Option(Box::new(Layout::new(t, doms)?)),
            Type::Tuple(ts) => Layout::Fields(
                ts.iter()
                    .map(|t| Layout::new(t, doms))
                    .collect::<Result<_, _>>()?,
            ),
            Type::Record(fs) => Layout::Fields(
                fs.iter()
                    .map(|(_, t)| Layout::new(t, doms))
                    .collect::<Result<_, _>>()?,
            ),
            Type::Set(t) => Layout::Set(doms.get(t)?),
            Type::Map(k, v) => Layout::Map {
                keys: doms.get(k)?.values.to_vec(),
                val: Box::new(Layout::new(v, doms)?),
            },
            Type::Seq(t, n) => Layout::Seq {
                cap: *n,
                len_bits: bits_for(*n as u128 + 1),
                elem: Box::new(Layout::new(t, doms)?),
            },
            Type::Message => {
                let prog = doms.prog;
                let mut variants = Vec::new();
                for v in &prog.variants {
                    variants.push(
                        v.fields
                            .iter()
                            .map(|(_, t)| Layout::new(t, doms))
                            .collect::<Result<Vec<_>, _>>()?,
                    );
                }
                let width = variants
                    .iter()
                    .map(|fs| fs.iter().map(Layout::bits).sum::<u32>())
                    .max()
                    .unwrap_or(0);
                Layout::Msg {
                    tag_bits: bits_for(variants.len() as u128),
                    variants,
                    width,
                }
            }
            _ => {
                let domain = doms.get(ty)?;
                Layout::Indexed {
                    bits: bits_for(domain.values.len() as u128),
                    domain,
                }
            }
        })
    }

    pub fn bits(&self) -> u32 {
        match self {
            Layout::Indexed { bits, .. } | Layout::Int { bits, .. } => *bits,
            Layout::Option(t) => 1 + t.bits(),
            Layout::Fields(fs) => fs.iter().map(Layout::bits).sum(),
            Layout::Set(d) => d.values.len() as u32,
            Layout::Map { keys, val } => keys.len() as u32 * val.bits(),
            Layout::Seq {
                cap,
                len_bits,
                elem,
            } => len_bits + cap * elem.bits(),
            Layout::Msg {
                tag_bits, width, ..
            } => tag_bits + width,
        }
    }

    /// Writes `v`; `None` if the value is not of this layout's type (a value
    /// outside its variable's domain).
    pub fn encode(&self, v: &Value, w: &mut BitWriter) -> Option<()> {
        match (self, v) {
            (Layout::Indexed { domain, bits }, v) => w.put(*domain.index.get(v)? as u64, *bits),
            (Layout::Int { lo, bits, .. }, Value::Int(n)) => {
                let off = n.checked_sub(*lo)?;
                if off < 0 || (*bits < 64 && off >> bits != 0) {
                    return None;
                }
                w.put(off as u64, *bits)
            }
            (Layout::Option(t), Value::None) => {
                w.put(0, 1);
                w.skip(t.bits());
            }
            (Layout::Option(t), Value::Some(x)) => {
                w.put(1, 1);
                t.encode(x, w)?;
            }
            (Layout::Fields(fs), Value::Tuple(xs)) if fs.len() == xs.len() => {
                for (f, x) in fs.iter().zip(xs.iter()) {
                    f.encode(x, w)?;
                }
            }
            (Layout::Set(d), Value::Set(xs)) => {
                let base = w.pos;
                for x in xs.iter() {
                    w.set_bit(base + *d.index.get(x)? as usize);
                }
                w.skip(d.values.len() as u32);
            }
            (Layout::Map { keys, val }, Value::Map(kvs)) if kvs.len() == keys.len() => {
                for ((k, x), k2) in kvs.iter().zip(keys) {
                    if k != k2 {
                        return None;
                    }
                    val.encode(x, w)?;
                }
            }
            (
                Layout::Seq {
                    cap,
                    len_bits,
                    elem,
                },
                Value::Seq(xs),
            ) if xs.len() <= *cap as usize => {
                w.put(xs.len() as u64, *len_bits);
                for x in xs.iter() {
                    elem.encode(x, w)?;
                }
                w.skip((*cap as usize - xs.len()) as u32 * elem.bits());
            }
            (
                Layout::Msg {
                    tag_bits,
                    variants,
                    width,
                },
                Value::Msg(vi, fs),
            ) => {
                let fl = variants.get(*vi as usize)?;
                if fl.len() != fs.len() {
                    return None;
                }
                w.put(*vi as u64, *tag_bits);
                let start = w.pos;
                for (f, x) in fl.iter().zip(fs.iter()) {
                    f.encode(x, w)?;
                }
                let used = (w.pos - start) as u32;
                w.skip(width - used);
            }
            _ => return None,
        }
        Some(())
    }

    pub fn decode(&self, r: &mut BitReader) -> Value {
        match self {
            Layout::Indexed { domain, bits } => domain.values[r.get(*bits) as usize].clone(),
            Layout::Int { lo, bits, .. } => Value::Int(lo + r.get(*bits) as i64),
            Layout::Option(t) => {
                if r.get(1) == 1 {
                    Value::Some(Arc::new(t.decode(r)))
                } else {
                    r.skip(t.bits());
                    Value::None
                }
            }
            Layout::Fields(fs) => {
                Value::Tuple(fs.iter().map(|f| f.decode(r)).collect::<Vec<_>>().into())
            }
            Layout::Set(d) => {
                let mut xs = Vec::new();
                for (i, v) in d.values.iter().enumerate() {
                    if r.bit_at(r.pos + i) {
                        xs.push(v.clone());
                    }
                }
                r.skip(d.values.len() as u32);
                Value::Set(xs.into())
            }
            Layout::Map { keys, val } => Value::Map(
                keys.iter()
                    .map(|k| (k.clone(), val.decode(r)))
                    .collect::<Vec<_>>()
                    .into(),
            ),
            Layout::Seq {
                cap,
                len_bits,
                elem,
            } => {
                let n = r.get(*len_bits) as usize;
                let xs: Vec<Value> = (0..n).map(|_| elem.decode(r)).collect();
                r.skip((*cap as usize - n) as u32 * elem.bits());
                Value::Seq(xs.into())
            }
            Layout::Msg {
                tag_bits,
                variants,
                width,
            } => {
                let vi = r.get(*tag_bits) as usize;
                let start = r.pos;
                let fs: Vec<Value> = variants[vi].iter().map(|f| f.decode(r)).collect();
                let used = (r.pos - start) as u32;
                r.skip(width - used);
                Value::Msg(vi as u32, fs.into())
            }
        }
    }
}

/// Updates the bits of a set stored at `off` from `was` to `new` (both
/// sorted): only the elements that differ are looked up. `None` if an
/// element is not in the domain.
pub fn set_diff(
    d: &Domain,
    off: usize,
    was: &[Value],
    new: &[Value],
    w: &mut BitWriter,
) -> Option<()> {
    let (mut i, mut j) = (0, 0);
    while i < was.len() || j < new.len() {
        let ord = match (was.get(i), new.get(j)) {
            (Some(a), Some(b)) if a == b => std::cmp::Ordering::Equal,
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match ord {
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                w.clear(off + *d.index.get(&was[i])? as usize, 1);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                w.set_bit(off + *d.index.get(&new[j])? as usize);
                j += 1;
            }
        }
    }
    Some(())
}

pub struct BitWriter {
    pub words: Vec<u64>,
    pub pos: usize,
}

impl BitWriter {
    pub fn new(bits: usize) -> Self {
        BitWriter {
            words: vec![0; bits.div_ceil(64).max(1)],
            pos: 0,
        }
    }
    pub fn from_words(words: Vec<u64>) -> Self {
        BitWriter { words, pos: 0 }
    }
    /// Zeroes `len` bits from `off`.
    pub fn clear(&mut self, off: usize, len: usize) {
        let mut at = off;
        let end = off + len;
        while at < end {
            let (w, b) = (at / 64, at % 64);
            let n = (64 - b).min(end - at);
            let mask = if n == 64 {
                u64::MAX
            } else {
                ((1u64 << n) - 1) << b
            };
            self.words[w] &= !mask;
            at += n;
        }
    }
    fn put(&mut self, v: u64, bits: u32) {
        if bits > 0 {
            let (w, off) = (self.pos / 64, self.pos % 64);
            self.words[w] |= v << off;
            if off + bits as usize > 64 {
                self.words[w + 1] |= v >> (64 - off);
            }
        }
        self.pos += bits as usize;
    }
    pub fn set_bit(&mut self, at: usize) {
        self.words[at / 64] |= 1 << (at % 64);
    }
    fn skip(&mut self, bits: u32) {
        self.pos += bits as usize;
    }
}

pub struct BitReader<'a> {
    words: &'a [u64],
    pub pos: usize,
}

impl<'a> BitReader<'a> {
    pub fn new(words: &'a [u64]) -> Self {
        BitReader { words, pos: 0 }
    }
    fn bit_at(&self, at: usize) -> bool {
        self.words[at / 64] >> (at % 64) & 1 == 1
    }
    fn get(&mut self, bits: u32) -> u64 {
        if bits == 0 {
            return 0;
        }
        let (w, off) = (self.pos / 64, self.pos % 64);
        let mut v = self.words[w] >> off;
        if off + bits as usize > 64 {
            v |= self.words[w + 1] << (64 - off);
        }
        self.pos += bits as usize;
        if bits < 64 {
            v & ((1u64 << bits) - 1)
        } else {
            v
        }
    }
    fn skip(&mut self, bits: u32) {
        self.pos += bits as usize;
    }
}

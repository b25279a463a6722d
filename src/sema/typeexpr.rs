//! Type expressions: what a written type (`0..N`, `{a, b}`, `set<RM>`,
//! `map<K, V>`, `seq<T, N>`, …) means, with the finiteness rules.

use super::types::{INT_ANY, Type};
use super::{Global, Sema};
use crate::diag::{Diag, did_you_mean};
use crate::parser::ast::{self, TypeArg, TypeExpr, TypeKind};

impl Sema<'_> {
    /// Resolves a written type. `int` (unbounded) is allowed only where no
    /// state is stored: constants, function parameters and results.
    pub(crate) fn resolve_type(&mut self, te: &TypeExpr, allow_unbounded: bool) -> Type {
        match &te.kind {
            TypeKind::Named(id) => match id.name.as_str() {
                "bool" => Type::Bool,
                "int" => {
                    if !allow_unbounded {
                        self.err(
                            Diag::error(te.span, "`int` is unbounded")
                                .label("a variable of this type could take infinitely many values")
                                .help("give a range instead, e.g. `0..10` or `0..MaxBallot`"),
                        );
                        return Type::Unknown;
                    }
                    INT_ANY
                }
                // A set the spec names `Node` is that set; otherwise `Node`
                // is any node.
                "Node" if !self.globals.contains_key("Node") => Type::AnyNode,
                "Message" => {
                    if self.prog.variants.is_empty() {
                        self.err(
                            Diag::error(te.span, "`Message` is used but no message is declared")
                                .label("no messages")
                                .help(
                                    "declare the messages first, e.g. `message Prepared(rm: RM)`",
                                ),
                        );
                        return Type::Unknown;
                    }
                    Type::Message
                }
                "set" | "map" | "seq" | "option" => {
                    self.err(
                        Diag::error(te.span, format!("`{}` needs type arguments", id.name))
                            .label("missing `<…>`")
                            .help(
                                "e.g. `set<RM>`, `map<RM, bool>`, `seq<Message, 3>`, `option<RM>`",
                            ),
                    );
                    Type::Unknown
                }
                n => match self.globals.get(n) {
                    Some((Global::EnumType(atoms), _)) => Type::Enum(atoms.clone()),
                    Some((Global::Set(s), _)) => Type::Scalar(*s),
                    Some((g, _)) => {
                        let what = g.what();
                        self.err(
                            Diag::error(id.span, format!("`{n}` is {what}, not a type"))
                                .label("expected a type")
                                .help("types are bool, ranges such as 0..3, enumerations, node or value sets, Message, and set/map/seq/option of those"),
                        );
                        Type::Unknown
                    }
                    None => {
                        let mut cands: Vec<String> = self
                            .globals
                            .iter()
                            .filter(|(_, (g, _))| matches!(g, Global::EnumType(_) | Global::Set(_)))
                            .map(|(k, _)| k.clone())
                            .collect();
                        cands.extend(
                            [
                                "bool", "int", "Node", "Message", "set", "map", "seq", "option",
                            ]
                            .map(String::from),
                        );
                        let mut d =
                            Diag::error(id.span, format!("unknown type `{n}`")).label("not a type");
                        d = match did_you_mean(n, cands.iter().map(String::as_str)) {
                            Some(m) => d.help(format!("did you mean `{m}`?")),
                            None => d.help("declare it with `enum`, `nodes` or `values`, or use a built-in type"),
                        };
                        self.err(d);
                        Type::Unknown
                    }
                },
            },
            TypeKind::Range(lo, hi) => {
                let (lo, hi) = (
                    self.const_int(lo, "a range bound"),
                    self.const_int(hi, "a range bound"),
                );
                match (lo, hi) {
                    (Some(lo), Some(hi)) if lo <= hi => Type::Int(lo, hi),
                    (Some(lo), Some(hi)) => {
                        self.err(
                            Diag::error(te.span, format!("the range {lo}..{hi} is empty"))
                                .label("lower bound above upper bound")
                                .help("write the smaller bound first"),
                        );
                        Type::Unknown
                    }
                    _ => Type::Unknown,
                }
            }
            TypeKind::InlineEnum(members) => {
                if members.is_empty() {
                    self.err(
                        Diag::error(te.span, "an enumeration needs at least one member")
                            .label("empty")
                            .help("list the values, e.g. `{working, prepared}`"),
                    );
                    return Type::Unknown;
                }
                let mut atoms: Vec<_> = members.iter().map(|m| self.atom(m)).collect();
                atoms.sort_unstable();
                atoms.dedup();
                Type::Enum(atoms)
            }
            TypeKind::Record(fields) => {
                let mut fs: Vec<(String, Type)> = Vec::new();
                for (n, t) in fields {
                    if fs.iter().any(|(m, _)| m == &n.name) {
                        self.err(
                            Diag::error(n.span, format!("field `{}` appears twice", n.name))
                                .label("duplicate field"),
                        );
                    }
                    let t = self.resolve_type(t, allow_unbounded);
                    fs.push((n.name.clone(), t));
                }
                fs.sort_by(|a, b| a.0.cmp(&b.0));
                Type::Record(fs)
            }
            TypeKind::Tuple(ts) => {
                if ts.len() < 2 {
                    self.err(
                        Diag::error(te.span, "a tuple type has at least two elements")
                            .label("use the element type itself"),
                    );
                    return Type::Unknown;
                }
                Type::Tuple(
                    ts.iter()
                        .map(|t| self.resolve_type(t, allow_unbounded))
                        .collect(),
                )
            }
            TypeKind::Generic(id, args) => self.resolve_generic(te, id, args, allow_unbounded),
        }
    }

    fn resolve_generic(
        &mut self,
        te: &TypeExpr,
        id: &ast::Ident,
        args: &[TypeArg],
        allow_unbounded: bool,
    ) -> Type {
        let arity = match id.name.as_str() {
            "set" | "option" => 1,
            "map" | "seq" => 2,
            n => {
                let mut d = Diag::error(id.span, format!("unknown type `{n}<…>`"))
                    .label("not a generic type");
                d = match did_you_mean(n, ["set", "map", "seq", "option"]) {
                    Some(m) => d.help(format!("did you mean `{m}`?")),
                    None => {
                        d.help("the generic types are set<T>, map<K, V>, seq<T, N> and option<T>")
                    }
                };
                self.err(d);
                return Type::Unknown;
            }
        };
        if id.name == "seq" && args.len() == 1 {
            self.err(
                Diag::error(te.span, "`seq` needs a bound")
                    .label("an unbounded sequence has infinitely many values")
                    .help("give the longest length, e.g. `seq<Message, 3>`"),
            );
            return Type::Unknown;
        }
        if args.len() != arity {
            self.err(
                Diag::error(
                    te.span,
                    format!(
                        "`{}` takes {arity} type argument{}, found {}",
                        id.name,
                        if arity == 1 { "" } else { "s" },
                        args.len()
                    ),
                )
                .label("wrong number of arguments"),
            );
            return Type::Unknown;
        }
        let ty = |s: &mut Self, a: &TypeArg| match a {
            TypeArg::Type(t) => s.resolve_type(t, allow_unbounded),
            TypeArg::Bound(_) => Type::Unknown,
        };
        match id.name.as_str() {
            "set" => Type::Set(Box::new(ty(self, &args[0]))),
            "option" => Type::Option(Box::new(ty(self, &args[0]))),
            "map" => {
                let k = ty(self, &args[0]);
                let v = ty(self, &args[1]);
                Type::Map(Box::new(k), Box::new(v))
            }
            _ => {
                let t = ty(self, &args[0]);
                let TypeArg::Bound(b) = &args[1] else {
                    return Type::Unknown;
                };
                match self.const_int(b, "a sequence bound") {
                    Some(n) if (0..=1000).contains(&n) => Type::Seq(Box::new(t), n as u32),
                    Some(n) => {
                        self.err(
                            Diag::error(b.span, format!("sequence bound {n} is out of range"))
                                .label("must be between 0 and 1000"),
                        );
                        Type::Unknown
                    }
                    None => Type::Unknown,
                }
            }
        }
    }
}

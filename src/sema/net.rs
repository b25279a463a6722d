//! Networks and message handlers: `network` declarations, `on` handlers,
//! and which network a `send` or `on` uses. What they mean is defined in
//! `src/stdlib/network.rs`.

use super::decls::error_expr;
use super::program::*;
use super::types::{SetId, Type, TypeEnv};
use super::{Ctx, Global, Sema};
use crate::diag::{Diag, Span, did_you_mean};
use crate::parser::ast::{self, Block, Fairness};
use crate::stdlib::build::mk;
use crate::stdlib::network;

impl Sema<'_> {
    /// Picks the network a `send` or `on` uses: the one named, or the only one.
    pub(super) fn network_for(
        &mut self,
        via: Option<&ast::Ident>,
        span: Span,
        what: &str,
    ) -> Option<usize> {
        if let Some(id) = via {
            return match self.globals.get(&id.name) {
                Some((Global::Network(n), _)) => Some(*n),
                _ => {
                    let names: Vec<String> =
                        self.prog.networks.iter().map(|n| n.name.clone()).collect();
                    let mut d = Diag::error(id.span, format!("no network named `{}`", id.name))
                        .label("unknown network");
                    if let Some(m) = did_you_mean(&id.name, names.iter().map(String::as_str)) {
                        d = d.help(format!("did you mean `{m}`?"));
                    }
                    self.err(d);
                    None
                }
            };
        }
        match self.prog.networks.len() {
            1 => Some(0),
            0 => {
                self.err(
                    Diag::error(
                        span,
                        format!("{what} needs a network, and none is declared"),
                    )
                    .label("no network to carry the message")
                    .help("declare one, e.g. `network msgs: set<Message>`"),
                );
                None
            }
            _ => {
                let names: Vec<String> = self
                    .prog
                    .networks
                    .iter()
                    .map(|n| format!("`{}`", n.name))
                    .collect();
                self.err(
                    Diag::error(span, format!("{what}: which network?"))
                        .label("several networks are declared")
                        .help(format!("add `via NAME`, one of {}", names.join(", "))),
                );
                None
            }
        }
    }

    pub(crate) fn handler(
        &mut self,
        fairness: Fairness,
        msg: &ast::Ident,
        binds: &[ast::Ident],
        via: Option<&ast::Ident>,
        body: &Block,
        node: Option<SetId>,
        span: Span,
    ) {
        let Some(v) = self.variant(msg) else {
            return;
        };
        let Some(net) = self.network_for(via, msg.span, "`on`") else {
            return;
        };
        let fields = self.prog.variants[v].fields.clone();
        if binds.len() != fields.len() {
            let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
            self.err(
                Diag::error(
                    msg.span,
                    format!(
                        "`{}` has {} field{}, the handler binds {}",
                        msg.name,
                        fields.len(),
                        if fields.len() == 1 { "" } else { "s" },
                        binds.len()
                    ),
                )
                .label("wrong number of names")
                .note(self.prog.variants[v].span, "declared here")
                .help(if fields.is_empty() {
                    format!("write `on {}` with no parentheses", msg.name)
                } else {
                    format!("write `on {}({})`", msg.name, names.join(", "))
                }),
            );
            return;
        }
        let kind = self.prog.networks[net].kind;
        if kind == NetKind::Fifo && node.is_none() {
            self.err(
                Diag::error(msg.span, "a handler on a fifo network must be inside a node block")
                    .label("no receiving node")
                    .help("fifo channels connect a sender to a receiver; put the handler in `node Name { … }`"),
            );
            return;
        }
        self.begin_body(Ctx {
            node,
            ..Ctx::default()
        });
        self.bind_self(node, msg.span);
        let mut chan = None;
        if kind == NetKind::Fifo {
            let id = ast::Ident {
                name: "sender".into(),
                span: msg.span,
            };
            let l = self.bind(&id, Type::AnyNode);
            self.local_used[l] = true;
            let src = mk(TExprKind::Local(l), Type::AnyNode, msg.span);
            let me = self.self_node(node, msg.span);
            chan = Some((src, me));
        }
        let mut args = Vec::new();
        for (b, (_, t)) in binds.iter().zip(&fields) {
            let l = self.bind(b, t.clone());
            self.local_used[l] = true;
            args.push(mk(TExprKind::Local(l), t.clone(), b.span));
        }
        let n_params = self.locals.len();
        let m = mk(TExprKind::Msg(v, args), Type::Message, msg.span);
        let net_ty = self.prog.vars[self.prog.networks[net].var].ty.clone();
        let mut stmts = network::receive(&self.prog.networks[net], &net_ty, m, chan, msg.span);
        stmts.extend(self.block(body));
        let locals = self.end_body();
        let mut hname = format!("on_{}", msg.name);
        if self.prog.networks.len() > 1 {
            hname = format!("{hname}_via_{}", self.prog.networks[net].name);
        }
        self.prog.actions.push(Action {
            name: self.qualified(node, &hname),
            node,
            n_params,
            locals,
            body: stmts,
            fairness,
            origin: ActionOrigin::Handler(v, net),
            span,
        });
    }

    /// `self` as a node id of type `Node` (for fifo channels).
    pub(super) fn self_node(&mut self, node: Option<SetId>, span: Span) -> TExpr {
        let mut e = match node {
            Some(s) if self.prog.sets[s].kind == SetKind::Single => {
                mk(TExprKind::Member(s, 0), Type::Scalar(s), span)
            }
            _ => match self.lookup_local("self") {
                Some(l) => mk(TExprKind::Local(l), self.locals[l].ty.clone(), span),
                None => error_expr(span),
            },
        };
        e.ty = Type::AnyNode;
        e
    }

    pub(crate) fn network_decl(
        &mut self,
        name: &ast::Ident,
        kind: &ast::Ident,
        msg: &ast::TypeExpr,
        options: &[ast::NetOption],
        span: Span,
    ) {
        let k = match kind.name.as_str() {
            "set" => NetKind::Set,
            "bag" => NetKind::Bag,
            "fifo" => NetKind::Fifo,
            other => {
                let mut d = Diag::error(kind.span, format!("unknown kind of network `{other}`"))
                    .label("expected `set`, `bag` or `fifo`");
                d = match did_you_mean(other, ["set", "bag", "fifo"]) {
                    Some(m) => d.help(format!("did you mean `{m}`?")),
                    None => d.help("`set`: messages stay once sent; `bag`: each receipt consumes one copy; `fifo`: ordered channels between nodes"),
                };
                self.err(d);
                return;
            }
        };
        let t = self.resolve_type(msg, false);
        if !matches!(t, Type::Message | Type::Unknown) {
            let shown = t.show(&self.prog);
            self.err(
                Diag::error(
                    msg.span,
                    format!("a network carries `Message`, not {shown}"),
                )
                .label("expected `Message`")
                .help("declare what it carries with `message Name(field: Type)`"),
            );
        }
        let (mut capacity, mut loss, mut duplication) = (None, false, false);
        for o in options {
            match o.name.name.as_str() {
                "capacity" => match &o.value {
                    Some(e) => match self.const_int(e, "a capacity") {
                        Some(n) if (1..=1000).contains(&n) => capacity = Some(n as u32),
                        Some(n) => self.err(
                            Diag::error(e.span, format!("capacity {n} is out of range"))
                                .label("must be between 1 and 1000"),
                        ),
                        None => {}
                    },
                    None => self.err(
                        Diag::error(o.name.span, "`capacity` needs a number")
                            .label("how many?")
                            .help("e.g. `with capacity 2`"),
                    ),
                },
                "loss" | "duplication" => {
                    if let Some(v) = &o.value {
                        self.err(
                            Diag::error(v.span, format!("`{}` takes no value", o.name.name))
                                .label("unexpected value"),
                        );
                    }
                    if o.name.name == "loss" {
                        loss = true;
                    } else {
                        duplication = true;
                    }
                }
                other => {
                    let mut d =
                        Diag::error(o.name.span, format!("unknown network option `{other}`"))
                            .label("not an option");
                    d = match did_you_mean(other, ["capacity", "loss", "duplication"]) {
                        Some(m) => d.help(format!("did you mean `{m}`?")),
                        None => d.help("the options are `capacity N`, `loss` and `duplication`"),
                    };
                    self.err(d);
                }
            }
        }
        match k {
            NetKind::Set => {
                if capacity.is_some() {
                    self.err(
                        Diag::error(span, "a set network has no capacity")
                            .label("`capacity` is for `bag` and `fifo`")
                            .help("a set holds each message at most once; remove `capacity`"),
                    );
                }
                if duplication {
                    self.err(
                        Diag::warning(span, "`duplication` has no effect on a set network")
                            .label("messages in a set are never consumed")
                            .help("a set network already lets every message be received any number of times"),
                    );
                    duplication = false;
                }
            }
            NetKind::Bag | NetKind::Fifo => {
                if capacity.is_none() {
                    self.err(
                        Diag::error(span, format!("a {} network needs a capacity", kind.name))
                            .label(
                                "unbounded: the number of messages in transit could grow forever",
                            )
                            .help(format!(
                                "add a bound, e.g. `network {}: {}<Message> with capacity 2`",
                                name.name, kind.name
                            )),
                    );
                }
                if k == NetKind::Fifo && duplication {
                    self.err(
                        Diag::error(span, "`duplication` is not supported on fifo networks")
                            .label("not supported")
                            .help("use a `bag` network to model duplicated messages"),
                    );
                    duplication = false;
                }
                if k == NetKind::Fifo && self.prog.node_count() == 0 {
                    self.err(
                        Diag::error(span, "a fifo network needs nodes")
                            .label("channels connect nodes")
                            .help("declare nodes with `nodes` or `node`"),
                    );
                }
            }
        }
        let ty = network::state_type(k, capacity.unwrap_or(1));
        let id = self.prog.networks.len();
        let v = self.prog.vars.len();
        let (init, init_locals) = network::initial(k, &ty, span);
        self.prog.vars.push(Var {
            name: name.name.clone(),
            ty,
            origin: VarOrigin::Network(id),
            init_kind: InitKind::Value,
            init,
            init_locals,
            span: name.span,
        });
        self.prog.networks.push(Network {
            name: name.name.clone(),
            kind: k,
            var: v,
            capacity,
            loss,
            duplication,
            span,
        });
        self.declare(name, Global::Network(id));
    }

    /// After all bodies: the fault actions of lossy and duplicating networks.
    pub(crate) fn network_actions(&mut self) {
        for i in 0..self.prog.networks.len() {
            let net = self.prog.networks[i].clone();
            let ty = self.prog.vars[net.var].ty.clone();
            if net.loss {
                self.prog.actions.push(network::lose_action(&net, &ty, i));
            }
            if net.duplication {
                self.prog
                    .actions
                    .push(network::duplicate_action(&net, &ty, i));
            }
        }
    }
}

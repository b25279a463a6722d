//! Faults from the standard library (`crash … with recovery`, `partition
//! [with heal]`) on models small enough to count by hand. Every
//! counterexample is replayed on the model before it is compared.

mod common;

use kripke::checker::Verdict;

/// Two nodes, nothing else: the only steps are the partition's.
#[test]
fn a_partition_splits_once_and_may_heal_once() {
    let base = "spec P\nnodes N = {n1, n2}\nterminal true\n";
    // {} (connected), {n1} | {n2} named from either side.
    let r = common::run(&format!("{base}partition\n"), 1, true);
    assert_eq!((r.verdict, r.distinct), (Verdict::Ok, 3));
    // ... and connected again after healing, for good.
    let r = common::run(&format!("{base}partition with heal\n"), 1, true);
    assert_eq!((r.verdict, r.distinct), (Verdict::Ok, 4));
}

/// A message sent across a partition is not delivered while it lasts; once
/// healed, it is.
#[test]
fn a_partition_holds_back_fifo_messages_until_it_heals() {
    let spec = |fault: &str| {
        format!(
            "spec Cross\nnodes N = {{n1, n2}}\n\
             message Hello(split_when_sent: bool)\n\
             network wire: fifo<Message> with capacity 1\n{fault}\n\
             node N {{\n\
               var sent: bool = false\n\
               var heard_across: bool = false\n\
               action Tell(d: N) {{ require d != self and not sent\n sent = true\n send Hello(split != {{}}) to d }}\n\
               on Hello(x) {{ heard_across = x }}\n\
             }}\n\
             invariant NothingCrosses: forall n in N: not N[n].heard_across\n\
             terminal true\n"
        )
    };
    let r = common::run(&spec("partition"), 1, true);
    assert_eq!(r.verdict, Verdict::Ok);
    let healed = common::run(&spec("partition with heal"), 1, true);
    assert_eq!(healed.verdict, Verdict::Invariant(0));
    assert_eq!(
        healed.steps,
        [
            "partition {n1} | {n2}",
            "N[n1].Tell(d = n2)",
            "heal the partition",
            "N[n2].on_Hello(sender = n1, x = true)"
        ]
    );
}

/// Recovery restores volatile variables to their initial values and keeps
/// durable ones.
#[test]
fn recovery_forgets_memory_and_keeps_the_disk() {
    let src = "spec Disk\nnodes N = {n1}\ncrash N with recovery\n\
               node N {\n\
                 durable var disk: 0..1 = 0\n\
                 var memory: 0..1 = 0\n\
                 action Save { require memory == 0\n memory = 1\n disk = 1 }\n\
               }\n\
               invariant InSync: N[n1].memory == N[n1].disk\n\
               terminal true\n";
    let r = common::run(src, 1, true);
    assert_eq!(r.verdict, Verdict::Invariant(0));
    assert_eq!(r.steps, ["N[n1].Save", "crash N[n1]", "recover N[n1]"]);
    // (crashed, memory, disk): 000 100 011 111 001 101.
    let all = common::run(
        &src.replace("invariant InSync:", "invariant Any: true or"),
        1,
        true,
    );
    assert_eq!((all.verdict, all.distinct), (Verdict::Ok, 6));
}

/// Partition and durable are names everywhere but where they start a
/// declaration.
#[test]
fn fault_words_stay_usable_as_names() {
    let src = "spec Names\nvar partition: bool = false\nvar durable: bool = false\n\
               action A { partition = true\n durable = partition }\n\
               invariant I: not durable or partition\nterminal true\n";
    let r = common::run(src, 1, true);
    assert_eq!((r.verdict, r.distinct), (kripke::checker::Verdict::Ok, 2));
}

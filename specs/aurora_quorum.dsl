// Quorum writes and reads on six replicas, after Amazon Aurora's storage
// (Verbitski et al., SIGMOD 2017).
//
// Aurora keeps six copies of every piece of data, two in each of three
// availability zones. A write is durable once 4 of the 6 copies have it:
// losing a whole zone (2 copies) still leaves writes possible. Any 3 copies
// share at least one copy with any 4, so a read from 3 copies sees every
// durable write, even after a zone and one more copy are lost.
//
// Aurora avoids even that: the writer knows which copies acknowledged each
// write, so it reads from one copy known to hold the latest durable write.
// That read is never stale. A read from an arbitrary copy can be: that
// copy may have missed the write (expected violation).
//
// Try: kripke check specs/aurora_quorum.dsl
//      kripke test specs/aurora_quorum.dsl

spec AuroraQuorum

const MaxVersion = 2       // writes in a run
const WriteQuorum = 4
const ReadQuorum = 3

nodes Replica = {c1, c2, c3, c4, c5, c6} symmetric   // two per zone
node Writer

message Write(v: 1..MaxVersion)              // writer -> every copy
message Ack(copy: Replica, v: 1..MaxVersion) // copy -> writer: v stored

// Messages stay in the network; a copy may receive a write late or never.
network msgs: set<Message>

// Copies fail: up to a zone and one more (3 of 6).
crash Replica up to 3

node Replica {
  var version: 0..MaxVersion = 0          // the newest write this copy holds

  on Write(v) {
    require v > version
    version = v
    send Ack(self, v)
  }
}

node Writer {
  var latest: 0..MaxVersion = 0           // the last write started
  var durable: 0..MaxVersion = 0          // the last durable write
  var acks: set<Replica> = {}             // copies that acknowledged `latest`
  var holders: set<Replica> = {}          // copies known to hold `durable`

  // Start the next write once the previous one is durable.
  action StartWrite {
    require latest == durable and latest < MaxVersion
    latest += 1
    acks = {}
    send Write(latest)
  }

  on Ack(c, v) {
    require v == latest
    acks += {c}
  }

  // A write quorum has it: the write is durable.
  action Commit {
    require durable < latest and card(acks) >= WriteQuorum
    durable = latest
    holders = acks
  }
}

// What a read served by copy c returns: its newest write.
fn ReadFrom(c: Replica): 0..MaxVersion = Replica[c].version

fn ReadQuorums(): set<set<Replica>> =
  { Q in powerset(Replica) where card(Q) == ReadQuorum }

// Aurora's read: from a live copy known to hold the latest durable write.
invariant KnownCopyReadIsFresh:
  forall c in Writer.holders: not Replica[c].crashed implies ReadFrom(c) >= Writer.durable

// A read from any live copy. Expected to fail: the copy may be behind.
invariant AnyCopyReadIsFresh:
  forall c in Replica: not Replica[c].crashed implies ReadFrom(c) >= Writer.durable

// A quorum read: the newest of 3 live copies.
invariant QuorumReadIsFresh:
  forall Q in ReadQuorums():
    (forall c in Q: not Replica[c].crashed)
      implies max({ ReadFrom(c) for c in Q }) >= Writer.durable

terminal true

expect KnownCopyReadIsFresh holds
expect AnyCopyReadIsFresh violated
expect QuorumReadIsFresh holds

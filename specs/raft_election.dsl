// Leader election in Raft (Ongaro and Ousterhout, 2014), without the log.
//
// Time is divided into numbered terms. A server that hears nothing from a
// leader times out, starts a new term as a candidate, votes for itself and
// asks the others for their votes. A server votes at most once per term,
// for the first candidate that asks; a candidate with votes from a majority
// becomes leader. Any message with a higher term turns its receiver into a
// follower of that term. The promise, Election Safety: at most one leader
// per term, because two majorities share a server, and that server voted
// only once.
//
// "Only once" must survive a crash: Raft keeps the current term and the
// vote on disk. Here servers crash and recover, and exactly those two
// variables are `durable`. Make votedFor a plain `var` and kripke shows a
// server that votes twice in one term, and two leaders.
//
// Try: kripke check specs/raft_election.dsl
//      kripke check specs/raft_election.dsl --const MaxTerm=3   (927k states, ~20 s)

spec RaftElection

const MaxTerm = 2                      // terms are 0..MaxTerm

nodes Server = {s1, s2, s3} symmetric

// Messages stay in the network: they may be delayed, reordered, repeated
// or never delivered.
message RequestVote(term: 1..MaxTerm, candidate: Server)
message Vote(term: 1..MaxTerm, voter: Server, candidate: Server)

network msgs: set<Message>

// Any one server may crash at a time, and recover from its disk.
crash Server up to 1 with recovery

node Server {
  durable var currentTerm: 0..MaxTerm = 0
  durable var votedFor: option<Server> = none      // in currentTerm
  var role: {follower, candidate, leader} = follower
  var votes: set<Server> = {}                      // granted to this candidate

  // Election timeout: start the next term as a candidate.
  action Timeout {
    require role != leader and currentTerm < MaxTerm
    currentTerm += 1
    role = candidate
    votedFor = some(self)
    votes = {self}
    send RequestVote(currentTerm, self)
  }

  on RequestVote(t, c) {
    require t >= currentTerm
    if t > currentTerm {              // a newer term: follow it
      currentTerm = t
      role = follower
      votedFor = none
      votes = {}
    }
    // Grant the vote if this term's vote is still free, or already c's.
    require votedFor == none or votedFor == some(c)
    votedFor = some(c)
    send Vote(t, self, c)
  }

  on Vote(t, v, c) {
    require c == self and t == currentTerm and role == candidate
    votes += {v}
  }

  // A majority voted for this candidate in its term.
  action BecomeLeader {
    require role == candidate and card(votes) * 2 > card(Server)
    role = leader
  }
}

// Election Safety: at most one leader per term.
invariant ElectionSafety:
  forall a, b in Server:
    Server[a].role == leader and Server[b].role == leader
      and Server[a].currentTerm == Server[b].currentTerm
    implies a == b

terminal true

expect ElectionSafety holds

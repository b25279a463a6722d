// Liveness conformance: DiningPhilosophers.tla with DiningPhilosophers.cfg
// (tlaplus/Examples, specifications/DiningPhilosophers), the Chandy-Misra
// solution: forks start dirty with the lower-numbered neighbour; a
// philosopher hands a dirty fork over (cleaned) and eats with two clean
// forks. TLC: 67 distinct states, invariants hold, NobodyStarves holds.

spec DiningPhilosophers

const NP = 5

var forks: map<1..NP, {holder: 1..NP, clean: bool}> =
  [f in 1..NP -> {holder: if f == 2 then 1 else f, clean: false}]
var hungry: map<1..NP, bool> = [p in 1..NP -> true]
var pc: map<1..NP, {loop, eat, think}> = [p in 1..NP -> loop]

fn LeftFork(p: 1..NP): 1..NP = p
fn RightFork(p: 1..NP): 1..NP = if p == NP then 1 else p + 1
fn LeftPhilosopher(p: 1..NP): 1..NP = if p == 1 then NP else p - 1
fn RightPhilosopher(p: 1..NP): 1..NP = if p == NP then 1 else p + 1
fn CanEat(p: 1..NP): bool =
  forks[LeftFork(p)].holder == p and forks[RightFork(p)].holder == p
    and forks[LeftFork(p)].clean and forks[RightFork(p)].clean
fn ShareFork(p: 1..NP, q: 1..NP): bool =
  LeftFork(p) == LeftFork(q) or LeftFork(p) == RightFork(q)
    or RightFork(p) == LeftFork(q) or RightFork(p) == RightFork(q)

// WF_vars(Philosopher(self)) for each self: one fair instance per
// philosopher, covering its three labels (Loop, Think, Eat).
fair action Philosopher(me: 1..NP) {
  either {
    require pc[me] == loop
    // Loop reads the forks as they were before its hand-over.
    let can = CanEat(me)
    if forks[LeftFork(me)].holder == me and not forks[LeftFork(me)].clean {
      forks[LeftFork(me)] = {holder: LeftPhilosopher(me), clean: true}
    } else if forks[RightFork(me)].holder == me and not forks[RightFork(me)].clean {
      forks[RightFork(me)] = {holder: RightPhilosopher(me), clean: true}
    }
    if hungry[me] {
      if can { pc[me] = eat } else { pc[me] = loop }
    } else {
      pc[me] = think
    }
  } or {
    require pc[me] == think
    hungry[me] = true
    pc[me] = loop
  } or {
    require pc[me] == eat
    hungry[me] = false
    forks[LeftFork(me)].clean = false
    forks[RightFork(me)].clean = false
    pc[me] = loop
  }
}

invariant ExclusiveAccess:
  forall p, q in 1..NP:
    p != q and ShareFork(p, q) implies not (pc[p] == eat and pc[q] == eat)

property NobodyStarves: forall p in 1..NP: always eventually not hungry[p]

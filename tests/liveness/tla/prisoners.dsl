// Liveness conformance: Prisoners.tla with Prisoners.cfg (tlaplus/Examples,
// specifications/Prisoners): the prisoners-and-two-switches puzzle. One
// prisoner (the counter) counts how often switch A was turned up; every
// other prisoner turns it up at most twice, and otherwise flips switch B.
// Both switches start in either position. TLC: 214 distinct states, the
// invariants hold, and so do Safety and Liveness (the counter eventually
// knows everyone has been in the room) under weak fairness of every step.

spec Prisoners

values Prisoner = {p1, p2, p3, p4}
// The counter is p1 (Counter = p1); the others are p2, p3, p4.

var switchAUp: bool in {false, true}
var switchBUp: bool in {false, true}
// TLA+ maps only the other prisoners; the counter's entry here stays 0.
var timesSwitched: map<Prisoner, 0..2> = [i in Prisoner -> 0]
var count: 0..7 = 0

fn Done(): bool = count == 2 * (4 - 1)

fair action CounterStep {
  if switchAUp {
    switchAUp = false
    count = count + 1
  } else {
    switchBUp = not switchBUp
  }
}

fair action NonCounterStep(i: Prisoner) {
  require i != p1
  if not switchAUp and timesSwitched[i] < 2 {
    switchAUp = true
    timesSwitched[i] = timesSwitched[i] + 1
  } else {
    switchBUp = not switchBUp
  }
}

invariant CountInvariant:
  let total = timesSwitched[p2] + timesSwitched[p3] + timesSwitched[p4] in
  let up = if switchAUp then 1 else 0 in
  count == total - up or count == total - up + 1

property Safety:
  always (Done() implies forall i in Prisoner: i != p1 implies timesSwitched[i] > 0)

property Liveness: eventually Done()

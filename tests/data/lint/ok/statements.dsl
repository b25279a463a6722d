// Every kind of statement.
spec Statements

nodes N = {n1, n2}
var total: 0..6 = 0
var members: set<N> = {}
var table: map<N, {a: 0..3, b: bool}> = [n in N -> {a: 0, b: false}]
var grid: map<N, seq<0..3, 2>> = [n in N -> [0, 0]]

action Add(n: N) {
  require n not in members
  members += {n}
  let before = total
  total = before + 1
}

action Remove(n: N) {
  require n in members
  members -= {n}
  total -= 1
}

action Update(n: N) {
  if table[n].a < 3 {
    table[n].a = table[n].a + 1
  } else if not table[n].b {
    table[n].b = true
  } else {
    require false
  }
  grid[n][0] = 1
}

action Choose {
  pick n in N, k in 0..1 {
    table[n].a = k
  }
  either { total = 0 } or { total = 1 } or { require total > 3 }
}

invariant Bounded: total <= 6 and card(members) <= 2 and grid[n1][1] <= 3

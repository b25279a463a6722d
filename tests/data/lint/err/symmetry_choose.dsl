spec SymmetryChoose
nodes RM = {r1, r2, r3} symmetric
var done: set<RM> = {}
var first: option<RM> = none
action Finish(r: RM) {
  require r not in done
  done += {r}
  // Which member `choose` returns depends on how members are named.
  first = some(choose x in done: true)
}

spec Finite
var m: map<0..2000, set<0..2000>> = [k in 0..2000 -> {}]

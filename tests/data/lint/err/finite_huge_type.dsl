spec Finite
var m: map<0..200, set<0..200>> = [k in 0..200 -> {}]

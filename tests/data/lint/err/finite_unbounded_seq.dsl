spec Finite
var log: seq<bool> = []

// Every kind of type a variable can have.
spec Types

const N = 3
enum Color { red, green, blue }
nodes Server = 2
values Key = {k1, k2}
message Ping(from: Server)

var flag: bool = false
var count: 0..N = 0
var color: Color = red
var phase: {idle, busy} = idle
var leader: option<Server> = none
var pair: (Server, bool) = (server1, true)
var entry: {key: Key, hits: 0..2} = {key: k1, hits: 0}
var seen: set<Key> = {}
var owner: map<Key, option<Server>> = [k in Key -> none]
var log: seq<Color, 3> = []
var last: option<Message> = none
var anyone: Node = server2

invariant Typed:
  (flag or count <= N) and color != blue and phase in {idle, busy}
  and (is_none(leader) or get(leader) in Server) and pair.1
  and entry.hits < 3 and card(seen) <= 2 and keys(owner) == Key
  and len(log) <= 3 and last != some(Ping(server1)) and anyone in Node

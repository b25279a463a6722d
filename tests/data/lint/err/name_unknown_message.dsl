spec Names
nodes RM = 2
message Prepared(rm: RM)
network msgs: set<Message>
node RM {
  var done: bool = false
  on Prepare(r) { done = true }
}

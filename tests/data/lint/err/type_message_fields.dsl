spec Types
nodes RM = 2
message Prepared(rm: RM)
network msgs: set<Message>
action A { send Prepared() }

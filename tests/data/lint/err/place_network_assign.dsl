spec Place
message Ping
network msgs: set<Message>
action Clear { msgs = {} }

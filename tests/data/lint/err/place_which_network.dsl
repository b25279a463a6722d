spec Place
message Ping
network a: set<Message>
network b: set<Message>
action Send { send Ping }

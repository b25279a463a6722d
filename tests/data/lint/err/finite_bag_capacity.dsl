spec Finite
message Ping
network net: bag<Message>

spec Place
nodes N = 2
message Ping
network wire: fifo<Message> with capacity 1
node N {
  action Send { send Ping }
}

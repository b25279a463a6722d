spec Names
var state: {working, prepared} = working
action Prepare {
  require state == workng
  state = prepared
}

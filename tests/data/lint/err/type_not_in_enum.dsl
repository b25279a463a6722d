spec Types
var state: {working, prepared, committed} = working
var other: {init, aborted} = init
action Abort { state = aborted }

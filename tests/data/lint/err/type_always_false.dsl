spec Types
var state: {working, prepared} = working
var other: {init, aborted} = init
invariant I: state != aborted

spec OutsideFragment
var n: 0..3 = 0
action Inc { require n < 3; n = n + 1 }
// Two eventualities under one `always`: not one of the checked forms.
property Both: always (eventually n == 3 and eventually n == 2)
// A condition alone: that is an invariant, not a property.
property Plain: n <= 3

spec Restart
nodes N = {n1, n2}
crash N with recovery
node N {
  var mood: {calm, busy} in {calm, busy}
  action Flip { mood = calm }
}

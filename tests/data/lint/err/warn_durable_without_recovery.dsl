spec Disk
nodes N = {n1, n2}
crash N
node N {
  durable var log: 0..1 = 0
  action Write { log = 1 }
}
invariant Small: forall n in N: N[n].log <= 1

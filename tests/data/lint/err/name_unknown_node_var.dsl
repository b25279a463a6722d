spec Names
nodes RM = 2
node RM { var state: {working, done} = working }
invariant I: forall r in RM: RM[r].stat == done

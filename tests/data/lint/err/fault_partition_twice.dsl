spec Twice
nodes N = {n1, n2}
partition
partition with heal

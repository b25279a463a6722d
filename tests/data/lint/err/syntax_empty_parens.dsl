spec Syntax
invariant I: () == ()

spec Place
fn f(n: int): int = if n == 0 then 0 else g(n - 1)
fn g(n: int): int = f(n)
invariant I: f(2) == 0

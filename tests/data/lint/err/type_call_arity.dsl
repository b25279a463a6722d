spec Types
fn add(a: int, b: int): int = a + b
invariant I: add(1) == 1

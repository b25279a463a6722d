var x: bool = true

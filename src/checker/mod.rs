//! The explorer (next issue): it will see a compiled model through a small trait, never the AST.

//! The `kripke` command line. The only place that does I/O: it reads spec
//! files, calls the library, prints results and chooses the exit code.

mod cli;

// Workers allocate and free many small values while expanding states;
// mimalloc's thread-local heaps measured 17 % faster than the system
// allocator with 2 workers (2pc, 7 RMs: 3.16 s -> 2.61 s).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}

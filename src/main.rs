//! The `kripke` command line. The only place that does I/O: it reads spec
//! files, calls the library, prints results and chooses the exit code.

mod cli;
mod testcmd;

/// mimalloc rather than the system allocator: with several workers, states
/// made on one thread are freed on another, and glibc's allocator then
/// serialises the threads on its arena locks (measured: the parallel part
/// of a 2-worker run of two-phase commit with 8 RMs took 2.2 s with glibc,
/// 1.9 s with mimalloc).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}

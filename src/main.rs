//! The `kripke` command line. The only place that does I/O: it reads spec
//! files, calls the library, prints results and chooses the exit code.

mod cli;
mod testcmd;

/// mimalloc rather than the system allocator: with several workers, what
/// one worker allocates the merging thread frees, and glibc's allocator then
/// serialises the threads on its arena locks (two-phase commit with 8 RMs on
/// 2 workers: 3.1 s with glibc, 2.8 s with mimalloc). Its version 2 (the
/// `v2` feature), because version 3 keeps more freed memory: peak resident
/// memory on two-phase commit with 9 RMs, 1 worker, per distinct state, was
/// 15.1 bytes with glibc, 16.1 with mimalloc 2 (15.8 since the store's log
/// no longer doubles) and 19 to 20 with mimalloc 3; the explorer promises
/// at most 16.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}

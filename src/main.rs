//! The `kripke` command line. The only place that does I/O: it reads spec
//! files, calls the library, prints results and chooses the exit code.

mod cli;
mod testcmd;

/// mimalloc rather than the system allocator: with several workers, what
/// one worker allocates the merging thread frees, and glibc's allocator then
/// serialises the threads on its arena locks (two-phase commit with 8 RMs on
/// 2 workers: 3.1 s with glibc, 2.8 s with mimalloc). Its version 2 (the
/// `v2` feature), because version 3 keeps more freed memory: peak memory on
/// two-phase commit with 9 RMs, 1 worker, was 152 MB with glibc, 162 MB
/// with mimalloc 2 and 192 to 201 MB with mimalloc 3.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}

//! The `kripke` command line. The only place that does I/O: it reads spec
//! files, calls the library, prints results and chooses the exit code.

mod cli;
mod testcmd;

/// mimalloc rather than the system allocator: with several workers, what
/// one worker allocates the merging thread frees, and glibc's allocator then
/// serialises the threads on its arena locks (PaxosCommit on 2 workers:
/// 4.4 s with glibc, 3.3 s with mimalloc; on 1 worker 6.6 and 6.2-6.5 s).
/// Its version 2 (the `v2` feature), because version 3 keeps more freed
/// memory: peak resident memory on two-phase commit with 9 RMs, 1 worker,
/// per distinct state, was 15.1 bytes with glibc, 16.1 with mimalloc 2
/// (15.4 since the store's log no longer doubles and the frontier is freed
/// as it drains) and 19 to 20 with mimalloc 3; the explorer promises at
/// most 16. And without transparent huge pages (the `no_thp` feature):
/// with them, a 2 MiB page is resident as a whole however little of it is
/// used, which cost 6 MiB per thread (a tiny model's run: 11.2 MiB
/// resident on 1 worker and 17.4 on 2, against 5.6 and 6.2 without), and
/// runs were no faster (PaxosCommit 6.2 s and 3.3 s with them, 6.0 and
/// 3.2 without).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}

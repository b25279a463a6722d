//! The `kripke` command line. The only place that does I/O: it reads spec
//! files, calls the library, prints results and chooses the exit code.

mod cli;
mod testcmd;

fn main() {
    std::process::exit(cli::run());
}

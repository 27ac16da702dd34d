//! Writing to stdout. A reader that goes away (`tq dlq list | head -2`)
//! ends tq quietly with exit status 0, as ripgrep does, rather than with a
//! panic ("failed printing to stdout") or an error message.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once anything was written to stdout.
static WROTE: AtomicBool = AtomicBool::new(false);

/// True once this process wrote anything to stdout (a `--json` failure then
/// adds no second document).
pub fn wrote_anything() -> bool {
    WROTE.load(Ordering::Relaxed)
}

/// Writes `args` and a newline to stdout (the `out!` macro).
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(args).and_then(|()| stdout.write_all(b"\n"));
    quit_if_closed(written);
}

/// Writes `args` to stdout with no newline (the `out_text!` macro).
pub fn text(args: std::fmt::Arguments<'_>) {
    quit_if_closed(std::io::stdout().lock().write_fmt(args));
}

/// Writes raw bytes to stdout.
pub fn bytes(data: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    quit_if_closed(stdout.write_all(data).and_then(|()| stdout.flush()));
}

/// Flushes stdout (a live view's frame must show before the next wait).
pub fn flush() {
    quit_if_closed(std::io::stdout().lock().flush());
}

/// Writes "tq: warning: ..." on stderr (a closed stderr is ignored).
pub fn warn(args: std::fmt::Arguments<'_>) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "tq: warning: {args}");
}

/// Ends the process quietly (exit 0) if stdout's reader went away; other
/// write errors (a full disk behind a redirect) are reported once, then the same.
fn quit_if_closed(written: std::io::Result<()>) {
    WROTE.store(true, Ordering::Relaxed);
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("tq: error: cannot write to stdout: {e}");
            std::process::exit(1);
        }
    }
}

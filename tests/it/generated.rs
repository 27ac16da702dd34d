//! The checked-in completions and man pages match what the binary generates,
//! and they work in the tools that read them.

use std::path::Path;

const REGENERATE: &str = "TQ_UPDATE_GENERATED=1 cargo test --test it generated::";

#[test]
fn checked_in_completions_and_man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var("TQ_UPDATE_GENERATED").is_ok_and(|v| v == "1");
    let files = tq::generate::all_files().unwrap();
    let mut stale = Vec::new();
    for (path, contents) in &files {
        let full = root.join(path);
        if std::fs::read(&full).ok().as_deref() != Some(contents.as_slice()) {
            if update {
                std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                std::fs::write(&full, contents).unwrap();
            } else {
                stale.push(path.clone());
            }
        }
    }
    // Pages of subcommands that no longer exist are stale too.
    for dir in ["completions", "man"] {
        for entry in std::fs::read_dir(root.join(dir)).into_iter().flatten().flatten() {
            let path = format!("{dir}/{}", entry.file_name().to_string_lossy());
            if !files.iter().any(|(p, _)| *p == path) {
                if update {
                    std::fs::remove_file(entry.path()).unwrap();
                } else {
                    stale.push(path);
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files differ from what tq generates now: {stale:?}\nregenerate them with:\n  {REGENERATE}"
    );
}

#[test]
fn bash_completion_registers_for_tq() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new("bash")
        .current_dir(root)
        .args(["-c", "source completions/tq.bash && complete -p tq"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("tq"), "{out:?}");
}

#[test]
fn man_page_renders_without_warnings() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new("man")
        .current_dir(root)
        .env("MANWIDTH", "80")
        .env("MAN_KEEP_STDERR", "1")
        .args(["--warnings", "-l", "man/tq.1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "man reported warnings");
    let text = String::from_utf8_lossy(&out.stdout);
    for section in ["NAME", "SYNOPSIS", "SUBCOMMANDS", "Exit codes"] {
        assert!(text.contains(section), "no {section} in:\n{text}");
    }
}

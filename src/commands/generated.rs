//! `tq completions` and `tq man`: print what [`crate::generate`] makes.

use crate::cli::{CompletionsArgs, ManArgs};
use crate::error::{Error, Result};

/// Runs `tq completions SHELL`.
pub(crate) fn completions(args: CompletionsArgs) -> Result<()> {
    crate::output::bytes(&crate::generate::completion(args.shell));
    Ok(())
}

/// Runs `tq man`.
pub(crate) fn man(args: ManArgs) -> Result<()> {
    let pages = crate::generate::man_pages()?;
    match args.out_dir {
        None => {
            let (_, page) = pages
                .first()
                .ok_or_else(|| Error::Failed("no man page was generated".into()))?;
            crate::output::bytes(page);
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            for (name, page) in &pages {
                std::fs::write(dir.join(name), page)?;
            }
            eprintln!("wrote {} man pages to {}", pages.len(), dir.display());
        }
    }
    Ok(())
}

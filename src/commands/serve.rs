//! `tq serve` (alias `tq dashboard`): serves the API, the admin page and
//! /metrics until Ctrl-C.

use super::Context;
use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::server::{Auth, Config};

/// Runs `tq serve`.
pub(crate) async fn run(ctx: &Context, args: ServeArgs) -> Result<()> {
    let token = match (args.auth_token, &args.token_file) {
        (Some(token), _) => Some(token),
        (None, Some(path)) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| Error::InvalidInput(format!("cannot read --token-file {}: {e}", path.display())))?
                .trim()
                .to_string(),
        ),
        (None, None) => None,
    };
    if token.as_ref().is_some_and(String::is_empty) || args.enqueue_token.as_ref().is_some_and(String::is_empty) {
        return Err(Error::InvalidInput("a token must not be empty".into()));
    }
    let auth = match (token, args.basic_auth) {
        (Some(token), _) => Auth::Token(token),
        (None, Some((user, password))) => Auth::Basic { user, password },
        (None, None) => Auth::None,
    };
    let config = Config {
        listen: args.listen,
        read_only: args.read_only,
        auth,
        enqueue_token: args.enqueue_token,
    };
    // Refused before connecting: a usage error whatever Redis does.
    config.check().map_err(Error::InvalidInput)?;
    crate::server::serve(ctx.broker().await?, config).await
}

//! `tq dashboard`: serves the admin page until Ctrl-C.

use super::Context;
use crate::cli::DashboardArgs;
use crate::dashboard::{Auth, Config};
use crate::error::{Error, Result};

/// Runs `tq dashboard`.
pub async fn run(ctx: &Context, args: DashboardArgs) -> Result<()> {
    let auth = match (args.auth_token, args.basic_auth) {
        (Some(token), _) if token.is_empty() => {
            return Err(Error::InvalidInput("--auth-token must not be empty".into()));
        }
        (Some(token), _) => Auth::Token(token),
        (None, Some((user, password))) => Auth::Basic { user, password },
        (None, None) => Auth::None,
    };
    let config = Config {
        listen: args.listen,
        read_only: args.read_only,
        auth,
    };
    // Refused before connecting: a usage error whatever Redis does.
    config.check().map_err(Error::InvalidInput)?;
    crate::dashboard::serve(ctx.broker().await?, config).await
}

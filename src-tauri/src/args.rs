//! The command line of `pindesk`: how the app is started. Never takes a secret.

use crate::ipc::Mode;
use clap::Parser;

/// PinDesk: set card passcodes (Vault) and PINs (Solid) through card-issuer APIs.
#[derive(Debug, Parser)]
#[command(name = "pindesk", version, about)]
pub struct Args {
    /// Start on the embedded sandbox with demo profiles: no real card is touched.
    #[arg(long)]
    pub demo: bool,
    /// Start as an unattended, locked-down kiosk.
    #[arg(long)]
    pub kiosk: bool,
}

impl Args {
    /// The mode these arguments ask for; kiosk wins over demo (a demo kiosk is still a kiosk).
    pub fn mode(&self) -> Mode {
        if self.kiosk {
            Mode::Kiosk
        } else if self.demo {
            Mode::Demo
        } else {
            Mode::Normal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("pindesk").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn mode_follows_flags() {
        assert_eq!(parse(&[]).mode(), Mode::Normal);
        assert_eq!(parse(&["--demo"]).mode(), Mode::Demo);
        assert_eq!(parse(&["--kiosk"]).mode(), Mode::Kiosk);
        assert_eq!(parse(&["--demo", "--kiosk"]).mode(), Mode::Kiosk);
    }

    #[test]
    fn version_is_a_clean_exit() {
        let err = Args::try_parse_from(["pindesk", "--version"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayVersion);
        assert_eq!(
            err.to_string().trim(),
            format!("pindesk {}", env!("CARGO_PKG_VERSION"))
        );
    }
}

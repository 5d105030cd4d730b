//! The command line, as docs/INTERFACES.md defines it. Secrets are never arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Set card passcodes (Vault) and PINs (Solid), with every credential in the OS keyring.
///
/// Secrets (tokens, passwords, API keys, SMS codes, passcodes, PINs) are read from a no-echo
/// prompt when stdin is a terminal, otherwise one per line from stdin; never from arguments.
///
/// Exit codes: 0 success; 2 bad input (nothing sent); 3 the provider refused; 4 credentials
/// missing, refused or keyring unavailable; 5 network failure or unknown outcome; 6 `history
/// verify` found the history altered; 1 other.
#[derive(Debug, Parser)]
#[command(name = "pindesk-cli", version, about, long_about)]
pub struct Cli {
    /// Machine-readable output: JSON on stdout, errors as a JSON object on stderr.
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage profiles (provider, environment, settings; secrets in the keyring).
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Vault Card Program 1 passcode flow.
    #[command(subcommand)]
    Vault(VaultCommand),
    /// Solid PIN flow.
    #[command(subcommand)]
    Solid(SolidCommand),
    /// Print the operation history, newest first.
    History(HistoryArgs),
    /// Central audit shipping: what waits, and sending it now.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Run the provider sandbox on 127.0.0.1 in the foreground.
    Sandbox(crate::sandbox_cmd::SandboxArgs),
}

/// `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The collectors, how many records wait in the outbox, the last one sent.
    Status,
    /// Send what waits now (up to 10 s); exits 5 if a collector cannot be reached.
    Flush,
}

/// Which provider a profile speaks to.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProviderArg {
    /// Vault Card Program 1 (passcodes).
    Vault,
    /// Solid Issuing (PINs).
    Solid,
}

impl From<ProviderArg> for pindesk_core::profile::Provider {
    fn from(p: ProviderArg) -> Self {
        match p {
            ProviderArg::Vault => Self::Vault,
            ProviderArg::Solid => Self::Solid,
        }
    }
}

/// `profile …` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Create a profile and store its secret in the keyring.
    ///
    /// Vault reads an access token, or with --sign-in a phone number then a password.
    /// Solid reads an API key.
    Add(ProfileAddArgs),
    /// Change a stored profile: its settings are given anew, with the same flags as `add`.
    ///
    /// The stored secret is kept, unless --new-secrets asks for it again or the edit changes
    /// where it is sent (the base URL, a sign-in's merchant id or sign-out URL, Solid's PIN
    /// endpoint), or the sign-in kind: then it is read again, as `add` reads it.
    Edit(ProfileEditArgs),
    /// List the profiles (the active one is marked).
    List,
    /// Show one profile; secrets show only as "stored" or "missing".
    Show {
        /// The profile's name.
        name: String,
    },
    /// Remove a profile and delete its keyring entries.
    Remove {
        /// The profile's name.
        name: String,
    },
    /// Check the profile's credentials against the provider.
    ///
    /// Vault fetches the RSA key; Solid requests a PIN token for --card (it expires unused).
    Test {
        /// The profile's name.
        name: String,
        /// Solid: the card to request a test PIN token for.
        #[arg(long)]
        card: Option<String>,
        /// The case or ticket reference the operation is done for (recorded in the history).
        #[arg(long)]
        ticket: Option<String>,
    },
    /// Make a profile the one used when --profile is not given.
    Use {
        /// The profile's name.
        name: String,
    },
    /// Vault: sign a stored sign-in out and delete its token from the keyring.
    SignOut {
        /// The profile's name.
        name: String,
    },
}

/// `profile add` arguments.
#[derive(Debug, Args)]
pub struct ProfileAddArgs {
    /// The profile's name: lowercase letters, digits and '-'.
    pub name: String,
    /// Which provider.
    #[arg(long, value_enum)]
    pub provider: ProviderArg,
    /// `sandbox`, `production`, or a base URL (https://, or http:// to a loopback address).
    #[arg(long = "env")]
    pub environment: String,
    /// The --env URL is a test host the provider handed out: shown as SANDBOX, not PRODUCTION.
    #[arg(long)]
    pub test_host: bool,
    /// A display name (defaults to the name).
    #[arg(long)]
    pub display_name: Option<String>,
    /// Vault: the merchant id (UUID) sent as X-Merchant-ID at sign-in.
    #[arg(long)]
    pub merchant_id: Option<String>,
    /// Vault: RSA padding for the passcode: pkcs1 (default), oaep-sha256, oaep-sha1.
    #[arg(long)]
    pub rsa_padding: Option<String>,
    /// Vault: store a sign-in (phone number, then password) instead of an access token.
    #[arg(long)]
    pub sign_in: bool,
    /// Vault, with --sign-in: where to sign out (defaults to the base URL).
    #[arg(long)]
    pub signout_url: Option<String>,
    /// Vault: the JSON field the card PIN is sent in (default `pin`; Vault does not publish it).
    #[arg(long)]
    pub card_pin_field: Option<String>,
    /// Solid: the base URL of the PCI PIN endpoint (enables `solid set-pin`).
    #[arg(long)]
    pub pin_endpoint: Option<String>,
    /// The proxy: none (default), system (HTTPS_PROXY/NO_PROXY), or http://[USER@]HOST:PORT or
    /// socks5://HOST:PORT. With a USER, its password is read after the profile's secret.
    #[arg(long)]
    pub proxy: Option<String>,
    /// Solid: the PIN endpoint's proxy when it differs from --proxy (same forms).
    #[arg(long)]
    pub pin_proxy: Option<String>,
    /// Whom to trust for TLS: bundled (default, the bundled web roots), os (the system's
    /// store), or the absolute path of a PEM file of CAs added to the bundled roots.
    #[arg(long)]
    pub ca: Option<String>,
}

/// `profile edit` arguments.
#[derive(Debug, Args)]
pub struct ProfileEditArgs {
    /// The profile's settings, as `profile add` takes them.
    #[command(flatten)]
    pub settings: ProfileAddArgs,
    /// Read the profile's secret again even if the edit does not need it.
    #[arg(long)]
    pub new_secrets: bool,
}

/// Which card, through which profile.
#[derive(Debug, Args)]
pub struct CardArgs {
    /// The profile to use (default: the active profile).
    #[arg(long)]
    pub profile: Option<String>,
    /// The card id.
    #[arg(long)]
    pub card: String,
    /// The case or ticket reference the operation is done for (recorded in the history;
    /// required where the system config sets `[audit] require_ticket`).
    #[arg(long)]
    pub ticket: Option<String>,
}

/// `vault …` subcommands.
#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Send the verification code to the cardholder by SMS.
    SendCode(CardArgs),
    /// Verify the SMS code (read from the prompt or stdin).
    VerifyCode(CardArgs),
    /// Set a new passcode: reads the SMS code, then the passcode (twice on a terminal).
    SetPasscode(CardArgs),
    /// Set or reset the card's PIN (no SMS code, no old PIN): reads the PIN (twice on a terminal).
    SetPin(CardArgs),
}

/// `solid …` subcommands.
#[derive(Debug, Subcommand)]
pub enum SolidCommand {
    /// Request a one-time PIN token and print it.
    PinToken(CardArgs),
    /// Set the PIN through the profile's PIN endpoint: reads the PIN (twice on a terminal).
    SetPin(SetPinArgs),
}

/// `solid set-pin` arguments.
#[derive(Debug, Args)]
pub struct SetPinArgs {
    /// Which card, through which profile.
    #[command(flatten)]
    pub card: CardArgs,
    /// The card's expiry, MM/YYYY: taken from Solid when left out, checked against it when given.
    #[arg(long)]
    pub expiry: Option<String>,
    /// The card number's last four digits: taken from Solid when left out, checked when given.
    #[arg(long)]
    pub last4: Option<String>,
}

/// `history` arguments.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    /// Check the history instead of printing it.
    #[command(subcommand)]
    pub action: Option<HistoryCommand>,
    /// Only operations on or after this day (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub since: Option<String>,
    /// Only operations on or before this day (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub until: Option<String>,
    /// Only operations on this card.
    #[arg(long)]
    pub card: Option<String>,
    /// Only this provider.
    #[arg(long, value_enum)]
    pub provider: Option<ProviderArg>,
    /// Only this outcome: ok, rejected, failed, unknown, started.
    #[arg(long)]
    pub outcome: Option<String>,
    /// At most this many entries (newest first).
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// CSV on stdout instead of a table.
    #[arg(long)]
    pub csv: bool,
}

/// `history …` subcommands.
#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Check that the history was not altered: recompute its hash chain and compare its rows
    /// with its events (exit 6 naming the first bad record when it was).
    Verify {
        /// Also compare with the collector's copy: a file of the RFC 5424 messages it received,
        /// one per line, each carrying a `seq` and a `hash` structured-data param.
        #[arg(long, value_name = "FILE")]
        against: Option<std::path::PathBuf>,
    },
}

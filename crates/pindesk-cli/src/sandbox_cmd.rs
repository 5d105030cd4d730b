//! `pindesk-cli sandbox`: runs the provider sandbox on 127.0.0.1 in the foreground, prints
//! its base URL, demo cards and demo credentials, and stops on Ctrl-C or SIGTERM. The
//! credentials given here are the sandbox's own throwaway ones, never a real provider's.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use pindesk_sandbox::{Padding, Sandbox, SandboxConfig, TlsIdentity};

/// Options of `pindesk-cli sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The sandbox's always-valid Vault bearer token (random when absent).
    #[arg(long, value_name = "T")]
    pub vault_token: Option<String>,
    /// The sandbox's Solid api-key (random when absent).
    #[arg(long, value_name = "K")]
    pub solid_api_key: Option<String>,
    /// The merchant uuid the sandbox's /oauth/token expects (random when absent).
    #[arg(long, value_name = "UUID")]
    pub merchant_id: Option<String>,
    /// How the sandbox expects passCode to be encrypted: pkcs1, oaep-sha256 or oaep-sha1.
    #[arg(long, default_value_t = Padding::Pkcs1, value_name = "PADDING")]
    pub vault_padding: Padding,
    /// Size of the sandbox's RSA key in bits (1024 to 4096).
    #[arg(long, default_value_t = 2048, value_name = "BITS")]
    pub key_bits: usize,
    /// Serve over TLS with this certificate chain (PEM); the URL is then https://localhost:PORT.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

impl SandboxArgs {
    fn config(self) -> SandboxConfig {
        let mut config = SandboxConfig {
            port: self.port,
            vault_padding: self.vault_padding,
            key_bits: self.key_bits,
            ..SandboxConfig::default()
        };
        if let Some(token) = self.vault_token {
            config.vault_token = token;
        }
        if let Some(key) = self.solid_api_key {
            config.solid_api_key = key;
        }
        if let Some(merchant) = self.merchant_id {
            config.merchant_id = merchant;
        }
        config
    }

    /// The TLS identity read from --tls-cert and --tls-key, if given.
    fn tls_identity(&self) -> std::io::Result<Option<TlsIdentity>> {
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        let read = |path: &PathBuf| {
            std::fs::read_to_string(path).map_err(|e| {
                std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
            })
        };
        Ok(Some(TlsIdentity {
            cert_chain_pem: read(cert)?,
            key_pem: read(key)?,
        }))
    }
}

/// Runs the sandbox until Ctrl-C or SIGTERM; exit code 0 after a clean stop, 2 for an
/// unusable option, 1 if it could not start.
pub fn run(args: SandboxArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(serve(args))
}

async fn serve(args: SandboxArgs) -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PINDESK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
    let started = match args.tls_identity() {
        Ok(Some(identity)) => Sandbox::start_tls(args.config(), identity).await,
        Ok(None) => Sandbox::start(args.config()).await,
        Err(error) => Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, error)),
    };
    let sandbox = match started {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("error: the sandbox could not start: {error}");
            return match error.kind() {
                std::io::ErrorKind::InvalidInput => ExitCode::from(2),
                _ => ExitCode::from(1),
            };
        }
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(pindesk_sandbox::banner(&sandbox).as_bytes());
    let _ = stdout.flush();
    drop(stdout);
    stop_signal().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

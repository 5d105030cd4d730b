//! The CLI's commands over the core services. Inputs that are not secret are checked before
//! any secret is asked for, so bad input fails at once with exit code 2 and nothing sent.

use crate::args::{
    CardArgs, Command, ProfileAddArgs, ProfileCommand, ProfileEditArgs, SetPinArgs, SolidCommand,
    VaultCommand,
};
use crate::input::{InputError, SecretInput};
use crate::output::{Failure, Report};
use pindesk_core::api::{CardSummary, ErrorReport, OpDone, ProfileInput, ProfileView};
use pindesk_core::credentials::KeyringStore;
use pindesk_core::desk::{Desk, Error, NewCredentials};
use pindesk_core::error::Category;
use pindesk_core::history::Ticket;
use pindesk_core::paths::Paths;
use pindesk_core::profile::{Profile, ProfileError, ProfileId, VaultAuth};
use pindesk_core::secret::{AccessToken, ApiKey, CardPin, Passcode, Password, Pin, SmsCode};
use pindesk_core::validate::{Expiry, Last4, SolidCardId, VaultCardId};
use serde_json::json;
use time::OffsetDateTime;

/// Runs one command and returns its exit code.
pub fn run(command: Command, json: bool) -> i32 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return Failure::new(Category::Internal, format!("could not start: {e}")).report(json)
        }
    };
    match runtime.block_on(dispatch(command)) {
        Ok(report) => {
            report.print(json);
            report.exit_code
        }
        Err(failure) => failure.report(json),
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        // Errors about which profile to use point at --profile (or the NAME argument).
        let field = e.field().or_else(|| match &e {
            Error::NoActiveProfile
            | Error::WrongProvider { .. }
            | Error::NoPinEndpoint { .. }
            | Error::Profile(ProfileError::NotFound { .. } | ProfileError::InvalidId { .. }) => {
                Some("profile".to_owned())
            }
            _ => None,
        });
        Failure(ErrorReport {
            field,
            ..ErrorReport::from(&e)
        })
    }
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        let field = match &e {
            InputError::Missing { field }
            | InputError::Mismatch { field }
            | InputError::Io { field, .. } => *field,
        };
        Failure::validation(field, e.to_string())
    }
}

pub(crate) fn invalid(e: impl Into<Error>) -> Failure {
    Failure::from(e.into())
}

fn open_desk() -> Result<Desk, Failure> {
    let paths = Paths::from_env().map_err(|e| Failure::new(Category::Internal, e.to_string()))?;
    crate::logging::init(&paths);
    Desk::open(paths, Box::new(KeyringStore::new()), None).map_err(Failure::from)
}

async fn dispatch(command: Command) -> Result<Report, Failure> {
    let desk = open_desk()?;
    let mut input = SecretInput::from_stdin();
    let result = match command {
        Command::Profile(cmd) => profile(&desk, &mut input, cmd).await,
        Command::Vault(cmd) => vault(&desk, &mut input, cmd).await,
        Command::Solid(cmd) => solid(&desk, &mut input, cmd).await,
        Command::History(args) => crate::history_cmd::history(&desk, args),
        Command::Audit(cmd) => return crate::audit_cmd::audit(&desk, cmd).await,
        Command::Sandbox(_) => unreachable!("the sandbox runs before the desk opens"),
    };
    // What this run recorded goes to the collectors now, within a short budget; what cannot
    // be sent stays queued for the next run or the app.
    // A failure to ship is not this command's failure: `audit status` shows it.
    if desk.ships_audit() {
        let _ = desk.audit_flush(pindesk_core::desk::CLI_FLUSH_BUDGET).await;
    }
    result
}

async fn profile(
    desk: &Desk,
    input: &mut SecretInput,
    cmd: ProfileCommand,
) -> Result<Report, Failure> {
    match cmd {
        ProfileCommand::Add(args) => {
            let profile = profile_from_args(&args)?;
            let credentials = read_credentials(&profile, input)?;
            let proxy_password = read_proxy_password(desk, &profile, input)?;
            let name = profile.id.to_string();
            desk.add_profile_with(profile, credentials, proxy_password)?;
            let view = desk.show_profile(&name)?;
            Ok(Report::new(
                &view,
                format!(
                    "Profile {name} added; its secret is in the keyring ({}).",
                    desk.secret_backend()
                ),
            ))
        }
        ProfileCommand::Edit(ProfileEditArgs {
            settings,
            new_secrets,
        }) => {
            let profile = profile_from_args(&settings)?;
            let needed = desk.stored_edit_needs_credentials(&profile)?;
            let credentials = match (&needed, new_secrets) {
                (None, false) => None,
                (Some(why), _) => {
                    input.note(&format!("The secret is needed again: {why}."));
                    match read_credentials(&profile, input) {
                        Ok(credentials) => Some(credentials),
                        // Nothing on stdin: the refusal says why the secret was needed.
                        Err(_) if !input.is_interactive() => {
                            return Err(Failure::validation(
                                "credentials",
                                format!("{why} (pass the secret on stdin)"),
                            ))
                        }
                        Err(e) => return Err(e),
                    }
                }
                (None, true) => Some(read_credentials(&profile, input)?),
            };
            let replaced = credentials.is_some();
            let proxy_password = match replaced {
                true => read_proxy_password(desk, &profile, input)?,
                false => None,
            };
            let name = profile.id.to_string();
            desk.update_profile_with(profile, credentials, proxy_password)
                .await?;
            let view = desk.show_profile(&name)?;
            let secret = if replaced {
                "its new secret is in the keyring"
            } else {
                "its stored secret is kept"
            };
            Ok(Report::new(
                &view,
                format!("Profile {name} changed; {secret}."),
            ))
        }
        ProfileCommand::List => {
            let views = desk.list_profiles()?;
            let text = if views.is_empty() {
                "No profiles. Add one with `pindesk-cli profile add`.".to_owned()
            } else {
                views
                    .iter()
                    .map(profile_line)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Ok(Report::new(&views, text))
        }
        ProfileCommand::Show { name } => {
            let view = desk.show_profile(&name)?;
            let route = desk.route_words(&view.profile)?;
            let text = format!("{}\nnetwork:      {route}", profile_details(&view));
            Ok(Report::new(&view, text))
        }
        ProfileCommand::Remove { name } => {
            let removed = desk.remove_profile(&name).await?;
            Ok(Report::new(
                json!({"removed": removed.id}),
                format!("Profile {name} removed, with its keyring entries."),
            ))
        }
        ProfileCommand::SignOut { name } => {
            let message = desk.vault_sign_out(Some(&name)).await?;
            Ok(Report::new(
                json!({ "signed_out": name, "message": message }),
                message,
            ))
        }
        ProfileCommand::Test { name, card, ticket } => {
            // Checked, but not required: a profile test changes no card.
            let ticket = ticket
                .as_deref()
                .map(Ticket::parse)
                .transpose()
                .map_err(invalid)?;
            let message = desk
                .test_profile(&name, card.as_deref(), ticket.as_ref())
                .await?;
            Ok(Report::new(
                json!({"profile": name, "ok": true, "message": message}),
                message,
            ))
        }
        ProfileCommand::Use { name } => {
            desk.use_profile(&name)?;
            Ok(Report::new(
                json!({"active": name}),
                format!("Profile {name} is now the active profile."),
            ))
        }
    }
}

fn profile_from_args(args: &ProfileAddArgs) -> Result<Profile, Failure> {
    // The id is the NAME argument here, so its error names that.
    ProfileId::new(args.name.as_str()).map_err(|e| Failure::validation("name", e.to_string()))?;
    let input = ProfileInput {
        id: args.name.clone(),
        display_name: args.display_name.clone().unwrap_or_default(),
        provider: args.provider.into(),
        environment: args.environment.clone(),
        merchant_id: args.merchant_id.clone(),
        rsa_padding: args.rsa_padding.clone(),
        sign_in: args.sign_in,
        test_host: args.test_host,
        signout_url: args.signout_url.clone(),
        card_pin_field: args.card_pin_field.clone(),
        pin_endpoint: args.pin_endpoint.clone(),
        token_lifetime_secs: None,
        proxy: args.proxy.clone(),
        pin_proxy: args.pin_proxy.clone(),
        ca: args.ca.clone(),
    };
    Ok(input.to_profile()?)
}

/// The proxy's password, read after the profile's secret, when one of its proxies names a user.
fn read_proxy_password(
    desk: &Desk,
    profile: &Profile,
    input: &mut SecretInput,
) -> Result<Option<Password>, Failure> {
    let machine = desk.machine_network()?;
    if profile.network.proxy_user(machine).is_none() {
        return Ok(None);
    }
    let password = input.read("Proxy password", "proxy-password")?;
    Ok(Some(Password::new(password.to_string())))
}

fn read_credentials(profile: &Profile, input: &mut SecretInput) -> Result<NewCredentials, Failure> {
    Ok(match profile.vault_auth() {
        None => NewCredentials::SolidApiKey(ApiKey::new(
            input.read("Solid API key", "api-key")?.to_string(),
        )),
        Some(VaultAuth::Token) => NewCredentials::VaultToken(AccessToken::new(
            input
                .read("Vault access token", "access-token")?
                .to_string(),
        )),
        Some(VaultAuth::SignIn) => {
            let phone = input.read_plain("Sign-in phone number", "sign-in-phone")?;
            let password = Password::new(
                input
                    .read("Sign-in password", "sign-in-password")?
                    .to_string(),
            );
            NewCredentials::VaultSignIn { phone, password }
        }
    })
}

fn secrets_text(view: &ProfileView) -> String {
    view.secrets
        .iter()
        .map(|(kind, state)| {
            format!(
                "{kind}: {}",
                serde_json::to_value(state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn profile_line(view: &ProfileView) -> String {
    let p = &view.profile;
    format!(
        "{} {:<20} {:<6} {:<10} {:<40} {}",
        if view.active { "*" } else { " " },
        p.id,
        p.provider().as_str(),
        view.environment_kind.badge(),
        p.environment.as_string(),
        secrets_text(view)
    )
}

fn profile_details(view: &ProfileView) -> String {
    let p = &view.profile;
    let mut lines = vec![
        format!("name:         {}", p.id),
        format!("display name: {}", p.display_name),
        format!("provider:     {}", p.provider().as_str()),
        format!(
            "environment:  {} ({})",
            p.environment.as_string(),
            view.environment_kind.badge()
        ),
        format!("active:       {}", if view.active { "yes" } else { "no" }),
    ];
    if let Some(v) = p.vault() {
        lines.push(format!("rsa padding:  {}", v.rsa_padding.as_str()));
        lines.push(format!(
            "auth:         {}",
            if v.auth == VaultAuth::SignIn {
                "sign-in"
            } else {
                "access token"
            }
        ));
        if let Some(m) = &v.merchant_id {
            lines.push(format!("merchant id:  {m}"));
        }
        if let Some(url) = &v.signout_url {
            lines.push(format!("sign-out URL: {url}"));
        }
    }
    if let Some(s) = p.solid() {
        lines.push(format!(
            "pin endpoint: {}",
            s.pin_endpoint
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_else(|| "(none)".into())
        ));
        lines.push(format!("token life:   {} s", s.token_lifetime_secs));
    }
    lines.push(format!("secrets:      {}", secrets_text(view)));
    for warning in &view.warnings {
        lines.push(format!("warning:      {warning}"));
    }
    lines.join("\n")
}

async fn vault(desk: &Desk, input: &mut SecretInput, cmd: VaultCommand) -> Result<Report, Failure> {
    match cmd {
        VaultCommand::SendCode(CardArgs {
            profile,
            card,
            ticket,
        }) => {
            card.parse::<VaultCardId>().map_err(invalid)?;
            let ticket = ticket_of(desk, ticket.as_deref())?;
            let step = desk
                .vault_send_code(profile.as_deref(), &card, ticket.as_ref())
                .await?;
            Ok(done(
                step,
                format!("SMS code sent to the cardholder of card {card}."),
            ))
        }
        VaultCommand::VerifyCode(CardArgs {
            profile,
            card,
            ticket,
        }) => {
            card.parse::<VaultCardId>().map_err(invalid)?;
            let ticket = ticket_of(desk, ticket.as_deref())?;
            let code = SmsCode::new(input.read("SMS code", "code")?.to_string());
            let step = desk
                .vault_verify_code(profile.as_deref(), &card, code, ticket.as_ref())
                .await?;
            Ok(done(step, format!("SMS code verified for card {card}.")))
        }
        VaultCommand::SetPasscode(CardArgs {
            profile,
            card,
            ticket,
        }) => {
            card.parse::<VaultCardId>().map_err(invalid)?;
            let ticket = ticket_of(desk, ticket.as_deref())?;
            let code = SmsCode::new(input.read("SMS code", "code")?.to_string());
            let passcode = Passcode::new(input.read_new("New passcode", "passcode")?.to_string());
            let step = desk
                .vault_set_passcode(profile.as_deref(), &card, code, passcode, ticket.as_ref())
                .await?;
            Ok(done(step, format!("Passcode set on card {card}.")))
        }
        VaultCommand::SetPin(CardArgs {
            profile,
            card,
            ticket,
        }) => {
            card.parse::<VaultCardId>().map_err(invalid)?;
            let ticket = ticket_of(desk, ticket.as_deref())?;
            let pin = CardPin::new(input.read_new("New card PIN", "pin")?.to_string());
            let step = desk
                .vault_set_card_pin(profile.as_deref(), &card, pin, ticket.as_ref())
                .await?;
            Ok(done(step, format!("PIN set on card {card}.")))
        }
    }
}

async fn solid(desk: &Desk, input: &mut SecretInput, cmd: SolidCommand) -> Result<Report, Failure> {
    match cmd {
        SolidCommand::PinToken(CardArgs {
            profile,
            card,
            ticket,
        }) => {
            card.parse::<SolidCardId>().map_err(invalid)?;
            let ticket = ticket_of(desk, ticket.as_deref())?;
            let info = desk
                .solid_pin_token(profile.as_deref(), &card, ticket.as_ref())
                .await?;
            let token = desk
                .reveal_pin_token(Some(&info.profile), &card)?
                .ok_or_else(|| {
                    Failure::new(
                        Category::Internal,
                        "the PIN token was not held after it was issued",
                    )
                })?;
            let expires = info.expires_at;
            let report = Report::new(
                json!({"card_id": card, "set_pin_token": token.expose(), "expires_at": expires, "card": info.card}),
                format!(
                    "{}\n{}\n(one use; expires at {expires})",
                    token.expose(),
                    confirmed_line(&info.card)
                ),
            );
            desk.forget_secrets();
            Ok(report)
        }
        SolidCommand::SetPin(SetPinArgs {
            card,
            expiry,
            last4,
        }) => {
            let CardArgs {
                profile,
                card,
                ticket,
            } = card;
            card.parse::<SolidCardId>().map_err(invalid)?;
            let ticket = ticket_of(desk, ticket.as_deref())?;
            if let Some(expiry) = &expiry {
                Expiry::parse(expiry, OffsetDateTime::now_utc().date()).map_err(invalid)?;
            }
            if let Some(last4) = &last4 {
                last4.parse::<Last4>().map_err(invalid)?;
            }
            let pin = Pin::new(input.read_new("New PIN", "pin")?.to_string());
            let step = desk
                .solid_set_pin(
                    profile.as_deref(),
                    &card,
                    pin,
                    expiry.as_deref(),
                    last4.as_deref(),
                    ticket.as_ref(),
                )
                .await?;
            Ok(done(step, format!("PIN set on card {card}.")))
        }
    }
}

/// The line that says which card the provider confirmed.
fn confirmed_line(card: &CardSummary) -> String {
    format!("Confirmed with the provider: {}", card.line())
}

/// A step's report: the core's `OpDone` without its time (the CLI's JSON never had one),
/// after the card the provider confirmed, when the step looked it up.
fn done(step: OpDone, text: String) -> Report {
    let text = match &step.card {
        Some(card) => format!("{}\n{text}", confirmed_line(card)),
        None => text,
    };
    Report::new(OpDone { at: None, ..step }, text)
}

/// The `--ticket` reference, checked (and required where the machine says so) before any
/// secret is asked for.
fn ticket_of(desk: &Desk, raw: Option<&str>) -> Result<Option<Ticket>, Failure> {
    let ticket = raw.map(Ticket::parse).transpose().map_err(invalid)?;
    desk.ticket_allowed(ticket.as_ref())?;
    Ok(ticket)
}

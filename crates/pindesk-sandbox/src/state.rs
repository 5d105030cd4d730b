//! The sandbox's world: cards of both providers with their passcodes and PINs, SMS codes,
//! access tokens (issued and signed out), sign-in attempts, the requests received, PIN tokens and the current RSA key, plus the clock and the
//! armed faults. One mutex guards the world; it is never held across an `.await`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::demo;
use crate::faults::FaultBook;
use crate::keys::VaultKey;

/// How long an SMS code can be used.
pub(crate) const SMS_CODE_TTL: Duration = Duration::from_secs(5 * 60);
/// Wrong verify attempts after which an SMS code is burnt.
pub(crate) const SMS_CODE_MAX_WRONG: u32 = 5;
/// How long a Solid PIN token can be used.
pub(crate) const PIN_TOKEN_TTL: Duration = Duration::from_secs(5 * 60);

/// A Vault card.
#[derive(Debug)]
pub(crate) struct VaultCard {
    pub(crate) active: bool,
    /// What `GET /v2/card/list` shows of it.
    pub(crate) listed: ListedVaultCard,
    pub(crate) passcode: Option<String>,
    /// The card's PIN, once set through `POST /v2/card/{id}/pin`.
    pub(crate) pin: Option<String>,
    pub(crate) sms: Option<SmsCode>,
}

/// How a Vault card is listed: its masked number, type and expiry, and which of the two
/// documented shapes carries its status and type.
#[derive(Debug, Clone)]
pub(crate) struct ListedVaultCard {
    pub(crate) number: String,
    pub(crate) card_type: &'static str,
    pub(crate) expired: String,
    /// The schema's shape (`status`, `cardType` under `balance`) instead of the example's.
    pub(crate) nested: bool,
}

/// The last SMS code sent to a Vault card.
#[derive(Debug)]
pub(crate) struct SmsCode {
    pub(crate) code: String,
    pub(crate) sent_at: OffsetDateTime,
    pub(crate) expires_at: Instant,
    pub(crate) verified: bool,
    pub(crate) wrong_attempts: u32,
    /// Used to set a passcode, or burnt by wrong attempts: no longer accepted.
    pub(crate) spent: bool,
}

/// A Solid card.
#[derive(Debug)]
pub(crate) struct SolidCard {
    pub(crate) active: bool,
    /// Its status as `GET /v2/issuing/card/{id}` names it.
    pub(crate) status: &'static str,
    pub(crate) last4: String,
    pub(crate) exp_month: u8,
    pub(crate) exp_year: u16,
    pub(crate) pin: Option<String>,
}

/// A Solid set-PIN token.
#[derive(Debug)]
pub(crate) struct PinToken {
    pub(crate) card_id: String,
    pub(crate) expires_at: Instant,
    pub(crate) used: bool,
}

/// Everything the provider endpoints change.
pub(crate) struct World {
    pub(crate) vault_cards: HashMap<i64, VaultCard>,
    /// Issued access tokens and when they expire.
    pub(crate) access_tokens: HashMap<String, Instant>,
    /// Signed-out access tokens (the pre-issued one too, once signed out).
    pub(crate) revoked_tokens: HashSet<String>,
    /// Wrong sign-in passwords in a row.
    pub(crate) wrong_sign_ins: u32,
    /// Sign-in is refused until then (too many wrong passwords).
    pub(crate) sign_in_locked_until: Option<Instant>,
    /// Provider requests received, as `(method, path)`, oldest first.
    pub(crate) requests: Vec<(String, String)>,
    pub(crate) key: Arc<VaultKey>,
    pub(crate) solid_cards: HashMap<String, SolidCard>,
    pub(crate) pin_tokens: HashMap<String, PinToken>,
}

impl World {
    /// The seeded world: the demo cards, no passcodes, PINs, codes or tokens.
    pub(crate) fn seeded(key: VaultKey) -> World {
        let mut vault_cards = HashMap::new();
        for (i, &id) in demo::VAULT_CARDS.iter().enumerate() {
            vault_cards.insert(id, VaultCard::new(id, true, i % 2 == 1));
        }
        vault_cards.insert(
            demo::INACTIVE_VAULT_CARD,
            VaultCard::new(demo::INACTIVE_VAULT_CARD, false, false),
        );
        let mut solid_cards = HashMap::new();
        for &(id, last4, exp_month, exp_year) in demo::SOLID_CARDS {
            solid_cards.insert(
                id.to_owned(),
                SolidCard::new(true, last4, exp_month, exp_year),
            );
        }
        let (last4, exp_month, exp_year) = demo::INACTIVE_SOLID_CARD_DETAILS;
        solid_cards.insert(
            demo::INACTIVE_SOLID_CARD.to_owned(),
            SolidCard::new(false, last4, exp_month, exp_year),
        );
        World {
            vault_cards,
            access_tokens: HashMap::new(),
            revoked_tokens: HashSet::new(),
            wrong_sign_ins: 0,
            sign_in_locked_until: None,
            requests: Vec::new(),
            key: Arc::new(key),
            solid_cards,
            pin_tokens: HashMap::new(),
        }
    }
}

impl VaultCard {
    fn new(id: i64, active: bool, nested: bool) -> VaultCard {
        VaultCard {
            active,
            listed: ListedVaultCard {
                number: format!("4111 11** **** {:04}", id % 10_000),
                card_type: if nested { "PHYSICAL" } else { "VIRTUAL" },
                expired: "2029-11-30T23:59:59Z".to_owned(),
                nested,
            },
            passcode: None,
            pin: None,
            sms: None,
        }
    }
}

impl SolidCard {
    fn new(active: bool, last4: &str, exp_month: u8, exp_year: u16) -> SolidCard {
        SolidCard {
            active,
            status: if active { "activated" } else { "blocked" },
            last4: last4.to_owned(),
            exp_month,
            exp_year,
            pin: None,
        }
    }
}

/// What every handler shares: configuration, clock, world and faults.
pub(crate) struct Shared {
    pub(crate) config: SandboxConfig,
    pub(crate) clock: Clock,
    world: Mutex<World>,
    faults: Mutex<FaultBook>,
}

/// The handle handlers receive.
pub(crate) type App = Arc<Shared>;

impl Shared {
    /// A sandbox's shared state.
    pub(crate) fn new(config: SandboxConfig, key: VaultKey) -> App {
        Arc::new(Shared {
            config,
            clock: Clock::default(),
            world: Mutex::new(World::seeded(key)),
            faults: Mutex::new(FaultBook::default()),
        })
    }

    /// Locks the world (a panic elsewhere never makes it unusable).
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the armed faults.
    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultBook> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}

//! Per-flow client overhead on loopback, against floors measured in the same process and
//! against the same sandbox:
//!
//! - **Vault passcode flow** (look the card up, send the SMS code, verify it, fetch the RSA
//!   key, set the passcode) through the `Desk` services, against the raw floor: the same five
//!   HTTP requests with a bare `reqwest` client, which parses the fetched key and encrypts the
//!   passcode in every flow, as the Desk does.
//! - **Solid PIN flow** (look the card up, get a PIN token; look the card up, set the PIN
//!   with it) the same way: the same four requests.
//! - The Vault flow done the documented way: one `curl` per call and `openssl pkeyutl` for
//!   the encryption (`vault_curl.sh`, one flow per run of the script).
//!
//! The services run as in the app: a stored profile per provider (the profiles file checked
//! on every call, parsed again only when it changed), credentials from an in-memory store, and
//! every operation recorded in the SQLite history (WAL; the `started` record fsynced, the
//! `finished` one not) on disk under the target directory, beside one durable commit measured
//! alone. The RSA
//! key cache is emptied before each Vault flow so that every flow fetches the key, as the
//! floor does. PinDesk and floor flows alternate (ABBA) to spread drift over both.
//!
//! `cargo bench -p pindesk-core --bench flows [-- --flows N --curl-flows M]`. Prints a human
//! summary and `RESULT <name> <value>` lines (microseconds) for `scripts/bench.sh`.

use pindesk_core::credentials::MemoryStore;
use pindesk_core::desk::{Desk, NewCredentials};
use pindesk_core::history::{os_user, Finish, History, NewEntry, Outcome};
use pindesk_core::paths::Paths;
use pindesk_core::profile::{Environment, Profile, ProfileId, Provider};
use pindesk_core::secret::{AccessToken, ApiKey, Passcode, Pin, SmsCode};
use pindesk_core::validate::BaseUrl;
use pindesk_sandbox::{Sandbox, SandboxConfig};
use std::future::Future;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const VAULT_CARD: i64 = 1_234_435;
const SOLID_CARD: &str = "crd_7948d9a96706dd05360a340002de725f";
const SOLID_EXPIRY: &str = "11/2029";
const SOLID_LAST4: &str = "3738";
const PASSCODE: &str = "Bench2468";
const PIN: &str = "1357";
const VAULT_PROFILE: &str = "bench-vault";
const SOLID_PROFILE: &str = "bench-solid";
const WARM_UP: usize = 50;

struct Options {
    flows: usize,
    curl_flows: usize,
}

fn options() -> Options {
    let mut o = Options {
        flows: 1000,
        curl_flows: 50,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> usize {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} needs a number"))
        };
        match arg.as_str() {
            "--flows" => o.flows = number("--flows"),
            "--curl-flows" => o.curl_flows = number("--curl-flows"),
            // `cargo bench` passes `--bench`; anything else is a mistake.
            "--bench" => {}
            other => panic!("unknown argument {other} (expected --flows N, --curl-flows M)"),
        }
    }
    o
}

/// The sorted samples of one series, in microseconds.
struct Series(Vec<f64>);

impl Series {
    fn new(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        Series(samples.iter().map(|d| d.as_secs_f64() * 1e6).collect())
    }

    /// Nearest-rank percentile.
    fn pct(&self, p: f64) -> f64 {
        let n = self.0.len();
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        self.0[rank.clamp(1, n) - 1]
    }
}

/// The raw floor: a bare `reqwest` client and the provider's requests as plain strings.
struct Floor {
    http: reqwest::Client,
    base: String,
    vault_token: String,
    solid_key: String,
}

/// The key answer parsed and the passcode encrypted with it (PKCS#1 v1.5, as the profile).
fn encrypt_with(answer: &[u8]) -> (pindesk_core::crypto::VaultKey, String) {
    let answer: serde_json::Value = serde_json::from_slice(answer).expect("key JSON");
    let key = pindesk_core::crypto::VaultKey::parse(
        answer["id"].as_str().expect("key id"),
        answer["publicKey"].as_str().expect("public key"),
    )
    .expect("key parses");
    let ciphertext = pindesk_core::crypto::encrypt_passcode(
        &key,
        &Passcode::new(PASSCODE.into()),
        pindesk_core::crypto::RsaPadding::Pkcs1,
    )
    .expect("encrypt");
    (key, ciphertext)
}

impl Floor {
    async fn post(&self, path: &str, body: Option<String>) -> bytes::Bytes {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("Accept", "application/json")
            .header("Authorization", format!("Bearer {}", self.vault_token));
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body);
        }
        let response = request.send().await.expect("floor request");
        assert!(response.status().is_success(), "floor: {path} refused");
        response.bytes().await.expect("floor body")
    }

    /// A GET with the Vault bearer token; the body is read, as the Desk reads it.
    async fn vault_get(&self, path: &str) -> bytes::Bytes {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("Accept", "application/json")
            .header("Authorization", format!("Bearer {}", self.vault_token))
            .send()
            .await
            .expect("floor GET");
        assert!(response.status().is_success(), "floor: {path} refused");
        response.bytes().await.expect("floor GET body")
    }

    /// Solid's card lookup, which the Desk makes before each call on a card.
    async fn solid_card(&self) {
        let response = self
            .http
            .get(format!("{}/v2/issuing/card/{SOLID_CARD}", self.base))
            .header("Accept", "application/json")
            .header("api-key", &self.solid_key)
            .send()
            .await
            .expect("floor card request");
        assert!(response.status().is_success(), "floor: card lookup refused");
        response.bytes().await.expect("floor card body");
    }

    async fn vault_flow(&self, sandbox: &Sandbox) {
        let card = VAULT_CARD;
        // The Desk confirms the card among the customer's cards before sending the code.
        self.vault_get("/v2/card/list").await;
        self.post(&format!("/v2/card/{card}/passcode/sms/send"), None)
            .await;
        let code = sandbox.last_sms_code(card).expect("an SMS code was sent");
        self.post(
            &format!("/v2/card/{card}/passcode/sms/verify"),
            Some(format!(r#"{{"code":"{code}"}}"#)),
        )
        .await;
        // The same RSA work as the Desk: the key fetched, parsed and used for every flow.
        let answer = self.vault_get("/v2/card/rsa-public-key").await;
        let (key, ciphertext) = encrypt_with(&answer);
        self.post(
            &format!("/v2/card/{card}/passcode/code/set"),
            Some(format!(
                r#"{{"keyId":"{}","code":"{code}","passCode":"{ciphertext}"}}"#,
                key.id
            )),
        )
        .await;
    }

    async fn solid_flow(&self) {
        self.solid_card().await;
        let token = self
            .http
            .post(format!(
                "{}/v2/issuing/card/{SOLID_CARD}/set_pin_token",
                self.base
            ))
            .header("Accept", "application/json")
            .header("api-key", &self.solid_key)
            .send()
            .await
            .expect("floor token request");
        assert!(token.status().is_success());
        let token: serde_json::Value = token.json().await.expect("floor token body");
        let token = token["set_pin_token"].as_str().expect("a PIN token");
        let (month, year) = SOLID_EXPIRY.split_once('/').unwrap();
        // The Desk confirms the card (its last 4 and expiry) again before setting the PIN.
        self.solid_card().await;
        let set = self
            .http
            .post(format!("{}/v1/card/{SOLID_CARD}/pin", self.base))
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .header("sd-pin-token", token)
            .body(format!(
                r#"{{"pin":"{PIN}","expiryMonth":"{month}","expiryYear":"{year}","last4":"{SOLID_LAST4}"}}"#
            ))
            .send()
            .await
            .expect("floor set-PIN request");
        assert!(set.status().is_success(), "floor: set PIN refused");
        set.bytes().await.expect("floor set-PIN body");
    }
}

async fn desk_vault_flow(desk: &Desk, sandbox: &Sandbox) {
    let card = VAULT_CARD.to_string();
    // Empty the RSA key cache: every flow fetches the key, as the floor does.
    desk.forget_secrets();
    desk.vault_send_code(Some(VAULT_PROFILE), &card, None)
        .await
        .expect("send");
    let code = sandbox.last_sms_code(VAULT_CARD).expect("an SMS code");
    desk.vault_verify_code(Some(VAULT_PROFILE), &card, SmsCode::new(code.clone()), None)
        .await
        .expect("verify");
    desk.vault_set_passcode(
        Some(VAULT_PROFILE),
        &card,
        SmsCode::new(code),
        Passcode::new(PASSCODE.into()),
        None,
    )
    .await
    .expect("set passcode");
}

async fn desk_solid_flow(desk: &Desk) {
    desk.solid_pin_token(Some(SOLID_PROFILE), SOLID_CARD, None)
        .await
        .expect("PIN token");
    desk.solid_set_pin(
        Some(SOLID_PROFILE),
        SOLID_CARD,
        Pin::new(PIN.into()),
        Some(SOLID_EXPIRY),
        Some(SOLID_LAST4),
        None,
    )
    .await
    .expect("set PIN");
}

async fn timed<F: Future<Output = ()>>(f: F) -> Duration {
    let start = Instant::now();
    f.await;
    start.elapsed()
}

/// Runs `n` flows of each kind, alternating which goes first (ABBA), after a warm-up.
async fn alternate<A, B, FA, FB>(n: usize, mut a: A, mut b: B) -> (Series, Series)
where
    A: FnMut() -> FA,
    B: FnMut() -> FB,
    FA: Future<Output = ()>,
    FB: Future<Output = ()>,
{
    for _ in 0..WARM_UP {
        a().await;
        b().await;
    }
    let (mut xs, mut ys) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        if i % 2 == 0 {
            xs.push(timed(a()).await);
            ys.push(timed(b()).await);
        } else {
            ys.push(timed(b()).await);
            xs.push(timed(a()).await);
        }
    }
    (Series::new(xs), Series::new(ys))
}

/// A database with the history's pragmas (WAL, `synchronous = FULL`) and one table of the
/// history's row columns.
fn plain_database(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("plain rows database");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE entries (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER,
           finished_at INTEGER, os_user TEXT, profile TEXT, provider TEXT, environment TEXT,
           operation TEXT, card_id TEXT, ticket TEXT, outcome TEXT, reference TEXT,
           message TEXT, duration_ms INTEGER, writer_pid INTEGER, writer_token TEXT);",
    )
    .expect("plain rows schema");
    conn
}

/// Inserts one `started` row (a transaction of its own) and returns its id.
fn insert_started(conn: &rusqlite::Connection) -> i64 {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    conn.execute(
        "INSERT INTO entries (started_at, os_user, profile, provider, environment,
           operation, card_id, outcome, writer_pid, writer_token)
         VALUES (?1, ?2, ?3, 'vault', 'bench', 'vault.send_code', ?4, 'started', 1, 't')",
        rusqlite::params![now, os_user(), VAULT_PROFILE, VAULT_CARD.to_string()],
    )
    .expect("plain insert");
    conn.last_insert_rowid()
}

/// The floor of a history record without the chain and the outbox, with the history's
/// commit pattern: an insert of the started row, fsynced (`synchronous = FULL`), and an
/// update with its outcome at `synchronous = NORMAL`, not fsynced.
struct PlainRows(rusqlite::Connection);

impl PlainRows {
    fn open(path: &Path) -> Self {
        PlainRows(plain_database(path))
    }

    fn record(&self) {
        let id = insert_started(&self.0);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let level = |l: &str| self.0.pragma_update(None, "synchronous", l).expect(l);
        level("NORMAL");
        self.0
            .execute(
                "UPDATE entries SET outcome = 'ok', finished_at = ?2, duration_ms = 1 WHERE id = ?1",
                rusqlite::params![id, now],
            )
            .expect("plain update");
        level("FULL");
    }
}

/// One durable commit: a single-row insert at `synchronous = FULL` in WAL mode, the physical
/// floor of a recorded operation (its `started` record is on disk before the request leaves).
struct DurableCommit(rusqlite::Connection);

impl DurableCommit {
    fn open(path: &Path) -> Self {
        DurableCommit(plain_database(path))
    }

    fn commit(&self) {
        insert_started(&self.0);
    }
}

/// One history record (start, fsynced; finish, not fsynced) in `history`, as the services
/// write one per operation.
fn history_record(history: &History) {
    let id = history
        .start(&NewEntry {
            started_at: time::OffsetDateTime::now_utc(),
            os_user: os_user(),
            profile: VAULT_PROFILE.into(),
            provider: Provider::Vault,
            environment: "bench".into(),
            operation: "vault.send_code".into(),
            card_id: Some(VAULT_CARD.to_string()),
            ticket: None,
        })
        .expect("history start");
    history
        .finish(
            id,
            &Finish {
                outcome: Outcome::Ok,
                reference: None,
                message: None,
                finished_at: time::OffsetDateTime::now_utc(),
                duration: Duration::from_millis(1),
            },
        )
        .expect("history finish");
}

/// The documented way: `vault_curl.sh` does one flow and prints its own duration (µs,
/// without the sandbox-only call that reads the SMS code the cardholder would read out).
fn curl_flows(n: usize, sandbox: &Sandbox, dir: &Path) -> Series {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/vault_curl.sh");
    let mut samples = Vec::with_capacity(n);
    for i in 0..n + 3 {
        let out = Command::new("bash")
            .arg(&script)
            .env("VAULT_BASE", sandbox.base_url())
            .env("VAULT_TOKEN", &sandbox.config().vault_token)
            .env("VAULT_CARD", VAULT_CARD.to_string())
            .env("PASSCODE", PASSCODE)
            .env("WORK_DIR", dir)
            .output()
            .expect("run bash");
        assert!(
            out.status.success(),
            "vault_curl.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let micros: u64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("vault_curl.sh prints microseconds");
        if i >= 3 {
            samples.push(Duration::from_micros(micros));
        }
    }
    Series::new(samples)
}

fn report(name: &str, s: &Series) {
    println!("RESULT {name}_p50_us {:.1}", s.pct(50.0));
    println!("RESULT {name}_p99_us {:.1}", s.pct(99.0));
}

fn main() {
    let o = options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run(o));
}

async fn run(o: Options) {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    // On disk (the target directory), where a real data dir is; not a tmpfs.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let paths = Paths::new(dir.path().join("config"), dir.path().join("data"));
    let desk = Desk::open(paths, Box::new(MemoryStore::new()), None).expect("desk opens");
    let base = BaseUrl::parse(&sandbox.base_url()).expect("sandbox URL");

    let vault = Profile::new(
        ProfileId::new(VAULT_PROFILE).unwrap(),
        "Bench Vault",
        Provider::Vault,
        Environment::Custom(base.clone()),
    );
    desk.add_profile(
        vault,
        NewCredentials::VaultToken(AccessToken::new(sandbox.config().vault_token.clone())),
    )
    .expect("Vault profile");
    let mut solid = Profile::new(
        ProfileId::new(SOLID_PROFILE).unwrap(),
        "Bench Solid",
        Provider::Solid,
        Environment::Custom(base.clone()),
    );
    solid.solid_mut().expect("Solid settings").pin_endpoint = Some(base);
    desk.add_profile(
        solid,
        NewCredentials::SolidApiKey(ApiKey::new(sandbox.config().solid_api_key.clone())),
    )
    .expect("Solid profile");

    let floor = Floor {
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("bare client"),
        base: sandbox.base_url(),
        vault_token: sandbox.config().vault_token.clone(),
        solid_key: sandbox.config().solid_api_key.clone(),
    };

    eprintln!(
        "flows: {} Vault and {} Solid flows each through PinDesk and the floor (+{WARM_UP} warm-up), {}-bit key",
        o.flows,
        o.flows,
        sandbox.config().key_bits
    );
    let (desk_vault, floor_vault) = alternate(
        o.flows,
        || desk_vault_flow(&desk, &sandbox),
        || floor.vault_flow(&sandbox),
    )
    .await;
    assert!(sandbox.passcode_matches(VAULT_CARD, PASSCODE));
    let (desk_solid, floor_solid) =
        alternate(o.flows, || desk_solid_flow(&desk), || floor.solid_flow()).await;
    assert!(sandbox.pin_matches(SOLID_CARD, PIN));

    // What the history costs: one record (one fsynced commit, one not); a Vault flow writes
    // three, a Solid flow two. Alternated with one durable commit alone, on the same disk.
    let history = History::open(dir.path().join("history-cost.sqlite3")).expect("history");
    let durable = DurableCommit::open(&dir.path().join("durable-commit.sqlite3"));
    let (records, fsyncs) = alternate(
        o.flows,
        || async { history_record(&history) },
        || async { durable.commit() },
    )
    .await;

    // What the chain and the audit outbox add to a record: the history with its outbox on
    // (a collector configured) against the same commit pattern without either, alternated.
    let shipped = History::open(dir.path().join("history-outbox.sqlite3")).expect("history");
    shipped.set_outbox(true);
    let plain = PlainRows::open(&dir.path().join("plain-rows.sqlite3"));
    let (chained, unchained) = alternate(
        o.flows,
        || async { history_record(&shipped) },
        || async { plain.record() },
    )
    .await;

    eprintln!(
        "flows: {} Vault flows the documented way (curl + openssl)",
        o.curl_flows
    );
    let curl = curl_flows(o.curl_flows, &sandbox, dir.path());

    println!();
    println!("{:<34} {:>10} {:>10}", "per flow (µs)", "p50", "p99");
    for (name, s) in [
        ("Vault via PinDesk", &desk_vault),
        ("Vault floor (bare reqwest)", &floor_vault),
        ("Solid via PinDesk", &desk_solid),
        ("Solid floor (bare reqwest)", &floor_solid),
        ("one durable commit (fsync)", &fsyncs),
        ("one history record", &records),
        ("record with chain + outbox", &chained),
        ("record, plain rows (floor)", &unchained),
        ("Vault via curl + openssl", &curl),
    ] {
        println!("{name:<34} {:>10.1} {:>10.1}", s.pct(50.0), s.pct(99.0));
    }
    println!();
    report("vault_desk", &desk_vault);
    report("vault_floor", &floor_vault);
    report("solid_desk", &desk_solid);
    report("solid_floor", &floor_solid);
    report("fsync", &fsyncs);
    report("history_record", &records);
    report("chain_outbox", &chained);
    report("plain_rows", &unchained);
    report("vault_curl", &curl);
    println!("RESULT flows {}", o.flows);
    println!("RESULT curl_flows {}", o.curl_flows);
    println!("RESULT key_bits {}", sandbox.config().key_bits);
    sandbox.stop().await;
}

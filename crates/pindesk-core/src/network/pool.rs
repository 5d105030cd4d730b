//! One HTTP client per distinct route, built on first use and kept for the process.

use reqwest::dns::Resolve;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::Route;
use crate::desk::Error;
use crate::http::{build_route_client, HttpClient, HttpSettings};

/// A route and the keyed digest of its proxy credentials.
type Key = (Route, Option<[u8; 32]>);

/// The clients of one desk, keyed by route (and by the proxy password, as a keyed digest:
/// the password itself is never a key).
pub struct ClientPool {
    settings: HttpSettings,
    resolver: Option<Arc<dyn Resolve>>,
    salt: [u8; 32],
    clients: Mutex<HashMap<Key, HttpClient>>,
}

impl ClientPool {
    /// A pool whose clients have these timeouts and, when given, this resolver (tests).
    pub fn new(settings: HttpSettings, resolver: Option<Arc<dyn Resolve>>) -> Self {
        Self {
            settings,
            resolver,
            salt: rand::random(),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// The timeouts of every client.
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// The client of `route`, built now if this route (with this proxy password) has none.
    pub fn client(
        &self,
        route: &Route,
        proxy_password: Option<(&str, &str)>,
    ) -> Result<HttpClient, Error> {
        let digest = proxy_password.map(|(user, password)| {
            let mut hash = Sha256::new();
            hash.update(self.salt);
            hash.update(user.as_bytes());
            hash.update([0]);
            hash.update(password.as_bytes());
            <[u8; 32]>::from(hash.finalize())
        });
        let key = (route.clone(), digest);
        if let Some(client) = crate::desk::lock(&self.clients).get(&key) {
            return Ok(client.clone());
        }
        let client =
            build_route_client(&self.settings, route, proxy_password, self.resolver.clone())?;
        crate::desk::lock(&self.clients).insert(key, client.clone());
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{ProxySetting, TrustSetting};

    #[test]
    fn one_client_per_route_and_proxy_credentials() {
        let pool = ClientPool::new(HttpSettings::default(), None);
        let direct = Route::direct();
        let os = Route {
            trust: TrustSetting::Os,
            ..Route::direct()
        };
        let proxied = Route {
            proxy: ProxySetting::parse("proxy", "http://ops@127.0.0.1:3128").unwrap(),
            ..Route::direct()
        };
        for _ in 0..3 {
            pool.client(&direct, None).unwrap();
            pool.client(&os, None).unwrap();
            pool.client(&proxied, Some(("ops", "pw-canary-1"))).unwrap();
        }
        assert_eq!(crate::desk::lock(&pool.clients).len(), 3);
        pool.client(&proxied, Some(("ops", "pw-canary-2"))).unwrap();
        assert_eq!(
            crate::desk::lock(&pool.clients).len(),
            4,
            "a new proxy password builds a new client"
        );
        let keys = format!(
            "{:?}",
            crate::desk::lock(&pool.clients).keys().collect::<Vec<_>>()
        );
        assert!(!keys.contains("pw-canary"), "{keys}");
    }
}

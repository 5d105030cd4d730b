//! A profile's network settings, and the route each of its calls takes once the machine's
//! rules are applied.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use super::{ProxySetting, TrustSetting};
use crate::validate::ValidationError;

/// How a profile's requests leave the desk. Defaults: no proxy, the bundled roots.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct NetworkSettings {
    /// The proxy of every call (`none`, `system` or a proxy URL).
    #[serde(skip_serializing_if = "is_default")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub proxy: ProxySetting,
    /// Solid's PIN endpoint's proxy, when it differs from `proxy` (Solid profiles only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub pin_proxy: Option<ProxySetting>,
    /// The authorities trusted for TLS (`bundled`, `os` or a PEM file added to the bundled).
    #[serde(skip_serializing_if = "is_default")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub ca: TrustSetting,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// What the machine-wide configuration imposes on every profile's network.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MachineNetwork {
    /// A proxy every call must use: a profile can neither go direct nor choose another.
    pub proxy: Option<ProxySetting>,
    /// PEM files added to what every profile trusts.
    pub cas: Vec<PathBuf>,
}

/// The way one call goes: the proxy and the trust it uses, the machine's rules applied.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Route {
    /// The proxy.
    pub proxy: ProxySetting,
    /// The profile's trust setting.
    pub trust: TrustSetting,
    /// PEM files the machine adds to the trust.
    pub machine_cas: Vec<PathBuf>,
}

impl Route {
    /// The route of a call with no proxy and the bundled roots.
    pub fn direct() -> Self {
        Route {
            proxy: ProxySetting::None,
            trust: TrustSetting::Bundled,
            machine_cas: Vec::new(),
        }
    }

    /// "proxy http://proxy.example.com:3128, trust bundled roots + /etc/pindesk/bank.pem", for
    /// "Test connection" and the logs (no password: it is never in a setting).
    pub fn describe(&self) -> String {
        let proxy = match &self.proxy {
            ProxySetting::None => "no proxy".to_owned(),
            ProxySetting::System => "the system's proxy (HTTPS_PROXY/NO_PROXY)".to_owned(),
            ProxySetting::Url(url) => format!("proxy {url}"),
        };
        let mut trust = match &self.trust {
            TrustSetting::Bundled => "the bundled web roots".to_owned(),
            TrustSetting::Os => "the system's trust store".to_owned(),
            TrustSetting::Pem(path) => format!("the bundled web roots + {}", path.display()),
        };
        for ca in &self.machine_cas {
            trust.push_str(&format!(" + {} (machine)", ca.display()));
        }
        format!("{proxy}; trusting {trust}")
    }
}

impl NetworkSettings {
    /// The route of the profile's API calls (sign-in and sign-out included).
    pub fn api_route(&self, machine: &MachineNetwork) -> Route {
        self.route(&self.proxy, machine)
    }

    /// The route of Solid's PIN endpoint: `pin_proxy` when set, else `proxy`.
    pub fn pin_route(&self, machine: &MachineNetwork) -> Route {
        self.route(self.pin_proxy.as_ref().unwrap_or(&self.proxy), machine)
    }

    fn route(&self, proxy: &ProxySetting, machine: &MachineNetwork) -> Route {
        Route {
            proxy: machine.proxy.clone().unwrap_or_else(|| proxy.clone()),
            trust: self.ca.clone(),
            machine_cas: machine.cas.clone(),
        }
    }

    /// The user name any of the profile's proxies asks for (one proxy password per profile).
    pub fn proxy_user<'a>(&'a self, machine: &'a MachineNetwork) -> Option<&'a str> {
        let own = [Some(&self.proxy), self.pin_proxy.as_ref()];
        machine.proxy.as_ref().map_or_else(
            || own.into_iter().flatten().find_map(ProxySetting::user),
            ProxySetting::user,
        )
    }

    /// Checks the settings against the machine's rules: a profile cannot choose another proxy
    /// than the one the machine enforces (naming none is fine: the machine's is used).
    pub fn check_against(&self, machine: &MachineNetwork) -> Result<(), ValidationError> {
        let Some(enforced) = &machine.proxy else {
            return Ok(());
        };
        for (field, own) in [
            ("proxy", Some(&self.proxy)),
            ("pin_proxy", self.pin_proxy.as_ref()),
        ] {
            if let Some(own) = own.filter(|p| **p != ProxySetting::None && *p != enforced) {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "this computer's system config sends every request through {enforced}; a profile cannot use {own}"
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(s: &str) -> ProxySetting {
        ProxySetting::parse("proxy", s).unwrap()
    }

    #[test]
    fn the_machines_proxy_wins_and_its_cas_are_added() {
        let own = NetworkSettings {
            proxy: proxy("http://desk@127.0.0.1:3128"),
            pin_proxy: Some(ProxySetting::None),
            ca: TrustSetting::Os,
        };
        let free = MachineNetwork::default();
        assert_eq!(own.api_route(&free).proxy, own.proxy);
        assert_eq!(own.pin_route(&free).proxy, ProxySetting::None);
        assert_eq!(own.proxy_user(&free), Some("desk"));
        let managed = MachineNetwork {
            proxy: Some(proxy("http://127.0.0.1:8080")),
            cas: vec!["/etc/pindesk/bank.pem".into()],
        };
        for route in [own.api_route(&managed), own.pin_route(&managed)] {
            assert_eq!(route.proxy, proxy("http://127.0.0.1:8080"));
            assert_eq!(route.trust, TrustSetting::Os);
            assert_eq!(route.machine_cas, managed.cas);
        }
        assert_eq!(
            own.proxy_user(&managed),
            None,
            "the machine's proxy names no user"
        );
        assert!(own
            .api_route(&managed)
            .describe()
            .contains("/etc/pindesk/bank.pem (machine)"));
    }

    #[test]
    fn a_profile_cannot_choose_another_proxy_than_the_machines() {
        let managed = MachineNetwork {
            proxy: Some(proxy("http://127.0.0.1:8080")),
            cas: Vec::new(),
        };
        let cases = [
            ("unset", NetworkSettings::default(), None),
            (
                "the same",
                NetworkSettings {
                    proxy: proxy("http://127.0.0.1:8080"),
                    ..Default::default()
                },
                None,
            ),
            (
                "another",
                NetworkSettings {
                    proxy: proxy("http://127.0.0.1:9090"),
                    ..Default::default()
                },
                Some("proxy"),
            ),
            (
                "system",
                NetworkSettings {
                    proxy: ProxySetting::System,
                    ..Default::default()
                },
                Some("proxy"),
            ),
            (
                "a PIN proxy",
                NetworkSettings {
                    pin_proxy: Some(ProxySetting::System),
                    ..Default::default()
                },
                Some("pin_proxy"),
            ),
        ];
        for (name, settings, refused) in cases {
            let got = settings.check_against(&managed).err().map(|e| e.field);
            assert_eq!(got, refused, "{name}");
            assert!(
                settings.check_against(&MachineNetwork::default()).is_ok(),
                "{name}"
            );
        }
    }
}

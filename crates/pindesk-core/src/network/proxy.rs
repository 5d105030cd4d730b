//! Which proxy a profile's requests leave through.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use url::Url;

use crate::validate::ValidationError;

/// A profile's proxy: written in the file and on the command line as `none`, `system` or a
/// proxy URL (`http://[user@]host:port`, `socks5://[user@]host:port`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum ProxySetting {
    /// Straight to the provider; the environment's proxy variables are ignored.
    #[default]
    None,
    /// What the system names: on Linux `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` with `NO_PROXY`
    /// (desktop proxy settings and PAC/WPAD are not read); on Windows and macOS also the
    /// system's own proxy settings. Chosen explicitly, never by default.
    System,
    /// This proxy, for every request.
    Url(ProxyUrl),
}

impl ProxySetting {
    /// Parses `none`, `system` or a proxy URL; errors name `field`.
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        match value.trim() {
            "none" => Ok(ProxySetting::None),
            "system" => Ok(ProxySetting::System),
            url => ProxyUrl::parse(field, url).map(ProxySetting::Url),
        }
    }

    /// The setting as written in the file.
    pub fn as_string(&self) -> String {
        match self {
            ProxySetting::None => "none".into(),
            ProxySetting::System => "system".into(),
            ProxySetting::Url(url) => url.to_string(),
        }
    }

    /// The user name the proxy asks for, when the URL names one (its password lives in the
    /// keyring).
    pub fn user(&self) -> Option<&str> {
        match self {
            ProxySetting::Url(url) => url.user(),
            _ => None,
        }
    }
}

impl fmt::Display for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl Serialize for ProxySetting {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_string())
    }
}

impl<'de> Deserialize<'de> for ProxySetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ProxySetting::parse("proxy", &s).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// A proxy's URL: `http://` or `socks5://`, a host and a port, at most a user name (never a
/// password: that goes to the keyring), no path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProxyUrl(Url);

impl ProxyUrl {
    /// Parses and checks a proxy URL; errors name `field`.
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let err = |m: String| ValidationError::new(field, m);
        // The value is not repeated: a mistyped URL may hold a password.
        let url = Url::parse(value).map_err(|_| {
            err(
                "it is not none, system or a proxy URL such as http://proxy.example.com:3128"
                    .into(),
            )
        })?;
        if !matches!(url.scheme(), "http" | "socks5" | "socks5h") {
            return Err(err(
                "the proxy URL must start with http://, socks5:// or socks5h:// (an https:// proxy is not supported)".into(),
            ));
        }
        if url.host().is_none() {
            return Err(err("the proxy URL has no host".into()));
        }
        if url.port_or_known_default().is_none() {
            return Err(err("the proxy URL needs a port (host:port)".into()));
        }
        if url.password().is_some() {
            return Err(err(
                "the proxy URL must not contain a password: give it as the proxy password, which is kept in the keyring".into(),
            ));
        }
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err(err(
                "the proxy URL is only scheme://[user@]host:port, without a path".into(),
            ));
        }
        Ok(ProxyUrl(url))
    }

    /// The user name, when the proxy asks for credentials.
    pub fn user(&self) -> Option<&str> {
        Some(self.0.username()).filter(|u| !u.is_empty())
    }

    /// The URL without its user name: what reqwest connects to.
    pub fn without_user(&self) -> Url {
        let mut url = self.0.clone();
        let _ = url.set_username("");
        url
    }

    /// `host:port`, for messages.
    pub fn host_port(&self) -> String {
        let host = self.0.host_str().unwrap_or_default();
        match self.0.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str().trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_as_written_and_bad_ones_name_the_field() {
        let good = [
            ("none", "none"),
            ("system", "system"),
            (
                "http://proxy.example.com:3128",
                "http://proxy.example.com:3128",
            ),
            ("http://ops@127.0.0.1:8888/", "http://ops@127.0.0.1:8888"),
            ("socks5://10.0.0.1:1080", "socks5://10.0.0.1:1080"),
            ("http://proxy.example.com", "http://proxy.example.com"),
        ];
        for (input, written) in good {
            let parsed = ProxySetting::parse("proxy", input).unwrap();
            assert_eq!(parsed.as_string(), written, "{input}");
            assert_eq!(ProxySetting::parse("proxy", written).unwrap(), parsed);
        }
        let bad = [
            ("", "not none, system"),
            ("direct", "not none, system"),
            ("https://proxy.example.com:443", "must start with http://"),
            ("ftp://proxy.example.com:21", "must start with http://"),
            (
                "http://ops:hunter2@proxy.example.com:3128",
                "must not contain a password",
            ),
            ("http://proxy.example.com:3128/path", "without a path"),
            ("socks5://proxy.example.com", "needs a port"),
        ];
        for (input, words) in bad {
            let e = ProxySetting::parse("pin_proxy", input).unwrap_err();
            assert_eq!(e.field, "pin_proxy", "{input}");
            assert!(e.message.contains(words), "{input}: {}", e.message);
            assert!(!e.message.contains("hunter2"), "{}", e.message);
        }
        let with_user = ProxySetting::parse("proxy", "http://ops@127.0.0.1:8888").unwrap();
        assert_eq!(with_user.user(), Some("ops"));
        let ProxySetting::Url(url) = with_user else {
            unreachable!()
        };
        assert_eq!(url.without_user().as_str(), "http://127.0.0.1:8888/");
        assert_eq!(url.host_port(), "127.0.0.1:8888");
    }
}

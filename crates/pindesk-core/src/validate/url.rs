//! Provider base URLs: `https://` to any host, `http://` only to loopback.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use url::{Host, Url};

use super::ValidationError;

/// A provider base URL: `https://` to any host, or `http://` only to a loopback host
/// (`127.0.0.0/8`, `::1`, `localhost`); no user name, password, query or fragment.
/// Normalised without a trailing slash, so paths are appended with [`BaseUrl::join`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Parses and checks a base URL.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let err = |m: &str| ValidationError::new("base_url", m);
        let s = s.trim();
        if s.is_empty() {
            return Err(err("the base URL is required"));
        }
        let url = Url::parse(s).map_err(|e| {
            ValidationError::new("base_url", format!("the base URL is not a valid URL ({e})"))
        })?;
        match url.scheme() {
            "https" => {}
            "http" => {
                if !is_loopback(&url) {
                    return Err(err(
                        "plain http:// is allowed only to this computer (127.0.0.1, ::1 or localhost); use https://",
                    ));
                }
            }
            _ => return Err(err("the base URL must start with https://")),
        }
        if url.host().is_none() {
            return Err(err("the base URL has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(err("the base URL must not contain a user name or password"));
        }
        if url.query().is_some() {
            return Err(err("the base URL must not contain a query (?…)"));
        }
        if url.fragment().is_some() {
            return Err(err("the base URL must not contain a fragment (#…)"));
        }
        let mut url = url;
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&path);
        Ok(Self(url))
    }

    /// The URL for `path` (which starts with `/`) below this base.
    pub fn join(&self, path: &str) -> Url {
        let mut url = self.0.clone();
        let base = url.path().trim_end_matches('/');
        let joined = format!("{base}{path}");
        url.set_path(&joined);
        url
    }

    /// The normalised URL.
    pub fn as_url(&self) -> &Url {
        &self.0
    }

    /// The normalised URL as text, without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// Whether requests to it travel unencrypted (`http://`, allowed to loopback only).
    pub fn is_plain_http(&self) -> bool {
        self.0.scheme() == "http"
    }

    /// Whether this points at the local computer (plain http is allowed only then).
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.0)
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl FromStr for BaseUrl {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.as_str())
    }
}

impl Serialize for BaseUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for BaseUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn base_urls() {
        let ok = [
            (
                "https://api.vault.sandbox.testessential.net",
                "https://api.vault.sandbox.testessential.net",
            ),
            (
                "https://api.vault.sandbox.testessential.net/",
                "https://api.vault.sandbox.testessential.net",
            ),
            ("https://example.com/prefix/", "https://example.com/prefix"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.1.2.3:8080/", "http://127.1.2.3:8080"),
            ("http://[::1]:9000", "http://[::1]:9000"),
            ("http://localhost:3000", "http://localhost:3000"),
            ("  HTTPS://Example.COM  ", "https://example.com"),
        ];
        for (input, want) in ok {
            let url = BaseUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(url.as_str(), want);
            assert_eq!(url.to_string(), want);
        }
        let bad = [
            "",
            "example.com",
            "ftp://example.com",
            "http://example.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "http://[::2]",
            "https://user:pw@example.com",
            "https://user@example.com",
            "https://example.com/?x=1",
            "https://example.com/#frag",
            "file:///etc/passwd",
            "https://",
        ];
        for input in bad {
            let e = BaseUrl::parse(input).unwrap_err();
            assert_eq!(e.field, "base_url", "{input}");
        }
    }

    #[test]
    fn base_url_join() {
        let url = BaseUrl::parse("http://127.0.0.1:1234").unwrap();
        assert_eq!(
            url.join("/v2/card/1/passcode/sms/send").as_str(),
            "http://127.0.0.1:1234/v2/card/1/passcode/sms/send"
        );
        let url = BaseUrl::parse("https://example.com/api/").unwrap();
        assert_eq!(
            url.join("/oauth/token").as_str(),
            "https://example.com/api/oauth/token"
        );
        let json = serde_json::to_string(&url).unwrap();
        assert_eq!(json, "\"https://example.com/api\"");
        assert_eq!(serde_json::from_str::<BaseUrl>(&json).unwrap(), url);
        assert!(serde_json::from_str::<BaseUrl>("\"http://example.com\"").is_err());
    }

    proptest! {
        #[test]
        fn base_url_round_trips(
            host in "[a-z][a-z0-9-]{0,20}(\\.[a-z]{2,6}){0,2}",
            port in proptest::option::of(1u16..),
            path in proptest::collection::vec("[a-zA-Z0-9_-]{1,8}", 0..3),
            slash in any::<bool>(),
        ) {
            let mut s = format!("https://{host}");
            if let Some(p) = port { s.push_str(&format!(":{p}")); }
            for seg in &path { s.push('/'); s.push_str(seg); }
            if slash { s.push('/'); }
            let url = BaseUrl::parse(&s).unwrap();
            prop_assert!(!url.as_str().ends_with('/'));
            let again = BaseUrl::parse(url.as_str()).unwrap();
            prop_assert_eq!(again.as_str(), url.as_str());
            prop_assert_eq!(&again, &url);
        }

        #[test]
        fn arbitrary_base_urls_round_trip_when_valid(s in "(https?://)?[ -~]{0,40}") {
            if let Ok(url) = BaseUrl::parse(&s) {
                let again = BaseUrl::parse(url.as_str()).unwrap();
                prop_assert_eq!(again.as_str(), url.as_str());
            }
        }
    }
}

//! Where a profile's credentials go. Editing any of these places while keeping the stored
//! secrets would send them somewhere they were never typed for, so such an edit needs the
//! secrets typed again (the desk refuses it otherwise).

use super::{Profile, ProviderSettings};

impl Profile {
    /// The places the profile's secrets are sent to, by the field that sets each: the base
    /// URL (every call), the merchant id and sign-out URL of a Vault sign-in, Solid's PIN
    /// endpoint (the PIN token and the PIN), and the way there: the proxies every secret
    /// passes and the authorities trusted to say the server is the provider.
    pub fn credential_destinations(&self) -> Vec<(&'static str, Option<String>)> {
        let base = self.base_url().ok().map(|u| u.to_string());
        let mut places = vec![
            ("environment", base),
            ("proxy", Some(self.network.proxy.as_string())),
            (
                "pin_proxy",
                self.network.pin_proxy.as_ref().map(|p| p.as_string()),
            ),
            ("ca", Some(self.network.ca.as_string())),
        ];
        match &self.settings {
            ProviderSettings::Vault(v) => {
                places.push(("merchant_id", v.merchant_id.clone()));
                places.push(("signout_url", v.signout_url.as_ref().map(|u| u.to_string())));
            }
            ProviderSettings::Solid(s) => {
                places.push((
                    "pin_endpoint",
                    s.pin_endpoint.as_ref().map(|u| u.to_string()),
                ));
            }
        }
        places
    }

    /// The fields whose destination differs in `edited` (all of them when the provider
    /// changes), in the order of [`Self::credential_destinations`].
    pub fn moved_destinations(&self, edited: &Profile) -> Vec<&'static str> {
        let before = self.credential_destinations();
        let after = edited.credential_destinations();
        after
            .iter()
            .filter(|(field, place)| {
                before
                    .iter()
                    .find(|(f, _)| f == field)
                    .is_none_or(|(_, old)| old != place)
            })
            .map(|(field, _)| *field)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::profile::{Environment, Profile, ProfileId, Provider, VaultAuth};
    use crate::validate::BaseUrl;

    fn url(u: &str) -> BaseUrl {
        BaseUrl::parse(u).unwrap()
    }

    fn vault_sign_in() -> Profile {
        let mut p = Profile::new(
            ProfileId::new("branch").unwrap(),
            "Branch",
            Provider::Vault,
            Environment::Custom(url("https://vault.example.com")),
        );
        let v = p.vault_mut().unwrap();
        v.auth = VaultAuth::SignIn;
        v.merchant_id = Some("3fa85f64-5717-4562-b3fc-2c963f66afa6".into());
        p
    }

    #[test]
    fn every_place_a_secret_goes_counts_and_nothing_else() {
        let old = vault_sign_in();
        type Edit = fn(&mut Profile);
        let cases: [(&str, Edit, &[&str]); 8] = [
            (
                "proxy",
                |p| {
                    p.network.proxy =
                        crate::network::ProxySetting::parse("proxy", "http://127.0.0.1:3128")
                            .unwrap()
                },
                &["proxy"],
            ),
            (
                "trust",
                |p| p.network.ca = crate::network::TrustSetting::Os,
                &["ca"],
            ),
            (
                "display name only",
                |p| p.display_name = "Other".into(),
                &[],
            ),
            (
                "rsa padding only",
                |p| p.vault_mut().unwrap().rsa_padding = crate::crypto::RsaPadding::OaepSha256,
                &[],
            ),
            (
                "base URL",
                |p| p.environment = Environment::Custom(url("https://elsewhere.example.com")),
                &["environment"],
            ),
            (
                "same URL marked as a test host",
                |p| p.environment = Environment::TestHost(url("https://vault.example.com")),
                &[],
            ),
            (
                "merchant",
                |p| p.vault_mut().unwrap().merchant_id = None,
                &["merchant_id"],
            ),
            (
                "sign-out URL",
                |p| p.vault_mut().unwrap().signout_url = Some(url("https://out.example.com")),
                &["signout_url"],
            ),
        ];
        for (name, edit, want) in cases {
            let mut new = old.clone();
            edit(&mut new);
            assert_eq!(old.moved_destinations(&new), want, "{name}");
        }
        let mut solid = Profile::new(
            ProfileId::new("branch").unwrap(),
            "Branch",
            Provider::Solid,
            Environment::Sandbox,
        );
        let before = solid.clone();
        solid.solid_mut().unwrap().pin_endpoint = Some(url("https://pin.example.com"));
        assert_eq!(before.moved_destinations(&solid), ["pin_endpoint"]);
        assert_eq!(
            old.moved_destinations(&before),
            ["environment", "pin_endpoint"],
            "another provider moves everything"
        );
    }
}

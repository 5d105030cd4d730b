//! `BaseUrl::parse` and `Environment::parse` on any text: no panic; an accepted URL is
//! `https://`, or `http://` only to a loopback host, and parses to itself again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pindesk_core::profile::Environment;
use pindesk_core::validate::BaseUrl;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(url) = BaseUrl::parse(&text) {
        let scheme = url.as_url().scheme();
        assert!(scheme == "https" || (scheme == "http" && url.is_loopback()));
        assert!(!url.as_str().ends_with('/'));
        assert_eq!(BaseUrl::parse(url.as_str()).unwrap(), url);
        let joined = url.join("/v2/card/1/passcode/sms/send");
        assert_eq!(joined.host(), url.as_url().host());
    }
    if let Ok(env) = Environment::parse(&text) {
        assert_eq!(Environment::parse(&env.as_string()).unwrap(), env);
    }
});

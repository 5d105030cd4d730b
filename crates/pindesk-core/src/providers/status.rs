//! What an answer's HTTP status says about a provider call: the one table both clients use
//! (see the category table in [`crate::providers`]). Each client turns a [`Refusal`] into its
//! own error, with what only it knows (Solid's refused PIN token).

/// Why a call that got an answer other than 2xx did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// 401 or 403: the provider refused the credential the call carried.
    Unauthorized,
    /// 429: the provider is limiting requests.
    RateLimited,
    /// 502 or 504 answered to a state-changing call: a gateway answered, and the provider
    /// behind it may have acted.
    GatewayUnconfirmed,
    /// Any other 5xx (and a 502/504 to a read): the provider had a problem.
    ProviderUnavailable,
    /// Anything else (1xx, 3xx, the other 4xx, a status past 599): the provider said no.
    Rejected,
}

/// The refusal an answer's `status` means, or `None` for a 2xx. `changes_state` says whether
/// the call changes state at the provider (only then is a gateway's 502/504 unconfirmed).
pub(crate) fn refusal(status: u16, changes_state: bool) -> Option<Refusal> {
    Some(match status {
        200..=299 => return None,
        401 | 403 => Refusal::Unauthorized,
        429 => Refusal::RateLimited,
        502 | 504 if changes_state => Refusal::GatewayUnconfirmed,
        500..=599 => Refusal::ProviderUnavailable,
        _ => Refusal::Rejected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_one_meaning() {
        use Refusal::*;
        // (status, for a read, for a state-changing call)
        let table = [
            (100, Some(Rejected), Some(Rejected)),
            (199, Some(Rejected), Some(Rejected)),
            (200, None, None),
            (201, None, None),
            (204, None, None),
            (299, None, None),
            (300, Some(Rejected), Some(Rejected)),
            (302, Some(Rejected), Some(Rejected)),
            (399, Some(Rejected), Some(Rejected)),
            (400, Some(Rejected), Some(Rejected)),
            (401, Some(Unauthorized), Some(Unauthorized)),
            (402, Some(Rejected), Some(Rejected)),
            (403, Some(Unauthorized), Some(Unauthorized)),
            (404, Some(Rejected), Some(Rejected)),
            (409, Some(Rejected), Some(Rejected)),
            (422, Some(Rejected), Some(Rejected)),
            (428, Some(Rejected), Some(Rejected)),
            (429, Some(RateLimited), Some(RateLimited)),
            (430, Some(Rejected), Some(Rejected)),
            (499, Some(Rejected), Some(Rejected)),
            (500, Some(ProviderUnavailable), Some(ProviderUnavailable)),
            (501, Some(ProviderUnavailable), Some(ProviderUnavailable)),
            (502, Some(ProviderUnavailable), Some(GatewayUnconfirmed)),
            (503, Some(ProviderUnavailable), Some(ProviderUnavailable)),
            (504, Some(ProviderUnavailable), Some(GatewayUnconfirmed)),
            (505, Some(ProviderUnavailable), Some(ProviderUnavailable)),
            (599, Some(ProviderUnavailable), Some(ProviderUnavailable)),
            (600, Some(Rejected), Some(Rejected)),
            (999, Some(Rejected), Some(Rejected)),
        ];
        for (status, read, change) in table {
            assert_eq!(refusal(status, false), read, "{status} to a read");
            assert_eq!(refusal(status, true), change, "{status} to a change");
        }
    }
}

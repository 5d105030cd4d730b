//! The shared table of policy cases (`tests/fixtures/policy-cases.json`), read here and by the
//! UI's tests (`ui/src/forms/policy.test.ts`): the backend's checks break exactly the rules
//! each case lists, in order, with the words of the policy's description. The UI evaluates
//! the same descriptions, so both sides are held to one table.

use pindesk_core::policy::{
    vault_card_pin_policy, PasscodePolicy, PinPolicy, PolicyDescription, PolicyViolation,
};
use serde::Deserialize;
use serde_json::Value;

/// The table, as the JSON file holds it.
#[derive(Deserialize)]
struct Table {
    policies: Vec<PolicyEntry>,
    cases: Vec<Case>,
}

/// One policy: what it is, the profile settings that make it, and its description.
#[derive(Deserialize)]
struct PolicyEntry {
    id: String,
    /// `solid_pin`, `vault_card_pin` or `vault_passcode`.
    kind: String,
    /// The profile's policy settings (`pin_policy` / `passcode_policy`); `null` for Vault's card PIN.
    settings: Value,
    description: Value,
}

/// One candidate and the rule ids it breaks.
#[derive(Deserialize)]
struct Case {
    policy: String,
    candidate: String,
    broken: Vec<String>,
}

/// The policy an entry stands for, as the backend builds it from a profile.
enum Policy {
    Pin(PinPolicy),
    Passcode(PasscodePolicy),
}

impl Policy {
    fn of(entry: &PolicyEntry) -> Self {
        let settings = entry.settings.clone();
        match entry.kind.as_str() {
            "solid_pin" => Policy::Pin(serde_json::from_value(settings).expect("PIN policy")),
            "vault_card_pin" => Policy::Pin(vault_card_pin_policy()),
            "vault_passcode" => {
                Policy::Passcode(serde_json::from_value(settings).expect("passcode policy"))
            }
            other => panic!("{}: unknown policy kind {other}", entry.id),
        }
    }

    fn violations(&self, candidate: &str) -> Vec<PolicyViolation> {
        match self {
            Policy::Pin(p) => p.violations(candidate),
            Policy::Passcode(p) => p.violations(candidate),
        }
    }
}

fn table() -> Table {
    let text = include_str!("../../../tests/fixtures/policy-cases.json");
    serde_json::from_str(text).expect("the policy table parses")
}

/// The message the description gives the rule `id`.
fn described_message<'a>(description: &'a Value, id: &str) -> Option<&'a str> {
    description["rules"]
        .as_array()?
        .iter()
        .find(|rule| rule["rule"] == id)?["message"]
        .as_str()
}

#[test]
fn policy_cases_rust_breaks_exactly_the_rules_the_shared_table_lists() {
    let table = table();
    assert!(table.cases.len() >= 100, "the table has its cases");
    for entry in &table.policies {
        assert!(
            table.cases.iter().any(|c| c.policy == entry.id),
            "{}: no case uses it",
            entry.id
        );
    }
    for case in &table.cases {
        let entry = table
            .policies
            .iter()
            .find(|p| p.id == case.policy)
            .unwrap_or_else(|| panic!("unknown policy {}", case.policy));
        let violations = Policy::of(entry).violations(&case.candidate);
        let broken: Vec<&str> = violations.iter().map(|v| v.rule).collect();
        assert_eq!(
            broken, case.broken,
            "{} with {:?}",
            case.policy, case.candidate
        );
        for v in &violations {
            assert_eq!(
                described_message(&entry.description, v.rule),
                Some(v.message.as_str()),
                "{}: the description words rule {} as the backend does",
                case.policy,
                v.rule
            );
        }
    }
}

#[test]
fn policy_cases_each_description_is_what_the_backend_sends_for_its_policy() {
    for entry in table().policies {
        let described = match Policy::of(&entry) {
            Policy::Pin(p) => p.describe(),
            Policy::Passcode(p) => p.describe(),
        };
        let in_table: PolicyDescription = serde_json::from_value(entry.description.clone())
            .unwrap_or_else(|e| panic!("{}: the description parses: {e}", entry.id));
        assert_eq!(
            in_table,
            described,
            "{}: the table's description differs from the backend's:\n{}",
            entry.id,
            serde_json::to_string(&described).unwrap()
        );
    }
}

//! The policies' own tests (the shared table of cases is `tests/policy_cases.rs`).

use super::*;
use proptest::prelude::*;

fn pin_rules(p: &PinPolicy, s: &str) -> Vec<&'static str> {
    p.violations(s).into_iter().map(|v| v.rule).collect()
}

fn passcode_rules(p: &PasscodePolicy, s: &str) -> Vec<&'static str> {
    p.violations(s).into_iter().map(|v| v.rule).collect()
}

#[test]
fn default_pin_policy() {
    let p = PinPolicy::default();
    for ok in [
        "1122", "6644", "4729", "1357", "9080", "2211", "1212", "0909",
    ] {
        assert!(p.check(&Pin::new(ok.into())).is_ok(), "{ok}");
    }
    let cases = [
        ("1234", "sequence"),
        ("4321", "sequence"),
        ("5123", "sequence"),
        ("9987", "sequence"),
        ("0123", "sequence"),
        ("7890", "sequence"),
        ("8901", ""),
        ("1112", "repeated"),
        ("2111", "repeated"),
        ("0000", "repeated"),
        ("123", "too_short"),
        ("12345", "too_long"),
        ("12a4", "not_digits"),
        ("", "empty"),
        ("١٢٣٤", "not_digits"),
    ];
    for (pin, rule) in cases {
        let rules = pin_rules(&p, pin);
        if rule.is_empty() {
            assert!(rules.is_empty(), "{pin}: {rules:?}");
        } else {
            assert!(rules.contains(&rule), "{pin}: {rules:?}");
            let err = p.check(&Pin::new(pin.into())).unwrap_err();
            assert!(!err.message.contains(pin) || pin.is_empty(), "{pin}");
            assert_eq!(err.field, "pin");
        }
    }
    assert_eq!(pin_rules(&p, "1111"), vec!["repeated"]);
    assert_eq!(pin_rules(&p, "x123"), vec!["not_digits"]);
    assert_eq!(pin_rules(&p, "0123"), vec!["sequence"]);
}

#[test]
fn vault_card_pin_follows_vaults_published_rules() {
    let check = |s: &str| check_vault_card_pin(&CardPin::new(s.into()));
    for ok in ["1122", "6644", "4729", "9080", "2211", "1357"] {
        assert!(check(ok).is_ok(), "{ok}");
    }
    for (bad, rule) in [
        ("1234", "sequence"),
        ("4321", "sequence"),
        ("5123", "sequence"),
        ("1112", "repeated"),
        ("2111", "repeated"),
        ("123", "too_short"),
        ("12345", "too_long"),
        ("12a4", "not_digits"),
        ("", "empty"),
    ] {
        let v = check(bad).unwrap_err();
        assert_eq!(v.rule, rule, "{bad}");
        assert_eq!(v.field, "pin", "{bad}");
        assert!(bad.is_empty() || !v.message.contains(bad), "{bad}");
    }
}

#[test]
fn pin_policy_lengths() {
    let p = PinPolicy::exact(6).unwrap();
    assert!(p.check(&Pin::new("118822".into())).is_ok());
    assert_eq!(pin_rules(&p, "1188"), vec!["too_short"]);
    assert!(p.violations("1188")[0].message.contains("exactly 6 digits"));
    assert!(PinPolicy::exact(3).is_err());
    assert!(PinPolicy::exact(13).is_err());
    let p: PinPolicy = serde_json::from_str(r#"{"max_len":6}"#).unwrap();
    assert_eq!(
        p,
        PinPolicy {
            min_len: 4,
            max_len: 6
        }
    );
    assert!(p.check(&Pin::new("11882".into())).is_ok());
    assert!(serde_json::from_str::<PinPolicy>(r#"{"min_len":3}"#).is_err());
    assert!(serde_json::from_str::<PinPolicy>(r#"{"min_len":6,"max_len":5}"#).is_err());
    assert!(serde_json::from_str::<PinPolicy>(r#"{"nope":1}"#).is_err());
    let p: PinPolicy = serde_json::from_str("{}").unwrap();
    assert_eq!(p, PinPolicy::default());
}

#[test]
fn default_passcode_policy() {
    let p = PasscodePolicy::default();
    for ok in ["pass123", "abcd", "A1b2", "aaab", &"x1".repeat(16)] {
        assert!(p.check(&Passcode::new(ok.to_string())).is_ok(), "{ok}");
    }
    assert_eq!(passcode_rules(&p, "aaaa"), vec!["repeated"]);
    assert_eq!(passcode_rules(&p, "AaAa"), vec!["repeated"]);
    assert_eq!(passcode_rules(&p, "1111"), vec!["repeated"]);
    assert_eq!(passcode_rules(&p, "abc"), vec!["too_short"]);
    assert_eq!(passcode_rules(&p, &"ab".repeat(17)), vec!["too_long"]);
    assert_eq!(passcode_rules(&p, "pass 123"), vec!["invalid_character"]);
    assert_eq!(passcode_rules(&p, "pässword"), vec!["invalid_character"]);
    assert_eq!(passcode_rules(&p, ""), vec!["empty"]);
    let err = p.check(&Passcode::new("pa$$word".into())).unwrap_err();
    assert_eq!(err.rule, "invalid_character");
    assert_eq!(err.field, "passcode");
    assert!(!err.to_string().contains("pa$$word"));
    assert!(!err.to_string().contains('$'));
}

#[test]
fn passcode_policy_can_be_tightened_not_loosened() {
    let p: PasscodePolicy =
        serde_json::from_str(r#"{"min_len":8,"require_digit":true,"require_letter":true}"#)
            .unwrap();
    assert_eq!(passcode_rules(&p, "pass123"), vec!["too_short"]);
    assert_eq!(passcode_rules(&p, "password"), vec!["digit_required"]);
    assert_eq!(passcode_rules(&p, "12345678"), vec!["letter_required"]);
    assert!(p.check(&Passcode::new("pass1234".into())).is_ok());
    assert!(serde_json::from_str::<PasscodePolicy>(r#"{"min_len":3}"#).is_err());
    assert!(serde_json::from_str::<PasscodePolicy>(r#"{"max_len":33}"#).is_err());
    assert!(serde_json::from_str::<PasscodePolicy>(r#"{"min_len":9,"max_len":8}"#).is_err());
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<PasscodePolicy>(&json).unwrap(), p);
    assert_eq!(
        serde_json::from_str::<PasscodePolicy>("{}").unwrap(),
        PasscodePolicy::default()
    );
}

#[test]
fn violation_converts_to_validation_error() {
    let v = PinPolicy::default()
        .check(&Pin::new("1234".into()))
        .unwrap_err();
    let e = ValidationError::from(v);
    assert_eq!(e.field, "pin");
}

proptest! {
    #[test]
    fn policies_never_panic(s in "\\PC*") {
        let _ = PinPolicy::default().violations(&s);
        let _ = PinPolicy::exact(12).unwrap().violations(&s);
        let _ = PasscodePolicy::default().violations(&s);
    }

    #[test]
    fn accepted_pins_obey_the_rules(s in "[0-9]{4}") {
        let ok = PinPolicy::default().violations(&s).is_empty();
        let d: Vec<i32> = s.bytes().map(|b| i32::from(b - b'0')).collect();
        let bad = d.windows(3).any(|w| {
            (w[1] - w[0] == w[2] - w[1] && (w[1] - w[0]).abs() == 1)
                || (w[0] == w[1] && w[1] == w[2])
        });
        prop_assert_eq!(ok, !bad);
    }

    #[test]
    fn messages_never_echo_the_candidate(s in "[a-z]{3}[0-9]{2}[a-zA-Z0-9 $]{0,7}") {
        for v in PasscodePolicy::default().violations(&s) {
            prop_assert!(!v.message.contains(&s));
        }
        for v in PinPolicy::default().violations(&s) {
            prop_assert!(!v.message.contains(&s));
        }
    }
}

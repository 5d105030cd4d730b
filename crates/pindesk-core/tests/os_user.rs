//! The operator the history records is the process's OS account, not what the environment
//! says: `USER`, `USERNAME` and `LOGNAME` set to another name change nothing. Its own process,
//! since it changes the environment.

#[cfg(unix)]
#[test]
fn the_operator_is_the_account_of_the_uid_not_the_environment() {
    let real = std::process::Command::new("id")
        .arg("-un")
        .output()
        .expect("id -un runs");
    assert!(real.status.success());
    let real = String::from_utf8(real.stdout).unwrap().trim().to_owned();
    assert!(!real.is_empty());
    for var in ["USER", "USERNAME", "LOGNAME"] {
        std::env::set_var(var, "forged-operator");
    }
    assert_eq!(pindesk_core::history::os_user(), real);
}

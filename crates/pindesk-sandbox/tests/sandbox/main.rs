//! Black-box tests of the sandbox over loopback: the seed documents' examples, the passcode
//! and PIN flows with real state, every malformed request, and every fault kind. Nothing here
//! reaches anything but 127.0.0.1.

mod common;

mod contract_solid;
mod contract_vault;
mod faults;
mod lifecycle;
mod padding;
mod solid_rules;
mod tls;
mod vault_pin;
mod vault_rules;

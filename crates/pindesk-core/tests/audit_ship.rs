//! Audit shipping against Debian's real rsyslogd on loopback (pindesk-testkit): messages in
//! RFC 5424 form with the structured data, an outage that loses nothing, TLS with a test CA
//! (and a collector that is not trusted), and the CLI's deadline.
//!
//! The outbox is the in-memory one; the history's own outbox implements the same trait.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use pindesk_core::audit::syslog::{format_message, parse_message, ParsedMessage};
use pindesk_core::audit::{
    drain, shipper_from_config, AuditRecord, DrainError, MemoryOutbox, Outbox, SenderError, Shipper,
};
use pindesk_core::system_config::{AuditConfig, Collector, CollectorTransport};
use pindesk_testkit::{Rsyslog, RsyslogOptions, RsyslogTls, TestCa};

const ARRIVAL: Duration = Duration::from_secs(10);

fn shipper(transport: CollectorTransport, host: &str, port: u16, ca: Option<PathBuf>) -> Shipper {
    let config = AuditConfig {
        collectors: vec![Collector {
            transport,
            host: host.to_owned(),
            port,
            ca,
        }],
        require_ticket: false,
        sd_id: None,
    };
    shipper_from_config(&config)
        .expect("the shipper is built")
        .expect("a collector is configured")
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(2)
}

fn parsed(lines: &[String]) -> Vec<ParsedMessage> {
    lines
        .iter()
        .map(|line| parse_message(line).unwrap_or_else(|| panic!("not RFC 5424: {line}")))
        .collect()
}

fn seq_of(message: &ParsedMessage) -> u64 {
    message
        .param("seq")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no seq: {message:?}"))
}

#[tokio::test]
async fn every_record_arrives_in_rfc5424_form_with_its_structured_data() {
    let rsyslog = Rsyslog::start(RsyslogOptions::default()).expect("rsyslog starts");
    let outbox = MemoryOutbox::new();
    outbox.push_samples(3);
    let mut hostile = AuditRecord::sample(4);
    hostile.body.card_id = Some(r#"crd"] [x="1"\"#.into());
    hostile.body.message = Some("Müller \"] [evil=\"1\"".into());
    outbox.push(hostile);
    let expected: Vec<AuditRecord> = outbox.pending(10).expect("pending");
    let mut shipper = shipper(
        CollectorTransport::Tcp,
        "127.0.0.1",
        rsyslog.addr().port(),
        None,
    );

    let report = drain(&outbox, &mut shipper, soon()).await;

    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        (report.sent, report.remaining, report.last_sent_seq),
        (4, 0, Some(4))
    );
    let lines = rsyslog.wait_for_lines(4, ARRIVAL).expect("four lines");
    assert_eq!(lines.len(), 4, "{lines:#?}");
    for (record, got) in expected.iter().zip(parsed(&lines)) {
        let sent = parse_message(&format_message(record, &shipper.format)).expect("ours parse");
        assert_eq!(got.app_name, "pindesk");
        assert_eq!(got.sd_id, "pindesk@32473");
        assert_eq!(got.msgid, record.kind.as_str());
        assert_eq!(got.hostname, "desk-07");
        assert_eq!(got.params, sent.params, "seq {}", record.seq);
        assert_eq!(got.msg, sent.msg, "seq {}", record.seq);
        assert!(
            got.timestamp.starts_with("2024-06-01T12:00:0"),
            "{}",
            got.timestamp
        );
    }
    let last = parse_message(&lines[3]).expect("parses");
    assert_eq!(last.param("card"), Some(r#"crd"] [x="1"\"#));
    assert_eq!(last.param("evil"), None);
}

#[tokio::test]
async fn a_collector_outage_during_twenty_operations_loses_nothing_and_keeps_the_order() {
    let mut rsyslog = Rsyslog::start(RsyslogOptions::default()).expect("rsyslog starts");
    let shipper = shipper(
        CollectorTransport::Tcp,
        "127.0.0.1",
        rsyslog.addr().port(),
        None,
    );
    outage_of_seven_in_twenty(&mut rsyslog, shipper).await;
}

#[tokio::test]
async fn a_tls_collector_outage_during_twenty_operations_loses_nothing_and_keeps_the_order() {
    let ca = TestCa::new("PinDesk Audit Test Root");
    let mut rsyslog = Rsyslog::start(RsyslogOptions {
        tls: Some(RsyslogTls {
            identity: ca.server_identity(&["localhost"]),
            ca_pem: ca.ca_pem(),
        }),
    })
    .expect("rsyslog starts with TLS");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_file = ca.write_ca_pem(dir.path());
    let shipper = shipper(
        CollectorTransport::Tls,
        "localhost",
        rsyslog.addr().port(),
        Some(ca_file),
    );
    outage_of_seven_in_twenty(&mut rsyslog, shipper).await;
}

/// 20 operations, each queued and drained at once; the collector is down from the 8th to the
/// 14th. All 20 must arrive, first arrivals in seq order (duplicates allowed).
async fn outage_of_seven_in_twenty(rsyslog: &mut Rsyslog, mut shipper: Shipper) {
    let outbox = MemoryOutbox::new();
    let mut failed_drains = 0;
    for operation in 1..=20u64 {
        match operation {
            // The collector goes down after 7 operations were shipped ...
            8 => {
                rsyslog
                    .wait_for_lines(7, ARRIVAL)
                    .expect("the first 7 arrived");
                rsyslog.stop().expect("rsyslog stops");
            }
            // ... and is back after 14.
            15 => rsyslog
                .restart()
                .expect("rsyslog restarts on the same port"),
            _ => {}
        }
        outbox.push_samples(1);
        let started = Instant::now();
        let report = drain(&outbox, &mut shipper, soon()).await;
        if (8..15).contains(&operation) {
            // The desk keeps working: the drain gives up at once and the outbox grows.
            assert!(
                matches!(
                    report.error,
                    Some(DrainError::Send(SenderError::Connect { .. }))
                ),
                "operation {operation}: {:?}",
                report.error
            );
            assert_eq!(report.remaining, operation - 7, "operation {operation}");
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "{:?}",
                started.elapsed()
            );
            failed_drains += 1;
        } else {
            assert!(
                report.error.is_none(),
                "operation {operation}: {:?}",
                report.error
            );
            assert_eq!(report.remaining, 0, "operation {operation}");
            assert_eq!(report.last_sent_seq, Some(operation));
        }
    }
    assert_eq!(failed_drains, 7);

    let lines = rsyslog.wait_for_lines(20, ARRIVAL).expect("20 lines");
    let seqs: Vec<u64> = parsed(&lines).iter().map(seq_of).collect();
    let mut seen = BTreeSet::new();
    let first_arrivals: Vec<u64> = seqs.iter().copied().filter(|s| seen.insert(*s)).collect();
    assert_eq!(
        first_arrivals,
        (1..=20).collect::<Vec<_>>(),
        "arrival order: {seqs:?}"
    );
    assert_eq!(outbox.depth().expect("depth"), 0);
}

#[tokio::test]
async fn tls_to_a_collector_signed_by_the_configured_ca_works() {
    let ca = TestCa::new("PinDesk Audit Test Root");
    let rsyslog = Rsyslog::start(RsyslogOptions {
        tls: Some(RsyslogTls {
            identity: ca.server_identity(&["localhost", "127.0.0.1"]),
            ca_pem: ca.ca_pem(),
        }),
    })
    .expect("rsyslog starts with TLS");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_file = ca.write_ca_pem(dir.path());
    for (host, seqs) in [("localhost", 2u64), ("127.0.0.1", 3)] {
        let outbox = MemoryOutbox::new();
        outbox.push_samples(seqs);
        let mut shipper = shipper(
            CollectorTransport::Tls,
            host,
            rsyslog.addr().port(),
            Some(ca_file.clone()),
        );
        let report = drain(&outbox, &mut shipper, soon()).await;
        assert!(report.error.is_none(), "{host}: {:?}", report.error);
        assert_eq!((report.sent, report.remaining), (seqs, 0), "{host}");
    }
    let lines = rsyslog.wait_for_lines(5, ARRIVAL).expect("5 lines");
    let seqs: Vec<u64> = parsed(&lines).iter().map(seq_of).collect();
    assert_eq!(seqs, [1, 2, 1, 2, 3]);
}

#[tokio::test]
async fn a_collector_whose_certificate_is_not_trusted_gets_nothing_and_the_outbox_keeps_all() {
    let ca = TestCa::new("PinDesk Audit Test Root");
    let stranger = TestCa::new("Somebody Else's Root");
    let rsyslog = Rsyslog::start(RsyslogOptions {
        tls: Some(RsyslogTls {
            identity: ca.server_identity(&["localhost"]),
            ca_pem: ca.ca_pem(),
        }),
    })
    .expect("rsyslog starts with TLS");
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        ("another CA", "localhost", stranger.write_ca_pem(dir.path())),
        (
            "a name not in the certificate",
            "127.0.0.1",
            ca.write_ca_pem(dir.path()),
        ),
    ];
    for (why, host, ca_file) in cases {
        let outbox = MemoryOutbox::new();
        outbox.push_samples(3);
        let mut shipper = shipper(
            CollectorTransport::Tls,
            host,
            rsyslog.addr().port(),
            Some(ca_file),
        );
        let report = drain(&outbox, &mut shipper, soon()).await;
        assert!(
            matches!(
                report.error,
                Some(DrainError::Send(SenderError::Tls { .. }))
            ),
            "{why}: {:?}",
            report.error
        );
        assert_eq!(
            (report.sent, report.remaining, report.last_sent_seq),
            (0, 3, None),
            "{why}"
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(rsyslog.lines(), Vec::<String>::new());
}

#[test]
fn a_collector_ca_file_that_is_missing_or_not_pem_is_told_when_the_shipper_is_built() {
    let dir = tempfile::tempdir().expect("temp dir");
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").expect("write");
    let cases = [
        (dir.path().join("missing.pem"), "cannot be read"),
        (not_pem, "holds no certificate"),
    ];
    for (path, reason) in cases {
        let config = AuditConfig {
            collectors: vec![Collector {
                transport: CollectorTransport::Tls,
                host: "localhost".into(),
                port: 6514,
                ca: Some(path.clone()),
            }],
            ..AuditConfig::default()
        };
        let error = shipper_from_config(&config).expect_err("refused");
        assert!(matches!(error, SenderError::CaFile { .. }), "{error:?}");
        assert!(error.to_string().contains(reason), "{path:?}: {error}");
    }
    assert!(shipper_from_config(&AuditConfig::default())
        .expect("ok")
        .is_none());
}

#[tokio::test]
async fn the_cli_budget_a_collector_that_hangs_stops_the_drain_at_its_deadline() {
    // Accepts connections (the kernel does) but never answers the TLS handshake.
    let silent = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_file = TestCa::new("PinDesk Audit Test Root").write_ca_pem(dir.path());
    let outbox = MemoryOutbox::new();
    outbox.push_samples(5);
    let mut shipper = shipper(CollectorTransport::Tls, "127.0.0.1", port, Some(ca_file));

    let started = Instant::now();
    let report = drain(&outbox, &mut shipper, started + Duration::from_secs(2)).await;
    let took = started.elapsed();

    assert!(
        matches!(
            report.error,
            Some(DrainError::Send(SenderError::TimedOut { .. }))
        ),
        "{:?}",
        report.error
    );
    assert_eq!((report.sent, report.remaining), (0, 5));
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_millis(2500),
        "{took:?}"
    );

    // A deadline already past: nothing is tried.
    let report = drain(&outbox, &mut shipper, Instant::now()).await;
    assert!(
        matches!(report.error, Some(DrainError::Deadline)),
        "{:?}",
        report.error
    );
    assert_eq!((report.sent, report.remaining), (0, 5));
    drop(silent);
}

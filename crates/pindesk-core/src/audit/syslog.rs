//! One [`AuditRecord`] as an RFC 5424 syslog message, and its octet-counted frame.
//!
//! `<PRI>1 TIMESTAMP HOSTNAME pindesk - MSGID [SD-ID name="value" …] MSG`, where
//! - PRI is facility × 8 + severity: facility `authpriv` (10) by default, since these are
//!   security/authorisation events that a collector should keep apart from ordinary logs;
//!   severity `info` for a start, `notice` for an `ok` end, `warning` for any other end
//!   (rejected, failed, unknown);
//! - TIMESTAMP is the event's time in UTC with milliseconds (`2024-06-01T12:00:00.123Z`);
//! - HOSTNAME is the history's host name (printable ASCII only), PROCID is NILVALUE: the
//!   process shipping a record is often not the one that did the operation;
//! - MSGID is the event kind: `started`, `finished` or `unknown`;
//! - one structured-data element carries the record (see [`format_message`] for the names);
//!   values are UTF-8 with `"`, `\` and `]` escaped by a backslash (RFC 5424 §6.3.3), control
//!   characters turned into spaces (no line breaks reach a line-based store), and each capped at
//!   200 bytes, so a whole message stays under the 8 KiB collectors accept by default;
//! - MSG is a short summary in plain ASCII, no BOM (RFC 5424 MSG-ANY): anything outside
//!   printable ASCII is written as `\u{…}`, so no collector mangles it; the values themselves
//!   travel exactly in the structured data.
//!
//! The frame is `LEN SP MSG` (RFC 6587 §3.4.1, RFC 5425 §4.3), LEN the message's octets.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

use super::record::{AuditKind, AuditRecord};
use crate::system_config::DEFAULT_SD_ID;

/// The APP-NAME of every message.
pub const APP_NAME: &str = "pindesk";
/// The facility `authpriv` (security/authorisation messages), the default.
pub const FACILITY_AUTHPRIV: u8 = 10;
/// Longest structured-data value, in bytes before escaping (longer ones end in `…`).
pub const MAX_VALUE_BYTES: usize = 200;
/// Longest MSG, in characters.
pub const MAX_MSG_CHARS: usize = 256;

const NILVALUE: &str = "-";
const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// How messages are written: the structured-data id and the facility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFormat {
    /// The SD-ID, `NAME@ENTERPRISE-NUMBER` (validated by the system config's parser).
    pub sd_id: String,
    /// The syslog facility, 0–23.
    pub facility: u8,
}

impl MessageFormat {
    /// The format for a configured SD-ID (`None`: [`DEFAULT_SD_ID`]), facility `authpriv`.
    pub fn new(sd_id: Option<&str>) -> Self {
        MessageFormat {
            sd_id: sd_id.unwrap_or(DEFAULT_SD_ID).to_owned(),
            facility: FACILITY_AUTHPRIV,
        }
    }
}

impl Default for MessageFormat {
    fn default() -> Self {
        Self::new(None)
    }
}

/// The severity of a record: 6 (info) for a start, 5 (notice) for an `ok` end, 4 (warning)
/// otherwise.
pub fn severity(record: &AuditRecord) -> u8 {
    match (record.kind, record.body.outcome.as_str()) {
        (AuditKind::Started, _) => 6,
        (AuditKind::Finished, "ok") => 5,
        _ => 4,
    }
}

/// The RFC 5424 message for `record`. Its structured-data element has, in this order: `seq`,
/// `entry`, `operation`, `profile`, `provider`, `environment`, `card`, `outcome`, `reference`,
/// `operator`, `host`, `version`, `ticket` and `hash`; `card`, `reference` and `ticket` are
/// left out when the record has none.
pub fn format_message(record: &AuditRecord, format: &MessageFormat) -> String {
    let body = &record.body;
    let pri = u16::from(format.facility.min(23)) * 8 + u16::from(severity(record));
    let timestamp = OffsetDateTime::from_unix_timestamp_nanos(i128::from(record.at) * 1_000_000)
        .ok()
        .and_then(|t| t.format(TIMESTAMP).ok())
        .unwrap_or_else(|| NILVALUE.to_owned());
    let seq = record.seq.to_string();
    let entry = record.entry_id.to_string();
    let params: [(&str, Option<&str>); 14] = [
        ("seq", Some(&seq)),
        ("entry", Some(&entry)),
        ("operation", Some(&body.operation)),
        ("profile", Some(&body.profile)),
        ("provider", Some(&body.provider)),
        ("environment", Some(&body.environment)),
        ("card", body.card_id.as_deref()),
        ("outcome", Some(&body.outcome)),
        ("reference", body.reference.as_deref()),
        ("operator", Some(&body.os_user)),
        ("host", Some(&body.host)),
        ("version", Some(&body.app_version)),
        ("ticket", body.ticket.as_deref()),
        ("hash", Some(&record.hash)),
    ];
    let mut out = format!(
        "<{pri}>1 {timestamp} {} {APP_NAME} {NILVALUE} {} [{}",
        header_field(&body.host, 255),
        header_field(record.kind.as_str(), 32),
        header_field(&format.sd_id, 32),
    );
    for (name, value) in params {
        if let Some(value) = value {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            escape_param_value_into(&mut out, &cap_bytes(value, MAX_VALUE_BYTES));
            out.push('"');
        }
    }
    out.push_str("] ");
    out.push_str(&summary(record));
    out
}

/// `LEN SP MSG`: the octet-counted frame of `message` (RFC 6587 §3.4.1, RFC 5425 §4.3).
pub fn frame(message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 6);
    frame_into(&mut out, message);
    out
}

/// Appends the octet-counted frame of `message` to `out` (several frames in one write).
pub fn frame_into(out: &mut Vec<u8>, message: &str) {
    out.extend_from_slice(message.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(message.as_bytes());
}

/// A header field: printable ASCII only (others dropped), at most `max` characters,
/// NILVALUE when nothing is left.
fn header_field(value: &str, max: usize) -> String {
    let kept: String = value
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(max)
        .collect();
    if kept.is_empty() {
        NILVALUE.to_owned()
    } else {
        kept
    }
}

/// Control characters as spaces, and at most `max` bytes (cut at a character, ending in `…`).
fn cap_bytes(value: &str, max: usize) -> String {
    let clean: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.len() <= max {
        return clean;
    }
    let mut end = max - '…'.len_utf8();
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &clean[..end])
}

/// RFC 5424 §6.3.3: `"`, `\` and `]` inside a PARAM-VALUE are preceded by `\`.
fn escape_param_value_into(out: &mut String, value: &str) {
    for c in value.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// The MSG: `OPERATION OUTCOME` and the message, printable ASCII, `\u{…}` for the rest.
fn summary(record: &AuditRecord) -> String {
    let body = &record.body;
    let mut text = format!("{} {}", body.operation, body.outcome);
    if let Some(message) = body.message.as_deref().filter(|m| !m.is_empty()) {
        text.push_str(": ");
        text.push_str(message);
    }
    let mut out = String::new();
    for c in text.chars().take(MAX_MSG_CHARS) {
        match c {
            ' '..='~' => out.push(c),
            c if c.is_control() => out.push(' '),
            c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    out
}

/// An RFC 5424 message read back: for checks of what a collector stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedMessage {
    /// The PRI value (facility × 8 + severity).
    pub pri: u16,
    /// TIMESTAMP as written.
    pub timestamp: String,
    /// HOSTNAME.
    pub hostname: String,
    /// APP-NAME.
    pub app_name: String,
    /// PROCID.
    pub procid: String,
    /// MSGID.
    pub msgid: String,
    /// The SD-ID of the first structured-data element.
    pub sd_id: String,
    /// Its parameters, unescaped, in order.
    pub params: Vec<(String, String)>,
    /// MSG (after the space that follows the structured data), or empty.
    pub msg: String,
}

impl ParsedMessage {
    /// The first value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses `<PRI>1 TS HOST APP PROCID MSGID [SD-ID k="v" …] MSG` (one SD element, as
/// [`format_message`] writes and RFC 5424 collectors store); `None` if it is not that shape.
pub fn parse_message(text: &str) -> Option<ParsedMessage> {
    let rest = text.strip_prefix('<')?;
    let (pri, rest) = rest.split_once(">1 ")?;
    let pri = pri.parse().ok()?;
    let mut fields = rest.splitn(6, ' ');
    let mut next = || fields.next().map(str::to_owned);
    let (timestamp, hostname, app_name, procid, msgid) =
        (next()?, next()?, next()?, next()?, next()?);
    let rest = next()?;
    let rest = rest.strip_prefix('[')?;
    let (sd_id, mut rest) = rest.split_at(rest.find([' ', ']'])?);
    let mut params = Vec::new();
    while let Some(after) = rest.strip_prefix(' ') {
        let (name, after) = after.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next()? {
                (_, '\\') => {
                    let (_, c) = chars.next()?;
                    if !matches!(c, '"' | '\\' | ']') {
                        value.push('\\');
                    }
                    value.push(c);
                }
                (i, '"') => break i,
                (_, c) => value.push(c),
            }
        };
        params.push((name.to_owned(), value));
        rest = &after[end + 1..];
    }
    let rest = rest.strip_prefix(']')?;
    let msg = rest.strip_prefix(' ').unwrap_or(rest).to_owned();
    Some(ParsedMessage {
        pri,
        timestamp,
        hostname,
        app_name,
        procid,
        msgid,
        sd_id: sd_id.to_owned(),
        params,
        msg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hostile() -> &'static str {
        r#"crd"] [x="1"\ end"#
    }

    #[test]
    fn a_sample_record_is_written_in_rfc5424_form() {
        let record = AuditRecord::sample(2);
        let message = format_message(&record, &MessageFormat::default());
        assert_eq!(
            message,
            format!(
                "<85>1 2024-06-01T12:00:02.123Z desk-07 pindesk - finished [pindesk@32473 \
                 seq=\"2\" entry=\"1\" operation=\"solid.set_pin\" profile=\"solid-sandbox\" \
                 provider=\"solid\" environment=\"sandbox\" card=\"crd_5f1d0000\" outcome=\"ok\" \
                 reference=\"req_0002\" operator=\"alice\" host=\"desk-07\" version=\"0.1.0\" \
                 ticket=\"CHG-1042\" hash=\"{:064x}\"] solid.set_pin ok: PIN set",
                2
            )
        );
    }

    #[test]
    fn pri_and_msgid_follow_the_kind_and_outcome() {
        let cases = [
            (AuditKind::Started, "started", 86, "started"),
            (AuditKind::Finished, "ok", 85, "finished"),
            (AuditKind::Finished, "rejected", 84, "finished"),
            (AuditKind::Finished, "failed", 84, "finished"),
            (AuditKind::Unknown, "unknown", 84, "unknown"),
        ];
        for (kind, outcome, pri, msgid) in cases {
            let mut record = AuditRecord::sample(1);
            record.kind = kind;
            record.body.outcome = outcome.into();
            let parsed =
                parse_message(&format_message(&record, &MessageFormat::default())).expect("parses");
            assert_eq!(
                (parsed.pri, parsed.msgid.as_str()),
                (pri, msgid),
                "{kind:?} {outcome}"
            );
        }
    }

    #[test]
    fn hostile_values_are_escaped_and_read_back_unchanged() {
        let mut record = AuditRecord::sample(4);
        record.body.card_id = Some(hostile().into());
        record.body.reference = Some(r#"a\"b"#.into());
        record.body.ticket = Some("]".into());
        record.body.operation = "op=\"x\"".into();
        let message = format_message(&record, &MessageFormat::default());
        assert!(
            message.contains(r#"card="crd\"\] [x=\"1\"\\ end""#),
            "{message}"
        );
        let parsed = parse_message(&message).expect("parses");
        let cases = [
            ("card", hostile()),
            ("reference", r#"a\"b"#),
            ("ticket", "]"),
            ("operation", "op=\"x\""),
            ("seq", "4"),
        ];
        for (name, value) in cases {
            assert_eq!(parsed.param(name), Some(value), "{name}");
        }
        assert_eq!(
            parsed.params.len(),
            14,
            "no parameter was injected: {message}"
        );
        assert_eq!(parsed.sd_id, "pindesk@32473");
    }

    #[test]
    fn values_lose_control_characters_and_are_capped() {
        let cases = [
            (
                "line\nbreak\r\tend".to_owned(),
                "line break  end".to_owned(),
            ),
            ("plain".to_owned(), "plain".to_owned()),
            ("é".repeat(150), format!("{}…", "é".repeat(98))),
            ("a".repeat(300), format!("{}…", "a".repeat(197))),
        ];
        for (input, expected) in cases {
            let capped = cap_bytes(&input, MAX_VALUE_BYTES);
            assert!(capped.len() <= MAX_VALUE_BYTES, "{input:?}");
            assert_eq!(capped, expected, "{input:?}");
        }
    }

    #[test]
    fn msg_is_plain_ascii_and_header_fields_are_never_empty() {
        let mut record = AuditRecord::sample(2);
        record.body.message = Some("Karte gesperrt: Müller\n\"] [x=\"".into());
        record.body.host = " ".into();
        let message = format_message(&record, &MessageFormat::new(Some("bank@99999")));
        let parsed = parse_message(&message).expect("parses");
        assert!(message.is_ascii(), "{message}");
        assert_eq!(parsed.hostname, "-");
        assert_eq!(parsed.procid, "-");
        assert_eq!(parsed.sd_id, "bank@99999");
        assert_eq!(
            parsed.msg,
            r#"solid.set_pin ok: Karte gesperrt: M\u{fc}ller "] [x=""#
        );
        assert_eq!(parsed.param("host"), Some(" "));
    }

    #[test]
    fn optional_values_are_left_out_and_times_out_of_range_are_nil() {
        let mut record = AuditRecord::sample(1);
        record.body.card_id = None;
        record.body.ticket = None;
        record.at = i64::MAX;
        let parsed =
            parse_message(&format_message(&record, &MessageFormat::default())).expect("parses");
        let names: Vec<&str> = parsed.params.iter().map(|(n, _)| n.as_str()).collect();
        assert!(
            !names.contains(&"card") && !names.contains(&"ticket") && !names.contains(&"reference")
        );
        assert_eq!(parsed.timestamp, "-");
        assert!(names
            .iter()
            .all(|n| n.len() <= 32 && n.chars().all(|c| c.is_ascii_graphic())));
    }

    #[test]
    fn frames_count_octets_not_characters() {
        let cases = [("", "0 "), ("abc", "3 abc"), ("é", "2 é")];
        for (message, expected) in cases {
            assert_eq!(frame(message), expected.as_bytes(), "{message:?}");
        }
        let mut both = Vec::new();
        frame_into(&mut both, "ab");
        frame_into(&mut both, "c");
        assert_eq!(both, b"2 ab1 c");
    }
}

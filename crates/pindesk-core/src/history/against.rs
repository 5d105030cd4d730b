//! `verify --against`: the local chain compared with the collector's copy.
//!
//! The export is the collector's file of received messages, one RFC 5424 message per line
//! (as rsyslog writes them, possibly after its own prefix). Each message carries its chain
//! position and hash in a structured-data element, `[pindesk@32473 … seq="N" hash="HEX" …]`;
//! whatever its SD-ID, the first element of a line with both a `seq` and a `hash` param is
//! taken. Lines without one are ignored.

use std::collections::BTreeMap;

use rusqlite::params;

use super::error::sql;
use super::verify::{ChainProblem, CollectorCheck, ProblemKind};
use super::{History, HistoryError, VerifyReport};

/// The `(seq, hash)` a line's structured data carries, if any.
pub(super) fn seq_and_hash(line: &str) -> Option<(u64, String)> {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(offset) = line[from..].find('[') {
        let start = from + offset;
        match sd_element(bytes, start) {
            Some((params, end)) => {
                let get = |name: &str| {
                    params
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.clone())
                };
                if let (Some(seq), Some(hash)) = (get("seq"), get("hash")) {
                    if let Ok(seq) = seq.parse() {
                        return Some((seq, hash.to_ascii_lowercase()));
                    }
                }
                from = end;
            }
            None => from = start + 1,
        }
    }
    None
}

/// Parses the SD element starting at `bytes[start] == b'['`: its params and the index after
/// its `]`.
fn sd_element(bytes: &[u8], start: usize) -> Option<(Vec<(String, String)>, usize)> {
    let name_end = |i: &mut usize| {
        let from = *i;
        while *i < bytes.len() && !matches!(bytes[*i], b' ' | b'=' | b']' | b'"') {
            *i += 1;
        }
        (*i > from).then(|| String::from_utf8_lossy(&bytes[from..*i]).into_owned())
    };
    let mut i = start + 1;
    name_end(&mut i)?;
    let mut params = Vec::new();
    loop {
        match bytes.get(i)? {
            b']' => return Some((params, i + 1)),
            b' ' => i += 1,
            _ => return None,
        }
        let name = name_end(&mut i)?;
        if bytes.get(i) != Some(&b'=') || bytes.get(i + 1) != Some(&b'"') {
            return None;
        }
        i += 2;
        let mut value = Vec::new();
        loop {
            match *bytes.get(i)? {
                b'\\' if matches!(bytes.get(i + 1), Some(b'"' | b'\\' | b']')) => {
                    value.push(bytes[i + 1]);
                    i += 2;
                }
                b'"' => {
                    i += 1;
                    break;
                }
                b => {
                    value.push(b);
                    i += 1;
                }
            }
        }
        params.push((name, String::from_utf8_lossy(&value).into_owned()));
    }
}

impl History {
    /// [`verify`](Self::verify), then compares the local chain with a collector's export
    /// (its text): names the first seq whose hash differs, that the collector has and the
    /// local chain does not, or that the local chain has inside the collector's range and the
    /// collector does not. Local records after the export's last seq are counted, not
    /// compared (they may not have been shipped when it was taken); collector seqs older than
    /// the checkpoint are skipped (retention removed them here).
    pub fn verify_against(&self, export: &str) -> Result<VerifyReport, HistoryError> {
        let mut report = self.verify()?;
        let mut collector: BTreeMap<u64, String> = BTreeMap::new();
        let mut check = CollectorCheck {
            messages: 0,
            first_seq: None,
            last_seq: None,
            compared: 0,
            after_collector: 0,
            before_checkpoint: 0,
        };
        let mut conflict = None;
        for line in export.lines() {
            let Some((seq, hash)) = seq_and_hash(line) else {
                continue;
            };
            check.messages += 1;
            if let Some(other) = collector.insert(seq, hash.clone()) {
                if other != hash && conflict.is_none() {
                    conflict = Some(seq);
                }
            }
        }
        check.first_seq = collector.keys().next().copied();
        check.last_seq = collector.keys().next_back().copied();
        let (Some(first), Some(last)) = (check.first_seq, check.last_seq) else {
            report.collector = Some(check);
            return Ok(report);
        };
        let local = self.local_hashes(first)?;
        let (checkpoint_seq, checkpoint_hash) = report
            .checkpoint
            .as_ref()
            .map_or((0, String::new()), |c| (c.seq, c.hash.clone()));
        let local_at = |seq: u64| {
            if seq == checkpoint_seq && seq > 0 {
                Some(checkpoint_hash.clone())
            } else {
                local.get(&seq).cloned()
            }
        };
        let mut seqs: Vec<u64> = collector
            .keys()
            .chain(local.keys().filter(|s| **s <= last))
            .copied()
            .collect();
        seqs.sort_unstable();
        seqs.dedup();
        let mut difference = None;
        for seq in seqs {
            if seq < checkpoint_seq {
                check.before_checkpoint += 1;
                continue;
            }
            let found = match (collector.get(&seq), local_at(seq)) {
                (Some(_), _) if conflict == Some(seq) => Some((
                    ProblemKind::CollectorDiffers,
                    "the collector holds two different hashes for it".to_owned(),
                )),
                (Some(theirs), Some(ours)) if *theirs == ours => {
                    check.compared += 1;
                    None
                }
                (Some(theirs), Some(ours)) => Some((
                    ProblemKind::CollectorDiffers,
                    format!("the collector's hash {theirs} differs from the local {ours}"),
                )),
                (Some(_), None) => Some((
                    ProblemKind::MissingLocally,
                    "the collector has this record and the local chain does not".to_owned(),
                )),
                (None, Some(_)) => Some((
                    ProblemKind::MissingAtCollector,
                    "the local chain has this record and the collector does not".to_owned(),
                )),
                (None, None) => None,
            };
            if let (Some((kind, message)), None) = (found, &difference) {
                difference = Some(ChainProblem {
                    kind,
                    seq: Some(seq),
                    entry_id: None,
                    message,
                });
            }
        }
        check.after_collector = local.keys().filter(|s| **s > last).count() as u64;
        if let Some(p) = difference {
            report.fail(p);
        }
        report.collector = Some(check);
        Ok(report)
    }

    /// The local chain's hashes from `from` on.
    fn local_hashes(&self, from: u64) -> Result<BTreeMap<u64, String>, HistoryError> {
        let action = "reading the chain's hashes";
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT seq, hash FROM events WHERE seq >= ?1 ORDER BY seq")
            .map_err(sql(action))?;
        let rows = stmt
            .query_map(params![i64::try_from(from).unwrap_or(i64::MAX)], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(sql(action))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (seq, hash) = row.map_err(sql(action))?;
            out.insert(u64::try_from(seq).unwrap_or(0), hash);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_data_is_found_whatever_its_id() {
        let cases: [(&str, Option<(u64, &str)>); 6] = [
            (
                r#"<110>1 2026-03-01T10:00:00Z desk7 pindesk 42 op [pindesk@32473 seq="7" hash="AB12" kind="started"] msg"#,
                Some((7, "ab12")),
            ),
            (
                r#"2026-03-01T10:00:01+00:00 relay <110>1 - desk7 pindesk - - [meta x="1"][audit@1 hash="cd" seq="12"]"#,
                Some((12, "cd")),
            ),
            (
                r#"<110>1 - h a - - [a@1 note="a \"quoted\] [fake seq=\"1\"" seq="3" hash="ef"]"#,
                Some((3, "ef")),
            ),
            (r#"<110>1 - h a - - [a@1 seq="3"] no hash"#, None),
            (r#"<110>1 - h a - - [a@1 seq="x" hash="ef"]"#, None),
            ("a plain line [not sd", None),
        ];
        for (line, want) in cases {
            let got = seq_and_hash(line);
            assert_eq!(got.as_ref().map(|(s, h)| (*s, h.as_str())), want, "{line}");
        }
    }
}

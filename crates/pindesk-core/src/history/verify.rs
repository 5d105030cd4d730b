//! `verify`: the chain recomputed from the checkpoint, and every `entries` row compared with
//! the projection of its events. The first problem found is named.

use std::collections::BTreeMap;

use serde::Serialize;

use super::chain::{
    chain_hash, checkpoint, parse_body, EventBody, RowView, GENESIS_HASH, ROW_COLUMNS,
};
use super::error::sql;
use super::{EntryId, History, HistoryError};

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HistoryVerifyReport"))]
pub struct VerifyReport {
    /// No problem was found.
    pub ok: bool,
    /// How many records the chain holds now (after the checkpoint).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub records: u64,
    /// The first record's seq, if any.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub first_seq: Option<u64>,
    /// The last record's seq, if any.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_seq: Option<u64>,
    /// Where the chain starts after retention.
    pub checkpoint: Option<Checkpoint>,
    /// The first problem, when not `ok`.
    pub problem: Option<ChainProblem>,
    /// With a collector's export: how it compared.
    pub collector: Option<CollectorCheck>,
}

/// The last record retention removed: the chain continues from its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HistoryCheckpoint"))]
pub struct Checkpoint {
    /// Its seq.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: u64,
    /// Its hash.
    pub hash: String,
}

/// The first thing that does not add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HistoryChainProblem"))]
pub struct ChainProblem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The record concerned (for row problems, none).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub seq: Option<u64>,
    /// The operation concerned, when known.
    pub entry_id: Option<EntryId>,
    /// What is wrong, in plain words.
    pub message: String,
}

/// The kinds of [`ChainProblem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HistoryProblemKind"))]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A record's hash does not follow from its content and the previous hash: it was
    /// changed (or inserted in its place).
    Changed,
    /// Records are missing: a gap in the seqs, or a record that was written with a higher seq.
    Removed,
    /// A record sits after its written position: one was inserted before it.
    Inserted,
    /// A record's content cannot be read.
    Unreadable,
    /// The checkpoint table holds more than one row.
    Checkpoint,
    /// An `entries` row differs from what its events say.
    RowChanged,
    /// An `entries` row has no events.
    RowAdded,
    /// An operation has events but no `entries` row.
    RowRemoved,
    /// The collector holds another hash for a seq.
    CollectorDiffers,
    /// The collector holds a seq the local chain does not.
    MissingLocally,
    /// The local chain holds a seq, inside the collector's range, that the collector does not.
    MissingAtCollector,
}

/// How the local chain compared with a collector's export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "HistoryCollectorCheck")
)]
pub struct CollectorCheck {
    /// Messages in the export that carry a seq and a hash.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub messages: u64,
    /// The export's lowest seq.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub first_seq: Option<u64>,
    /// The export's highest seq.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_seq: Option<u64>,
    /// Seqs compared hash for hash.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub compared: u64,
    /// Local records after the export's last seq (not shipped yet when it was taken): not
    /// compared.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub after_collector: u64,
    /// Collector seqs older than the local checkpoint (removed here by retention): not
    /// compared.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub before_checkpoint: u64,
}

impl VerifyReport {
    /// The report in one line: `chain verified: N records (seq A–B)`, or the first problem.
    pub fn summary(&self) -> String {
        match &self.problem {
            Some(p) => match p.seq {
                Some(seq) => format!("chain broken at seq {seq}: {}", p.message),
                None => format!("chain broken: {}", p.message),
            },
            None => {
                let range = match (self.first_seq, self.last_seq) {
                    (Some(a), Some(b)) => format!(" (seq {a}–{b})"),
                    _ => String::new(),
                };
                let mut line = format!("chain verified: {} records{range}", self.records);
                if let Some(c) = &self.collector {
                    line.push_str(&format!(
                        "; {} seqs match the collector's {} messages",
                        c.compared, c.messages
                    ));
                    if c.after_collector > 0 {
                        line.push_str(&format!(
                            " ({} newer local records not in the export)",
                            c.after_collector
                        ));
                    }
                }
                line
            }
        }
    }

    pub(super) fn fail(&mut self, problem: ChainProblem) {
        if self.problem.is_none() {
            self.ok = false;
            self.problem = Some(problem);
        }
    }
}

fn problem(
    kind: ProblemKind,
    seq: Option<u64>,
    entry: Option<i64>,
    message: String,
) -> ChainProblem {
    ChainProblem {
        kind,
        seq,
        entry_id: entry.map(EntryId),
        message,
    }
}

impl History {
    /// Recomputes the chain from the checkpoint (or genesis) and compares every `entries` row
    /// with the projection of its newest event. Names the first changed, removed or inserted
    /// record, else the first row that differs from its events.
    pub fn verify(&self) -> Result<VerifyReport, HistoryError> {
        let action = "verifying the history chain";
        let mut conn = self.conn();
        // One read transaction: a consistent snapshot while writers go on.
        let tx = conn.transaction().map_err(sql(action))?;
        let mut report = VerifyReport {
            ok: true,
            records: 0,
            first_seq: None,
            last_seq: None,
            checkpoint: None,
            problem: None,
            collector: None,
        };
        let checkpoints: i64 = tx
            .query_row("SELECT COUNT(*) FROM chain_checkpoint", [], |r| r.get(0))
            .map_err(sql(action))?;
        let (mut prev_seq, mut prev_hash) = match checkpoint(&tx)? {
            Some((seq, hash)) => {
                let seq = u64::try_from(seq).unwrap_or(0);
                report.checkpoint = Some(Checkpoint {
                    seq,
                    hash: hash.clone(),
                });
                (seq, hash)
            }
            None => (0, GENESIS_HASH.to_owned()),
        };
        if checkpoints > 1 {
            report.fail(problem(
                ProblemKind::Checkpoint,
                None,
                None,
                format!("the chain has {checkpoints} checkpoints, not one"),
            ));
        }
        let mut latest: BTreeMap<i64, EventBody> = BTreeMap::new();
        {
            let mut stmt = tx
                .prepare("SELECT seq, entry_id, kind, at, body, hash FROM events ORDER BY seq")
                .map_err(sql(action))?;
            let mut rows = stmt.query([]).map_err(sql(action))?;
            while let Some(row) = rows.next().map_err(sql(action))? {
                let seq: i64 = row.get(0).map_err(sql(action))?;
                let entry: i64 = row.get(1).map_err(sql(action))?;
                let kind: String = row.get(2).map_err(sql(action))?;
                let at: i64 = row.get(3).map_err(sql(action))?;
                let text: String = row.get(4).map_err(sql(action))?;
                let hash: String = row.get(5).map_err(sql(action))?;
                let seq = u64::try_from(seq).unwrap_or(0);
                report.records += 1;
                report.first_seq.get_or_insert(seq);
                report.last_seq = Some(seq);
                if let Some(p) =
                    check_record(prev_seq, &prev_hash, seq, entry, &kind, at, &text, &hash)
                {
                    report.fail(p);
                }
                if let Ok(body) = parse_body(&text) {
                    latest.insert(body.entry_id, body);
                }
                (prev_seq, prev_hash) = (seq, hash);
            }
        }
        if report.problem.is_none() {
            if let Some(p) = check_rows(&tx, latest)? {
                report.fail(p);
            }
        }
        Ok(report)
    }
}

/// The problem with one record, if any, given the record before it.
#[allow(clippy::too_many_arguments)]
fn check_record(
    prev_seq: u64,
    prev_hash: &str,
    seq: u64,
    entry: i64,
    kind: &str,
    at: i64,
    text: &str,
    hash: &str,
) -> Option<ChainProblem> {
    let expected = prev_seq + 1;
    if seq > expected {
        let missing = if seq - 1 == expected {
            format!("record {expected} is missing: it was removed")
        } else {
            format!(
                "records {expected}–{} are missing: they were removed",
                seq - 1
            )
        };
        return Some(problem(ProblemKind::Removed, Some(expected), None, missing));
    }
    if seq < expected {
        return Some(problem(
            ProblemKind::Inserted,
            Some(seq),
            Some(entry),
            format!("record {seq} lies at or before the checkpoint (seq {prev_seq})"),
        ));
    }
    let body = match parse_body(text) {
        Ok(body) => body,
        Err(e) => {
            return Some(problem(
                ProblemKind::Unreadable,
                Some(seq),
                Some(entry),
                format!("its content cannot be read ({e})"),
            ))
        }
    };
    if body.seq < seq {
        return Some(problem(
            ProblemKind::Inserted,
            Some(seq),
            Some(entry),
            format!(
                "it holds the record written as seq {}: a record was inserted before it",
                body.seq
            ),
        ));
    }
    if body.seq > seq {
        return Some(problem(
            ProblemKind::Removed,
            Some(seq),
            Some(entry),
            format!(
                "it holds the record written as seq {}: records were removed before it",
                body.seq
            ),
        ));
    }
    if body.entry_id != entry || body.kind.as_str() != kind || body.at != at {
        return Some(problem(
            ProblemKind::Changed,
            Some(seq),
            Some(entry),
            "its entry_id, kind or at column differs from its content: it was changed".into(),
        ));
    }
    if chain_hash(prev_hash, text) != hash {
        return Some(problem(
            ProblemKind::Changed,
            Some(seq),
            Some(body.entry_id),
            "its hash does not follow from its content and the previous record's hash: \
             it was changed (or inserted)"
                .into(),
        ));
    }
    None
}

/// The first `entries` row that is not the projection of its events.
fn check_rows(
    tx: &rusqlite::Transaction<'_>,
    mut latest: BTreeMap<i64, EventBody>,
) -> Result<Option<ChainProblem>, HistoryError> {
    let action = "verifying the history rows";
    let mut stmt = tx
        .prepare(&format!("SELECT {ROW_COLUMNS} FROM entries ORDER BY id"))
        .map_err(sql(action))?;
    let rows = stmt.query_map([], RowView::read).map_err(sql(action))?;
    for row in rows {
        let row = row.map_err(sql(action))?;
        let Some(body) = latest.remove(&row.id) else {
            return Ok(Some(problem(
                ProblemKind::RowAdded,
                None,
                Some(row.id),
                format!("entry {} has no events: the row was added by hand", row.id),
            )));
        };
        if let Some(column) = first_difference(&RowView::of(&body), &row) {
            return Ok(Some(problem(
                ProblemKind::RowChanged,
                Some(body.seq),
                Some(row.id),
                format!(
                    "entry {}'s {column} differs from its events (newest: seq {})",
                    row.id, body.seq
                ),
            )));
        }
    }
    Ok(latest.into_iter().next().map(|(id, body)| {
        problem(
            ProblemKind::RowRemoved,
            Some(body.seq),
            Some(id),
            format!("entry {id} has events but no row: the row was removed"),
        )
    }))
}

/// The first column in which a row differs from the projection.
fn first_difference(want: &RowView, got: &RowView) -> Option<&'static str> {
    let checks: [(&'static str, bool); 16] = [
        ("id", want.id == got.id),
        ("started_at", want.started_at == got.started_at),
        ("finished_at", want.finished_at == got.finished_at),
        ("os_user", want.os_user == got.os_user),
        ("profile", want.profile == got.profile),
        ("provider", want.provider == got.provider),
        ("environment", want.environment == got.environment),
        ("operation", want.operation == got.operation),
        ("card_id", want.card_id == got.card_id),
        ("outcome", want.outcome == got.outcome),
        ("reference", want.reference == got.reference),
        ("message", want.message == got.message),
        ("duration_ms", want.duration_ms == got.duration_ms),
        ("writer_pid", want.writer_pid == got.writer_pid),
        ("writer_token", want.writer_token == got.writer_token),
        ("ticket", want.ticket == got.ticket),
    ];
    checks.iter().find(|(_, same)| !same).map(|(name, _)| *name)
}

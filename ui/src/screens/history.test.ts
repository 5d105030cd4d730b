import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { Outcome } from "../bindings/Outcome";
import type { HistoryQuery } from "../bindings/HistoryQuery";
import type { HistoryVerifyReport } from "../bindings/HistoryVerifyReport";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke }));
const { historyScreen } = await import("./history");

const TOTAL = 100_000;
const entry = (id: number, outcome: Outcome = "ok"): HistoryEntry => ({
  id,
  started_at: "2026-11-23T20:00:00Z",
  finished_at: "2026-11-23T20:00:00Z",
  os_user: "op",
  profile: "demo-vault",
  provider: "vault",
  environment: "demo",
  operation: "vault.send_code",
  card_id: "1234435",
  outcome,
  reference: outcome === "rejected" ? "err-42" : null,
  message: outcome === "unknown" ? "the answer never came" : null,
  duration_ms: 1500,
  ticket: id % 2 === 0 ? `INC-${id}` : null,
});

/** What `history_verify` answers (a test may change it). */
let verifyReport: HistoryVerifyReport | Error;
const VERIFIED: HistoryVerifyReport = {
  ok: true,
  records: 2400,
  first_seq: 101,
  last_seq: 2500,
  checkpoint: { seq: 100, hash: "ab".repeat(32) },
  problem: null,
  collector: null,
};

let section: HTMLElement;
let dispose: void | (() => void);
const flush = () => new Promise((r) => setTimeout(r, 0));
const $ = <E extends HTMLElement = HTMLElement>(css: string) => section.querySelector<E>(css)!;
const queries = () => invoke.mock.calls.filter((c) => c[0] === "history_page").map((c) => (c[1] as { query: HistoryQuery }).query);

beforeEach(async () => {
  vi.stubEnv("TZ", "Asia/Kolkata");
  verifyReport = VERIFIED;
  // A synthetic history of 100 000 entries: ids TOTAL..1, served a page at a time.
  invoke.mockImplementation(async (cmd: string, args?: { query: HistoryQuery }) => {
    if (cmd === "history_page") {
      const q = args!.query;
      const top = q.before === null ? TOTAL : q.before - 1;
      const n = Math.min(q.limit ?? 50, top);
      const outcomes: Outcome[] = ["ok", "rejected", "failed", "unknown"];
      return {
        entries: Array.from({ length: n }, (_, i) => entry(top - i, outcomes[(top - i) % 4])),
        total: q.outcome ? 7 : TOTAL,
      };
    }
    if (cmd === "history_export_csv") return 42;
    if (cmd === "history_verify") {
      if (verifyReport instanceof Error) throw verifyReport;
      return verifyReport;
    }
    return null;
  });
  document.body.replaceChildren();
  section = document.createElement("section");
  document.body.append(section);
  dispose = historyScreen.mount(section, { info: null });
  await flush();
});
afterEach(() => {
  if (dispose) dispose();
  invoke.mockReset();
  vi.unstubAllEnvs();
});

describe("History screen", () => {
  it("shows the first page only, newest first, in local time, with the total", () => {
    expect(queries()).toHaveLength(1);
    expect(queries()[0]).toMatchObject({ before: null, limit: 100 });
    const rows = section.querySelectorAll("tbody tr");
    expect(rows).toHaveLength(100);
    expect(rows[0]!.getAttribute("data-entry-id")).toBe(String(TOTAL));
    expect($("tbody tr [data-col=time]").textContent).toBe("2026-11-24 01:30:00");
    expect($("[data-summary]").textContent).toBe("Showing 100 of 100000 entries, newest first.");
  });

  it("loads the next page older than the last shown entry", async () => {
    $<HTMLButtonElement>("[data-action=load-more]").click();
    await flush();
    expect(queries()[1]).toMatchObject({ before: TOTAL - 99 });
    expect(section.querySelectorAll("tbody tr")).toHaveLength(200);
    expect($("[data-summary]").textContent).toContain("Showing 200 of 100000");
  });

  it("styles each outcome on its own and tells what to do about an unknown one", () => {
    const outcomes = new Set([...section.querySelectorAll("[data-outcome]")].map((e) => e.className));
    expect(outcomes.size).toBe(4);
    const unknown = $("tr.hist-row--unknown [data-col=message]");
    expect(unknown.textContent).toContain("check with the provider before retrying");
  });

  it("applies the filter as a query and starts from the first page", async () => {
    $<HTMLSelectElement>("#history-outcome").value = "unknown";
    $<HTMLSelectElement>("#history-provider").value = "vault";
    $<HTMLInputElement>("#history-card").value = "1234435";
    $<HTMLInputElement>("#history-since").value = "2026-11-01";
    $<HTMLFormElement>("form").requestSubmit();
    await flush();
    expect(queries()[1]).toEqual({
      provider: "vault",
      outcome: "unknown",
      card_id: "1234435",
      since: "2026-11-01",
      until: null,
      before: null,
      limit: 100,
    });
    expect($("[data-summary]").textContent).toContain("of 7 entries");
  });

  it("refuses a date range that ends before it starts, at the field", async () => {
    $<HTMLInputElement>("#history-since").value = "2026-11-20";
    $<HTMLInputElement>("#history-until").value = "2026-11-01";
    $<HTMLFormElement>("form").requestSubmit();
    await flush();
    expect(queries()).toHaveLength(1);
    expect($('[data-error-for="until"]').textContent).toContain("before the start");
  });

  it("exports the applied filter and says how many rows were written, or that it was cancelled", async () => {
    $<HTMLButtonElement>("[data-action=export]").click();
    await flush();
    const call = invoke.mock.calls.find((c) => c[0] === "history_export_csv")!;
    expect(call[1]).toEqual({ query: { provider: null, outcome: null, card_id: null, since: null, until: null, before: null, limit: null } });
    expect($("[data-export-status]").textContent).toBe("Exported 42 rows to CSV.");
    invoke.mockImplementation(async () => null);
    $<HTMLButtonElement>("[data-action=export]").click();
    await flush();
    expect($("[data-export-status]").textContent).toContain("cancelled");
  });

  it("shows each entry's ticket in its own column", () => {
    const headers = [...section.querySelectorAll("thead th")].map((th) => th.textContent);
    expect(headers.indexOf("Ticket")).toBe(headers.indexOf("Card") + 1);
    const rows = [...section.querySelectorAll("tbody tr")];
    expect(rows[0]!.querySelector("[data-col=ticket]")!.textContent).toBe(`INC-${TOTAL}`);
    expect(rows[1]!.querySelector("[data-col=ticket]")!.textContent).toBe("");
  });
});

describe("Verify history", () => {
  const verify = async () => {
    $<HTMLButtonElement>("[data-action=verify-history]").click();
    await flush();
    return $("[data-verify]");
  };

  it("says the chain is verified, with its records, seq range and checkpoint", async () => {
    expect($("[data-verify]").hidden).toBe(true);
    const status = await verify();
    expect(invoke.mock.calls.filter((c) => c[0] === "history_verify")).toHaveLength(1);
    expect(status.hidden).toBe(false);
    expect(status.dataset.verify).toBe("ok");
    const lines = [...status.querySelectorAll("p")].map((p) => p.textContent);
    expect(lines).toEqual([
      "Chain verified: 2400 records (seq 101–2500)",
      "The chain continues from the checkpoint at seq 100: older records were removed by retention.",
    ]);
    expect(status.className).not.toContain("broken");
  });

  it("says where the chain breaks, as a warning", async () => {
    verifyReport = {
      ...VERIFIED,
      ok: false,
      checkpoint: null,
      problem: { kind: "changed", seq: 1207, entry_id: 603, message: "the record's hash does not match: it was changed" },
    };
    const status = await verify();
    expect(status.dataset.verify).toBe("broken");
    expect(status.classList.contains("hist-verify__status--broken")).toBe(true);
    expect([...status.querySelectorAll("p")].map((p) => p.textContent)).toEqual([
      "Chain broken at seq 1207: the record's hash does not match: it was changed",
    ]);
  });

  it("names the operation of a row problem, and says why the check could not run", async () => {
    verifyReport = {
      ...VERIFIED,
      ok: false,
      problem: { kind: "row_changed", seq: null, entry_id: 42, message: "the row differs from its newest event" },
    };
    expect((await verify()).querySelector("p")!.textContent).toBe(
      "Chain broken at operation 42: the row differs from its newest event",
    );
    verifyReport = new Error("the history could not be opened");
    const status = await verify();
    expect(status.dataset.verify).toBe("failed");
    expect(status.textContent).toContain("The history could not be verified: the history could not be opened");
  });
});

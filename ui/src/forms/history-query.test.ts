import { describe, expect, it } from "vitest";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import { checkFilter, exportQuery, hasMore, NO_FILTER, nextBefore, PAGE_SIZE, toQuery } from "./history-query";

const entry = (id: number): HistoryEntry => ({
  id,
  started_at: "2026-11-23T12:00:00Z",
  finished_at: "2026-11-23T12:00:00Z",
  os_user: "op",
  profile: "demo-vault",
  provider: "vault",
  environment: "demo",
  operation: "vault.send_code",
  card_id: "1234435",
  outcome: "ok",
  reference: null,
  message: null,
  duration_ms: 12,
  ticket: null,
});

describe("history filter → query", () => {
  it("sends no filter for empty fields, the first page and the page size", () => {
    expect(toQuery(NO_FILTER)).toEqual({
      provider: null,
      outcome: null,
      card_id: null,
      since: null,
      until: null,
      before: null,
      limit: PAGE_SIZE,
    });
  });

  it("sends every filter the operator set, trimmed", () => {
    const q = toQuery({ provider: "solid", outcome: "unknown", card_id: " 1234435 ", since: "2026-11-01", until: "2026-11-23" });
    expect(q).toMatchObject({ provider: "solid", outcome: "unknown", card_id: "1234435", since: "2026-11-01", until: "2026-11-23" });
  });

  it("never sends a provider the app does not know", () => {
    expect(toQuery({ ...NO_FILTER, provider: "other" }).provider).toBeNull();
  });

  it("pages with the id of the last entry shown", () => {
    const page = [entry(300), entry(299), entry(250)];
    expect(nextBefore(page)).toBe(250);
    expect(nextBefore([])).toBeNull();
    expect(toQuery(NO_FILTER, nextBefore(page)).before).toBe(250);
    expect(hasMore(100, 100_000)).toBe(true);
    expect(hasMore(3, 3)).toBe(false);
  });

  it("exports the whole filter, not a page", () => {
    const q = exportQuery({ ...NO_FILTER, card_id: "123321" });
    expect(q).toMatchObject({ card_id: "123321", before: null, limit: null });
  });

  it("refuses a bad date or an end before the start, at its field", () => {
    expect(checkFilter({ ...NO_FILTER, since: "23/11/2026" })).toEqual({ field: "since", message: "enter a date as YYYY-MM-DD" });
    expect(checkFilter({ ...NO_FILTER, since: "2026-11-23", until: "2026-11-01" })?.field).toBe("until");
    expect(checkFilter({ ...NO_FILTER, since: "2026-11-01", until: "2026-11-01" })).toBeNull();
    expect(checkFilter(NO_FILTER)).toBeNull();
  });
});

/**
 * The History screen's filter as a query: what the operator typed becomes a `HistoryQuery`
 * (empty fields are no filter), checked before it is sent, and paged by the last id shown.
 */
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { HistoryQuery } from "../bindings/HistoryQuery";
import type { Provider } from "../bindings/Provider";

/** Entries per page. */
export const PAGE_SIZE = 100;

/** The filter as the form holds it (empty strings: no filter). */
export interface HistoryFilter {
  provider: string;
  outcome: string;
  card_id: string;
  since: string;
  until: string;
}

/** No filter at all. */
export const NO_FILTER: HistoryFilter = { provider: "", outcome: "", card_id: "", since: "", until: "" };

/** The outcomes the filter offers, with their words. */
export const OUTCOMES: readonly (readonly [string, string])[] = [
  ["ok", "OK"],
  ["rejected", "Rejected"],
  ["failed", "Failed"],
  ["unknown", "Unknown"],
  ["started", "In progress"],
];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function provider(value: string): Provider | null {
  return value === "vault" || value === "solid" ? value : null;
}

const text = (value: string): string | null => {
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
};

/** The query for a filter; `before` is the id of the last entry shown (next page) or null. */
export function toQuery(filter: HistoryFilter, before: number | null = null, limit = PAGE_SIZE): HistoryQuery {
  return {
    provider: provider(filter.provider),
    outcome: text(filter.outcome),
    card_id: text(filter.card_id),
    since: text(filter.since),
    until: text(filter.until),
    before,
    limit,
  };
}

/** The query for exporting what the filter shows: every matching entry, not one page. */
export function exportQuery(filter: HistoryFilter): HistoryQuery {
  return { ...toQuery(filter), before: null, limit: null };
}

/** A problem with the filter, by field, or null when it can be sent. */
export function checkFilter(filter: HistoryFilter): { field: keyof HistoryFilter; message: string } | null {
  for (const field of ["since", "until"] as const) {
    const value = filter[field].trim();
    if (value !== "" && (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
      return { field, message: "enter a date as YYYY-MM-DD" };
    }
  }
  const since = filter.since.trim();
  const until = filter.until.trim();
  if (since !== "" && until !== "" && since > until) {
    return { field: "until", message: "the end date is before the start date" };
  }
  return null;
}

/** The `before` of the next page: the id of the last (oldest) entry shown, or null if none. */
export function nextBefore(entries: readonly HistoryEntry[]): number | null {
  const last = entries[entries.length - 1];
  return last ? last.id : null;
}

/** Whether more entries match than are shown. */
export function hasMore(shown: number, total: number): boolean {
  return shown < total;
}

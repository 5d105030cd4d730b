/**
 * The History screen: the record of every operation, newest first, with export to CSV.
 *
 * Filters (provider, outcome, card id, date range) become a `HistoryQuery`; entries come a page
 * at a time ("Load more" asks for the entries older than the last one shown), so the screen
 * stays quick with any number of entries. Times are shown in local time. An `unknown` outcome
 * says to check with the provider before retrying. "Export CSV" writes every entry matching
 * the current filter. "Verify history" checks the history's hash chain (`history-verify`).
 */
import "../widgets/admin.css";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import { h } from "../dom";
import {
  checkFilter,
  exportQuery,
  hasMore,
  NO_FILTER,
  nextBefore,
  OUTCOMES,
  toQuery,
  type HistoryFilter,
} from "../forms/history-query";
import { historyExportCsv, historyPage } from "../ipc";
import { providerName } from "../shell/status-bar";
import {
  clearErrors,
  formErrorSlot,
  inputField,
  selectField,
  setFieldError,
  type AdminField,
} from "../widgets/admin-field";
import { asErrorReport, errorView, showErrorIn } from "../widgets/error-view";
import { durationText, localTime } from "../widgets/local-time";
import { historyVerifier } from "./history-verify";
import type { Screen } from "./screen";

/** What the operator should do about an unknown outcome. */
export const UNKNOWN_ADVICE = "check with the provider before retrying";

const OUTCOME_WORDS: Record<string, string> = Object.fromEntries(OUTCOMES);

/** The words shown for an outcome. */
export function outcomeWords(outcome: string): string {
  return OUTCOME_WORDS[outcome] ?? outcome;
}

/** One table row for an entry. */
export function entryRow(e: HistoryEntry): HTMLTableRowElement {
  const provider = e.provider === "vault" || e.provider === "solid" ? providerName(e.provider) : e.provider;
  const outcome = h(
    "td",
    { "data-col": "outcome" },
    h("span", { class: `hist-outcome hist-outcome--${e.outcome}`, "data-outcome": e.outcome }, outcomeWords(e.outcome)),
  );
  const message = e.message ?? "";
  const messageCell = h("td", { "data-col": "message" }, message);
  if (e.outcome === "unknown") {
    messageCell.append(
      ...(message === "" ? [] : [h("br")]),
      h("strong", { class: "hist-advice" }, `Unknown outcome: ${UNKNOWN_ADVICE}.`),
    );
  }
  return h(
    "tr",
    { "data-entry-id": String(e.id), class: `hist-row hist-row--${e.outcome}` },
    h("td", { "data-col": "time" }, h("time", { datetime: e.started_at, title: `${e.started_at} (UTC)` }, localTime(e.started_at))),
    h("td", { "data-col": "profile" }, e.profile, h("span", { class: "hist-sub" }, `${provider} · ${e.environment}`)),
    h("td", { "data-col": "operation" }, e.operation),
    h("td", { "data-col": "card" }, e.card_id ?? ""),
    h("td", { "data-col": "ticket" }, e.ticket ?? ""),
    outcome,
    h("td", { "data-col": "reference" }, e.reference ?? ""),
    messageCell,
    h("td", { "data-col": "duration", class: "hist-num" }, durationText(e.duration_ms)),
  );
}

export const historyScreen: Screen = {
  id: "history",
  title: "History",
  mount(section) {
    let alive = true;
    let filter: HistoryFilter = { ...NO_FILTER };
    let shown: HistoryEntry[] = [];
    let total = 0;
    let loading = false;
    /** Bumped by each new search, so a late page of an old search is dropped. */
    let generation = 0;

    const f = {
      provider: selectField({
        id: "history-provider",
        name: "provider",
        label: "Provider",
        options: [
          ["", "Any"],
          ["vault", "Vault"],
          ["solid", "Solid"],
        ],
      }),
      outcome: selectField({
        id: "history-outcome",
        name: "outcome",
        label: "Outcome",
        options: [["", "Any"], ...OUTCOMES],
      }),
      card_id: inputField({ id: "history-card", name: "card_id", label: "Card id" }),
      since: inputField({ id: "history-since", name: "since", label: "From (day, UTC)", type: "date" }),
      until: inputField({ id: "history-until", name: "until", label: "Until (day, UTC)", type: "date" }),
    };
    const fields: AdminField<HTMLInputElement | HTMLSelectElement>[] = Object.values(f);
    const formError = formErrorSlot("filter");
    const apply = h("button", { type: "submit", class: "adm-button adm-button--primary", "data-action": "apply" }, "Apply filter");
    const reset = h("button", { type: "button", class: "adm-button", "data-action": "reset" }, "Clear filter");
    const exportButton = h("button", { type: "button", class: "adm-button", "data-action": "export" }, "Export CSV");
    const verifier = historyVerifier(() => alive);
    const form = h(
      "form",
      { class: "adm-form hist-filter", "data-form": "history-filter", "aria-label": "Filter the history", novalidate: true },
      h("div", { class: "hist-filter__fields" }, ...fields.map((field) => field.row)),
      formError,
      h("div", { class: "adm-actions" }, apply, reset, exportButton, verifier.button),
    );

    const summary = h("p", { class: "hist-summary", role: "status", "aria-live": "polite", "data-summary": "" });
    const exportStatus = h("p", { class: "adm-notice", role: "status", "aria-live": "polite", "data-export-status": "" });
    const body = h("tbody", { "data-history-rows": "" });
    const table = h(
      "table",
      { class: "hist-table", "aria-describedby": "history-summary" },
      h("caption", { class: "visually-hidden" }, "Operations, newest first"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Time", "Profile", "Operation", "Card", "Ticket", "Outcome", "Reference", "Message", "Duration"].map((t) =>
            h("th", { scope: "col" }, t),
          ),
        ),
      ),
      body,
    );
    summary.id = "history-summary";
    summary.tabIndex = -1;
    const more = h("button", { type: "button", class: "adm-button", "data-action": "load-more", hidden: true }, "Load more");
    section.append(form, exportStatus, verifier.element, summary, h("div", { class: "hist-table-wrap" }, table), h("div", { class: "adm-actions" }, more));

    const readFilter = (): HistoryFilter => ({
      provider: f.provider.control.value,
      outcome: f.outcome.control.value,
      card_id: f.card_id.control.value,
      since: f.since.control.value,
      until: f.until.control.value,
    });

    const describe = (): void => {
      if (total === 0) {
        summary.textContent = "No operation matches the filter.";
      } else {
        summary.textContent = `Showing ${shown.length} of ${total} ${total === 1 ? "entry" : "entries"}, newest first.`;
      }
      summary.dataset.total = String(total);
      summary.dataset.shown = String(shown.length);
      more.hidden = !hasMore(shown.length, total);
    };

    const showError = (rejection: unknown): void => {
      const error = asErrorReport(rejection);
      const field = error.field;
      const target = field === "since" || field === "until" || field === "outcome" ? f[field] : null;
      if (target) setFieldError(target, error);
      else showErrorIn(formError, error, "The history could not be read");
    };

    /** Loads the first page (fresh) or the next one. */
    const loadPage = async (fresh: boolean): Promise<void> => {
      if (loading && !fresh) return;
      const mine = fresh ? ++generation : generation;
      loading = true;
      more.disabled = true;
      try {
        const page = await historyPage(toQuery(filter, fresh ? null : nextBefore(shown)));
        if (!alive || mine !== generation) return;
        const rows = document.createDocumentFragment();
        for (const entry of page.entries) rows.append(entryRow(entry));
        if (fresh) {
          shown = [...page.entries];
          body.replaceChildren(rows);
        } else {
          shown.push(...page.entries);
          body.append(rows);
        }
        total = page.total;
        describe();
        table.dataset.loaded = "true";
      } catch (error) {
        if (alive && mine === generation) showError(error);
      } finally {
        if (mine === generation) {
          loading = false;
          more.disabled = false;
        }
      }
    };

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(fields, formError);
      const next = readFilter();
      const problem = checkFilter(next);
      if (problem) {
        const target = f[problem.field];
        setFieldError(target, problem.message);
        target.control.focus();
        return;
      }
      filter = next;
      exportStatus.textContent = "";
      void loadPage(true);
    });
    reset.addEventListener("click", () => {
      for (const field of fields) field.control.value = "";
      form.requestSubmit();
    });
    more.addEventListener("click", () => {
      void loadPage(false).then(() => {
        // Keep the keyboard in place: on the button, or on the summary once all are shown.
        if (more.hidden) summary.focus();
      });
    });
    exportButton.addEventListener("click", () => {
      // Exports what the applied filter shows (apply a changed filter first).
      exportButton.disabled = true;
      exportStatus.textContent = "Exporting…";
      exportStatus.dataset.result = "";
      historyExportCsv(exportQuery(filter))
        .then((rows) => {
          if (!alive) return;
          if (rows === null) {
            exportStatus.textContent = "Export cancelled: no file was written.";
            exportStatus.dataset.result = "cancelled";
          } else {
            exportStatus.textContent = `Exported ${rows} ${rows === 1 ? "row" : "rows"} to CSV.`;
            exportStatus.dataset.result = "written";
            exportStatus.dataset.rows = String(rows);
          }
        })
        .catch((error: unknown) => {
          if (!alive) return;
          exportStatus.replaceChildren(...errorView(asErrorReport(error), "The export failed"));
          exportStatus.dataset.result = "failed";
        })
        .finally(() => {
          exportButton.disabled = false;
        });
    });

    void loadPage(true);
    return () => {
      alive = false;
    };
  },
};

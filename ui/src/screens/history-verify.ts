/**
 * "Verify history" on the History screen: asks the app to recompute the history's hash chain
 * and compare every row with it (`historyVerify`), then says "Chain verified: N records (seq
 * A–B)" or, as a warning, where the chain breaks and why, noting the checkpoint the chain
 * continues from after retention removed older records.
 */
import type { HistoryVerifyReport } from "../bindings/HistoryVerifyReport";
import { h, type Child } from "../dom";
import { historyVerify } from "../ipc";
import { asErrorReport, errorView } from "../widgets/error-view";

/** What a verification found, in words: `ok`, the headline, and the checkpoint note if any. */
export interface VerifyWords {
  ok: boolean;
  headline: string;
  checkpoint: string | null;
}

/** The words for a report. */
export function verifyWords(report: HistoryVerifyReport): VerifyWords {
  const checkpoint = report.checkpoint
    ? `The chain continues from the checkpoint at seq ${report.checkpoint.seq}: older records were removed by retention.`
    : null;
  const problem = report.problem;
  if (report.ok && !problem) {
    const count = `${report.records} ${report.records === 1 ? "record" : "records"}`;
    const range = report.first_seq !== null && report.last_seq !== null ? ` (seq ${report.first_seq}–${report.last_seq})` : "";
    return { ok: true, headline: `Chain verified: ${count}${range}`, checkpoint };
  }
  const where =
    problem?.seq != null ? ` at seq ${problem.seq}` : problem?.entry_id != null ? ` at operation ${problem.entry_id}` : "";
  return { ok: false, headline: `Chain broken${where}: ${problem?.message ?? "the app gave no detail"}`, checkpoint };
}

/** The verify button and where its answer is shown. */
export interface HistoryVerifier {
  element: HTMLElement;
  button: HTMLButtonElement;
}

/** Builds the verifier; nothing is shown once `alive()` is false (the screen was left). */
export function historyVerifier(alive: () => boolean): HistoryVerifier {
  const button = h("button", { type: "button", class: "adm-button", "data-action": "verify-history" }, "Verify history");
  const status = h("div", { class: "hist-verify__status", role: "status", "aria-live": "polite", "data-verify": "", hidden: true });
  const element = h("div", { class: "hist-verify" }, status);

  /** Shows how the check ended, one paragraph per entry of `lines`. */
  const show = (result: "ok" | "broken" | "failed", ...lines: Child[][]) => {
    status.replaceChildren(...lines.map((line) => h("p", {}, ...line)));
    status.dataset.verify = result;
    status.className = `hist-verify__status hist-verify__status--${result}`;
    status.hidden = false;
  };

  button.addEventListener("click", () => {
    button.disabled = true;
    status.hidden = false;
    status.dataset.verify = "running";
    status.className = "hist-verify__status";
    status.textContent = "Verifying the history…";
    historyVerify()
      .then((report) => {
        if (!alive()) return;
        const words = verifyWords(report);
        show(words.ok ? "ok" : "broken", [words.headline], ...(words.checkpoint ? [[words.checkpoint]] : []));
      })
      .catch((error: unknown) => {
        if (alive()) show("failed", errorView(asErrorReport(error), "The history could not be verified"));
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  return { element, button };
}

/**
 * The status bar's audit note: while the history is shipped to a collector, "audit: N
 * waiting" when records have waited in the outbox for a minute or more (the collector is out
 * of reach, or refusing them). Nothing is shown when no collector is configured or nothing has
 * waited that long. The shell asks the app (`auditStatus`) once at start and then every 15 s;
 * a failed ask changes nothing on screen and never reaches the operator.
 */
import type { AuditStatus } from "../bindings/AuditStatus";
import { h } from "../dom";

/** How long records may wait before the status bar says so. */
export const AUDIT_WAIT_SECS = 60;

/** How often the shell asks the app. */
export const AUDIT_POLL_SECS = 15;

/** The note for what the app reported, or `null` when there is nothing to say. */
export function auditNote(status: AuditStatus | null | undefined): string | null {
  if (!status || !Array.isArray(status.collectors) || status.collectors.length === 0) return null;
  if (!(status.waiting > 0) || !((status.oldest_waiting_secs ?? 0) >= AUDIT_WAIT_SECS)) return null;
  return `audit: ${status.waiting} waiting`;
}

/** The note's element in the status bar (`data-audit`), hidden while there is nothing to say. */
export interface AuditIndicator {
  element: HTMLElement;
  /** Shows what the app reported. */
  show(status: AuditStatus | null | undefined): void;
}

/** Builds the note's element, hidden. */
export function auditIndicator(): AuditIndicator {
  const element = h("span", { class: "status-bar__audit", "data-audit": "", hidden: true });
  return {
    element,
    show(status) {
      const note = auditNote(status);
      element.textContent = note ?? "";
      element.hidden = note === null;
      if (note === null || !status) {
        element.removeAttribute("title");
        return;
      }
      const where = `History records wait to be shipped to ${status.collectors.join(", ")}`;
      element.title = status.error ? `${where}: ${status.error}` : `${where}.`;
    },
  };
}

/** A running poll. */
export interface AuditPoll {
  stop(): void;
}

/**
 * Asks `ask` now and every `everySecs` (one ask at a time) and shows each answer in
 * `indicator`; a failed ask is ignored.
 */
export function pollAudit(indicator: AuditIndicator, ask: () => Promise<AuditStatus>, everySecs = AUDIT_POLL_SECS): AuditPoll {
  let asking = false;
  const tick = (): void => {
    if (asking) return;
    asking = true;
    new Promise<AuditStatus>((resolve) => resolve(ask()))
      .then((status) => indicator.show(status))
      .catch(() => undefined)
      .finally(() => {
        asking = false;
      });
  };
  tick();
  const timer = setInterval(tick, Math.max(1, everySecs) * 1000);
  return { stop: () => clearInterval(timer) };
}

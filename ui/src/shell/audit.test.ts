import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AuditStatus } from "../bindings/AuditStatus";
import { SCREENS } from "../screens";
import { INFO } from "../screens/flow-fixtures";
import { announceAppInfo } from "../widgets/app-info-refresh";
import { AUDIT_POLL_SECS, auditIndicator, auditNote, pollAudit } from "./audit";
import { mountShell } from "./shell";

const status = (over: Partial<AuditStatus> = {}): AuditStatus => ({
  collectors: ["tls://siem.example:6514"],
  waiting: 0,
  oldest_waiting_secs: null,
  last_sent_seq: 120,
  error: null,
  ...over,
});

describe("the audit note's rule", () => {
  it.each<[string, AuditStatus | null, string | null]>([
    ["no collector configured", status({ collectors: [], waiting: 3, oldest_waiting_secs: 600 }), null],
    ["nothing waiting", status({ waiting: 0, oldest_waiting_secs: null }), null],
    ["3 waiting for 30 s", status({ waiting: 3, oldest_waiting_secs: 30 }), null],
    ["3 waiting for 59 s", status({ waiting: 3, oldest_waiting_secs: 59 }), null],
    ["3 waiting for 60 s", status({ waiting: 3, oldest_waiting_secs: 60 }), "audit: 3 waiting"],
    ["3 waiting for 61 s", status({ waiting: 3, oldest_waiting_secs: 61 }), "audit: 3 waiting"],
    ["waiting, age unknown", status({ waiting: 3, oldest_waiting_secs: null }), null],
    ["no answer", null, null],
  ])("%s", (_name, reported, note) => {
    expect(auditNote(reported)).toBe(note);
    const indicator = auditIndicator();
    indicator.show(reported);
    expect(indicator.element.hidden).toBe(note === null);
    expect(indicator.element.textContent).toBe(note ?? "");
  });

  it("says where the records wait to go and why, on hover", () => {
    const indicator = auditIndicator();
    indicator.show(status({ waiting: 3, oldest_waiting_secs: 61, error: "the collector refused the connection" }));
    expect(indicator.element.title).toBe(
      "History records wait to be shipped to tls://siem.example:6514: the collector refused the connection",
    );
    indicator.show(status());
    expect(indicator.element.hasAttribute("title")).toBe(false);
  });

  it("ignores an answer that is not an audit status", () => {
    const indicator = auditIndicator();
    expect(() => indicator.show({} as AuditStatus)).not.toThrow();
    expect(indicator.element.hidden).toBe(true);
  });
});

describe("polling the audit status", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    document.body.replaceChildren();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("asks once at start and every 15 s, and shows each answer", async () => {
    const answers = [status({ waiting: 3, oldest_waiting_secs: 30 }), status({ waiting: 3, oldest_waiting_secs: 61 }), status()];
    const ask = vi.fn(async () => answers.shift()!);
    const indicator = auditIndicator();
    const poll = pollAudit(indicator, ask);
    await vi.advanceTimersByTimeAsync(0);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(indicator.element.hidden).toBe(true);
    await vi.advanceTimersByTimeAsync(AUDIT_POLL_SECS * 1000);
    expect(ask).toHaveBeenCalledTimes(2);
    expect(indicator.element.textContent).toBe("audit: 3 waiting");
    expect(indicator.element.hidden).toBe(false);
    await vi.advanceTimersByTimeAsync(AUDIT_POLL_SECS * 1000);
    expect(ask).toHaveBeenCalledTimes(3);
    expect(indicator.element.hidden).toBe(true);
    poll.stop();
    await vi.advanceTimersByTimeAsync(AUDIT_POLL_SECS * 5000);
    expect(ask).toHaveBeenCalledTimes(3);
  });

  it("ignores a failed ask, even one that throws at once, and keeps polling", async () => {
    const errors = vi.spyOn(console, "error");
    let calls = 0;
    const ask = vi.fn((): Promise<AuditStatus> => {
      calls++;
      if (calls === 1) throw new Error("the bridge is gone");
      if (calls === 2) return Promise.reject({ category: "internal", message: "no history", field: null, reference: null });
      return Promise.resolve(status({ waiting: 7, oldest_waiting_secs: 300 }));
    });
    const indicator = auditIndicator();
    const poll = pollAudit(indicator, ask);
    await vi.advanceTimersByTimeAsync(AUDIT_POLL_SECS * 2000);
    expect(ask).toHaveBeenCalledTimes(3);
    expect(indicator.element.textContent).toBe("audit: 7 waiting");
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    poll.stop();
  });

  it("asks again only once the previous answer came", async () => {
    let answer: (s: AuditStatus) => void = () => undefined;
    const ask = vi.fn(() => new Promise<AuditStatus>((resolve) => (answer = resolve)));
    const poll = pollAudit(auditIndicator(), ask);
    await vi.advanceTimersByTimeAsync(AUDIT_POLL_SECS * 3000);
    expect(ask).toHaveBeenCalledTimes(1);
    answer(status());
    await vi.advanceTimersByTimeAsync(AUDIT_POLL_SECS * 1000);
    expect(ask).toHaveBeenCalledTimes(2);
    poll.stop();
  });

  it("keeps the note in the status bar when the shell redraws it", () => {
    const root = document.createElement("div");
    document.body.append(root);
    const shell = mountShell(root, SCREENS, null);
    shell.audit.show(status({ waiting: 3, oldest_waiting_secs: 61 }));
    expect(root.querySelector("[data-status-bar] [data-audit]")?.textContent).toBe("audit: 3 waiting");
    announceAppInfo(root.querySelector("[data-screen]")!, { ...INFO, version: "2", active_profile: null });
    expect(root.querySelector("[data-status-bar]")?.textContent).toContain("PinDesk 2");
    expect(root.querySelector("[data-status-bar] [data-audit]")?.textContent).toBe("audit: 3 waiting");
  });
});

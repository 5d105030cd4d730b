import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppInfo } from "../bindings/AppInfo";
import type { DemoState } from "../bindings/DemoState";
import { DEMO_POLL_MS, watchDemoBackend } from "./demo-backend";
import { INFO } from "../screens/flow-fixtures";
import { statusBar } from "./status-bar";

const at = (demo_backend?: DemoState): AppInfo => (demo_backend ? { ...INFO, demo_backend } : INFO);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("the demo sandbox in the status bar", () => {
  it.each([
    { backend: { state: "starting" } as DemoState, shown: "Demo sandbox starting…", alert: false },
    { backend: { state: "failed", reason: "address in use" } as DemoState, shown: "could not start: address in use", alert: true },
    { backend: { state: "ready" } as DemoState, shown: null, alert: false },
    { backend: undefined, shown: null, alert: false },
  ])("says $shown", ({ backend, shown, alert }) => {
    const note = statusBar(at(backend)).querySelector("[data-demo-backend]");
    expect(note?.textContent ?? null).toSatisfy((t: string | null) => (shown === null ? t === null : t!.includes(shown)));
    expect(note?.getAttribute("role") === "alert").toBe(alert);
  });

  it("asks again while it starts and hands on the first settled answer", async () => {
    const answers = [at({ state: "starting" }), at({ state: "ready" })];
    const ask = vi.fn(async () => answers.shift() ?? at({ state: "ready" }));
    const settled = vi.fn();
    watchDemoBackend(at({ state: "starting" }), ask, settled);
    await vi.advanceTimersByTimeAsync(DEMO_POLL_MS * 2);
    expect(settled).toHaveBeenCalledWith(at({ state: "ready" }));
    await vi.advanceTimersByTimeAsync(DEMO_POLL_MS * 10);
    expect(ask).toHaveBeenCalledTimes(2);
  });

  it("does not ask when the sandbox already listens", async () => {
    const ask = vi.fn(async () => INFO);
    watchDemoBackend(at({ state: "ready" }), ask, () => {});
    await vi.advanceTimersByTimeAsync(DEMO_POLL_MS * 10);
    expect(ask).not.toHaveBeenCalled();
  });
});

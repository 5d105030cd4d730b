import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SCREENS } from "../screens";
import { CLEARED_NOTE, clearAfterIdle, FALLBACK_TIMEOUT_SECS, MAX_TIMEOUT_SECS, reportActivity, watchIdle } from "./idle";
import { mountShell } from "./shell";

beforeEach(() => {
  vi.useFakeTimers();
  document.body.replaceChildren();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("watchIdle", () => {
  it("fires once the time passes without activity", () => {
    const onIdle = vi.fn();
    watchIdle(document, 1000, onIdle);
    vi.advanceTimersByTime(999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("restarts on keys, pointer and input events", () => {
    const onIdle = vi.fn();
    watchIdle(document, 1000, onIdle);
    for (const event of [
      new KeyboardEvent("keydown", { key: "a", bubbles: true }),
      new PointerEvent("pointerdown", { bubbles: true }),
      new Event("input", { bubbles: true }),
    ]) {
      vi.advanceTimersByTime(800);
      document.body.dispatchEvent(event);
    }
    vi.advanceTimersByTime(999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("fires again after a later idle spell, and never once stopped", () => {
    const onIdle = vi.fn();
    const watch = watchIdle(document, 1000, onIdle);
    vi.advanceTimersByTime(1000);
    document.dispatchEvent(new KeyboardEvent("keydown"));
    vi.advanceTimersByTime(1000);
    expect(onIdle).toHaveBeenCalledTimes(2);
    watch.stop();
    document.dispatchEvent(new KeyboardEvent("keydown"));
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledTimes(2);
  });
});

describe("reportActivity", () => {
  it("tells the app on activity, at most once per interval, and never once stopped", () => {
    const ping = vi.fn(async () => {});
    const watch = reportActivity(document, 5, ping);
    expect(ping).not.toHaveBeenCalled();
    document.dispatchEvent(new KeyboardEvent("keydown"));
    document.dispatchEvent(new Event("input"));
    vi.advanceTimersByTime(4_999);
    document.dispatchEvent(new PointerEvent("pointermove"));
    expect(ping).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    document.dispatchEvent(new PointerEvent("pointermove"));
    expect(ping).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(60_000);
    expect(ping).toHaveBeenCalledTimes(2);
    watch.stop();
    document.dispatchEvent(new KeyboardEvent("keydown"));
    expect(ping).toHaveBeenCalledTimes(2);
  });
});

describe("clearAfterIdle", () => {
  function setup(timeoutSecs: number | null) {
    const root = document.createElement("div");
    document.body.append(root);
    const shell = mountShell(root, SCREENS, null);
    const forgetSecrets = vi.fn(() => Promise.resolve());
    const watch = clearAfterIdle(
      { document, show: shell.show, start: "vault", forgetSecrets },
      timeoutSecs,
    );
    return { root, shell, forgetSecrets, watch };
  }

  it("forgets the secrets, empties every field and returns to the start screen", () => {
    const { root, shell, forgetSecrets } = setup(3);
    shell.show("solid");
    const field = document.createElement("input");
    root.querySelector("[data-screen]")!.append(field);
    field.value = "1234";
    field.dispatchEvent(new Event("input", { bubbles: true }));

    vi.advanceTimersByTime(2999);
    expect(forgetSecrets).not.toHaveBeenCalled();
    expect(shell.current()).toBe("solid");
    vi.advanceTimersByTime(1);

    expect(forgetSecrets).toHaveBeenCalledTimes(1);
    expect(shell.current()).toBe("vault");
    expect(field.isConnected).toBe(false);
    for (const input of root.querySelectorAll("input")) expect(input.value).toBe("");
    expect(root.querySelector("[data-idle-note]")?.textContent).toBe(CLEARED_NOTE);
  });

  it("re-mounts the start screen even when it is already shown", () => {
    const { root } = setup(3);
    const before = root.querySelector("[data-screen]");
    vi.advanceTimersByTime(3000);
    const after = root.querySelector("[data-screen]");
    expect(after?.getAttribute("data-screen")).toBe("vault");
    expect(after).not.toBe(before);
  });

  it("never waits longer than 15 minutes", () => {
    const { forgetSecrets, watch } = setup(100_000);
    vi.advanceTimersByTime(MAX_TIMEOUT_SECS * 1000 - 1);
    expect(forgetSecrets).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(forgetSecrets).toHaveBeenCalledTimes(1);
    watch.stop();
  });

  it("fails closed without a timeout from the app: the shortest the settings allow (30 s)", () => {
    expect(FALLBACK_TIMEOUT_SECS).toBe(30);
    for (const timeout of [null, 0]) {
      document.body.replaceChildren();
      const { forgetSecrets, watch } = setup(timeout);
      vi.advanceTimersByTime(30_000);
      expect(forgetSecrets).toHaveBeenCalledTimes(1);
      watch.stop();
    }
  });
});

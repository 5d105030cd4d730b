/**
 * Idle detection and what happens on expiry. Any key, pointer, wheel or input event anywhere in
 * the page restarts the timer; when it runs out, the app forgets every secret it holds
 * (`forgetSecrets()`), the start screen is mounted afresh (so every field on screen is gone and
 * nothing typed survives) and a short note says why. The timeout comes from the app
 * (`AppInfo.idle_timeout_secs`: the settings, at most 15 minutes; a kiosk's from its machine config).
 */
import { h } from "../dom";
import "./idle.css";
import type { ScreenId } from "../screens/screen";

/** The events that count as the operator being there. */
export const ACTIVITY_EVENTS = ["keydown", "pointerdown", "pointermove", "wheel", "input"] as const;

/** The longest idle timeout the app allows (15 minutes): a longer one is cut to it. */
export const MAX_TIMEOUT_SECS = 15 * 60;

/**
 * The timeout used when the app gave none (it could not be asked, or said 0): the shortest
 * the settings allow, so not knowing fails closed.
 */
export const FALLBACK_TIMEOUT_SECS = 30;

/** A running idle timer. */
export interface IdleWatch {
  /** Restarts the countdown (any activity does this). */
  reset(): void;
  /** Stops watching. */
  stop(): void;
}

/** Calls `onIdle` once `timeoutMs` pass without activity on `target`, and again after each later idle spell. */
export function watchIdle(target: EventTarget, timeoutMs: number, onIdle: () => void): IdleWatch {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reset = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onIdle();
    }, timeoutMs);
  };
  const options = { capture: true, passive: true };
  for (const name of ACTIVITY_EVENTS) target.addEventListener(name, reset, options);
  reset();
  return {
    reset,
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, reset, options);
    },
  };
}

/**
 * Tells the app the operator is there (`ping`) on activity on `target`, at most once every
 * `everySecs` (`AppInfo.activity_ping_secs`): the app's own idle deadline, which forgets its
 * secrets even if this page's timer never fires, counts on it.
 */
export function reportActivity(target: EventTarget, everySecs: number, ping: () => Promise<void>): IdleWatch {
  const every = Math.max(1, everySecs) * 1000;
  let last = -Infinity;
  const onActivity = (): void => {
    const now = Date.now();
    if (now - last < every) return;
    last = now;
    ping().catch((error: unknown) => console.error("still_active failed", error));
  };
  const options = { capture: true, passive: true };
  for (const name of ACTIVITY_EVENTS) target.addEventListener(name, onActivity, options);
  return {
    reset: onActivity,
    stop() {
      for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, onActivity, options);
    },
  };
}

/** What clearing after inactivity needs from the rest of the UI. */
export interface ClearTarget {
  /** The page (its events are watched, its `<main>` gets the note). */
  document: Document;
  /** Shows a screen afresh (the shell's `show`). */
  show(id: ScreenId): void;
  /** The start screen. */
  start: ScreenId;
  /** Makes the app forget every secret it holds. */
  forgetSecrets(): Promise<void>;
}

/** The note shown after a clear. */
export const CLEARED_NOTE = "Everything was cleared after inactivity.";

/** Clears every field and secret after `timeoutSecs` idle and returns to the start screen. */
export function clearAfterIdle(target: ClearTarget, timeoutSecs: number | null): IdleWatch {
  const secs = timeoutSecs && timeoutSecs > 0 ? Math.min(timeoutSecs, MAX_TIMEOUT_SECS) : FALLBACK_TIMEOUT_SECS;
  return watchIdle(target.document, secs * 1000, () => {
    target.forgetSecrets().catch((error: unknown) => console.error("forget_secrets failed", error));
    // Away from the field that had focus, so the fresh screen starts clean.
    (target.document.activeElement as HTMLElement | null)?.blur?.();
    target.show(target.start);
    target.document
      .getElementById("main")
      ?.prepend(h("p", { class: "idle-note", role: "status", "data-idle-note": true }, CLEARED_NOTE));
  });
}

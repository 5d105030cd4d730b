/** A live countdown to an instant, and how a remaining time is written. */

/** Whole seconds from `now` until `until` (ms since the epoch), never negative. */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** `m:ss` for a number of seconds (`4:59`, `0:07`). */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.floor(total));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** A running countdown; `stop` ends it without calling `onEnd`. */
export interface Countdown {
  stop(): void;
}

/**
 * Calls `onTick(secondsLeft)` now and about four times a second, and `onEnd()` once when the
 * time is up (then stops). `now` is injectable for tests.
 */
export function countdown(
  until: number,
  onTick: (left: number) => void,
  onEnd: () => void,
  now: () => number = Date.now,
): Countdown {
  let last = -1;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const tick = () => {
    const left = secondsLeft(until, now());
    if (left !== last) {
      last = left;
      onTick(left);
    }
    if (left === 0) {
      stop();
      onEnd();
    }
  };
  timer = setInterval(tick, 250);
  tick();
  return { stop };
}

/**
 * Times and durations as an operator reads them: the app sends RFC 3339 in UTC, the screens
 * show the machine's local time (`YYYY-MM-DD HH:MM:SS`), with the UTC value kept for tooltips.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** An RFC 3339 instant in local time as `YYYY-MM-DD HH:MM:SS`; the input itself if unparsable. */
export function localTime(rfc3339: string): string {
  const date = new Date(rfc3339);
  if (Number.isNaN(date.getTime())) return rfc3339;
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** A duration in milliseconds in words: `850 ms`, `1.2 s`, `2 min 5 s`; empty when unknown. */
export function durationText(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const secs = Math.round(ms / 1000);
  return `${Math.floor(secs / 60)} min ${secs % 60} s`;
}

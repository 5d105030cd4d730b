/** Local wall-clock times as the operator reads them (`14:03:07`). */

/** The local time of an instant (ms since the epoch or an RFC 3339 string). */
export function clockTime(at: number | string = Date.now()): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

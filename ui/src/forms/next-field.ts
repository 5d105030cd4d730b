/** Where Enter goes in a row of fields: the next empty one, or "submit" when all are filled. */

/** The field after `current` in `order` that is still empty, else `"submit"`. */
export function nextField(order: readonly string[], values: Readonly<Record<string, string>>, current: string): string {
  const at = order.indexOf(current);
  if (at >= 0 && (values[current] ?? "") === "") return current;
  for (const name of [...order.slice(at + 1), ...order.slice(0, Math.max(at, 0))]) {
    if ((values[name] ?? "") === "") return name;
  }
  return "submit";
}

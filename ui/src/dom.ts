/**
 * A tiny element builder. It sets text and attributes only (never `innerHTML`), so nothing a
 * screen shows can turn into markup, and never sets a `style` attribute (the CSP forbids
 * inline styles): looks live in `styles.css`.
 */

/** Attribute values; `false`/`undefined` leave the attribute out, `true` sets it empty. */
export type Attrs = Record<string, string | boolean | undefined>;

/** A child: an element, or text. */
export type Child = Node | string;

/** Creates `<tag>` with the given attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === "style") throw new Error("inline styles are not allowed (CSP)");
    el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children);
  return el;
}

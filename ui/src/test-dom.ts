/** DOM helpers the screen tests share: settle pending work, find, type into and key a field. */

/** Lets pending promises and a zero timer run. */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
};

/** The first element matching `css`. */
export const q = <T extends Element = HTMLInputElement>(css: string): T | null => document.querySelector<T>(css);

/** Sets the field's value as typing would, with its `input` event. */
export const type = (css: string, value: string): void => {
  const input = q(css)!;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
};

/** Presses `k` in the element. */
export const key = (css: string, k: string): boolean =>
  q(css)!.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));

/** Picks `value` in the select, as a choice would, with its `change` event. */
export const choose = (css: string, value: string): void => {
  const select = q<HTMLSelectElement>(css)!;
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
};

/**
 * Where a flow screen shows an error: a command's `ErrorReport` goes to the error slot of the
 * field it names (`[data-error-for]`), drawn by the one error view; the field is marked
 * invalid and focused. An error naming no known field goes to the form's slot
 * (`data-error-for="form"`). An unknown outcome gets its own prominent panel.
 */
import type { ErrorReport } from "../bindings/ErrorReport";
import { h } from "../dom";
import { errorView, showErrorIn, type ShownError } from "../widgets/error-view";

/** Provider and core field names mapped to the UI's error slots. */
const ALIASES: Record<string, string> = {
  id: "card_id",
  card: "card_id",
  cardId: "card_id",
  card_id: "card_id",
  passCode: "passcode",
  expiryMonth: "expiry",
  expiryYear: "expiry",
  "sd-pin-token": "token",
};

/** The error slot name for an IPC field name (`null`: the form's slot). */
export function slotFor(field: string | null): string {
  if (!field) return "form";
  return ALIASES[field] ?? field;
}

/** A value made safe inside a double-quoted attribute selector. */
function quote(value: string): string {
  return value.replace(/["\\]/g, "\\$&");
}

/** The input an error slot belongs to (the input its id points at), if any. */
function inputOf(slot: HTMLElement, root: ParentNode): HTMLInputElement | null {
  const id = slot.id.endsWith("-error") ? slot.id.slice(0, -"-error".length) : "";
  return id ? root.querySelector<HTMLInputElement>(`[id="${quote(id)}"]`) : null;
}

/**
 * Shows `error` in `root`'s slot `name`, else in the form's slot. Returns the slot name used.
 * The slot's field is marked invalid and focused.
 */
function place(root: ParentNode, name: string, error: ShownError): string {
  let slot = root.querySelector<HTMLElement>(`[data-error-for="${quote(name)}"]`);
  if (!slot) {
    name = "form";
    slot = root.querySelector<HTMLElement>('[data-error-for="form"]');
  }
  if (!slot) return name;
  showErrorIn(slot, error);
  const input = inputOf(slot, root);
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
    input.select();
  }
  return name;
}

/**
 * Shows `error` in `root`: in the slot of its field when there is one, else in the form's
 * slot. Returns the slot name used.
 */
export function showError(root: ParentNode, error: ErrorReport): string {
  return place(root, slotFor(error.field), error);
}

/** Shows a message of the UI's own (no category, no reference) in the slot `name`. */
export function showMessage(root: ParentNode, name: string, message: string): void {
  place(root, name, message);
}

/** Empties every error slot in `root` (or only `name`'s) and clears the invalid marks. */
export function clearErrors(root: ParentNode, name?: string): void {
  const selector = name ? `[data-error-for="${quote(name)}"]` : "[data-error-for]";
  for (const slot of root.querySelectorAll<HTMLElement>(selector)) {
    showErrorIn(slot, null);
    inputOf(slot, root)?.removeAttribute("aria-invalid");
  }
}

/** The panel an unknown outcome is shown in (hidden until `showUnknown`). */
export function unknownPanel(): HTMLElement {
  return h("div", { class: "outcome-unknown", "data-outcome": "unknown", role: "alert", hidden: true });
}

/** Fills and shows the unknown-outcome panel for `error` (`what`: the operation in words). */
export function showUnknown(panel: HTMLElement, what: string, error: ErrorReport): void {
  panel.replaceChildren(
    h("strong", { class: "outcome-unknown__title" }, "Outcome unknown — check with the provider before retrying"),
    h("p", {}, ...errorView(error, what)),
    h("p", { class: "outcome-unknown__next" }, "Nothing will be sent again from here. Esc starts over."),
  );
  panel.hidden = false;
}

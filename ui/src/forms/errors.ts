/**
 * Errors where the operator looks: a command's `IpcError` is shown in the error slot of the
 * field it names (`[data-error-for]`), in words, with the provider's reference for support;
 * the field is marked invalid and focused. An error naming no known field goes to the form's
 * slot (`data-error-for="form"`). An unknown outcome gets its own prominent panel.
 */
import type { IpcError } from "../bindings/IpcError";
import { h } from "../dom";
import { isIpcError } from "../ipc";

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

/** Any rejection as an `IpcError` (a bridge failure becomes an `internal` one). */
export function asIpcError(error: unknown): IpcError {
  if (isIpcError(error)) {
    return {
      category: error.category,
      message: error.message,
      field: error.field ?? null,
      reference: error.reference ?? null,
    };
  }
  return {
    category: "internal",
    message: error instanceof Error ? error.message : String(error),
    field: null,
    reference: null,
  };
}

/** A value made safe inside a double-quoted attribute selector. */
function quote(value: string): string {
  return value.replace(/["\\]/g, "\\$&");
}

function fill(slot: HTMLElement, message: string, reference: string | null): void {
  slot.replaceChildren(h("span", { class: "field__error-text" }, message));
  if (reference) {
    slot.append(" ", h("span", { class: "reference", "data-reference": reference }, `Ref: ${reference}`));
  }
  slot.hidden = false;
}

/** The input an error slot belongs to (the input its id points at), if any. */
function inputOf(slot: HTMLElement, root: ParentNode): HTMLInputElement | null {
  const id = slot.id.endsWith("-error") ? slot.id.slice(0, -"-error".length) : "";
  return id ? root.querySelector<HTMLInputElement>(`[id="${quote(id)}"]`) : null;
}

/**
 * Shows `error` in `root`: in the slot of its field when there is one, else in the form's
 * slot. Returns the slot name used. Focuses the field when `focus` is set.
 */
export function showError(root: ParentNode, error: IpcError, focus = true): string {
  let name = slotFor(error.field);
  let slot = root.querySelector<HTMLElement>(`[data-error-for="${quote(name)}"]`);
  if (!slot) {
    name = "form";
    slot = root.querySelector<HTMLElement>('[data-error-for="form"]');
  }
  if (!slot) return name;
  fill(slot, error.message, error.reference);
  const input = inputOf(slot, root);
  if (input) {
    input.setAttribute("aria-invalid", "true");
    if (focus) {
      input.focus();
      input.select();
    }
  }
  return name;
}

/** Shows a message (no reference) in the slot `name`. */
export function showMessage(root: ParentNode, name: string, message: string, focus = true): void {
  showError(root, { category: "validation", message, field: name, reference: null }, focus);
}

/** Empties every error slot in `root` (or only `name`'s) and clears the invalid marks. */
export function clearErrors(root: ParentNode, name?: string): void {
  const selector = name ? `[data-error-for="${quote(name)}"]` : "[data-error-for]";
  for (const slot of root.querySelectorAll<HTMLElement>(selector)) {
    slot.replaceChildren();
    slot.hidden = true;
    inputOf(slot, root)?.removeAttribute("aria-invalid");
  }
}

/** The panel an unknown outcome is shown in (hidden until `showUnknown`). */
export function unknownPanel(): HTMLElement {
  return h("div", { class: "outcome-unknown", "data-outcome": "unknown", role: "alert", hidden: true });
}

/** Fills and shows the unknown-outcome panel for `error` (`what`: the operation in words). */
export function showUnknown(panel: HTMLElement, what: string, error: IpcError): void {
  panel.replaceChildren(
    h("strong", { class: "outcome-unknown__title" }, "Outcome unknown — check with the provider before retrying"),
    h("p", {}, `${what}: ${error.message}`),
  );
  if (error.reference) {
    panel.append(h("p", { class: "reference", "data-reference": error.reference }, `Ref: ${error.reference}`));
  }
  panel.append(h("p", { class: "outcome-unknown__next" }, "Nothing will be sent again from here. Esc starts over."));
  panel.hidden = false;
}

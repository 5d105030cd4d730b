/**
 * The one way an error is shown, on every screen: its message (after what failed, when that is
 * said), the kind of failure in words and the provider's reference with a Copy button, so the
 * operator can quote it to support. A message of the UI's own (a prompt such as "Enter the
 * card id.") is a plain string: it has no category and no reference.
 */
import type { Category } from "../bindings/Category";
import type { ErrorReport } from "../bindings/ErrorReport";
import { h, type Child } from "../dom";
import { isErrorReport } from "../ipc";

/** An error to show: one the app reported, or a message of the UI's own. */
export type ShownError = ErrorReport | string;

/** Each category in the operator's words. */
export const CATEGORY_WORDS: Record<Category, string> = {
  validation: "Invalid input",
  rejected: "Refused by the provider",
  credentials: "Credentials problem",
  network: "Not sent: network problem",
  unknown_outcome: "Outcome unknown",
  internal: "App error",
};

/** What a rejection that carries no words is shown as. */
const NO_ANSWER = "the app did not answer; try again";

/** How long the Copy button says what it did before it reads "Copy" again. */
export const COPY_NOTE_SECS = 2;

/** Any rejection as an `ErrorReport` (a bridge failure becomes an `internal` one). */
export function asErrorReport(error: unknown): ErrorReport {
  if (isErrorReport(error)) {
    return {
      category: error.category,
      message: error.message,
      field: error.field ?? null,
      reference: error.reference ?? null,
      code: typeof error.code === "string" ? error.code : error.category,
    };
  }
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  return { category: "internal", message: message || NO_ANSWER, field: null, reference: null, code: "internal" };
}

/**
 * Copies `reference` to the clipboard; where the page may not write there, selects the
 * reference's text instead, for Ctrl+C. The button says which happened.
 */
async function copyReference(button: HTMLButtonElement, text: HTMLElement, reference: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(reference);
    button.textContent = "Copied";
  } catch {
    text.ownerDocument.getSelection()?.selectAllChildren(text);
    button.textContent = "Selected: press Ctrl+C";
  }
  setTimeout(() => {
    button.textContent = "Copy";
  }, COPY_NOTE_SECS * 1000);
}

/** The provider's reference and its Copy button. */
function referenceView(reference: string): Child[] {
  const text = h("span", { class: "reference", "data-reference": reference }, `Ref: ${reference}`);
  const copy = h(
    "button",
    { type: "button", class: "reference__copy", "data-action": "copy-reference", "aria-label": `Copy the reference ${reference}` },
    "Copy",
  );
  copy.addEventListener("click", () => void copyReference(copy, text, reference));
  return [text, " ", copy];
}

/** The nodes that show `error`; `lead` (what failed) goes before the message. */
export function errorView(error: ShownError, lead?: string): Child[] {
  const message = typeof error === "string" ? error : error.message;
  const nodes: Child[] = [h("span", { class: "error__message", "data-error-message": true }, lead ? `${lead}: ${message}` : message)];
  if (typeof error === "string") return nodes;
  nodes.push(" ", h("span", { class: "error__category", "data-category": error.category }, CATEGORY_WORDS[error.category]));
  if (error.reference) nodes.push(" ", ...referenceView(error.reference));
  return nodes;
}

/** Shows `error` in `slot` and unhides it; `null` empties and hides the slot. */
export function showErrorIn(slot: HTMLElement, error: ShownError | null, lead?: string): void {
  slot.replaceChildren(...(error === null ? [] : errorView(error, lead)));
  slot.hidden = error === null;
}

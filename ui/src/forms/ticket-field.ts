/**
 * The ticket field of a flow screen: the operator's case or ticket reference for the customer
 * call ("INC-104233"). It is plain text (not a secret), stays filled across the steps and
 * operations of the call, is sent with every operation of the screen (empty: none), and is
 * emptied with the rest of the form (Esc, "Next card", the idle clear, leaving the screen).
 * When the machine-wide config requires a ticket (`AppInfo.require_ticket`) it is marked
 * required and the page refuses to send without one; the app checks again (and checks what a
 * ticket may look like), and its refusal, naming the field `ticket`, lands here.
 */
import { clearErrors, showMessage } from "./errors";
import { field } from "./secret-field";

/** The longest ticket reference the app accepts. */
export const TICKET_MAX = 64;

/** What the page says when a required ticket is missing. */
export const TICKET_MISSING = "Enter the ticket or case reference: this desk requires one on every operation.";

/** A flow screen's ticket field. */
export interface TicketField {
  row: HTMLElement;
  input: HTMLInputElement;
  /** Whether the machine-wide config requires a ticket. */
  required: boolean;
  /** The ticket to send: trimmed, `null` when empty. */
  value(): string | null;
  /**
   * Whether an operation may be sent now; when a required ticket is missing, says so at the
   * field (focused) in `root` and returns `false`.
   */
  ready(root: ParentNode): boolean;
  /** Empties the field and its error (the form is cleared for the next customer). */
  clear(): void;
}

/** The ticket a field's text stands for: trimmed, `null` when empty. */
export function ticketValue(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

/** Builds the ticket field of the screen `idPrefix` (`required`: `AppInfo.require_ticket`). */
export function ticketField(idPrefix: string, required: boolean): TicketField {
  const { row, input } = field({
    id: `${idPrefix}-ticket`,
    field: "ticket",
    label: required ? "Ticket / case reference (required)" : "Ticket / case reference (optional)",
    maxlength: TICKET_MAX,
    hint: "The case this call is about, such as INC-104233; kept until the form is cleared",
  });
  if (required) {
    input.required = true;
    input.setAttribute("aria-required", "true");
  }
  row.classList.add("field--ticket");
  input.addEventListener("input", () => clearErrors(row, "ticket"));

  const value = (): string | null => ticketValue(input.value);
  return {
    row,
    input,
    required,
    value,
    ready(root) {
      if (!required || value() !== null) return true;
      showMessage(root, "ticket", TICKET_MISSING);
      return false;
    },
    clear() {
      input.value = "";
      clearErrors(row, "ticket");
    },
  };
}

/**
 * The keyboard of a flow screen (Vault, Solid): Esc starts over from anywhere in the flow;
 * Enter on the profile picker or in the ticket field moves on to the card id, and Enter in a
 * field (`data-field`) does what the flow's step machine says. Enter does nothing while a call is in flight.
 */

/** What a flow screen gives its keyboard. */
export interface FlowKeys {
  picker: HTMLSelectElement;
  card: HTMLInputElement;
  /** The ticket field (Enter moves on to the card id). */
  ticket: HTMLInputElement;
  /** Whether a call is in flight. */
  busy(): boolean;
  /** Starts over (Esc). */
  cancel(): void;
  /** Enter in the field named `field`. */
  enter(field: string): void;
}

/** Listens for the flow's keys on `root`. */
export function flowKeys(root: HTMLElement, keys: FlowKeys): void {
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      keys.cancel();
      return;
    }
    if (event.key !== "Enter" || event.isComposing || keys.busy()) return;
    const target = event.target;
    if (target === keys.picker || target === keys.ticket) {
      event.preventDefault();
      keys.card.focus();
      return;
    }
    if (!(target instanceof HTMLInputElement) || !target.dataset.field) return;
    event.preventDefault();
    keys.enter(target.dataset.field);
  });
}

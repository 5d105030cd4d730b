/**
 * The note under a confirmation field that says whether it matches the new passcode or PIN.
 * It stays quiet while the confirmation is empty, and while it is a shorter start of a value
 * that does not match yet (the operator is still typing). It never shows either value.
 */
import { h } from "../dom";

/** A hidden match note (`data-match`). */
export function matchNote(): HTMLElement {
  return h("p", { class: "match", "data-match": true, "aria-live": "polite", hidden: true });
}

/** Updates `note` for the new `value` and its `confirmation`. */
export function showMatch(note: HTMLElement, value: string, confirmation: string): void {
  const same = value === confirmation;
  note.hidden = confirmation === "" || (!same && confirmation.length < value.length);
  note.textContent = same ? "Matches" : "Does not match";
  note.className = same ? "match match--ok" : "match match--bad";
}

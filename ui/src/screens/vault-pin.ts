/**
 * The Vault card PIN screen ("I forgot my card PIN"): card id (confirmed with Vault as it is
 * typed, or picked from the customer's cards) → new PIN → confirmation → "Set card PIN", with
 * the ticket / case reference of the call (`ticket-field`). No
 * SMS code or old PIN: Vault sets or resets the PIN of an ACTIVE card in one call. Enter moves
 * on, Esc starts over; the PIN fields are masked, checked live against Vault's rules, and
 * emptied and removed after success, on Esc and when the operator leaves the screen. After an
 * unknown outcome the screen stays locked until the operator starts over.
 */
import type { ErrorReport } from "../bindings/ErrorReport";
import { h } from "../dom";
import { Busy, settle } from "../forms/busy";
import { cardPanel } from "../forms/card-check";
import { clockTime } from "../forms/clock";
import { clearErrors, showError, showMessage, showUnknown, unknownPanel } from "../forms/errors";
import { matchNote, showMatch } from "../forms/match-note";
import { profilePicker } from "../forms/profile-picker";
import { showResult } from "../forms/result";
import { policySource } from "../forms/policy-source";
import { liveRules } from "../forms/rules";
import { field, wipe } from "../forms/secret-field";
import { ticketField } from "../forms/ticket-field";
import { pinPolicy, vaultSetCardPin } from "../ipc";
import { flowKeys } from "./flow-keys";
import type { Screen, ScreenContext } from "./screen";

/** What Enter in the field `name` does, given whether the confirmation is still empty. */
export function cardPinEnter(name: string, confirmEmpty: boolean): "focus-pin" | "focus-confirm" | "set" | null {
  switch (name) {
    case "card":
      return "focus-pin";
    case "pin":
      return confirmEmpty ? "focus-confirm" : "set";
    case "confirm":
      return "set";
    default:
      return null;
  }
}

function mountVaultPin(section: HTMLElement, context: ScreenContext): () => void {
  let disposed = false;
  let locked = false;

  const picker = profilePicker("vault-pin", "vault", "Vault");
  const ticket = ticketField("vault-pin", context.info?.require_ticket === true);
  const card = field({
    id: "vault-pin-card",
    field: "card",
    errorFor: "card_id",
    label: "Card id",
    inputmode: "numeric",
    hint: "Type the id or pick one of the customer's cards",
  });
  const makePin = () =>
    field({ id: "vault-pin-pin", field: "pin", label: "New card PIN", secret: true, inputmode: "numeric", maxlength: 4, autocomplete: "new-password" });
  const makeConfirm = () =>
    field({ id: "vault-pin-confirm", field: "confirm", label: "Confirm card PIN", secret: true, inputmode: "numeric", maxlength: 4, autocomplete: "new-password" });
  let pin = makePin();
  let confirm = makeConfirm();
  const match = matchNote();
  const rules = liveRules(() => pin.input, "pin", policySource(pinPolicy, () => picker.value()));
  const setButton = h("button", { type: "button", class: "button button--primary", "data-action": "set-card-pin" }, "Set card PIN");
  const pinStep = h("div", { class: "step", "data-step": "pin" });
  const unknown = unknownPanel();
  const formError = h("p", { class: "field__error", "data-error-for": "form", role: "alert", hidden: true });
  const result = h("div", { class: "result", "data-result": true, role: "status", hidden: true });
  const cancelButton = h("button", { type: "button", class: "button", "data-action": "cancel" }, "Start over (Esc)");
  const newButton = h("button", { type: "button", class: "button button--primary", "data-action": "new" }, "Next card");

  const update = () => {
    setButton.disabled = locked || picker.value() === null;
    setButton.textContent = confirmation.warning() ? "Set card PIN anyway" : "Set card PIN";
    picker.select.disabled = locked || picker.value() === null;
    card.input.readOnly = locked;
    pin.input.readOnly = locked;
    confirm.input.readOnly = locked;
  };
  const confirmation = cardPanel({ input: card.input, profile: () => picker.value(), picker: picker.select, choices: true, changed: update });

  /** (Re)builds the PIN fields, so nothing typed before stays in the page. */
  const buildPinStep = () => {
    pin.row.insertBefore(rules.element, pin.error);
    confirm.row.insertBefore(match, confirm.error);
    pinStep.replaceChildren(
      h("p", { class: "step__hint" }, "Exactly 4 digits; no runs like 1234 or 4321, no digit three times in a row (1122 is fine)."),
      h("div", { class: "grid" }, pin.row, confirm.row),
      h("div", { class: "actions" }, setButton),
    );
  };
  buildPinStep();

  const root = h(
    "div",
    { class: "flow", "data-flow": "vault-pin" },
    h("p", { class: "flow__hint" }, "Enter moves on · Esc starts over"),
    picker.row,
    ticket.row,
    h("div", { class: "step", "data-step": "card" }, card.row, confirmation.choices, confirmation.element),
    pinStep,
    unknown,
    formError,
    result,
    h("div", { class: "flow__footer" }, cancelButton),
  );
  section.append(root);
  const busy = new Busy(root, () => [setButton, picker.select, ticket.input, card.input, pin.input, confirm.input]);

  const wipePins = () => {
    wipe([pin.input, confirm.input]);
    pin = makePin();
    confirm = makeConfirm();
    rules.reset();
    match.hidden = true;
    buildPinStep();
  };

  const failed = (error: ErrorReport) => {
    if (error.category === "unknown_outcome") {
      locked = true;
      showUnknown(unknown, "Setting the card PIN", error);
      update();
      cancelButton.focus();
      return;
    }
    showError(root, error);
  };

  const setPin = async () => {
    if (busy.busy || locked) return;
    clearErrors(root);
    const cardId = card.input.value.trim();
    if (cardId === "") {
      showMessage(root, "card_id", "Enter the card id.");
      card.input.focus();
      return;
    }
    const value = pin.input.value;
    if (value === "") {
      showMessage(root, "pin", "Enter the new card PIN.");
      pin.input.focus();
      return;
    }
    const broken = await rules.check();
    if (disposed) return;
    if (broken.length > 0) {
      showMessage(root, "pin", `The PIN breaks Vault's rules: ${broken.map((r) => r.message).join("; ")}.`);
      pin.input.focus();
      return;
    }
    if (confirm.input.value !== value) {
      showMessage(root, "confirm", "The confirmation does not match the new card PIN.");
      confirm.input.focus();
      return;
    }
    if (!ticket.ready(root)) return;
    const profile = picker.value();
    const outcome = await busy.run(() => settle(vaultSetCardPin(profile, cardId, value, ticket.value())));
    if (!outcome || disposed) return;
    if (!outcome.ok) {
      failed(outcome.error);
      return;
    }
    const done = outcome.value;
    wipePins();
    if (done.card) confirmation.confirmed(done.card);
    showResult(result, "Card PIN set", `Card ${done.card_id} at ${clockTime(done.at)}`, picker.chosen(), newButton);
    update();
    newButton.focus();
  };

  const cancel = () => {
    if (busy.busy) return;
    wipePins();
    locked = false;
    card.input.value = "";
    ticket.clear();
    confirmation.reset();
    unknown.hidden = true;
    unknown.replaceChildren();
    result.hidden = true;
    result.replaceChildren();
    clearErrors(root);
    update();
    card.input.focus();
  };

  root.addEventListener("input", (event) => {
    if (event.target === pin.input || event.target === confirm.input) {
      clearErrors(root, event.target === pin.input ? "pin" : "confirm");
      showMatch(match, pin.input.value, confirm.input.value);
    }
  });
  setButton.addEventListener("click", () => void setPin());
  newButton.addEventListener("click", cancel);
  cancelButton.addEventListener("click", cancel);
  picker.select.addEventListener("change", update);
  flowKeys(root, {
    picker: picker.select,
    card: card.input,
    ticket: ticket.input,
    busy: () => busy.busy,
    cancel,
    enter: (name) => {
      const action = cardPinEnter(name, confirm.input.value === "");
      if (action === "focus-pin") pin.input.focus();
      else if (action === "focus-confirm") confirm.input.focus();
      else if (action === "set") void setPin();
    },
  });

  update();
  picker.load(() => !disposed, () => {
    confirmation.reload();
    update();
  });

  return () => {
    disposed = true;
    rules.stop();
    confirmation.stop();
    wipe([pin.input, confirm.input]);
    card.input.value = "";
    ticket.clear();
  };
}

export const vaultPinScreen: Screen = {
  id: "vault-pin",
  title: "Vault card PIN",
  mount: mountVaultPin,
};

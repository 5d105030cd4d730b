/**
 * The Solid PIN screen: card id (confirmed with Solid as it is typed, with a warning when the
 * card was changed lately) + Enter gets a one-time PIN token, held by the app. The token
 * is masked (Reveal shows it for 10 s), counts down to its expiry (then it is discarded), can
 * be copied (the clipboard is cleared after a while) or discarded. When the profile can set
 * PINs: PIN + confirmation (masked, live policy feedback), expiry and last4 (filled in from
 * Solid's record of the card) → "Set PIN". The ticket / case reference of the call goes with
 * the token request and the Set PIN (`ticket-field`).
 * The token is never kept in the page after use, expiry, Esc or leaving the screen. Where the
 * flow stands, and what Enter does, is `solid-flow`'s step machine.
 */
import type { CardSummary } from "../bindings/CardSummary";
import type { ErrorReport } from "../bindings/ErrorReport";
import { h } from "../dom";
import { Busy, settle } from "../forms/busy";
import { cardPanel } from "../forms/card-check";
import { clockTime } from "../forms/clock";
import { countdown, formatSeconds, type Countdown } from "../forms/countdown";
import { clearErrors, showError, showMessage, showUnknown, unknownPanel } from "../forms/errors";
import { matchNote, showMatch } from "../forms/match-note";
import { profilePicker } from "../forms/profile-picker";
import { showResult } from "../forms/result";
import { policySource } from "../forms/policy-source";
import { liveRules } from "../forms/rules";
import { field, wipe, type Field } from "../forms/secret-field";
import { ticketField } from "../forms/ticket-field";
import {
  pinPolicy,
  solidCopyToken,
  solidDiscardToken,
  solidPinToken,
  solidRevealToken,
  solidSetPin,
} from "../ipc";
import { flowKeys } from "./flow-keys";
import type { Screen, ScreenContext } from "./screen";
import {
  advance,
  enterAction,
  expiryProblem,
  holdsToken,
  initialSolidFlow,
  last4Problem,
  PIN_ORDER,
  tokenUsable,
  type SolidFlow,
} from "./solid-flow";

/** How long a revealed token stays visible. */
export const REVEAL_SECS = 10;
/** What a masked token looks like. */
export const MASK = "••••••••••••••••";

function mountSolid(section: HTMLElement, context: ScreenContext): () => void {
  let disposed = false;
  let flow: SolidFlow = initialSolidFlow();
  let lifetime: Countdown | null = null;
  let clipboard: Countdown | null = null;
  let hideTimer: ReturnType<typeof setTimeout> | undefined;

  const picker = profilePicker("solid", "solid", "Solid");
  const ticket = ticketField("solid", context.info?.require_ticket === true);
  const card = field({ id: "solid-card", field: "card", errorFor: "card_id", label: "Card id", placeholder: "crd_…" });
  const getButton = h("button", { type: "button", class: "button button--primary", "data-action": "get-token" }, "Get PIN token");

  const tokenText = h("code", { class: "token__value", "data-token": true }, MASK);
  const revealButton = h("button", { type: "button", class: "button", "data-action": "reveal", "aria-pressed": "false" }, "Reveal");
  const lifeText = h("p", { class: "token__life", "data-countdown": true, "aria-live": "off" });
  const copyButton = h("button", { type: "button", class: "button", "data-action": "copy" }, "Copy");
  const discardButton = h("button", { type: "button", class: "button", "data-action": "discard" }, "Discard");
  const copyStatus = h("p", { class: "token__copied", "data-copy-status": true, "aria-live": "polite", hidden: true });
  const tokenError = h("p", { class: "field__error", "data-error-for": "token", role: "alert", hidden: true });
  const tokenTitle = h("h2", { class: "token__title" }, "PIN token");
  const tokenPanel = h(
    "section",
    { class: "token", "data-token-panel": true, "aria-labelledby": "solid-token-title", hidden: true },
    tokenTitle,
    h("div", { class: "token__line" }, tokenText, revealButton),
    lifeText,
    h("div", { class: "actions" }, copyButton, discardButton),
    copyStatus,
    tokenError,
  );
  tokenTitle.id = "solid-token-title";

  const pinStep = h("div", { class: "step", "data-step": "pin" });
  const unknown = unknownPanel();
  const formError = h("p", { class: "field__error", "data-error-for": "form", role: "alert", hidden: true });
  const result = h("div", { class: "result", "data-result": true, role: "status", hidden: true });
  const cancelButton = h("button", { type: "button", class: "button", "data-action": "cancel" }, "Start over (Esc)");
  const match = matchNote();

  let pin: Field | null = null;
  let confirm: Field | null = null;
  let expiry: Field | null = null;
  let last4: Field | null = null;
  let setButton: HTMLButtonElement | null = null;
  const rules = liveRules(() => pin?.input ?? null, "pin", policySource(pinPolicy, () => picker.value()));

  const confirmation = cardPanel({ input: card.input, profile: () => picker.value(), picker: picker.select, changed: () => update() });

  const root = h(
    "div",
    { class: "flow", "data-flow": "solid" },
    h("p", { class: "flow__hint" }, "Enter moves on · Esc starts over"),
    picker.row,
    ticket.row,
    h("div", { class: "step", "data-step": "card" }, card.row, confirmation.element, h("div", { class: "actions" }, getButton)),
    tokenPanel,
    pinStep,
    unknown,
    formError,
    result,
    h("div", { class: "flow__footer" }, cancelButton),
  );
  section.append(root);

  const busy = new Busy(root, () =>
    [getButton, revealButton, copyButton, discardButton, setButton, picker.select, ticket.input, card.input].filter(
      (c): c is HTMLButtonElement | HTMLInputElement | HTMLSelectElement => c !== null,
    ),
  );

  /** Button states from the flow. */
  const update = () => {
    const held = holdsToken(flow);
    const usable = tokenUsable(flow);
    getButton.disabled = flow.locked || picker.value() === null;
    getButton.textContent = held ? "Get a new token" : confirmation.warning() ? "Get PIN token anyway" : "Get PIN token";
    picker.select.disabled = held || picker.value() === null;
    revealButton.disabled = !usable;
    copyButton.disabled = !usable;
    discardButton.disabled = !held;
    if (setButton) setButton.disabled = !usable;
  };

  const hideToken = () => {
    if (hideTimer !== undefined) clearTimeout(hideTimer);
    hideTimer = undefined;
    tokenText.textContent = MASK;
    tokenText.classList.remove("token__value--shown");
    revealButton.textContent = "Reveal";
    revealButton.setAttribute("aria-pressed", "false");
  };

  const stopClipboardNote = () => {
    clipboard?.stop();
    clipboard = null;
    copyStatus.hidden = true;
    copyStatus.textContent = "";
  };

  const wipePinForm = () => {
    wipe([pin?.input, confirm?.input, expiry?.input, last4?.input].filter((i): i is HTMLInputElement => !!i));
    pinStep.replaceChildren();
    pin = confirm = expiry = last4 = null;
    setButton = null;
    rules.reset();
    match.hidden = true;
  };

  /** Stops showing and counting down the token; `tellApp`: the app forgets it too. */
  const dropToken = (tellApp: boolean) => {
    hideToken();
    lifetime?.stop();
    lifetime = null;
    if (flow.cardId !== null && tellApp) void solidDiscardToken(flow.profile, flow.cardId).catch(() => undefined);
  };

  /** Everything about the token gone from the page (the flow says what comes next). */
  const closeToken = () => {
    dropToken(true);
    stopClipboardNote();
    tokenPanel.hidden = true;
    lifeText.textContent = "";
    lifeText.removeAttribute("data-expired");
    clearErrors(tokenPanel);
    wipePinForm();
  };

  /** The held token can no longer be used: why, and whether the app must still be told. */
  const unusableNow = (event: "expired" | "spent", why: string, tellApp: boolean) => {
    dropToken(tellApp);
    flow = advance(flow, { type: event });
    lifeText.textContent = why;
    lifeText.setAttribute("data-expired", "true");
    update();
  };

  const expired = () => unusableNow("expired", "Expired: the token was discarded. Get a new one.", true);

  /** The app no longer holds the token (it answered so): the page lets it go too. */
  const gone = () => unusableNow("spent", "The app no longer holds this token: get a new one.", false);

  const failed = (what: string, error: ErrorReport) => {
    if (error.field === "token" && tokenUsable(flow)) gone();
    if (error.category === "unknown_outcome") {
      dropToken(true);
      flow = advance(flow, { type: "unknown" });
      showUnknown(unknown, what, error);
      update();
      cancelButton.focus();
      return;
    }
    showError(root, error);
  };

  /** The PIN form, its expiry and last 4 taken from what Solid confirmed (still editable). */
  const buildPinStep = (known: CardSummary) => {
    pin = field({ id: "solid-pin", field: "pin", label: "New PIN", secret: true, inputmode: "numeric", autocomplete: "new-password" });
    confirm = field({ id: "solid-confirm", field: "confirm", label: "Confirm PIN", secret: true, inputmode: "numeric", autocomplete: "new-password" });
    expiry = field({ id: "solid-expiry", field: "expiry", label: "Card expiry", placeholder: "MM/YYYY", inputmode: "numeric", maxlength: 7 });
    last4 = field({ id: "solid-last4", field: "last4", label: "Last 4 digits", inputmode: "numeric", maxlength: 4 });
    expiry.input.value = known.expiry ?? "";
    last4.input.value = known.last4 ?? "";
    setButton = h("button", { type: "button", class: "button button--primary", "data-action": "set-pin" }, "Set PIN");
    setButton.addEventListener("click", () => void setPin());
    pin.row.insertBefore(rules.element, pin.error);
    confirm.row.insertBefore(match, confirm.error);
    pinStep.replaceChildren(
      h("h2", { class: "step__title" }, "Set the PIN"),
      h("div", { class: "grid" }, pin.row, confirm.row, expiry.row, last4.row),
      h("div", { class: "actions" }, setButton),
    );
  };

  const getToken = async () => {
    clearErrors(root);
    const cardId = card.input.value.trim();
    if (cardId === "") {
      showMessage(root, "card_id", "Enter the card id.");
      return;
    }
    if (!ticket.ready(root)) return;
    const outcome = await busy.run(() => settle(solidPinToken(picker.value(), cardId, ticket.value())));
    if (!outcome || disposed) return;
    if (!outcome.ok) {
      failed("Getting a PIN token", outcome.error);
      return;
    }
    const token = outcome.value;
    if (holdsToken(flow) && flow.cardId !== token.card_id) closeToken();
    else {
      dropToken(false);
      stopClipboardNote();
    }
    flow = advance(flow, { type: "token", cardId: token.card_id, profile: token.profile, canSetPin: token.can_set_pin });
    result.hidden = true;
    tokenTitle.textContent = `PIN token for card ${token.card_id}`;
    tokenPanel.hidden = false;
    lifeText.removeAttribute("data-expired");
    const until = Date.parse(token.expires_at);
    lifetime = countdown(
      Number.isNaN(until) ? Date.now() + token.lifetime_secs * 1000 : until,
      (left) => {
        lifeText.textContent = `Expires in ${formatSeconds(left)}`;
      },
      expired,
    );
    confirmation.confirmed(token.card);
    if (token.can_set_pin && !pin) buildPinStep(token.card);
    update();
    (pin?.input ?? copyButton).focus();
  };

  const reveal = async () => {
    const cardId = flow.cardId;
    if (cardId === null || !tokenUsable(flow)) return;
    if (revealButton.getAttribute("aria-pressed") === "true") {
      hideToken();
      return;
    }
    const outcome = await busy.run(() => settle(solidRevealToken(flow.profile, cardId)));
    if (!outcome || disposed || !tokenUsable(flow)) return;
    if (!outcome.ok) {
      failed("Revealing the token", outcome.error);
      return;
    }
    tokenText.textContent = outcome.value;
    tokenText.classList.add("token__value--shown");
    revealButton.textContent = "Hide";
    revealButton.setAttribute("aria-pressed", "true");
    hideTimer = setTimeout(hideToken, REVEAL_SECS * 1000);
    update();
  };

  const copy = async () => {
    const cardId = flow.cardId;
    if (cardId === null || !tokenUsable(flow)) return;
    const outcome = await busy.run(() => settle(solidCopyToken(flow.profile, cardId)));
    if (!outcome || disposed) return;
    if (!outcome.ok) {
      failed("Copying the token", outcome.error);
      return;
    }
    stopClipboardNote();
    copyStatus.hidden = false;
    clipboard = countdown(
      Date.now() + outcome.value * 1000,
      (left) => {
        copyStatus.textContent = `Copied — clipboard clears in ${left} s`;
      },
      () => {
        copyStatus.textContent = "Clipboard cleared.";
      },
    );
    update();
  };

  const discard = () => {
    if (busy.busy || !holdsToken(flow)) return;
    closeToken();
    flow = advance(flow, { type: "discard" });
    update();
    card.input.focus();
  };

  /** Says why Set PIN cannot be done with the held token. */
  const unusable = () => {
    clearErrors(root);
    showMessage(root, "token", "The token is no longer usable: get a new one.");
  };

  const setPin = async () => {
    if (!pin || !confirm || !expiry || !last4 || !holdsToken(flow) || busy.busy) return;
    if (!tokenUsable(flow)) {
      unusable();
      return;
    }
    clearErrors(root);
    const value = pin.input.value;
    if (value === "") {
      showMessage(root, "pin", "Enter the new PIN.");
      return;
    }
    const broken = await rules.check();
    const cardId = flow.cardId;
    if (disposed || !pin || !confirm || !expiry || !last4 || cardId === null) return;
    if (broken.length > 0) {
      showMessage(root, "pin", `The PIN breaks the policy: ${broken.map((r) => r.message).join("; ")}.`);
      return;
    }
    if (confirm.input.value !== value) {
      showMessage(root, "confirm", "The confirmation does not match the new PIN.");
      return;
    }
    const expiryValue = expiry.input.value.trim();
    const last4Value = last4.input.value.trim();
    // Filled from Solid's record; what the operator changed is cross-checked by the app.
    const badExpiry = expiryProblem(expiryValue);
    if (badExpiry) {
      showMessage(root, "expiry", badExpiry);
      return;
    }
    const badLast4 = last4Problem(last4Value);
    if (badLast4) {
      showMessage(root, "last4", badLast4);
      return;
    }
    if (!ticket.ready(root)) return;
    const profile = picker.value();
    const outcome = await busy.run(() => settle(solidSetPin(profile, cardId, value, expiryValue, last4Value, ticket.value())));
    if (!outcome || disposed) return;
    if (!outcome.ok) {
      const error = outcome.error;
      // Refused before sending: the token is still held. Otherwise it was spent.
      if (!(error.category === "validation" && error.field !== "token")) {
        dropToken(true);
        flow = advance(flow, { type: "spent" });
        lifeText.textContent = "Used: get a new token to try again.";
        lifeText.setAttribute("data-expired", "true");
      }
      failed("Setting the PIN", error);
      update();
      return;
    }
    const chosen = picker.chosen();
    closeToken();
    flow = advance(flow, { type: "set" });
    showResult(result, "PIN set", `Card ${outcome.value.card_id} at ${clockTime(outcome.value.at)}`, chosen, newButton);
    update();
    newButton.focus();
  };

  const cancel = () => {
    if (busy.busy) return;
    closeToken();
    flow = advance(flow, { type: "cancel" });
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
  const newButton = h("button", { type: "button", class: "button button--primary", "data-action": "new" }, "Next card");
  newButton.addEventListener("click", cancel);

  getButton.addEventListener("click", () => void getToken());
  revealButton.addEventListener("click", () => void reveal());
  copyButton.addEventListener("click", () => void copy());
  discardButton.addEventListener("click", discard);
  cancelButton.addEventListener("click", cancel);
  picker.select.addEventListener("change", update);

  root.addEventListener("input", (event) => {
    if (event.target === pin?.input || event.target === confirm?.input) {
      clearErrors(root, event.target === pin?.input ? "pin" : "confirm");
      if (pin && confirm) showMatch(match, pin.input.value, confirm.input.value);
    }
  });

  /** Enter in the field `name`: what the step machine says. */
  const onEnter = (name: string) => {
    const fields: Record<string, Field | null> = { pin, confirm, expiry, last4 };
    const values = Object.fromEntries(PIN_ORDER.map((n) => [n, fields[n]?.input.value ?? ""]));
    const action = enterAction(flow, name, values);
    if (action === "get-token") void getToken();
    else if (action === "set") void setPin();
    else if (action === "unusable") unusable();
    else if (action) fields[action.focus]?.input.focus();
  };
  flowKeys(root, { picker: picker.select, card: card.input, ticket: ticket.input, busy: () => busy.busy, cancel, enter: onEnter });

  update();
  picker.load(() => !disposed, update);

  return () => {
    disposed = true;
    closeToken();
    clipboard?.stop();
    rules.stop();
    confirmation.stop();
    card.input.value = "";
    ticket.clear();
  };
}

export const solidScreen: Screen = {
  id: "solid",
  title: "Solid PIN",
  mount: mountSolid,
};

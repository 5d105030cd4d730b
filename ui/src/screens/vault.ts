/**
 * The Vault passcode screen: a guided, keyboard-only flow. Card id (confirmed with Vault as it
 * is typed, with a warning when the card was changed lately) → "Send code" → the SMS
 * code → "Verify" → new passcode and confirmation → "Set passcode" → what was done and when.
 * The ticket / case reference goes with each of those operations (`ticket-field`).
 * Enter moves on, Esc starts over (every field emptied). Secret fields are masked and are
 * emptied and removed after success, on Esc and when the operator leaves the screen. Where the
 * flow stands, and what Enter does, is `vault-flow`'s step machine.
 */
import type { ErrorReport } from "../bindings/ErrorReport";
import type { OpDone } from "../bindings/OpDone";
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
import { field, wipe, type Field } from "../forms/secret-field";
import { ticketField } from "../forms/ticket-field";
import { demoSms, passcodePolicy, vaultSendCode, vaultSetPasscode, vaultVerifyCode } from "../ipc";
import { flowKeys } from "./flow-keys";
import type { Screen, ScreenContext } from "./screen";
import { advance, canResend, enterAction, initialFlow, resendIn, type VaultFlow } from "./vault-flow";

const OPERATIONS: Record<string, string> = {
  "vault.send_code": "Code sent",
  "vault.verify_code": "Code verified",
  "vault.set_passcode": "Passcode set",
};

function mountVault(section: HTMLElement, context: ScreenContext): () => void {
  const demo = context.info?.demo === true;
  let flow: VaultFlow = initialFlow();
  let done: OpDone[] = [];
  let disposed = false;

  const picker = profilePicker("vault", "vault", "Vault");
  const ticket = ticketField("vault", context.info?.require_ticket === true);
  const card = field({
    id: "vault-card",
    field: "card",
    errorFor: "card_id",
    label: "Card id",
    inputmode: "numeric",
    hint: "Type the id or pick one of the customer's cards",
  });
  const haveCode = h("input", { id: "vault-have-code", type: "checkbox", value: "", "data-field": "have-code" });
  const sendButton = h("button", { type: "button", class: "button button--primary", "data-action": "send-code" }, "Send code");
  const sentNote = h("span", { class: "sent__text", "data-sent": true });
  const resendButton = h("button", { type: "button", class: "button", "data-action": "resend", disabled: true }, "Resend");
  const sentRow = h("p", { class: "sent", hidden: true }, sentNote, resendButton);
  const demoPanel = h("aside", { class: "demo-panel", "data-demo-sms": true, "aria-live": "polite", hidden: true });
  const codeStep = h("div", { class: "step", "data-step": "code" });
  const passStep = h("div", { class: "step", "data-step": "passcode" });
  const unknown = unknownPanel();
  const formError = h("p", { class: "field__error", "data-error-for": "form", role: "alert", hidden: true });
  const result = h("div", { class: "result", "data-result": true, role: "status", hidden: true });
  const cancelButton = h("button", { type: "button", class: "button", "data-action": "cancel" }, "Start over (Esc)");

  let code: Field | null = null;
  let verifyButton: HTMLButtonElement | null = null;
  let pass: Field | null = null;
  let confirm: Field | null = null;
  let setButton: HTMLButtonElement | null = null;
  const match = matchNote();
  const rules = liveRules(() => pass?.input ?? null, "passcode", policySource(passcodePolicy, () => picker.value()));

  const confirmation = cardPanel({ input: card.input, profile: () => picker.value(), picker: picker.select, choices: true, changed: () => update() });

  const root = h(
    "div",
    { class: "flow", "data-flow": "vault" },
    h("p", { class: "flow__hint" }, "Enter moves on · Esc starts over"),
    picker.row,
    ticket.row,
    h(
      "div",
      { class: "step", "data-step": "card" },
      card.row,
      confirmation.choices,
      confirmation.element,
      h("label", { class: "check", for: "vault-have-code" }, haveCode, "I already have a verified code"),
      h("div", { class: "actions" }, sendButton),
      sentRow,
    ),
    demoPanel,
    codeStep,
    passStep,
    unknown,
    formError,
    result,
    h("div", { class: "flow__footer" }, cancelButton),
  );
  section.append(root);

  const controls = () =>
    [sendButton, resendButton, verifyButton, setButton, haveCode, picker.select, ticket.input, card.input].filter(
      (c): c is HTMLButtonElement | HTMLInputElement | HTMLSelectElement => c !== null,
    );
  const busy = new Busy(root, controls);

  /** Button and field states from the flow. */
  const update = () => {
    const started = flow.step !== "card";
    sendButton.disabled = started || flow.locked || picker.value() === null;
    sendButton.textContent = flow.haveCode ? "Next" : confirmation.warning() ? "Send code anyway" : "Send code";
    haveCode.disabled = started || flow.locked;
    card.input.readOnly = started;
    picker.select.disabled = started || picker.value() === null;
    if (verifyButton) verifyButton.disabled = flow.locked || flow.step !== "code";
    if (setButton) setButton.disabled = flow.locked || flow.step !== "passcode";
    if (code) code.input.readOnly = flow.locked || flow.step !== "code";
    for (const f of [pass, confirm]) if (f) f.input.readOnly = flow.locked || flow.step !== "passcode";
    const now = Date.now();
    resendButton.disabled = !canResend(flow, now);
    const wait = resendIn(flow, now);
    resendButton.textContent = flow.sentAt !== null && wait > 0 ? `Resend (${wait} s)` : "Resend";
  };
  const ticker = setInterval(() => {
    if (flow.step === "code" && flow.sentAt !== null) update();
  }, 1000);

  const record = (op: OpDone) => {
    done = [...done, op];
  };

  const failed = (what: string, error: ErrorReport) => {
    if (error.category === "unknown_outcome") {
      flow = advance(flow, { type: "unknown" });
      showUnknown(unknown, what, error);
      update();
      cancelButton.focus();
      return;
    }
    showError(root, error);
  };

  const wipeSecrets = () => {
    wipe([code?.input, pass?.input, confirm?.input].filter((i): i is HTMLInputElement => !!i));
    codeStep.replaceChildren();
    passStep.replaceChildren();
    code = pass = confirm = null;
    verifyButton = setButton = null;
    rules.reset();
    match.hidden = true;
    demoPanel.replaceChildren();
    demoPanel.hidden = true;
  };

  const buildCodeStep = () => {
    if (code) return;
    code = field({
      id: "vault-code",
      field: "code",
      label: flow.haveCode ? "Verified SMS code" : "SMS code",
      secret: true,
      inputmode: "numeric",
      hint: flow.haveCode ? "The code the cardholder already verified" : "The code the cardholder reads out",
    });
    verifyButton = flow.haveCode
      ? h("button", { type: "button", class: "button button--primary", "data-action": "use-code" }, "Next")
      : h("button", { type: "button", class: "button button--primary", "data-action": "verify" }, "Verify");
    verifyButton.addEventListener("click", () => void onEnter("code"));
    codeStep.replaceChildren(code.row, h("div", { class: "actions" }, verifyButton));
  };

  const buildPassStep = () => {
    if (pass) return;
    pass = field({ id: "vault-passcode", field: "passcode", label: "New passcode", secret: true, autocomplete: "new-password" });
    confirm = field({ id: "vault-confirm", field: "confirm", label: "Confirm passcode", secret: true, autocomplete: "new-password" });
    setButton = h("button", { type: "button", class: "button button--primary", "data-action": "set-passcode" }, "Set passcode");
    setButton.addEventListener("click", () => void setPasscode());
    pass.row.insertBefore(rules.element, pass.error);
    confirm.row.insertBefore(match, confirm.error);
    passStep.replaceChildren(pass.row, confirm.row, h("div", { class: "actions" }, setButton));
  };

  root.addEventListener("input", (event) => {
    if (event.target === pass?.input || event.target === confirm?.input) {
      clearErrors(root, event.target === pass?.input ? "passcode" : "confirm");
      if (pass && confirm) showMatch(match, pass.input.value, confirm.input.value);
    }
  });

  const showDemo = async (cardId: string) => {
    if (!demo) return;
    const sms = await demoSms(cardId).catch(() => null);
    if (!sms || disposed || flow.step !== "code") return;
    demoPanel.replaceChildren(
      h("strong", { class: "demo-panel__title" }, "Demo: SMS sent to the cardholder"),
      h("p", {}, "Code: ", h("span", { class: "demo-panel__code", "data-demo-code": true }, sms.code)),
    );
    demoPanel.hidden = false;
  };

  const send = async () => {
    const cardId = card.input.value.trim();
    clearErrors(root);
    if (cardId === "") {
      showMessage(root, "card_id", "Enter the card id.");
      return;
    }
    if (!ticket.ready(root)) return;
    const profile = picker.value();
    const outcome = await busy.run(() => settle(vaultSendCode(profile, cardId, ticket.value())));
    if (!outcome || disposed) return;
    if (!outcome.ok) {
      failed("Sending the code", outcome.error);
      return;
    }
    record(outcome.value);
    if (outcome.value.card) confirmation.confirmed(outcome.value.card);
    flow = advance(flow, { type: "sent", at: Date.now() });
    sentNote.textContent = `Code sent at ${clockTime(outcome.value.at)}.`;
    sentRow.hidden = false;
    buildCodeStep();
    update();
    code?.input.focus();
    void showDemo(cardId);
  };

  const verify = async () => {
    if (!code) return;
    clearErrors(root);
    const value = code.input.value.trim();
    if (value === "") {
      showMessage(root, "code", "Enter the SMS code.");
      return;
    }
    if (!ticket.ready(root)) return;
    const outcome = await busy.run(() => settle(vaultVerifyCode(picker.value(), card.input.value.trim(), value, ticket.value())));
    if (!outcome || disposed) return;
    if (!outcome.ok) {
      failed("Verifying the code", outcome.error);
      return;
    }
    record(outcome.value);
    flow = advance(flow, { type: "verified" });
    buildPassStep();
    update();
    pass?.input.focus();
  };

  const codeEntered = () => {
    clearErrors(root);
    if (flow.step === "code") {
      if (!code || code.input.value.trim() === "") {
        showMessage(root, "code", "Enter the verified SMS code.");
        return;
      }
      flow = advance(flow, { type: "code-entered" });
      buildPassStep();
      update();
      pass?.input.focus();
      return;
    }
    if (card.input.value.trim() === "") {
      showMessage(root, "card_id", "Enter the card id.");
      return;
    }
    flow = advance(flow, { type: "code-entered" });
    buildCodeStep();
    update();
    code?.input.focus();
  };

  const showDone = (cardId: string) => {
    const steps = h(
      "ul",
      { class: "result__steps" },
      ...done.map((op) =>
        h("li", { "data-op": op.operation }, `${OPERATIONS[op.operation] ?? op.operation} at ${clockTime(op.at)}`),
      ),
    );
    showResult(result, "Passcode set", `Card ${cardId}`, picker.chosen(), newButton, steps);
  };

  const setPasscode = async () => {
    if (!pass || !confirm || !code || busy.busy) return;
    clearErrors(root);
    const value = pass.input.value;
    if (value === "") {
      showMessage(root, "passcode", "Enter the new passcode.");
      return;
    }
    const broken = await rules.check();
    if (disposed || !pass || !confirm || !code) return;
    if (broken.length > 0) {
      showMessage(root, "passcode", `The passcode breaks the policy: ${broken.map((r) => r.message).join("; ")}.`);
      return;
    }
    if (confirm.input.value !== value) {
      showMessage(root, "confirm", "The confirmation does not match the new passcode.");
      return;
    }
    if (!ticket.ready(root)) return;
    const cardId = card.input.value.trim();
    const outcome = await busy.run(() =>
      settle(vaultSetPasscode(picker.value(), cardId, code?.input.value.trim() ?? "", value, ticket.value())),
    );
    if (!outcome || disposed) return;
    if (!outcome.ok) {
      failed("Setting the passcode", outcome.error);
      return;
    }
    record(outcome.value);
    flow = advance(flow, { type: "set" });
    wipeSecrets();
    sentRow.hidden = true;
    showDone(cardId);
    update();
    newButton.focus();
  };

  /** Back to an empty card id, every field (the ticket too) emptied: the next customer. */
  const cancel = () => {
    if (busy.busy) return;
    wipeSecrets();
    flow = advance(flow, { type: "cancel" });
    done = [];
    card.input.value = "";
    ticket.clear();
    confirmation.reset();
    haveCode.checked = false;
    sentRow.hidden = true;
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

  async function onEnter(fieldName: string): Promise<void> {
    if (busy.busy) return;
    const action = enterAction(flow, fieldName, (confirm?.input.value ?? "") === "");
    switch (action) {
      case "send":
        return send();
      case "skip-to-code":
      case "code-entered":
        return codeEntered();
      case "verify":
        return verify();
      case "focus-confirm":
        confirm?.input.focus();
        return;
      case "set":
        return setPasscode();
      default:
        return;
    }
  }

  sendButton.addEventListener("click", () => void onEnter("card"));
  resendButton.addEventListener("click", () => {
    if (!canResend(flow, Date.now())) return;
    void (async () => {
      clearErrors(root);
      if (!ticket.ready(root)) return;
      const cardId = card.input.value.trim();
      const outcome = await busy.run(() => settle(vaultSendCode(picker.value(), cardId, ticket.value())));
      if (!outcome || disposed) return;
      if (!outcome.ok) {
        failed("Sending the code again", outcome.error);
        return;
      }
      record(outcome.value);
      flow = advance(flow, { type: "sent", at: Date.now() });
      sentNote.textContent = `Code sent again at ${clockTime(outcome.value.at)}.`;
      if (code) code.input.value = "";
      update();
      code?.input.focus();
      void showDemo(cardId);
    })();
  });
  cancelButton.addEventListener("click", cancel);
  haveCode.addEventListener("change", () => {
    flow = advance(flow, { type: "have-code", on: haveCode.checked });
    update();
  });
  picker.select.addEventListener("change", update);

  flowKeys(root, {
    picker: picker.select,
    card: card.input,
    ticket: ticket.input,
    busy: () => busy.busy,
    cancel,
    enter: (name) => void onEnter(name),
  });

  update();
  picker.load(() => !disposed, () => {
    confirmation.reload();
    update();
  });

  return () => {
    disposed = true;
    clearInterval(ticker);
    rules.stop();
    confirmation.stop();
    wipeSecrets();
    card.input.value = "";
    ticket.clear();
  };
}

export const vaultScreen: Screen = {
  id: "vault",
  title: "Vault passcode",
  mount: mountVault,
};

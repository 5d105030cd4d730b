/**
 * The card as its provider confirms it, under a flow's card id: what a support agent reads
 * back to the caller (masked number, status, type, expiry), the last operations PinDesk
 * recorded on the card, and a warning when one is recent or its outcome unknown. It is looked
 * up as the operator types (no extra action); the flow's own call confirms the card again
 * before it changes anything. For Vault, the card field also offers the signed-in customer's
 * cards (a `<datalist>`: pick or type).
 */
import type { CardCheck } from "../bindings/CardCheck";
import type { CardSummary } from "../bindings/CardSummary";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import { h } from "../dom";
import { lookUpCard, vaultCards } from "../ipc";
import { asErrorReport, errorView } from "../widgets/error-view";
import { clockTime } from "./clock";

/** The card panel of a flow screen. */
export interface CardPanel {
  /** The panel (`data-card-check`), shown under the card id. */
  element: HTMLElement;
  /** The card choices for the card input's `list` (empty unless `choices` was asked for). */
  choices: HTMLDataListElement;
  /** The warning of the last confirmation of the card now typed, if any. */
  warning(): string | null;
  /** Shows the card as a flow step's reply confirmed it (a pending look-up is dropped). */
  confirmed(card: CardSummary): void;
  /** Offers the profile's cards (once the profiles are listed). */
  reload(): void;
  /** Empties the panel. */
  reset(): void;
  /** Stops looking up. */
  stop(): void;
}

/** Options of a card panel. */
export interface CardPanelOptions {
  /** The card id input it watches. */
  input: HTMLInputElement;
  /** The chosen profile. */
  profile: () => string | null;
  /** The profile picker: when it changes, the cards are offered and looked up anew. */
  picker?: HTMLSelectElement;
  /** Offer the customer's cards in the card field (Vault). */
  choices?: boolean;
  /** Called after every change of what the panel says. */
  changed?: () => void;
  /** Wait this long after the last keystroke before looking up. */
  delayMs?: number;
}

/** The card in one line: masked number, status, type, expiry, label. */
export function cardLine(card: CardSummary): string {
  const number = card.masked_number ?? (card.last4 ? `•••• ${card.last4}` : `card ${card.card_id}`);
  return [
    number,
    card.status,
    card.card_type,
    card.expiry ? `expires ${card.expiry}` : null,
    card.label,
  ]
    .filter((part): part is string => !!part)
    .join(" · ");
}

/** A recorded operation in words: what, how it ended, when. */
export function recentLine(entry: HistoryEntry): string {
  return `${entry.operation} · ${entry.outcome} · ${clockTime(entry.finished_at ?? entry.started_at)}`;
}

/** What a card choice reads as in the card field's list. */
export function choiceLabel(card: CardSummary): string {
  return [card.masked_number ?? card.last4, card.card_type, card.status].filter(Boolean).join(" · ");
}

/** Builds the card panel for `opts.input`. */
export function cardPanel(opts: CardPanelOptions): CardPanel {
  const delay = opts.delayMs ?? 300;
  const summary = h("p", { class: "card-check__card", "data-card-summary": true });
  const warning = h("p", { class: "card-check__warning", "data-card-warning": true, role: "alert", hidden: true });
  const recent = h("ul", { class: "card-check__recent", "data-card-recent": true, hidden: true });
  const element = h("section", { class: "card-check", "data-card-check": true, "aria-live": "polite", hidden: true }, summary, warning, recent);
  const choices = h("datalist", { id: `${opts.input.id}-choices`, "data-card-choices": true });
  if (opts.choices) opts.input.setAttribute("list", choices.id);

  let shownWarning: string | null = null;
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const changed = () => opts.changed?.();
  const clear = () => {
    element.hidden = true;
    element.removeAttribute("data-usable");
    summary.replaceChildren();
    warning.hidden = true;
    warning.textContent = "";
    recent.hidden = true;
    recent.replaceChildren();
    shownWarning = null;
  };
  const showCard = (card: CardSummary) => {
    summary.replaceChildren(h("strong", {}, "Confirmed with the provider: "), cardLine(card));
    element.setAttribute("data-usable", String(card.usable));
    element.hidden = false;
  };
  const show = (check: CardCheck) => {
    clear();
    showCard(check.card);
    shownWarning = check.warning;
    warning.hidden = check.warning === null;
    warning.textContent = check.warning ?? "";
    recent.hidden = check.recent.length === 0;
    recent.replaceChildren(
      h("li", { class: "card-check__recent-title" }, "Recorded on this card:"),
      ...check.recent.map((entry) => h("li", { "data-recent": entry.operation }, recentLine(entry))),
    );
  };

  const lookUp = async () => {
    const card = opts.input.value.trim();
    const profile = opts.profile();
    const ticket = ++asked;
    if (card === "" || profile === null) {
      clear();
      changed();
      return;
    }
    try {
      const check = await lookUpCard(profile, card);
      if (stopped || ticket !== asked) return;
      show(check);
    } catch (error) {
      if (stopped || ticket !== asked) return;
      clear();
      summary.replaceChildren(...errorView(asErrorReport(error), "The card could not be confirmed"));
      element.setAttribute("data-usable", "false");
      element.hidden = false;
    }
    changed();
  };
  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    asked++;
    clear();
    changed();
    timer = setTimeout(() => void lookUp(), delay);
  };
  opts.input.addEventListener("input", schedule);

  const reload = () => {
    if (!opts.choices) return;
    const profile = opts.profile();
    choices.replaceChildren();
    if (profile === null) return;
    void vaultCards(profile).then(
      (cards) => {
        if (stopped || profile !== opts.profile()) return;
        choices.replaceChildren(...cards.map((card) => h("option", { value: card.card_id }, choiceLabel(card))));
      },
      // The list only helps: typing the id still works, and the flow says what went wrong.
      () => undefined,
    );
  };

  opts.picker?.addEventListener("change", () => {
    reload();
    schedule();
  });

  return {
    element,
    choices,
    warning: () => shownWarning,
    confirmed(card) {
      if (card.card_id !== opts.input.value.trim()) return;
      // The step's own confirmation stands: a look-up still pending would only report the
      // step just done as a "recent change".
      if (timer !== undefined) clearTimeout(timer);
      asked++;
      summary.replaceChildren();
      showCard(card);
      changed();
    },
    reload,
    reset() {
      if (timer !== undefined) clearTimeout(timer);
      asked++;
      clear();
      changed();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

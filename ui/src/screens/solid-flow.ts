/**
 * The Solid PIN flow as a pure step machine: card → token → done. A held token stops being
 * usable ("stale") when it expires or when a Set PIN that may have reached Solid fails; it is
 * let go on Discard. A new token may be asked for at any step. An unknown outcome locks the
 * flow (no blind retry) until it is cancelled (`flow-machine`); a held token can still be
 * discarded.
 */
import { flowMachine, type CommonEvent, type Lockable } from "./flow-machine";
import { nextField } from "../forms/next-field";

/** Where the flow stands. */
export type SolidStep = "card" | "token" | "stale" | "done";

/** The flow's state. */
export interface SolidFlow extends Lockable {
  step: SolidStep;
  /** The card the held token is for (`null`: no token is held). */
  cardId: string | null;
  /** The profile the held token was issued through: the app hands it out only for both. */
  profile: string | null;
  /** The profile can set PINs: the PIN form comes with the token. */
  canSetPin: boolean;
}

/** What happened in this flow (besides the events of every flow). */
type SolidOwnEvent =
  | { type: "token"; cardId: string; profile: string; canSetPin: boolean }
  | { type: "expired" }
  | { type: "spent" }
  | { type: "set" }
  | { type: "discard" };

/** What happened. */
export type SolidEvent = SolidOwnEvent | CommonEvent;

/** The PIN form's fields, in Enter order. */
export const PIN_ORDER = ["pin", "confirm", "expiry", "last4"] as const;

/** A field of the PIN form. */
export type PinField = (typeof PIN_ORDER)[number];

/** What Enter in a field does: a command, or moving on to another field of the PIN form. */
export type SolidEnterAction = "get-token" | "set" | "unusable" | { focus: PinField } | null;

/** The state a flow starts in (and returns to on cancel). */
export function initialSolidFlow(): SolidFlow {
  return { step: "card", cardId: null, profile: null, canSetPin: false, locked: false };
}

/** Whether a token is held (usable or not). */
export function holdsToken(flow: SolidFlow): boolean {
  return flow.step === "token" || flow.step === "stale";
}

/** Whether the held token may be revealed, copied or used to set the PIN. */
export function tokenUsable(flow: SolidFlow): boolean {
  return flow.step === "token";
}

/** Whether the PIN form is offered. */
export function showsPinForm(flow: SolidFlow): boolean {
  return holdsToken(flow) && flow.canSetPin;
}

/** The state after one of the flow's own events (when locked, only a discard). */
function step(flow: SolidFlow, event: SolidOwnEvent): SolidFlow {
  switch (event.type) {
    case "token":
      return { ...flow, step: "token", cardId: event.cardId, profile: event.profile, canSetPin: event.canSetPin };
    case "expired":
    case "spent":
      return flow.step === "token" ? { ...flow, step: "stale" } : flow;
    case "set":
      return flow.step === "token" ? { ...flow, step: "done", cardId: null, profile: null } : flow;
    case "discard":
      return holdsToken(flow) ? { ...flow, step: "card", cardId: null, profile: null } : flow;
  }
}

/** The state after `event`. */
export const advance: (flow: SolidFlow, event: SolidEvent) => SolidFlow = flowMachine({
  initial: initialSolidFlow,
  step,
  lock: (flow) => ({ ...flow, locked: true, step: flow.step === "token" ? "stale" : flow.step }),
  whileLocked: ["discard"],
});

/**
 * What Enter in `field` does now (`values`: what the PIN form's fields hold). In the PIN form
 * Enter goes to the next empty field, and from the last one sets the PIN, or says why the
 * token can no longer be used.
 */
export function enterAction(flow: SolidFlow, field: string, values: Readonly<Record<string, string>>): SolidEnterAction {
  if (field === "card") return flow.locked ? null : "get-token";
  if (!showsPinForm(flow) || !(PIN_ORDER as readonly string[]).includes(field)) return null;
  const next = nextField(PIN_ORDER, values, field);
  if (next !== "submit") return { focus: next as PinField };
  return tokenUsable(flow) ? "set" : "unusable";
}

/** An expiry as the operator types it: `MM/YYYY` (or `M/YYYY`). */
export function expiryProblem(value: string): string | null {
  return /^(0?[1-9]|1[0-2])\/\d{4}$/.test(value.trim()) ? null : "Write the expiry as MM/YYYY.";
}

/** The card's last four digits. */
export function last4Problem(value: string): string | null {
  return /^\d{4}$/.test(value.trim()) ? null : "Enter the card's last 4 digits.";
}

/**
 * The Vault passcode flow as a pure step machine: card → code → passcode → done, or, on the
 * "I already have a verified code" path, card → code (not sent, not verified) → passcode.
 * An unknown outcome locks the flow (no blind retry) until it is cancelled (`flow-machine`).
 */
import { flowMachine, type CommonEvent, type Lockable } from "./flow-machine";

/** Where the flow stands. */
export type VaultStep = "card" | "code" | "passcode" | "done";

/** The flow's state. */
export interface VaultFlow extends Lockable {
  step: VaultStep;
  /** The operator already has a verified code: nothing is sent or verified. */
  haveCode: boolean;
  /** When the code was last sent (ms since the epoch). */
  sentAt: number | null;
}

/** What happened in this flow (besides the events of every flow). */
type VaultOwnEvent =
  | { type: "have-code"; on: boolean }
  | { type: "sent"; at: number }
  | { type: "verified" }
  | { type: "code-entered" }
  | { type: "set" };

/** What happened. */
export type VaultEvent = VaultOwnEvent | CommonEvent;

/** What Enter in a field does. */
export type EnterAction =
  | "send"
  | "skip-to-code"
  | "verify"
  | "code-entered"
  | "focus-confirm"
  | "set"
  | null;

/** Seconds after a send before "Resend" is offered. */
export const RESEND_AFTER_SECS = 30;

/** The state a flow starts in (and returns to on cancel). */
export function initialFlow(): VaultFlow {
  return { step: "card", haveCode: false, sentAt: null, locked: false };
}

/** The state after one of the flow's own events, when it is not locked. */
function step(flow: VaultFlow, event: VaultOwnEvent): VaultFlow {
  switch (event.type) {
    case "have-code":
      return flow.step === "card" ? { ...flow, haveCode: event.on } : flow;
    case "sent":
      return flow.step === "card" || flow.step === "code"
        ? { ...flow, step: "code", haveCode: false, sentAt: event.at }
        : flow;
    case "verified":
      return flow.step === "code" && !flow.haveCode ? { ...flow, step: "passcode" } : flow;
    case "code-entered":
      if (flow.step === "card" && flow.haveCode) return { ...flow, step: "code" };
      return flow.step === "code" && flow.haveCode ? { ...flow, step: "passcode" } : flow;
    case "set":
      return flow.step === "passcode" ? { ...flow, step: "done" } : flow;
  }
}

/** The state after `event`. */
export const advance: (flow: VaultFlow, event: VaultEvent) => VaultFlow = flowMachine({ initial: initialFlow, step });

/** What Enter in `field` does now (`confirmEmpty`: the confirmation is still empty). */
export function enterAction(flow: VaultFlow, field: string, confirmEmpty: boolean): EnterAction {
  if (flow.locked || flow.step === "done") return null;
  switch (field) {
    case "card":
    case "have-code":
      if (flow.step !== "card") return null;
      return flow.haveCode ? "skip-to-code" : "send";
    case "code":
      if (flow.step !== "code") return null;
      return flow.haveCode ? "code-entered" : "verify";
    case "passcode":
      if (flow.step !== "passcode") return null;
      return confirmEmpty ? "focus-confirm" : "set";
    case "confirm":
      return flow.step === "passcode" ? "set" : null;
    default:
      return null;
  }
}

/** Seconds until "Resend" is offered (0: offered now). */
export function resendIn(flow: VaultFlow, now: number): number {
  if (flow.sentAt === null) return RESEND_AFTER_SECS;
  return Math.max(0, Math.ceil((flow.sentAt + RESEND_AFTER_SECS * 1000 - now) / 1000));
}

/** Whether "Resend" may be used now. */
export function canResend(flow: VaultFlow, now: number): boolean {
  return !flow.locked && flow.step === "code" && !flow.haveCode && flow.sentAt !== null && resendIn(flow, now) === 0;
}

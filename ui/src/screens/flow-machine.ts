/**
 * What the Vault and Solid step machines share: Esc (cancel) returns a flow to its start from
 * anywhere, and an unknown outcome locks it, so nothing is sent again until the operator
 * starts over (no blind retry). Each flow gives only its own steps.
 */

/** The part of every flow's state this module handles. */
export interface Lockable {
  /** An unknown outcome: nothing more may be sent. */
  locked: boolean;
}

/** The events every flow knows. */
export type CommonEvent = { type: "unknown" } | { type: "cancel" };

/** A flow's own steps. */
export interface FlowSpec<S extends Lockable, E extends { type: string }> {
  /** The state the flow starts in (and returns to on cancel). */
  initial(): S;
  /** The state after one of the flow's own events (the flow is not locked). */
  step(flow: S, event: E): S;
  /** The locked state (defaults to the same state, locked). */
  lock?(flow: S): S;
  /** The flow's events that still apply while it is locked. */
  whileLocked?: readonly E["type"][];
}

/** The `advance` of a flow: its own steps, with cancel and unknown outcomes handled alike. */
export function flowMachine<S extends Lockable, E extends { type: string }>(
  spec: FlowSpec<S, E>,
): (flow: S, event: E | CommonEvent) => S {
  return (flow, event) => {
    if (event.type === "cancel") return spec.initial();
    if (event.type === "unknown") return spec.lock ? spec.lock(flow) : { ...flow, locked: true };
    const own = event as E;
    if (flow.locked && !spec.whileLocked?.includes(own.type)) return flow;
    return spec.step(flow, own);
  };
}

/**
 * The typed bridge to the desktop app's commands. The wrappers, one function per Rust command,
 * are generated from the app's list of commands into `./commands` (with the payload types
 * generated from Rust into `./bindings/`) and re-exported here with what goes with them.
 * Screens call these functions, never `invoke` directly.
 */
import type { ErrorReport } from "./bindings/ErrorReport";

export * from "./commands";

/** Whether a rejection from a command is a typed `ErrorReport` (as opposed to a bridge failure). */
export function isErrorReport(value: unknown): value is ErrorReport {
  return (
    typeof value === "object" &&
    value !== null &&
    "category" in value &&
    "message" in value &&
    typeof (value as { message: unknown }).message === "string"
  );
}

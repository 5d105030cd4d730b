/**
 * The typed bridge to the desktop app's commands. Each function names one Rust command and
 * uses the types generated from Rust into `./bindings/`, so no payload type is written by hand.
 * Screens call these functions, never `invoke` directly.
 */
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { IpcError } from "./bindings/IpcError";

/** The app's version, mode and active profile. */
export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}

/** Tells the app the first screen is on display (it logs the start-up time). */
export function uiReady(): Promise<void> {
  return invoke<void>("ui_ready");
}

/** Whether a rejection from a command is a typed `IpcError` (as opposed to a bridge failure). */
export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    "category" in value &&
    "message" in value &&
    typeof (value as { message: unknown }).message === "string"
  );
}

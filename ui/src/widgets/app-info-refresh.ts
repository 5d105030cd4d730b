/**
 * Telling the shell that what `app_info` reports has changed (the active profile after
 * "Use", the idle timeout after Settings): the screen asks the app again and sends the answer
 * up the page as an event; the shell redraws its status bar from it.
 */
import type { AppInfo } from "../bindings/AppInfo";
import { appInfo } from "../ipc";

/** The event the shell listens for on its root; `detail` is the new `AppInfo`. */
export const APP_INFO_CHANGED = "pindesk:app-info-changed";

/** Sends `info` up from `from` to the shell. */
export function announceAppInfo(from: Element, info: AppInfo): void {
  from.dispatchEvent(new CustomEvent<AppInfo>(APP_INFO_CHANGED, { detail: info, bubbles: true }));
}

/** Asks the app for its `AppInfo` again and sends it to the shell; failures are only logged. */
export async function refreshAppInfo(from: Element): Promise<void> {
  try {
    announceAppInfo(from, await appInfo());
  } catch (error) {
    console.error("app_info failed", error);
  }
}

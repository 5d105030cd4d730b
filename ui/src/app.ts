/**
 * Starting the UI: asks the app who it is, draws the shell (a kiosk's screens only), starts the
 * idle timer that clears everything, then tells the app the UI is ready (the start-up time is
 * measured up to that call).
 */
import type { AppInfo } from "./bindings/AppInfo";
import { appInfo, forgetSecrets, uiReady } from "./ipc";
import { SCREENS } from "./screens";
import { clearAfterIdle } from "./shell/idle";
import { screensFor } from "./shell/kiosk";
import { mountShell, type Shell } from "./shell/shell";

/** Starts the UI in `root`; resolves once the app has been told the UI is ready. */
export async function start(root: HTMLElement): Promise<Shell> {
  let info: AppInfo | null = null;
  try {
    info = await appInfo();
  } catch (error) {
    console.error("app_info failed", error);
  }
  const screens = screensFor(info, SCREENS);
  const shell = mountShell(root, screens, info);
  const start = screens[0]?.id ?? "vault";
  clearAfterIdle(
    { document: root.ownerDocument, show: shell.show, start, forgetSecrets },
    info?.idle_timeout_secs ?? null,
  );
  // Let the browser lay out and paint the shell before reporting ready.
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  await uiReady().catch((error: unknown) => console.error("ui_ready failed", error));
  return shell;
}

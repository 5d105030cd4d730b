/**
 * Starting the UI: asks the app who it is, draws the shell (a kiosk's screens only), starts the
 * idle timer that clears everything, the status bar's audit poll and, while the demo sandbox
 * starts, the wait for it, then tells the app the UI is ready with what the page measured of
 * its start (the start-up time is measured up to that call). When the app cannot be asked, no
 * screen is drawn at all.
 */
import type { AppInfo } from "./bindings/AppInfo";
import { h } from "./dom";
import { appInfo, auditStatus, forgetSecrets, stillActive, uiReady } from "./ipc";
import { SCREENS } from "./screens";
import { pollAudit } from "./shell/audit";
import { watchDemoBackend } from "./shell/demo-backend";
import { clearAfterIdle, reportActivity } from "./shell/idle";
import { screensFor } from "./shell/kiosk";
import { mountShell, type Shell } from "./shell/shell";
import { announceAppInfo } from "./widgets/app-info-refresh";
import { asErrorReport, errorView } from "./widgets/error-view";

/**
 * What the page shows when the app cannot say who it is (mode, kiosk, idle timeout): nothing
 * but the reason. Without that answer no screen is safe to offer, so none is.
 */
export function showStartFailure(root: HTMLElement, error: unknown): void {
  root.replaceChildren(
    h(
      "main",
      { class: "start-failure", "data-start-failure": true, role: "alert" },
      h("h1", {}, "PinDesk could not start"),
      h("p", {}, ...errorView(asErrorReport(error), "The app did not say how it is set up")),
      h("p", {}, "Close PinDesk and start it again; if this persists, contact your administrator."),
    ),
  );
}

/**
 * Starts the UI in `root`; resolves with the shell once the app has been told the UI is
 * ready, or with `null` when the app could not be asked who it is (the page then fails
 * closed: an error and no screen). `scriptMs`: when the bundle began to run
 * (`performance.now()`), reported with the other timings.
 */
export async function start(root: HTMLElement, scriptMs = performance.now()): Promise<Shell | null> {
  let info: AppInfo;
  const asked = performance.now();
  try {
    info = await appInfo();
  } catch (error) {
    console.error("app_info failed", error);
    showStartFailure(root, error);
    return null;
  }
  const appInfoMs = performance.now() - asked;
  const screens = screensFor(info, SCREENS);
  const shell = mountShell(root, screens, info);
  const mountedMs = performance.now();
  const start = screens[0]?.id ?? "vault";
  clearAfterIdle(
    { document: root.ownerDocument, show: shell.show, start, forgetSecrets },
    info.idle_timeout_secs,
  );
  reportActivity(root.ownerDocument, info.activity_ping_secs, stillActive);
  pollAudit(shell.audit, auditStatus);
  watchDemoBackend(info, appInfo, (settled) => announceAppInfo(root, settled));
  // Let the browser lay out and paint the shell before reporting ready.
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  const timings = { script_ms: scriptMs, app_info_ms: appInfoMs, mounted_ms: mountedMs, painted_ms: performance.now() };
  await uiReady(timings).catch((error: unknown) => console.error("ui_ready failed", error));
  return shell;
}

/**
 * The demo sandbox as the shell shows it: the app starts it after the window, so the first
 * `app_info` may say it is still starting. The status bar says so (or, when it could not
 * start, why, in words), and the shell asks again until it has settled.
 */
import type { AppInfo } from "../bindings/AppInfo";
import { h } from "../dom";

/** How often the shell asks again while the demo sandbox starts (it takes milliseconds). */
export const DEMO_POLL_MS = 50;

/** The status bar's note on the demo sandbox, or `null` once it listens (or outside demo mode). */
export function demoSandboxNote(info: AppInfo): HTMLElement | null {
  const backend = info.demo_backend;
  if (backend?.state === "starting") {
    return h("span", { class: "status-bar__demo", "data-demo-backend": "starting" }, "Demo sandbox starting…");
  }
  if (backend?.state === "failed") {
    return h(
      "span",
      { class: "status-bar__demo status-bar__demo--failed", "data-demo-backend": "failed", role: "alert" },
      `The demo sandbox could not start: ${backend.reason}. The demo profiles cannot be used; restart PinDesk to try again.`,
    );
  }
  return null;
}

/**
 * While `info` says the demo sandbox is starting, asks `ask` again every `DEMO_POLL_MS` and
 * hands the first answer that is no longer "starting" to `settled`. A failed ask is retried.
 */
export function watchDemoBackend(info: AppInfo, ask: () => Promise<AppInfo>, settled: (info: AppInfo) => void): void {
  if (info.demo_backend?.state !== "starting") return;
  const again = (): void => {
    setTimeout(() => {
      ask().then(
        (next) => (next.demo_backend?.state === "starting" ? again() : settled(next)),
        () => again(),
      );
    }, DEMO_POLL_MS);
  };
  again();
}

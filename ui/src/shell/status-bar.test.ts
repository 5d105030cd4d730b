import { describe, expect, it } from "vitest";
import type { AppInfo } from "../bindings/AppInfo";
import { statusBar } from "./status-bar";

const demo: AppInfo = {
  version: "1.2.3",
  mode: "demo",
  demo: true,
  idle_timeout_secs: 300,
  activity_ping_secs: 5,
    require_ticket: false,
  active_profile: { name: "Demo", provider: "vault", environment: "demo" },
};

describe("status bar", () => {
  it("shows the active profile, its provider and its environment badge", () => {
    const bar = statusBar(demo);
    expect(bar.textContent).toContain("Demo");
    expect(bar.textContent).toContain("(Vault)");
    expect(bar.querySelector(".badge")?.textContent).toBe("DEMO");
    expect(bar.textContent).toContain("PinDesk 1.2.3");
    expect(bar.textContent).toContain("Demo mode");
  });

  it("shows a production profile as PRODUCTION", () => {
    const bar = statusBar({
      version: "1.0.0",
      mode: "normal",
      demo: false,
      idle_timeout_secs: 300,
      activity_ping_secs: 5,
    require_ticket: false,
      active_profile: { name: "Live", provider: "solid", environment: "production" },
    });
    expect(bar.querySelector("[data-environment]")?.textContent).toBe("PRODUCTION");
    expect(bar.textContent).toContain("(Solid)");
    expect(bar.textContent).not.toContain("Demo mode");
  });

  it("marks kiosk mode", () => {
    expect(statusBar({ ...demo, mode: "kiosk" }).textContent).toContain("Kiosk");
  });

  it("says so when there is no profile or no answer from the app", () => {
    expect(statusBar({ ...demo, active_profile: null }).textContent).toContain("NO PROFILE");
    expect(statusBar(null).textContent).toContain("No profile");
  });
});

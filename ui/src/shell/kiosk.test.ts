import { describe, expect, it } from "vitest";
import type { AppInfo } from "../bindings/AppInfo";
import { SCREENS } from "../screens";
import { screensFor } from "./kiosk";

const info = (mode: AppInfo["mode"]): AppInfo => ({
  version: "1.0.0",
  mode,
  demo: true,
  idle_timeout_secs: 120,
  activity_ping_secs: 5,
    require_ticket: false,
  active_profile: null,
});

describe("screensFor", () => {
  it("leaves credentials, history and settings out of a kiosk", () => {
    expect(screensFor(info("kiosk"), SCREENS).map((s) => s.id)).toEqual(["vault", "solid", "vault-pin"]);
  });

  it("offers every screen otherwise", () => {
    expect(screensFor(info("normal"), SCREENS)).toEqual(SCREENS);
    expect(screensFor(info("demo"), SCREENS)).toEqual(SCREENS);
    expect(screensFor(null, SCREENS)).toEqual(SCREENS);
  });
});

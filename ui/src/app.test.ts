import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppInfo } from "./bindings/AppInfo";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

const { start } = await import("./app");

const INFO: AppInfo = {
  version: "1",
  mode: "normal",
  demo: false,
  idle_timeout_secs: 300,
  activity_ping_secs: 5,
    require_ticket: false,
  active_profile: null,
};

let root: HTMLElement;
beforeEach(() => {
  document.body.replaceChildren();
  root = document.createElement("div");
  document.body.append(root);
  invoke.mockReset();
});

describe("start", () => {
  it("fails closed when the app cannot say who it is: an error, no screen, no ready", async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === "app_info") throw { category: "internal", message: "the settings could not be read", field: null, reference: null };
      return [];
    });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const shell = await start(root);
    errors.mockRestore();
    expect(shell).toBeNull();
    expect(root.querySelector("[data-start-failure]")?.textContent).toContain("the settings could not be read");
    expect(root.querySelector("[data-screen]")).toBeNull();
    expect(root.querySelector("nav")).toBeNull();
    expect(root.querySelector("input, select, button")).toBeNull();
    expect(invoke.mock.calls.map((c) => c[0])).toEqual(["app_info"]);
  });

  it("draws the screens the app's mode allows once it answers", async () => {
    invoke.mockImplementation(async (cmd: string) => (cmd === "app_info" ? { ...INFO, mode: "kiosk" } : cmd === "list_profiles" ? [] : null));
    const shell = await start(root);
    expect(shell).not.toBeNull();
    expect(root.querySelector("[data-start-failure]")).toBeNull();
    expect([...root.querySelectorAll("nav [data-nav]")].map((b) => b.getAttribute("data-nav"))).toEqual([
      "vault",
      "solid",
      "vault-pin",
    ]);
    expect(invoke.mock.calls.map((c) => c[0])).toContain("ui_ready");
  });

  it("asks for the audit status at start and shows the note in the status bar", async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === "app_info") return INFO;
      if (cmd === "audit_status") return { collectors: ["tls://siem.example:6514"], waiting: 4, oldest_waiting_secs: 90, last_sent_seq: 7, error: null };
      return cmd === "list_profiles" ? [] : null;
    });
    await start(root);
    await new Promise((r) => setTimeout(r, 0));
    expect(invoke.mock.calls.filter((c) => c[0] === "audit_status")).toHaveLength(1);
    expect(root.querySelector("[data-status-bar] [data-audit]")?.textContent).toBe("audit: 4 waiting");
  });
});

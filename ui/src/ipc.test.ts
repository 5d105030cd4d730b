import { afterEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

const ipc = await import("./ipc");
const { appInfo, isErrorReport, saveProfile, solidSetPin, uiReady } = ipc;
const { start } = await import("./app");

afterEach(() => invoke.mockReset());

describe("ipc", () => {
  it("calls the Rust commands by their names", async () => {
    invoke.mockResolvedValueOnce({ version: "1", mode: "demo", active_profile: null });
    await appInfo();
    invoke.mockResolvedValueOnce(null);
    const timings = { script_ms: 1, app_info_ms: 2, mounted_ms: 3, painted_ms: 4 };
    await uiReady(timings);
    expect(invoke.mock.calls).toEqual([["app_info"], ["ui_ready", { timings }]]);
  });

  it("sends the arguments under the camelCase keys Tauri expects", async () => {
    invoke.mockResolvedValue(null);
    const input = { id: "p" } as Parameters<typeof saveProfile>[0];
    const secrets = { access_token: null, phone: null, password: null, api_key: "k" };
    await saveProfile(input, secrets, true);
    await solidSetPin(null, "1", "1234", "01/2030", "4321", null);
    expect(invoke.mock.calls).toEqual([
      ["save_profile", { input, secrets, isNew: true }],
      ["solid_set_pin", { profile: null, card: "1", pin: "1234", expiry: "01/2030", last4: "4321", ticket: null }],
    ]);
  });

  it("has one wrapper per command, named as the command in camelCase", async () => {
    invoke.mockResolvedValue(null);
    const wrappers = Object.entries(ipc).filter(([name]) => name !== "isErrorReport");
    expect(wrappers.length).toBeGreaterThan(20);
    for (const [name, wrapper] of wrappers) {
      invoke.mockClear();
      await (wrapper as (...args: unknown[]) => Promise<unknown>)();
      const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      expect(invoke.mock.calls.map((c) => c[0])).toEqual([snake]);
    }
  });

  it("recognises a typed command error", () => {
    expect(isErrorReport({ category: "validation", message: "m", field: null, reference: null, code: "invalid_input" })).toBe(true);
    expect(isErrorReport("boom")).toBe(false);
  });
});

describe("start", () => {
  it("draws the shell from app_info, then reports ready", async () => {
    invoke.mockImplementation(async (cmd: string) =>
      cmd === "app_info"
        ? { version: "9.9.9", mode: "demo", active_profile: { name: "Demo", provider: "vault", environment: "demo" } }
        : null,
    );
    const root = document.createElement("div");
    await start(root);
    expect(root.querySelector("[data-screen]")).not.toBeNull();
    expect(root.querySelector("[data-status-bar] .badge")?.textContent).toBe("DEMO");
    // The first screen may ask for what it shows (its profiles) in between.
    const calls = invoke.mock.calls.map((c) => c[0]);
    expect(calls[0]).toBe("app_info");
    expect(calls.at(-1)).toBe("ui_ready");
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke }));
const { settingsScreen, readSettings } = await import("./settings");

let section: HTMLElement;
const flush = () => new Promise((r) => setTimeout(r, 0));
const $ = <E extends HTMLElement = HTMLElement>(css: string) => section.querySelector<E>(css)!;

beforeEach(async () => {
  invoke.mockImplementation(async (cmd: string) =>
    cmd === "about_info"
      ? {
          settings: { history_retention_days: 365, idle_timeout_secs: 300, clipboard_clear_secs: 30 },
          secret_backend: "Secret Service",
          secret_backend_status: "No Secret Service is running: install and unlock GNOME Keyring or KeePassXC",
          config_dir: "/home/op/.config/pindesk",
          data_dir: "/home/op/.local/share/pindesk",
        }
      : null,
  );
  section = document.createElement("section");
  document.body.replaceChildren(section);
  settingsScreen.mount(section, { info: null });
  await flush();
});
afterEach(() => invoke.mockReset());

describe("Settings screen", () => {
  it("shows the keyring backend, its status in words and the folders", () => {
    expect($('[data-about-item="backend"]').textContent).toBe("Secret Service");
    expect($('[data-about-item="status"]').textContent).toContain("install and unlock GNOME Keyring");
    expect($('[data-about-item="config-dir"]').textContent).toBe("/home/op/.config/pindesk");
    expect($<HTMLInputElement>("#settings-retention").value).toBe("365");
  });

  it("saves the settings", async () => {
    $<HTMLInputElement>("#settings-idle").value = "600";
    $<HTMLFormElement>("form").requestSubmit();
    await flush();
    expect(invoke.mock.calls.find((c) => c[0] === "save_settings")?.[1]).toEqual({
      settings: { history_retention_days: 365, idle_timeout_secs: 600, clipboard_clear_secs: 30 },
    });
    expect($("[data-notice]").textContent).toBe("Settings saved.");
  });

  it("refuses an out-of-range value at its field", () => {
    expect(readSettings({ history_retention_days: "0", idle_timeout_secs: "300", clipboard_clear_secs: "30" })).toMatchObject({ field: "history_retention_days" });
    expect(readSettings({ history_retention_days: "30", idle_timeout_secs: "901", clipboard_clear_secs: "30" })).toMatchObject({ field: "idle_timeout_secs" });
    $<HTMLInputElement>("#settings-clipboard").value = "1";
    $<HTMLFormElement>("form").requestSubmit();
    expect($('[data-error-for="clipboardClearSecs"]').textContent).toContain("5 to 120");
    expect(invoke.mock.calls.some((c) => c[0] === "save_settings")).toBe(false);
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { SCREENS } from "../screens";
import { nextIndex } from "./nav";
import { mountShell } from "./shell";

let root: HTMLElement;

beforeEach(() => {
  document.body.replaceChildren();
  root = document.createElement("div");
  document.body.append(root);
});

const navButton = (id: string) => root.querySelector<HTMLButtonElement>(`[data-nav="${id}"]`)!;
const shownScreen = () => root.querySelector<HTMLElement>("[data-screen]");

describe("shell", () => {
  it("has one nav entry per screen, in order, with the expected names", () => {
    mountShell(root, SCREENS, null);
    const names = [...root.querySelectorAll("nav [data-nav]")].map((b) => b.textContent);
    expect(names).toEqual(["Vault passcode", "Solid PIN", "Vault card PIN", "Credentials", "History", "Settings"]);
  });

  it("starts on the first screen, with a heading and the nav entry marked current", () => {
    mountShell(root, SCREENS, null);
    expect(shownScreen()?.dataset.screen).toBe("vault");
    expect(shownScreen()?.querySelector("h1")?.textContent).toBe("Vault passcode");
    expect(navButton("vault").getAttribute("aria-current")).toBe("page");
  });

  it("shows each screen when its nav entry is clicked, and only that one", () => {
    mountShell(root, SCREENS, null);
    for (const screen of SCREENS) {
      navButton(screen.id).click();
      expect(root.querySelectorAll("[data-screen]")).toHaveLength(1);
      expect(shownScreen()?.dataset.screen).toBe(screen.id);
      expect(shownScreen()?.querySelector("h1")?.textContent).toBe(screen.title);
      expect(navButton(screen.id).getAttribute("aria-current")).toBe("page");
      const others = SCREENS.filter((s) => s.id !== screen.id);
      for (const other of others) expect(navButton(other.id).hasAttribute("aria-current")).toBe(false);
    }
  });

  it("moves focus between nav entries with the arrow keys, Home and End", () => {
    mountShell(root, SCREENS, null);
    navButton("vault").focus();
    navButton("vault").dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    expect(document.activeElement).toBe(navButton("solid"));
    navButton("solid").dispatchEvent(new KeyboardEvent("keydown", { key: "End", bubbles: true }));
    expect(document.activeElement).toBe(navButton("settings"));
    navButton("settings").dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    expect(document.activeElement).toBe(navButton("vault"));
  });

  it("opens the n-th screen with Alt+n", () => {
    const shell = mountShell(root, SCREENS, null);
    document.dispatchEvent(new KeyboardEvent("keydown", { code: "Digit5", key: "5", altKey: true, bubbles: true }));
    expect(shell.current()).toBe("history");
    expect(shownScreen()?.dataset.screen).toBe("history");
  });

  it("always shows the status bar", () => {
    mountShell(root, SCREENS, {
      version: "0.1.0",
      mode: "demo",
      demo: true,
      idle_timeout_secs: 300,
      activity_ping_secs: 5,
    require_ticket: false,
      active_profile: { name: "Demo", provider: "vault", environment: "demo" },
    });
    for (const screen of SCREENS) {
      navButton(screen.id).click();
      expect(root.querySelector("[data-status-bar] .badge")?.textContent).toBe("DEMO");
    }
  });

  it("disposes of a screen when the operator leaves it", () => {
    let disposed = 0;
    const screens = [
      { id: "vault" as const, title: "A", mount: () => () => void disposed++ },
      { id: "solid" as const, title: "B", mount: () => undefined },
    ];
    const shell = mountShell(root, screens, null);
    shell.show("solid");
    expect(disposed).toBe(1);
  });

  it("labels every input, select and textarea", () => {
    mountShell(root, SCREENS, null);
    for (const screen of SCREENS) {
      navButton(screen.id).click();
      for (const field of root.querySelectorAll<HTMLElement>("input, select, textarea")) {
        const labelled =
          (field.id && root.querySelector(`label[for="${field.id}"]`)) ||
          field.closest("label") ||
          field.getAttribute("aria-label") ||
          field.getAttribute("aria-labelledby");
        expect(labelled, `unlabelled field on ${screen.id}`).toBeTruthy();
      }
    }
  });
});

describe("nextIndex", () => {
  it("wraps around and ignores other keys", () => {
    expect(nextIndex("ArrowUp", 0, 5)).toBe(4);
    expect(nextIndex("ArrowRight", 4, 5)).toBe(0);
    expect(nextIndex("Home", 3, 5)).toBe(0);
    expect(nextIndex("a", 3, 5)).toBeNull();
  });
});

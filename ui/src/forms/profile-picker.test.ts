import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DemoState } from "../bindings/DemoState";
import type { ProfileView } from "../bindings/ProfileView";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

const { profilePicker, RELIST_MS } = await import("./profile-picker");
const { profile } = await import("../screens/flow-fixtures");

const demoVault = (demo_state?: DemoState): ProfileView =>
  demo_state ? { ...profile("demo-vault", "vault", true), demo_state } : profile("demo-vault", "vault", true);

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  invoke.mockReset();
});

describe("the profile picker while the demo sandbox starts", () => {
  it.each([
    { state: { state: "starting" } as DemoState, text: "demo-vault — starting…", note: null },
    { state: { state: "ready" } as DemoState, text: "demo-vault", note: null },
    { state: undefined, text: "demo-vault", note: null },
    {
      state: { state: "failed", reason: "address in use" } as DemoState,
      text: "demo-vault — unavailable",
      note: "The demo sandbox could not start: address in use",
    },
  ])("marks a demo profile $text", ({ state, text, note }) => {
    const picker = profilePicker("t", "vault", "Vault");
    picker.fill([demoVault(state)]);
    expect(picker.select.options[0]?.textContent).toBe(text);
    const shown = picker.row.querySelector<HTMLElement>("[data-error-for=profile]");
    expect(shown?.hidden ? null : shown?.textContent).toBe(note);
  });

  it("asks again until the sandbox listens, then stops", async () => {
    const answers = [[demoVault({ state: "starting" })], [demoVault({ state: "starting" })], [demoVault({ state: "ready" })]];
    invoke.mockImplementation(async () => answers.shift() ?? []);
    const picker = profilePicker("t", "vault", "Vault");
    const then = vi.fn();
    picker.load(() => true, then);
    await vi.advanceTimersByTimeAsync(0);
    expect(picker.select.options[0]?.textContent).toBe("demo-vault — starting…");
    await vi.advanceTimersByTimeAsync(RELIST_MS * 2);
    expect(picker.select.options[0]?.textContent).toBe("demo-vault");
    expect(then).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(RELIST_MS * 10);
    expect(invoke).toHaveBeenCalledTimes(3);
  });

  it("stops asking once the screen is left", async () => {
    invoke.mockResolvedValue([demoVault({ state: "starting" })]);
    let live = true;
    profilePicker("t", "vault", "Vault").load(() => live, () => {});
    await vi.advanceTimersByTimeAsync(0);
    live = false;
    await vi.advanceTimersByTimeAsync(RELIST_MS * 10);
    expect(invoke).toHaveBeenCalledTimes(1);
  });
});

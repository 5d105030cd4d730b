/**
 * Live policy feedback keeps the candidate in the page: while the operator types a new
 * passcode or PIN on the Vault, Vault card PIN and Solid screens, the broken rules are listed
 * (in the backend's words, from the policy description it sends once) and no command is
 * invoked with what was typed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flush, key, q, type } from "../test-dom";
import { answerFrom, described, disposeMounted, INFO, mountScreen, pinToken, profile, summary, type Handler } from "./flow-fixtures";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

const { vaultScreen } = await import("./vault");
const { solidScreen } = await import("./solid");
const { vaultPinScreen } = await import("./vault-pin");

/** Only what the flows need before a candidate is typed: any other command fails the test. */
const handlers: Record<string, Handler> = {
  list_profiles: () => [profile("demo-solid", "solid", true), profile("demo-vault", "vault", true)],
  look_up_card: ({ card }) => ({ card: summary(String(card)), recent: [], warning: null }),
  vault_cards: () => [summary("1234435")],
  solid_pin_token: ({ card }) => pinToken(card, "demo-solid"),
  solid_discard_token: () => null,
  pin_policy: ({ profile }) => described(profile === "demo-solid" ? "solid_pin_default" : "vault_card_pin"),
  passcode_policy: () => described("vault_passcode_default"),
};

beforeEach(() => {
  document.body.replaceChildren();
  answerFrom(invoke, () => handlers);
});
afterEach(disposeMounted);

const mount = (screen: typeof vaultScreen) => mountScreen(screen, { ...INFO, active_profile: null });

/**
 * Types `candidate` into `field` one keystroke at a time, pausing past the live check's delay
 * after each, and returns every value the field held.
 */
async function typeSlowly(field: string, candidate: string): Promise<string[]> {
  const typed: string[] = [];
  for (let i = 1; i <= candidate.length; i++) {
    const value = candidate.slice(0, i);
    typed.push(value);
    type(`[data-field="${field}"]`, value);
    await new Promise((r) => setTimeout(r, 150));
    await flush();
  }
  return typed;
}

/** No command was invoked with the candidate, or with anything typed on the way to it. */
function expectNothingTypedSent(typed: string[]): void {
  const candidate = typed[typed.length - 1]!;
  for (const [cmd, args] of invoke.mock.calls) {
    const values = Object.values((args ?? {}) as Record<string, unknown>);
    for (const value of values) expect(typed, `${String(cmd)} was sent what was typed`).not.toContain(value);
    expect(JSON.stringify(args ?? {}), `${String(cmd)} carries the candidate`).not.toContain(candidate);
  }
}

/** How many times `cmd` was invoked. */
const asked = (cmd: string) => invoke.mock.calls.filter((c) => c[0] === cmd).length;

const brokenShown = (field: string) =>
  [...document.querySelectorAll(`[data-rules="${field}"] [data-rule]`)].map((li) => [li.getAttribute("data-rule"), li.textContent]);

describe("live policy feedback sends no secret over IPC", () => {
  it("Vault passcode: the rules are listed while typing, and no command carries the passcode", async () => {
    mount(vaultScreen);
    await flush();
    q<HTMLInputElement>('[data-field="have-code"]')!.click();
    type('[data-field="card"]', "1234435");
    key('[data-field="card"]', "Enter");
    await flush();
    type('[data-field="code"]', "482913");
    key('[data-field="code"]', "Enter");
    await flush();
    const typed = await typeSlowly("passcode", "zzzz");
    expectNothingTypedSent(typed);
    expect(brokenShown("passcode")).toEqual([["repeated", "the passcode must not be one character repeated"]]);
    expect(asked("passcode_policy"), "the policy is asked for once").toBe(1);
  });

  it("Vault card PIN: the rules are listed while typing, and no command carries the PIN", async () => {
    mount(vaultPinScreen);
    await flush();
    type('[data-field="card"]', "1234435");
    key('[data-field="card"]', "Enter");
    await flush();
    const typed = await typeSlowly("pin", "9876");
    expectNothingTypedSent(typed);
    expect(brokenShown("pin")).toEqual([
      ["sequence", "the PIN must not contain three consecutive ascending or descending digits (such as 123 or 321)"],
    ]);
    expect(asked("pin_policy"), "the policy is asked for once").toBe(1);
  });

  it("Solid PIN: the rules are listed while typing, and no command carries the PIN", async () => {
    mount(solidScreen);
    await flush();
    type('[data-field="card"]', "crd_1");
    key('[data-field="card"]', "Enter");
    key('[data-field="card"]', "Enter");
    await flush();
    const typed = await typeSlowly("pin", "5550");
    expectNothingTypedSent(typed);
    expect(brokenShown("pin")).toEqual([["repeated", "the PIN must not contain the same digit three times in a row (such as 111)"]]);
    expect(asked("pin_policy"), "the policy is asked for once").toBe(1);
  });
});

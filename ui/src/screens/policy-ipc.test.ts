/**
 * Live policy feedback keeps the candidate in the page: while the operator types a new
 * passcode or PIN on the Vault, Vault card PIN and Solid screens, the broken rules are listed
 * (in the backend's words, from the policy description it sends once) and no command is
 * invoked with what was typed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flush, key, q, type } from "../test-dom";
import type { CardSummary } from "../bindings/CardSummary";
import type { PolicyDescription } from "../bindings/PolicyDescription";
import type { ProfileView } from "../bindings/ProfileView";
import table from "../../../tests/fixtures/policy-cases.json";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

const { vaultScreen } = await import("./vault");
const { solidScreen } = await import("./solid");
const { vaultPinScreen } = await import("./vault-pin");

const described = (id: string): PolicyDescription => {
  const entry = (table as unknown as { policies: { id: string; description: PolicyDescription }[] }).policies.find((p) => p.id === id);
  if (!entry) throw new Error(`unknown policy ${id}`);
  return entry.description;
};

const profile = (id: string, provider: "vault" | "solid"): ProfileView => ({
  profile: {
    id,
    display_name: id,
    provider,
    environment: "http://127.0.0.1:4010",
    ...(provider === "vault" ? { vault: { rsa_padding: "pkcs1", auth: "token" } } : { solid: { token_lifetime_secs: 300 } }),
  },
  active: true,
  demo: true,
  environment_kind: "demo",
  environment_label: "demo",
  secrets: [],
  warnings: [],
});

const summary = (cardId: string): CardSummary => ({
  card_id: cardId,
  provider: cardId.startsWith("crd_") ? "solid" : "vault",
  masked_number: "•••• 3738",
  last4: "3738",
  status: cardId.startsWith("crd_") ? "activated" : "ACTIVE",
  usable: true,
  card_type: "VIRTUAL",
  expiry: "11/2029",
  label: null,
});

const handlers: Record<string, (args: Record<string, unknown>) => unknown> = {
  list_profiles: () => [profile("demo-solid", "solid"), profile("demo-vault", "vault")],
  look_up_card: ({ card }) => ({ card: summary(String(card)), recent: [], warning: null }),
  vault_cards: () => [summary("1234435")],
  solid_pin_token: ({ card }) => ({
    card_id: card,
    profile: "demo-solid",
    expires_at: new Date(Date.now() + 300_000).toISOString(),
    lifetime_secs: 300,
    can_set_pin: true,
    card: summary(String(card)),
  }),
  solid_discard_token: () => null,
  pin_policy: ({ profile }) => described(profile === "demo-solid" ? "solid_pin_default" : "vault_card_pin"),
  passcode_policy: () => described("vault_passcode_default"),
};

beforeEach(() => {
  document.body.replaceChildren();
  invoke.mockReset();
  invoke.mockImplementation(async (cmd: string, args: Record<string, unknown> = {}) => {
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unexpected command ${cmd}`);
    return handler(args);
  });
});

let disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers) dispose();
  disposers = [];
});


function mount(screen: typeof vaultScreen) {
  const section = document.createElement("section");
  document.body.append(section);
  const dispose = screen.mount(section, {
    info: { version: "1", mode: "demo", demo: true, idle_timeout_secs: 300, activity_ping_secs: 5,
    require_ticket: false, active_profile: null },
  });
  if (dispose) disposers.push(dispose);
}

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

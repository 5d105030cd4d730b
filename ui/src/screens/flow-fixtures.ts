/**
 * What the flow screens' tests share: the answers of the app in demo mode (one handler per
 * command, which a test may replace), and mounting a screen so that it is disposed of after
 * the test (no timer outlives its test). The test file mocks `invoke` and hands it here.
 */
import { afterEach, beforeEach, vi, type Mock } from "vitest";
import type { AppInfo } from "../bindings/AppInfo";
import type { CardCheck } from "../bindings/CardCheck";
import type { CardSummary } from "../bindings/CardSummary";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { PolicyDescription } from "../bindings/PolicyDescription";
import type { ProfileView } from "../bindings/ProfileView";
import type { Screen } from "./screen";
import policyCases from "../../../tests/fixtures/policy-cases.json";

/** What the app reports in demo mode. */
export const INFO: AppInfo = {
  version: "1",
  mode: "demo",
  demo: true,
  idle_timeout_secs: 300,
  activity_ping_secs: 5,
  require_ticket: false,
  active_profile: { name: "demo-vault", provider: "vault", environment: "demo" },
};

/** A demo profile of `provider`. */
export const profile = (id: string, provider: "vault" | "solid", active = false): ProfileView => ({
  profile: {
    id,
    display_name: id,
    provider,
    environment: "http://127.0.0.1:4010",
    ...(provider === "vault" ? { vault: { rsa_padding: "pkcs1", auth: "token" } } : { solid: { token_lifetime_secs: 300 } }),
  },
  active,
  demo: true,
  environment_kind: "demo",
  environment_label: "demo",
  secrets: [],
  warnings: [],
});

/** A command's answer, from its arguments. */
export type Handler = (args: Record<string, unknown>) => unknown;

/** A policy description from the shared table of policy cases (what the app sends). */
export const described = (id: string): PolicyDescription =>
  (policyCases as unknown as { policies: { id: string; description: PolicyDescription }[] }).policies.find((p) => p.id === id)!.description;

/** An operation's `OpDone`. */
export const done = (operation: string, cardId: string) => ({ result: "ok", operation, card_id: cardId, at: "2026-11-23T10:00:00Z" });

/** A card as its provider confirms it. */
export const summary = (cardId: string, over: Partial<CardSummary> = {}): CardSummary => ({
  card_id: cardId,
  provider: cardId.startsWith("crd_") ? "solid" : "vault",
  masked_number: "•••• 3738",
  last4: "3738",
  status: cardId.startsWith("crd_") ? "activated" : "ACTIVE",
  usable: true,
  card_type: "VIRTUAL",
  expiry: "11/2029",
  label: null,
  ...over,
});

/** A card look-up's answer. */
export const check = (cardId: string, warning: string | null = null, recent: HistoryEntry[] = []): CardCheck => ({
  card: summary(cardId),
  recent,
  warning,
});

/** A PIN token's details (everything but the token) for `card`, valid `lifetimeSecs` from now. */
export const pinToken = (card: unknown, profile: unknown, lifetimeSecs = 300) => ({
  card_id: card,
  profile,
  expires_at: new Date(Date.now() + lifetimeSecs * 1000).toISOString(),
  lifetime_secs: lifetimeSecs,
  can_set_pin: true,
  card: summary(String(card)),
});

/** The app's answers in demo mode: every command the flow screens send. */
export function demoHandlers(): Record<string, Handler> {
  return {
    list_profiles: () => [profile("demo-solid", "solid"), profile("demo-vault", "vault", true)],
    passcode_policy: () => described("vault_passcode_default"),
    pin_policy: ({ profile }) => described(profile === "demo-solid" ? "solid_pin_default" : "vault_card_pin"),
    vault_send_code: ({ card }) => done("vault.send_code", String(card)),
    demo_sms: ({ card }) => ({ card_id: card, code: "482913" }),
    vault_verify_code: ({ card, code }) => {
      if (code !== "482913") throw { category: "rejected", message: "The code is wrong", field: "code", reference: "E-7", code: "rejected" };
      return done("vault.verify_code", String(card));
    },
    vault_set_passcode: ({ card }) => done("vault.set_passcode", String(card)),
    look_up_card: ({ card }) => check(String(card)),
    vault_cards: () => [summary("1234435"), summary("9990001", { status: "BLOCKED", usable: false, masked_number: "•••• 0001" })],
    vault_set_card_pin: ({ card }) => done("vault.set_card_pin", String(card)),
    solid_pin_token: ({ card, profile }) => pinToken(card, profile),
    solid_reveal_token: () => "card_pin_test_abc",
    solid_copy_token: () => 30,
    solid_discard_token: () => null,
    solid_set_pin: ({ card }) => done("solid.set_pin", String(card)),
  };
}

/** Makes the mocked `invoke` answer from `handlers()` (a command without a handler fails). */
export function answerFrom(invoke: Mock, handlers: () => Record<string, Handler>): void {
  invoke.mockReset();
  invoke.mockImplementation(async (cmd: string, args: Record<string, unknown> = {}) => {
    const handler = handlers()[cmd];
    if (!handler) throw new Error(`unexpected command ${cmd}`);
    return handler(args);
  });
}

/** The calls of `cmd` the mocked `invoke` got. */
export const callsOf = (invoke: Mock, cmd: string) => invoke.mock.calls.filter((c) => c[0] === cmd);

/** Disposers of the screens mounted since the last `disposeMounted`. */
let mounted: (() => void)[] = [];

/** Mounts `screen` in a fresh section; the disposer runs once (here or in `disposeMounted`). */
export function mountScreen(screen: Screen, info: AppInfo = INFO): () => void {
  const section = document.createElement("section");
  document.body.append(section);
  let disposed = false;
  const dispose = screen.mount(section, { info }) ?? (() => {});
  const once = () => {
    if (!disposed) dispose();
    disposed = true;
  };
  mounted.push(once);
  return once;
}

/** Disposes of every screen a test mounted (call it after each test). */
export function disposeMounted(): void {
  for (const dispose of mounted) dispose();
  mounted = [];
}

/** A test file's fake app: its handlers (reset to `demoHandlers` before each test) and its calls. */
export interface DemoApp {
  /** The answers, by command: a test may replace one. */
  handlers: Record<string, Handler>;
  /** The calls of `cmd` so far. */
  calls(cmd: string): unknown[][];
}

/**
 * Makes the mocked `invoke` the demo app for every test of the file: before each, a clean page
 * and the demo answers; after each, real timers and every mounted screen disposed of.
 */
export function demoApp(invoke: Mock): DemoApp {
  const handlers: Record<string, Handler> = {};
  beforeEach(() => {
    document.body.replaceChildren();
    for (const name of Object.keys(handlers)) delete handlers[name];
    Object.assign(handlers, demoHandlers());
    answerFrom(invoke, () => handlers);
  });
  afterEach(() => {
    vi.useRealTimers();
    disposeMounted();
  });
  return { handlers, calls: (cmd) => callsOf(invoke, cmd) };
}

import { describe, expect, it, vi } from "vitest";
import { flush, key, q, type } from "../test-dom";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import { check, demoApp, mountScreen as mount, pinToken, profile } from "./flow-fixtures";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

const { vaultScreen } = await import("./vault");
const { solidScreen, MASK, REVEAL_SECS } = await import("./solid");
const { vaultPinScreen, cardPinEnter } = await import("./vault-pin");

const { handlers, calls } = demoApp(invoke);

describe("vault screen", () => {
  it("defaults to the active Vault profile and shows its badge", async () => {
    mount(vaultScreen);
    await flush();
    const select = q<HTMLSelectElement>('[data-field="profile"]')!;
    expect([...select.options].map((o) => o.value)).toEqual(["demo-vault"]);
    expect(q("[data-profile-badge] .badge")?.textContent).toBe("DEMO");
  });

  it("runs the whole flow on Enter, sends once, and leaves no secret behind", async () => {
    mount(vaultScreen);
    await flush();
    type('[data-field="card"]', "1234435");
    key('[data-field="card"]', "Enter");
    key('[data-field="card"]', "Enter");
    await flush();
    expect(calls("vault_send_code")).toHaveLength(1);
    const code = q('[data-field="code"]')!;
    expect(code.type).toBe("password");
    expect(document.activeElement).toBe(code);
    expect(q("[data-demo-code]")?.textContent).toBe("482913");
    expect(q<HTMLButtonElement>('[data-action="resend"]')!.disabled).toBe(true);

    type('[data-field="code"]', "482913");
    key('[data-field="code"]', "Enter");
    await flush();
    expect(document.activeElement).toBe(q('[data-field="passcode"]'));

    type('[data-field="passcode"]', "Zq7pLm29");
    key('[data-field="passcode"]', "Enter");
    expect(document.activeElement).toBe(q('[data-field="confirm"]'));
    type('[data-field="confirm"]', "Zq7pLm29");
    key('[data-field="confirm"]', "Enter");
    await flush();
    expect(calls("vault_set_passcode")).toEqual([
      ["vault_set_passcode", { profile: "demo-vault", card: "1234435", code: "482913", passcode: "Zq7pLm29", ticket: null }],
    ]);
    expect(q("[data-result]")!.hidden).toBe(false);
    expect(q("[data-result]")!.textContent).toContain("Passcode set");
    expect(document.querySelectorAll('input[type="password"]')).toHaveLength(0);
    expect(document.body.innerHTML).not.toContain("482913");
    expect(document.body.innerHTML).not.toContain("Zq7pLm29");
  });

  it("puts a wrong code at the code field with its reference", async () => {
    mount(vaultScreen);
    await flush();
    type('[data-field="card"]', "1234435");
    key('[data-field="card"]', "Enter");
    await flush();
    type('[data-field="code"]', "111111");
    key('[data-field="code"]', "Enter");
    await flush();
    const slot = q<HTMLElement>('[data-error-for="code"]')!;
    expect(slot.hidden).toBe(false);
    expect(slot.textContent).toContain("The code is wrong");
    expect(slot.textContent).toContain("Ref: E-7");
    expect(document.activeElement).toBe(q('[data-field="code"]'));
    expect(q('[data-field="passcode"]')).toBeNull();
  });

  it("refuses a passcode that breaks the policy or does not match", async () => {
    mount(vaultScreen);
    await flush();
    q<HTMLInputElement>('[data-field="have-code"]')!.click();
    type('[data-field="card"]', "1234435");
    key('[data-field="card"]', "Enter");
    await flush();
    expect(calls("vault_send_code")).toHaveLength(0);
    type('[data-field="code"]', "482913");
    key('[data-field="code"]', "Enter");
    await flush();
    expect(calls("vault_verify_code")).toHaveLength(0);
    type('[data-field="passcode"]', "ab");
    type('[data-field="confirm"]', "ab");
    key('[data-field="confirm"]', "Enter");
    await flush();
    expect(q('[data-error-for="passcode"]')!.textContent).toContain("at least 4 characters");
    expect(q('[data-rules="passcode"] [data-rule="too_short"]')).not.toBeNull();
    type('[data-field="passcode"]', "abcd1234");
    type('[data-field="confirm"]', "abcd1235");
    key('[data-field="confirm"]', "Enter");
    await flush();
    expect(q<HTMLElement>('[data-error-for="confirm"]')!.hidden).toBe(false);
    expect(calls("vault_set_passcode")).toHaveLength(0);
  });

  it("Esc empties every field and returns to the card id", async () => {
    mount(vaultScreen);
    await flush();
    type('[data-field="card"]', "1234435");
    key('[data-field="card"]', "Enter");
    await flush();
    const code = q('[data-field="code"]')!;
    type('[data-field="code"]', "482913");
    key('[data-field="code"]', "Escape");
    expect(code.value).toBe("");
    expect(code.isConnected).toBe(false);
    expect(q('[data-field="code"]')).toBeNull();
    expect(q('[data-field="card"]')!.value).toBe("");
    expect(document.activeElement).toBe(q('[data-field="card"]'));
    expect(q<HTMLElement>("[data-demo-sms]")!.hidden).toBe(true);
  });

  it("locks the flow on an unknown outcome: no blind retry", async () => {
    handlers.vault_set_passcode = () => {
      throw { category: "unknown_outcome", message: "no answer after sending", field: null, reference: "R-9", code: "maybe_sent" };
    };
    mount(vaultScreen);
    await flush();
    q<HTMLInputElement>('[data-field="have-code"]')!.click();
    type('[data-field="card"]', "1234435");
    key('[data-field="card"]', "Enter");
    type('[data-field="code"]', "482913");
    key('[data-field="code"]', "Enter");
    type('[data-field="passcode"]', "Zq7pLm29");
    type('[data-field="confirm"]', "Zq7pLm29");
    key('[data-field="confirm"]', "Enter");
    await flush();
    const panel = q<HTMLElement>('[data-outcome="unknown"]')!;
    expect(panel.hidden).toBe(false);
    expect(panel.textContent).toContain("Outcome unknown — check with the provider before retrying");
    expect(panel.textContent).toContain("R-9");
    expect(q<HTMLButtonElement>('[data-action="set-passcode"]')!.disabled).toBe(true);
    key('[data-field="confirm"]', "Enter");
    await flush();
    expect(calls("vault_set_passcode")).toHaveLength(1);
  });

  it("labels every field", async () => {
    mount(vaultScreen);
    await flush();
    q<HTMLInputElement>('[data-field="have-code"]')!.click();
    type('[data-field="card"]', "1");
    key('[data-field="card"]', "Enter");
    type('[data-field="code"]', "1");
    key('[data-field="code"]', "Enter");
    for (const input of document.querySelectorAll("input, select")) {
      expect(document.querySelector(`label[for="${input.id}"]`), input.id).not.toBeNull();
    }
  });
});

describe("solid screen", () => {
  async function token() {
    const dispose = mount(solidScreen);
    await flush();
    type('[data-field="card"]', "crd_1");
    key('[data-field="card"]', "Enter");
    key('[data-field="card"]', "Enter");
    await flush();
    return dispose;
  }

  it("gets a token on Enter (once), masked, with a countdown, focus on the PIN", async () => {
    await token();
    expect(calls("solid_pin_token")).toHaveLength(1);
    expect(q("[data-token]")!.textContent).toBe(MASK);
    expect(q("[data-countdown]")!.textContent).toMatch(/^Expires in [45]:\d\d$/);
    expect(document.activeElement).toBe(q('[data-field="pin"]'));
  });

  it("reveals on request and masks again after 10 s", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    await token();
    q<HTMLButtonElement>('[data-action="reveal"]')!.click();
    await flush();
    expect(q("[data-token]")!.textContent).toBe("card_pin_test_abc");
    await vi.advanceTimersByTimeAsync(REVEAL_SECS * 1000);
    expect(q("[data-token]")!.textContent).toBe(MASK);
    expect(document.body.innerHTML).not.toContain("card_pin_test_abc");
  });

  it("discards the token when it expires and when the operator leaves", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    handlers.solid_pin_token = ({ card, profile }) => pinToken(card, profile, 2);
    const dispose = await token();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(q("[data-countdown]")!.textContent).toContain("Expired");
    expect(calls("solid_discard_token")).toHaveLength(1);
    expect(q<HTMLButtonElement>('[data-action="reveal"]')!.disabled).toBe(true);
    expect(q<HTMLButtonElement>('[data-action="set-pin"]')!.disabled).toBe(true);
    dispose();
    expect(calls("solid_discard_token").length).toBeGreaterThanOrEqual(2);
  });

  it("asks for the token held for its profile and card, and lets it go when the app holds none", async () => {
    await token();
    handlers.solid_reveal_token = () => {
      throw { category: "validation", message: "no usable PIN token for this profile and card: get a new one", field: "token", reference: null, code: "invalid" };
    };
    q<HTMLButtonElement>('[data-action="reveal"]')!.click();
    await flush();
    expect(calls("solid_reveal_token")).toEqual([["solid_reveal_token", { profile: "demo-solid", card: "crd_1" }]]);
    expect(q("[data-countdown]")!.textContent).toBe("The app no longer holds this token: get a new one.");
    expect(q<HTMLButtonElement>('[data-action="reveal"]')!.disabled).toBe(true);
    expect(q<HTMLButtonElement>('[data-action="copy"]')!.disabled).toBe(true);
    expect(q<HTMLButtonElement>('[data-action="set-pin"]')!.disabled).toBe(true);
  });

  it("lets the token go when the app says the token could not be used (invalid_pin_token)", async () => {
    await token();
    handlers.solid_set_pin = () => {
      throw { category: "validation", message: "The PIN token is empty or contains characters that cannot be sent; get a new one.", field: "token", reference: null, code: "invalid_pin_token" };
    };
    type('[data-field="pin"]', "8264");
    type('[data-field="confirm"]', "8264");
    key('[data-field="last4"]', "Enter");
    await flush();
    expect(calls("solid_set_pin")).toHaveLength(1);
    expect(q<HTMLButtonElement>('[data-action="copy"]')!.disabled).toBe(true);
    q<HTMLButtonElement>('[data-action="copy"]')!.click();
    await flush();
    expect(calls("solid_copy_token")).toHaveLength(0);
  });

  it("says when the clipboard clears after a copy", async () => {
    await token();
    q<HTMLButtonElement>('[data-action="copy"]')!.click();
    await flush();
    expect(q("[data-copy-status]")!.textContent).toBe("Copied — clipboard clears in 30 s");
  });

  it("refuses a weak PIN (shown live) and sets a good one", async () => {
    await token();
    type('[data-field="pin"]', "1234");
    await new Promise((r) => setTimeout(r, 200));
    expect(q('[data-rules="pin"] [data-rule="sequence"]')).not.toBeNull();
    key('[data-field="pin"]', "Enter");
    expect(document.activeElement).toBe(q('[data-field="confirm"]'));
    type('[data-field="confirm"]', "1234");
    type('[data-field="expiry"]', "11/2029");
    type('[data-field="last4"]', "3738");
    key('[data-field="last4"]', "Enter");
    await flush();
    expect(q<HTMLElement>('[data-error-for="pin"]')!.hidden).toBe(false);
    expect(calls("solid_set_pin")).toHaveLength(0);

    type('[data-field="pin"]', "8264");
    type('[data-field="confirm"]', "8264");
    key('[data-field="last4"]', "Enter");
    await flush();
    expect(calls("solid_set_pin")).toEqual([
      ["solid_set_pin", { profile: "demo-solid", card: "crd_1", pin: "8264", expiry: "11/2029", last4: "3738", ticket: null }],
    ]);
    expect(q("[data-result]")!.textContent).toContain("PIN set");
    expect(q<HTMLElement>("[data-token-panel]")!.hidden).toBe(true);
    expect(document.querySelectorAll('input[type="password"]')).toHaveLength(0);
    expect(document.body.innerHTML).not.toContain("8264");
  });

  it("checks expiry and last4 before sending, at their fields", async () => {
    await token();
    type('[data-field="pin"]', "8264");
    type('[data-field="confirm"]', "8264");
    type('[data-field="expiry"]', "13/2029");
    type('[data-field="last4"]', "373");
    key('[data-field="last4"]', "Enter");
    await flush();
    expect(q<HTMLElement>('[data-error-for="expiry"]')!.hidden).toBe(false);
    type('[data-field="expiry"]', "11/2029");
    key('[data-field="last4"]', "Enter");
    await flush();
    expect(q<HTMLElement>('[data-error-for="last4"]')!.hidden).toBe(false);
    expect(calls("solid_set_pin")).toHaveLength(0);
  });
});

/** Waits past the card panel's typing delay and the look-up's reply. */
const looked = async () => {
  await new Promise((r) => setTimeout(r, 350));
  await flush();
};
const recentEntry = (operation: string, outcome: HistoryEntry["outcome"]): HistoryEntry => ({
  id: 7,
  started_at: "2026-11-23T10:00:00Z",
  finished_at: outcome === "started" ? null : "2026-11-23T10:00:01Z",
  os_user: "op",
  profile: "demo-vault",
  provider: "vault",
  environment: "demo",
  operation,
  card_id: "1234435",
  outcome,
  reference: null,
  message: null,
  duration_ms: 900,
  ticket: null,
});

describe("card confirmation", () => {
  it("offers the customer's cards and confirms the typed one, once, as it is typed", async () => {
    mount(vaultScreen);
    await flush();
    const input = q('[data-field="card"]')!;
    const list = document.getElementById(input.getAttribute("list") ?? "");
    expect([...(list?.querySelectorAll("option") ?? [])].map((o) => [o.value, o.textContent])).toEqual([
      ["1234435", "•••• 3738 · VIRTUAL · ACTIVE"],
      ["9990001", "•••• 0001 · VIRTUAL · BLOCKED"],
    ]);
    type('[data-field="card"]', "12");
    type('[data-field="card"]', "1234435");
    expect(q<HTMLElement>("[data-card-check]")!.hidden).toBe(true);
    await looked();
    expect(calls("look_up_card")).toEqual([["look_up_card", { profile: "demo-vault", card: "1234435" }]]);
    const panel = q<HTMLElement>("[data-card-check]")!;
    expect(panel.hidden).toBe(false);
    expect(panel.dataset.usable).toBe("true");
    expect(q("[data-card-summary]")!.textContent).toBe(
      "Confirmed with the provider: •••• 3738 · ACTIVE · VIRTUAL · expires 11/2029",
    );
    expect(q<HTMLElement>("[data-card-warning]")!.hidden).toBe(true);
    expect(q('[data-action="send-code"]')!.textContent).toBe("Send code");
  });

  it("offers and confirms anew when the operator picks another profile", async () => {
    handlers.list_profiles = () => [profile("demo-vault", "vault", true), profile("desk-vault", "vault")];
    mount(vaultScreen);
    await flush();
    type('[data-field="card"]', "1234435");
    await looked();
    const select = q<HTMLSelectElement>('[data-field="profile"]')!;
    select.value = "desk-vault";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    await looked();
    expect(calls("vault_cards").map((c) => c[1])).toEqual([{ profile: "demo-vault" }, { profile: "desk-vault" }]);
    expect(calls("look_up_card").map((c) => c[1])).toEqual([
      { profile: "demo-vault", card: "1234435" },
      { profile: "desk-vault", card: "1234435" },
    ]);
  });

  it("warns of a recent or unknown change, lists what was recorded, and says 'anyway' on the button", async () => {
    const warning = "A passcode change of this card has an unknown outcome: check with the caller first.";
    handlers.look_up_card = ({ card }) =>
      check(String(card), warning, [recentEntry("vault.set_passcode", "unknown"), recentEntry("vault.send_code", "ok")]);
    mount(vaultScreen);
    await flush();
    type('[data-field="card"]', "1234435");
    await looked();
    expect(q<HTMLElement>("[data-card-warning]")!.hidden).toBe(false);
    expect(q("[data-card-warning]")!.textContent).toBe(warning);
    expect([...document.querySelectorAll("[data-recent]")].map((li) => li.getAttribute("data-recent"))).toEqual([
      "vault.set_passcode",
      "vault.send_code",
    ]);
    expect(q("[data-recent]")!.textContent).toContain("unknown");
    expect(q('[data-action="send-code"]')!.textContent).toBe("Send code anyway");
    // Still one Enter: the warning is read, not clicked away.
    key('[data-field="card"]', "Enter");
    await flush();
    expect(calls("vault_send_code")).toHaveLength(1);
    key("[data-flow]", "Escape");
    expect(q<HTMLElement>("[data-card-check]")!.hidden).toBe(true);
    expect(q('[data-action="send-code"]')!.textContent).toBe("Send code");
  });

  it("says why a card cannot be confirmed, and ignores a reply for a card no longer typed", async () => {
    let answer: (v: unknown) => void = () => undefined;
    handlers.look_up_card = ({ card }) =>
      card === "1"
        ? new Promise((resolve) => (answer = resolve))
        : Promise.reject({ category: "validation", code: "no_such_card", message: "No such card for this Vault customer", field: "card", reference: "E-12" });
    mount(vaultScreen);
    await flush();
    type('[data-field="card"]', "1");
    await looked();
    type('[data-field="card"]', "2");
    await looked();
    answer(check("1"));
    await flush();
    const panel = q<HTMLElement>("[data-card-check]")!;
    expect(panel.dataset.usable).toBe("false");
    expect(panel.textContent).toContain("No such card for this Vault customer");
    expect(panel.textContent).toContain("E-12");
    expect(panel.textContent).not.toContain("•••• 3738");
  });

  it("fills the Solid PIN form's expiry and last 4 from Solid's record and sends them", async () => {
    mount(solidScreen);
    await flush();
    type('[data-field="card"]', "crd_1");
    key('[data-field="card"]', "Enter");
    await flush();
    expect(q('[data-field="expiry"]')!.value).toBe("11/2029");
    expect(q('[data-field="last4"]')!.value).toBe("3738");
    expect(q("[data-card-summary]")!.textContent).toContain("•••• 3738 · activated");
    // The look-up the typing started is dropped: the token request confirmed the card.
    await looked();
    expect(calls("look_up_card")).toHaveLength(0);
    type('[data-field="pin"]', "8264");
    key('[data-field="pin"]', "Enter");
    type('[data-field="confirm"]', "8264");
    key('[data-field="confirm"]', "Enter");
    await flush();
    expect(calls("solid_set_pin")).toEqual([
      ["solid_set_pin", { profile: "demo-solid", card: "crd_1", pin: "8264", expiry: "11/2029", last4: "3738", ticket: null }],
    ]);
  });
});

describe("vault card PIN screen", () => {
  const start = async () => {
    const dispose = mount(vaultPinScreen);
    await flush();
    type('[data-field="card"]', "1234435");
    key('[data-field="card"]', "Enter");
    return dispose;
  };

  it("moves on with Enter: card → PIN → confirmation → set", () => {
    expect(cardPinEnter("card", true)).toBe("focus-pin");
    expect(cardPinEnter("pin", true)).toBe("focus-confirm");
    expect(cardPinEnter("pin", false)).toBe("set");
    expect(cardPinEnter("confirm", false)).toBe("set");
    expect(cardPinEnter("profile", true)).toBeNull();
  });

  it("sets the PIN in three Enters, sends it once, and leaves no PIN in the page", async () => {
    await start();
    expect(document.activeElement).toBe(q('[data-field="pin"]'));
    type('[data-field="pin"]', "7391");
    key('[data-field="pin"]', "Enter");
    expect(document.activeElement).toBe(q('[data-field="confirm"]'));
    type('[data-field="confirm"]', "7391");
    key('[data-field="confirm"]', "Enter");
    await flush();
    expect(calls("vault_set_card_pin")).toEqual([
      ["vault_set_card_pin", { profile: "demo-vault", card: "1234435", pin: "7391", ticket: null }],
    ]);
    expect(q("[data-result]")!.textContent).toContain("Card PIN set");
    expect(q("[data-result]")!.textContent).toContain("1234435");
    expect(q('[data-field="pin"]')!.value).toBe("");
    expect(document.body.innerHTML).not.toContain("7391");
  });

  it("refuses a PIN that breaks Vault's rules, or a confirmation that differs, before sending", async () => {
    await start();
    type('[data-field="pin"]', "1234");
    type('[data-field="confirm"]', "1234");
    key('[data-field="confirm"]', "Enter");
    await flush();
    expect(q<HTMLElement>('[data-error-for="pin"]')!.hidden).toBe(false);
    expect(q('[data-error-for="pin"]')!.textContent).toContain("three consecutive ascending or descending digits");
    type('[data-field="pin"]', "7391");
    type('[data-field="confirm"]', "7392");
    key('[data-field="confirm"]', "Enter");
    await flush();
    expect(q<HTMLElement>('[data-error-for="confirm"]')!.hidden).toBe(false);
    expect(calls("vault_set_card_pin")).toHaveLength(0);
  });

  it("locks after an unknown outcome until the operator starts over", async () => {
    handlers.vault_set_card_pin = () => {
      throw { category: "unknown_outcome", code: "unknown_outcome", message: "The answer never came", field: null, reference: null };
    };
    await start();
    type('[data-field="pin"]', "7391");
    type('[data-field="confirm"]', "7391");
    key('[data-field="confirm"]', "Enter");
    await flush();
    expect(q<HTMLElement>('[data-outcome="unknown"]')!.hidden).toBe(false);
    const set = q<HTMLButtonElement>('[data-action="set-card-pin"]')!;
    expect(set.disabled).toBe(true);
    set.click();
    key('[data-field="confirm"]', "Enter");
    await flush();
    expect(calls("vault_set_card_pin")).toHaveLength(1);
    key("[data-flow]", "Escape");
    expect(q<HTMLButtonElement>('[data-action="set-card-pin"]')!.disabled).toBe(false);
    expect(q('[data-field="card"]')!.value).toBe("");
  });
});

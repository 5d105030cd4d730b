import { afterEach, describe, expect, it, vi } from "vitest";
import { h } from "../dom";
import { Busy, settle } from "./busy";
import { clockTime } from "./clock";
import { countdown, formatSeconds, secondsLeft } from "./countdown";
import { clearErrors, showError, showMessage, showUnknown, slotFor, unknownPanel } from "./errors";
import { matchNote, showMatch } from "./match-note";
import { nextField } from "./next-field";
import { defaultProfile } from "./profile-picker";
import { drawRules, liveRules } from "./rules";
import { field, wipe } from "./secret-field";
import type { ProfileView } from "../bindings/ProfileView";

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe("secret field", () => {
  it("is masked, labelled and never autocompleted, spell-checked or capitalised", () => {
    const f = field({ id: "x-pass", field: "passcode", label: "New passcode", secret: true, autocomplete: "new-password" });
    document.body.append(f.row);
    expect(f.input.type).toBe("password");
    expect(f.input.getAttribute("autocomplete")).toBe("new-password");
    expect(f.input.getAttribute("spellcheck")).toBe("false");
    expect(f.input.getAttribute("autocapitalize")).toBe("none");
    expect(document.querySelector('label[for="x-pass"]')?.textContent).toBe("New passcode");
    expect(f.error.dataset.errorFor).toBe("passcode");
    expect(field({ id: "y", field: "code", label: "Code", secret: true }).input.getAttribute("autocomplete")).toBe("off");
  });

  it("wipe empties and replaces the inputs", () => {
    const f = field({ id: "x-pin", field: "pin", label: "PIN", secret: true });
    document.body.append(f.row);
    f.input.value = "7391";
    const [fresh] = wipe([f.input]);
    expect(f.input.value).toBe("");
    expect(f.input.isConnected).toBe(false);
    expect(fresh?.isConnected).toBe(true);
    expect(fresh?.value).toBe("");
    expect(fresh?.type).toBe("password");
  });
});

describe("error placement", () => {
  const form = () => {
    const card = field({ id: "f-card", field: "card", errorFor: "card_id", label: "Card id" });
    const code = field({ id: "f-code", field: "code", label: "Code", secret: true });
    const pass = field({ id: "f-pass", field: "passcode", label: "Passcode", secret: true });
    const formSlot = h("p", { "data-error-for": "form", hidden: true });
    const root = h("div", {}, card.row, code.row, pass.row, formSlot);
    document.body.append(root);
    return { root, card, code, pass, formSlot };
  };

  it("maps provider field names to the UI's slots", () => {
    expect(slotFor("passCode")).toBe("passcode");
    expect(slotFor("id")).toBe("card_id");
    expect(slotFor("expiryYear")).toBe("expiry");
    expect(slotFor("sd-pin-token")).toBe("token");
    expect(slotFor(null)).toBe("form");
    expect(slotFor("code")).toBe("code");
  });

  it("shows an error at its field, with the reference, marks and focuses the field", () => {
    const { root, code } = form();
    const slot = showError(root, { category: "rejected", message: "The code is wrong", field: "code", reference: "E-42", code: "rejected" });
    expect(slot).toBe("code");
    expect(code.error.hidden).toBe(false);
    expect(code.error.textContent).toContain("The code is wrong");
    expect(code.error.querySelector("[data-reference]")?.textContent).toBe("Ref: E-42");
    expect(code.input.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(code.input);
    clearErrors(root);
    expect(code.error.hidden).toBe(true);
    expect(code.input.hasAttribute("aria-invalid")).toBe(false);
  });

  it("puts a passCode error at the passcode field and an unknown field in the form slot", () => {
    const { root, pass, formSlot } = form();
    expect(showError(root, { category: "rejected", message: "weak", field: "passCode", reference: null, code: "rejected" })).toBe("passcode");
    expect(pass.error.querySelector("[data-error-message]")?.textContent).toBe("weak");
    expect(showError(root, { category: "network", message: "no route", field: "keyId", reference: null, code: "not_sent" })).toBe("form");
    expect(formSlot.querySelector("[data-error-message]")?.textContent).toBe("no route");
    expect(formSlot.querySelector<HTMLElement>("[data-category]")?.dataset.category).toBe("network");
  });

  it("shows a message of the UI's own at its field, with no category or reference", () => {
    const { root, card } = form();
    showMessage(root, "card_id", "Enter the card id.");
    expect(card.error.textContent).toBe("Enter the card id.");
    expect(card.error.querySelector("[data-category], [data-reference]")).toBeNull();
    expect(document.activeElement).toBe(card.input);
  });

  it("gives an unknown outcome its own prominent panel", () => {
    const panel = unknownPanel();
    expect(panel.hidden).toBe(true);
    showUnknown(panel, "Setting the passcode", { category: "unknown_outcome", message: "timed out", field: null, reference: "R1", code: "maybe_sent" });
    expect(panel.hidden).toBe(false);
    expect(panel.textContent).toContain("Outcome unknown — check with the provider before retrying");
    expect(panel.querySelector("[data-reference]")?.textContent).toBe("Ref: R1");
  });
});

describe("busy", () => {
  it("disables the controls while a call is in flight and refuses a second call", async () => {
    const button = h("button", {});
    const input = h("input", {});
    const form = h("div", {}, button, input);
    const busy = new Busy(form, () => [button, input]);
    let release: () => void = () => {};
    const call = vi.fn(() => new Promise<string>((resolve) => (release = () => resolve("ok"))));
    const first = busy.run(call);
    expect(button.disabled).toBe(true);
    expect(input.readOnly).toBe(true);
    expect(form.getAttribute("aria-busy")).toBe("true");
    expect(await busy.run(call)).toBeUndefined();
    expect(call).toHaveBeenCalledTimes(1);
    release();
    expect(await first).toBe("ok");
    expect(button.disabled).toBe(false);
    expect(input.readOnly).toBe(false);
    expect(busy.busy).toBe(false);
  });

  it("keeps a control disabled that was disabled before", async () => {
    const button = h("button", { disabled: true });
    const busy = new Busy(h("div", {}), () => [button]);
    await busy.run(() => Promise.resolve(1));
    expect(button.disabled).toBe(true);
  });

  it("settles a rejection into an ErrorReport", async () => {
    const bad = await settle(Promise.reject({ category: "rejected", message: "no", field: "code", reference: null, code: "rejected" }));
    expect(bad).toEqual({ ok: false, error: { category: "rejected", message: "no", field: "code", reference: null, code: "rejected" } });
    expect(await settle(Promise.resolve(3))).toEqual({ ok: true, value: 3 });
  });
});

describe("countdown", () => {
  it("computes and writes the time left", () => {
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 9_001)).toBe(1);
    expect(secondsLeft(10_000, 20_000)).toBe(0);
    expect(formatSeconds(299)).toBe("4:59");
    expect(formatSeconds(7)).toBe("0:07");
    expect(formatSeconds(-3)).toBe("0:00");
  });

  it("ticks each second and ends once", () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const ticks: number[] = [];
    const onEnd = vi.fn();
    countdown(3000, (left) => ticks.push(left), onEnd);
    vi.advanceTimersByTime(5000);
    expect(ticks).toEqual([3, 2, 1, 0]);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it("stops without ending", () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const onEnd = vi.fn();
    countdown(3000, () => {}, onEnd).stop();
    vi.advanceTimersByTime(5000);
    expect(onEnd).not.toHaveBeenCalled();
  });
});

describe("live rules", () => {
  it("lists each broken rule, or says the value passes", () => {
    const list = h("ul", {});
    drawRules(list, [{ rule: "sequence", message: "no runs like 1234" }, { rule: "repeated", message: "no 111" }], false);
    expect([...list.querySelectorAll("[data-rule]")].map((li) => li.getAttribute("data-rule"))).toEqual(["sequence", "repeated"]);
    drawRules(list, [], false);
    expect(list.querySelector('[data-rule="ok"]')).not.toBeNull();
    drawRules(list, [], true);
    expect(list.hidden).toBe(true);
  });

  it("asks after typing and ignores replies overtaken by newer typing", async () => {
    vi.useFakeTimers();
    const input = h("input", {});
    document.body.append(input);
    const answers: Record<string, (v: { rule: string; message: string }[]) => void> = {};
    const ask = vi.fn((c: string) => new Promise<{ rule: string; message: string }[]>((r) => (answers[c] = r)));
    const rules = liveRules(() => input, "pin", ask, 100);
    document.body.append(rules.element);
    input.value = "12";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    vi.advanceTimersByTime(100);
    input.value = "1235";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    vi.advanceTimersByTime(100);
    expect(ask.mock.calls.map((c) => c[0])).toEqual(["12", "1235"]);
    answers["1235"]?.([{ rule: "sequence", message: "no runs" }]);
    await Promise.resolve();
    answers["12"]?.([{ rule: "too_short", message: "too short" }]);
    await Promise.resolve();
    await Promise.resolve();
    expect([...rules.element.querySelectorAll("[data-rule]")].map((li) => li.getAttribute("data-rule"))).toEqual(["sequence"]);
    expect(rules.element.textContent).not.toContain("1235");
    rules.stop();
  });
});

describe("match note", () => {
  it.each([
    ["an empty confirmation", "8264", "", null],
    ["a shorter start still being typed", "8264", "82", null],
    ["the same value", "8264", "8264", "Matches"],
    ["a different value as long", "8264", "8265", "Does not match"],
    ["a longer value", "8264", "82641", "Does not match"],
  ])("says nothing or the match for %s", (_, value, confirmation, words) => {
    const note = matchNote();
    showMatch(note, value, confirmation);
    expect(note.hidden).toBe(words === null);
    if (words !== null) expect(note.textContent).toBe(words);
    expect(note.textContent).not.toContain(value);
  });
});

describe("small helpers", () => {
  it("Enter goes to the next empty field, then submits", () => {
    const order = ["pin", "confirm", "expiry", "last4"];
    expect(nextField(order, { pin: "1", confirm: "", expiry: "", last4: "" }, "pin")).toBe("confirm");
    expect(nextField(order, { pin: "1", confirm: "1", expiry: "", last4: "9" }, "confirm")).toBe("expiry");
    expect(nextField(order, { pin: "", confirm: "1", expiry: "1", last4: "9" }, "last4")).toBe("pin");
    expect(nextField(order, { pin: "1", confirm: "1", expiry: "1", last4: "9" }, "expiry")).toBe("submit");
    expect(nextField(order, { pin: "", confirm: "", expiry: "", last4: "" }, "pin")).toBe("pin");
  });

  it("picks the active profile of the provider, else its first", () => {
    const p = (id: string, provider: "vault" | "solid", active: boolean) => ({ profile: { id, provider }, active }) as ProfileView;
    expect(defaultProfile([p("s", "solid", true), p("v1", "vault", false), p("v2", "vault", false)], "vault")?.profile.id).toBe("v1");
    expect(defaultProfile([p("v1", "vault", false), p("v2", "vault", true)], "vault")?.profile.id).toBe("v2");
    expect(defaultProfile([p("s", "solid", true)], "vault")).toBeNull();
  });

  it("writes local clock times", () => {
    const at = new Date(2026, 10, 23, 9, 5, 7).getTime();
    expect(clockTime(at)).toBe("09:05:07");
    expect(clockTime("not a time")).toBe("not a time");
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import type { ErrorReport } from "../bindings/ErrorReport";
import { h } from "../dom";
import { asErrorReport, CATEGORY_WORDS, COPY_NOTE_SECS, errorView, showErrorIn, type ShownError } from "./error-view";

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

const refused: ErrorReport = { category: "rejected", message: "The code is wrong", field: "code", reference: "E-42", code: "rejected" };

/** What a slot shows: its message, category and reference, each `null` when absent. */
function shown(slot: HTMLElement) {
  return {
    message: slot.querySelector("[data-error-message]")?.textContent ?? null,
    category: slot.querySelector<HTMLElement>("[data-category]")?.dataset.category ?? null,
    categoryWords: slot.querySelector("[data-category]")?.textContent ?? null,
    reference: slot.querySelector("[data-reference]")?.textContent ?? null,
    copy: slot.querySelector('[data-action="copy-reference"]') !== null,
  };
}

describe("error view", () => {
  const cases: { name: string; error: ShownError; lead?: string; want: ReturnType<typeof shown> }[] = [
    {
      name: "a message of the UI's own: the message only",
      error: "Enter the card id.",
      want: { message: "Enter the card id.", category: null, categoryWords: null, reference: null, copy: false },
    },
    {
      name: "an app error without a reference: message and category",
      error: { category: "network", message: "no route", field: null, reference: null, code: "not_sent" },
      want: { message: "no route", category: "network", categoryWords: CATEGORY_WORDS.network, reference: null, copy: false },
    },
    {
      name: "an app error with a reference: message, category, reference and Copy",
      error: refused,
      want: { message: "The code is wrong", category: "rejected", categoryWords: "Refused by the provider", reference: "Ref: E-42", copy: true },
    },
    {
      name: "what failed goes before the message",
      error: { category: "internal", message: "disk full", field: null, reference: null, code: "internal" },
      lead: "The export failed",
      want: { message: "The export failed: disk full", category: "internal", categoryWords: "App error", reference: null, copy: false },
    },
  ];
  it.each(cases)("$name", ({ error, lead, want }) => {
    const slot = h("p", { hidden: true });
    showErrorIn(slot, error, lead);
    expect(slot.hidden).toBe(false);
    expect(shown(slot)).toEqual(want);
  });

  it("null empties and hides the slot", () => {
    const slot = h("p", {});
    showErrorIn(slot, refused);
    showErrorIn(slot, null);
    expect(slot.hidden).toBe(true);
    expect(slot.childNodes).toHaveLength(0);
  });

  it("words every category", () => {
    for (const words of Object.values(CATEGORY_WORDS)) expect(words).not.toBe("");
  });
});

describe("copying the reference", () => {
  const mounted = () => {
    const slot = h("p", {}, ...errorView(refused));
    document.body.append(slot);
    return {
      button: slot.querySelector<HTMLButtonElement>('[data-action="copy-reference"]')!,
      text: slot.querySelector<HTMLElement>("[data-reference]")!,
    };
  };
  const settle = () => vi.advanceTimersByTimeAsync(0);

  it("writes the reference to the clipboard and says so for a moment", async () => {
    vi.useFakeTimers();
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { clipboard: { writeText } });
    const { button } = mounted();
    button.click();
    await settle();
    expect(writeText).toHaveBeenCalledWith("E-42");
    expect(button.textContent).toBe("Copied");
    await vi.advanceTimersByTimeAsync(COPY_NOTE_SECS * 1000);
    expect(button.textContent).toBe("Copy");
  });

  it("selects the reference for Ctrl+C when the clipboard refuses", async () => {
    vi.useFakeTimers();
    vi.stubGlobal("navigator", { clipboard: { writeText: () => Promise.reject(new Error("not allowed")) } });
    const { button, text } = mounted();
    button.click();
    await settle();
    expect(button.textContent).toBe("Selected: press Ctrl+C");
    expect(document.getSelection()?.toString()).toBe(text.textContent);
  });
});

describe("asErrorReport", () => {
  const cases: { name: string; rejection: unknown; want: ErrorReport }[] = [
    { name: "an ErrorReport as it is", rejection: refused, want: refused },
    {
      name: "an ErrorReport missing its optional parts, with nulls",
      rejection: { category: "rejected", message: "m" },
      want: { category: "rejected", message: "m", field: null, reference: null, code: "rejected" },
    },
    {
      name: "a bridge failure as an internal error",
      rejection: new Error("bridge down"),
      want: { category: "internal", message: "bridge down", field: null, reference: null, code: "internal" },
    },
    {
      name: "a bare string as an internal error",
      rejection: "window closed",
      want: { category: "internal", message: "window closed", field: null, reference: null, code: "internal" },
    },
    {
      name: "anything without words as 'no answer'",
      rejection: { code: 7 },
      want: { category: "internal", message: "the app did not answer; try again", field: null, reference: null, code: "internal" },
    },
  ];
  it.each(cases)("turns $name", ({ rejection, want }) => {
    expect(asErrorReport(rejection)).toEqual(want);
  });
});

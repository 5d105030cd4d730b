import { describe, expect, it } from "vitest";
import {
  advance,
  canResend,
  enterAction,
  initialFlow,
  resendIn,
  RESEND_AFTER_SECS,
  type EnterAction,
  type VaultEvent,
  type VaultStep,
} from "./vault-flow";

const sent = (at = 1000): VaultEvent => ({ type: "sent", at });
const haveCode: VaultEvent = { type: "have-code", on: true };

interface Case {
  name: string;
  events: VaultEvent[];
  want: { step: VaultStep; haveCode: boolean; sentAt: number | null; locked: boolean };
  /** Enter in a field, with whether the confirmation is still empty, and what it does. */
  enter: [field: string, confirmEmpty: boolean, action: EnterAction][];
}

const cases: Case[] = [
  {
    name: "starts at the card id: Enter sends the code",
    events: [],
    want: { step: "card", haveCode: false, sentAt: null, locked: false },
    enter: [
      ["card", true, "send"],
      ["have-code", true, "send"],
      ["code", true, null],
    ],
  },
  {
    name: "a sent code is asked for and verified on Enter",
    events: [sent()],
    want: { step: "code", haveCode: false, sentAt: 1000, locked: false },
    enter: [
      ["code", true, "verify"],
      ["card", true, null],
    ],
  },
  {
    name: "a verified code leads to the passcode and its confirmation",
    events: [sent(), { type: "verified" }],
    want: { step: "passcode", haveCode: false, sentAt: 1000, locked: false },
    enter: [
      ["passcode", true, "focus-confirm"],
      ["passcode", false, "set"],
      ["confirm", false, "set"],
      ["code", true, null],
    ],
  },
  {
    name: "a set passcode ends the flow: Enter does nothing more",
    events: [sent(), { type: "verified" }, { type: "set" }],
    want: { step: "done", haveCode: false, sentAt: 1000, locked: false },
    enter: [
      ["confirm", false, null],
      ["card", true, null],
    ],
  },
  {
    name: "with an already verified code, Enter skips the send",
    events: [haveCode],
    want: { step: "card", haveCode: true, sentAt: null, locked: false },
    enter: [["card", true, "skip-to-code"]],
  },
  {
    name: "with an already verified code, the code is taken as entered, not verified",
    events: [haveCode, { type: "code-entered" }],
    want: { step: "code", haveCode: true, sentAt: null, locked: false },
    enter: [["code", true, "code-entered"]],
  },
  {
    name: "with an already verified code, nothing was sent on the way to the passcode",
    events: [haveCode, { type: "code-entered" }, { type: "code-entered" }],
    want: { step: "passcode", haveCode: true, sentAt: null, locked: false },
    enter: [["passcode", false, "set"]],
  },
  {
    name: "verify and set before a send change nothing",
    events: [{ type: "verified" }, { type: "set" }],
    want: { step: "card", haveCode: false, sentAt: null, locked: false },
    enter: [],
  },
  {
    name: "after a send, set and the verified-code box change nothing",
    events: [sent(0), { type: "set" }, haveCode],
    want: { step: "code", haveCode: false, sentAt: 0, locked: false },
    enter: [["card", true, null]],
  },
  {
    name: "an unknown outcome locks the flow: no blind retry",
    events: [sent(0), { type: "unknown" }, { type: "verified" }],
    want: { step: "code", haveCode: false, sentAt: 0, locked: true },
    enter: [
      ["code", true, null],
      ["card", true, null],
    ],
  },
];

describe("vault step machine", () => {
  it.each(cases)("$name", ({ events, want, enter }) => {
    const flow = events.reduce(advance, initialFlow());
    expect({ step: flow.step, haveCode: flow.haveCode, sentAt: flow.sentAt, locked: flow.locked }).toEqual(want);
    for (const [field, confirmEmpty, action] of enter) {
      expect(enterAction(flow, field, confirmEmpty), `Enter in ${field}`).toBe(action);
    }
  });

  it.each([
    ["a verified code", [sent(5), { type: "verified" }]],
    ["a locked flow", [sent(0), { type: "unknown" }]],
    ["the end", [sent(5), { type: "verified" }, { type: "set" }]],
  ] as [string, VaultEvent[]][])("cancel returns to an empty start from %s", (_, events) => {
    const flow = events.reduce(advance, initialFlow());
    expect(advance(flow, { type: "cancel" })).toEqual(initialFlow());
  });

  it("offers Resend only 30 s after the last send, and never while locked", () => {
    const flow = advance(initialFlow(), sent(10_000));
    expect(resendIn(flow, 10_000)).toBe(RESEND_AFTER_SECS);
    expect(canResend(flow, 39_999)).toBe(false);
    expect(resendIn(flow, 39_001)).toBe(1);
    expect(canResend(flow, 40_000)).toBe(true);
    expect(canResend(advance(flow, sent(40_000)), 40_000)).toBe(false);
    expect(canResend(advance(flow, { type: "unknown" }), 10 * 60_000)).toBe(false);
    expect(canResend(initialFlow(), 99_999)).toBe(false);
  });
});

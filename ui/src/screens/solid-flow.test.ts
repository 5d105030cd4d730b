import { describe, expect, it } from "vitest";
import {
  advance,
  enterAction,
  expiryProblem,
  holdsToken,
  initialSolidFlow,
  last4Problem,
  showsPinForm,
  tokenUsable,
  type SolidEnterAction,
  type SolidEvent,
  type SolidStep,
} from "./solid-flow";

const EMPTY = { pin: "", confirm: "", expiry: "", last4: "" };
const FULL = { pin: "8264", confirm: "8264", expiry: "11/2029", last4: "3738" };
const token = (cardId = "crd_1", canSetPin = true): SolidEvent => ({ type: "token", cardId, profile: "demo-solid", canSetPin });

interface Case {
  name: string;
  events: SolidEvent[];
  want: { step: SolidStep; locked: boolean; cardId: string | null; held: boolean; usable: boolean; pinForm: boolean };
  /** Enter in a field, with what the PIN form holds, and what it does. */
  enter: [field: string, values: Record<string, string>, action: SolidEnterAction][];
}

const cases: Case[] = [
  {
    name: "starts at the card id: Enter gets a token",
    events: [],
    want: { step: "card", locked: false, cardId: null, held: false, usable: false, pinForm: false },
    enter: [
      ["card", EMPTY, "get-token"],
      ["pin", FULL, null],
    ],
  },
  {
    name: "a token comes with the PIN form; Enter goes to the next empty field, then sets",
    events: [token()],
    want: { step: "token", locked: false, cardId: "crd_1", held: true, usable: true, pinForm: true },
    enter: [
      ["pin", EMPTY, { focus: "pin" }],
      ["pin", { ...EMPTY, pin: "8264" }, { focus: "confirm" }],
      ["expiry", { ...FULL, confirm: "" }, { focus: "confirm" }],
      ["last4", FULL, "set"],
      ["card", FULL, "get-token"],
    ],
  },
  {
    name: "a profile that cannot set PINs gets the token alone",
    events: [token("crd_1", false)],
    want: { step: "token", locked: false, cardId: "crd_1", held: true, usable: true, pinForm: false },
    enter: [["pin", FULL, null]],
  },
  {
    name: "an expired token is held but not usable: Set says so",
    events: [token(), { type: "expired" }],
    want: { step: "stale", locked: false, cardId: "crd_1", held: true, usable: false, pinForm: true },
    enter: [
      ["last4", FULL, "unusable"],
      ["card", EMPTY, "get-token"],
    ],
  },
  {
    name: "a token spent by a failed Set is held but not usable",
    events: [token(), { type: "spent" }],
    want: { step: "stale", locked: false, cardId: "crd_1", held: true, usable: false, pinForm: true },
    enter: [["last4", FULL, "unusable"]],
  },
  {
    name: "a new token replaces a stale one, for another card too",
    events: [token("crd_1"), { type: "expired" }, token("crd_2")],
    want: { step: "token", locked: false, cardId: "crd_2", held: true, usable: true, pinForm: true },
    enter: [["last4", FULL, "set"]],
  },
  {
    name: "a set PIN lets the token go; the card id takes a new one",
    events: [token(), { type: "set" }],
    want: { step: "done", locked: false, cardId: null, held: false, usable: false, pinForm: false },
    enter: [
      ["card", EMPTY, "get-token"],
      ["last4", FULL, null],
    ],
  },
  {
    name: "Discard lets the token go",
    events: [token(), { type: "discard" }],
    want: { step: "card", locked: false, cardId: null, held: false, usable: false, pinForm: false },
    enter: [["card", EMPTY, "get-token"]],
  },
  {
    name: "an unknown outcome locks the flow and the token can no longer be used",
    events: [token(), { type: "unknown" }],
    want: { step: "stale", locked: true, cardId: "crd_1", held: true, usable: false, pinForm: true },
    enter: [
      ["card", EMPTY, null],
      ["last4", FULL, "unusable"],
    ],
  },
  {
    name: "a locked flow ignores tokens, sets and expiry: no blind retry",
    events: [token(), { type: "unknown" }, token("crd_2"), { type: "set" }, { type: "expired" }],
    want: { step: "stale", locked: true, cardId: "crd_1", held: true, usable: false, pinForm: true },
    enter: [["card", EMPTY, null]],
  },
  {
    name: "a locked flow still discards its token",
    events: [token(), { type: "unknown" }, { type: "discard" }],
    want: { step: "card", locked: true, cardId: null, held: false, usable: false, pinForm: false },
    enter: [["card", EMPTY, null]],
  },
  {
    name: "an unknown outcome with no token held locks the card id",
    events: [{ type: "unknown" }],
    want: { step: "card", locked: true, cardId: null, held: false, usable: false, pinForm: false },
    enter: [["card", EMPTY, null]],
  },
  {
    name: "events out of order change nothing",
    events: [{ type: "expired" }, { type: "spent" }, { type: "set" }, { type: "discard" }],
    want: { step: "card", locked: false, cardId: null, held: false, usable: false, pinForm: false },
    enter: [],
  },
];

describe("solid step machine", () => {
  it.each(cases)("$name", ({ events, want, enter }) => {
    const flow = events.reduce(advance, initialSolidFlow());
    expect({
      step: flow.step,
      locked: flow.locked,
      cardId: flow.cardId,
      held: holdsToken(flow),
      usable: tokenUsable(flow),
      pinForm: showsPinForm(flow),
    }).toEqual(want);
    for (const [field, values, action] of enter) {
      expect(enterAction(flow, field, values), `Enter in ${field}`).toEqual(action);
    }
  });

  it.each([
    ["a held token", [token()]],
    ["a locked flow", [token(), { type: "unknown" }]],
    ["a set PIN", [token(), { type: "set" }]],
  ] as [string, SolidEvent[]][])("cancel returns to an empty start from %s", (_, events) => {
    const flow = events.reduce(advance, initialSolidFlow());
    expect(advance(flow, { type: "cancel" })).toEqual(initialSolidFlow());
  });
});

describe("PIN form checks", () => {
  it.each([
    ["11/2029", null],
    ["1/2029", null],
    [" 09/2031 ", null],
    ["13/2029", "Write the expiry as MM/YYYY."],
    ["00/2029", "Write the expiry as MM/YYYY."],
    ["11/29", "Write the expiry as MM/YYYY."],
    ["", "Write the expiry as MM/YYYY."],
  ])("expiry %j: %s", (value, problem) => {
    expect(expiryProblem(value)).toBe(problem);
  });

  it.each([
    ["3738", null],
    [" 3738 ", null],
    ["373", "Enter the card's last 4 digits."],
    ["37381", "Enter the card's last 4 digits."],
    ["37a8", "Enter the card's last 4 digits."],
  ])("last4 %j: %s", (value, problem) => {
    expect(last4Problem(value)).toBe(problem);
  });
});

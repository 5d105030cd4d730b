import { describe, expect, it } from "vitest";
import { advance, canResend, enterAction, initialFlow, resendIn, RESEND_AFTER_SECS } from "./vault-flow";

describe("vault step machine", () => {
  it("goes card → code → passcode → done on the SMS path", () => {
    let flow = initialFlow();
    expect(enterAction(flow, "card", true)).toBe("send");
    flow = advance(flow, { type: "sent", at: 1000 });
    expect(flow.step).toBe("code");
    expect(enterAction(flow, "code", true)).toBe("verify");
    flow = advance(flow, { type: "verified" });
    expect(flow.step).toBe("passcode");
    expect(enterAction(flow, "passcode", true)).toBe("focus-confirm");
    expect(enterAction(flow, "passcode", false)).toBe("set");
    expect(enterAction(flow, "confirm", false)).toBe("set");
    flow = advance(flow, { type: "set" });
    expect(flow.step).toBe("done");
    expect(enterAction(flow, "confirm", false)).toBeNull();
  });

  it("skips send and verify with an already verified code", () => {
    let flow = advance(initialFlow(), { type: "have-code", on: true });
    expect(enterAction(flow, "card", true)).toBe("skip-to-code");
    flow = advance(flow, { type: "code-entered" });
    expect(flow.step).toBe("code");
    expect(enterAction(flow, "code", true)).toBe("code-entered");
    flow = advance(flow, { type: "code-entered" });
    expect(flow.step).toBe("passcode");
    expect(flow.sentAt).toBeNull();
  });

  it("ignores events out of order", () => {
    const start = initialFlow();
    expect(advance(start, { type: "verified" })).toEqual(start);
    expect(advance(start, { type: "set" })).toEqual(start);
    const code = advance(start, { type: "sent", at: 0 });
    expect(advance(code, { type: "set" })).toEqual(code);
    expect(advance(code, { type: "have-code", on: true })).toEqual(code);
    expect(enterAction(code, "card", true)).toBeNull();
  });

  it("locks on an unknown outcome until cancelled: no blind retry", () => {
    let flow = advance(initialFlow(), { type: "sent", at: 0 });
    flow = advance(flow, { type: "unknown" });
    expect(flow.locked).toBe(true);
    expect(enterAction(flow, "code", true)).toBeNull();
    expect(advance(flow, { type: "verified" })).toEqual(flow);
    expect(canResend(flow, 10 * 60_000)).toBe(false);
    expect(advance(flow, { type: "cancel" })).toEqual(initialFlow());
  });

  it("offers Resend only 30 s after the last send", () => {
    const flow = advance(initialFlow(), { type: "sent", at: 10_000 });
    expect(resendIn(flow, 10_000)).toBe(RESEND_AFTER_SECS);
    expect(canResend(flow, 39_999)).toBe(false);
    expect(resendIn(flow, 39_001)).toBe(1);
    expect(canResend(flow, 40_000)).toBe(true);
    const again = advance(flow, { type: "sent", at: 40_000 });
    expect(canResend(again, 40_000)).toBe(false);
    expect(canResend(initialFlow(), 99_999)).toBe(false);
  });

  it("cancel returns to an empty start from anywhere", () => {
    const flow = advance(advance(initialFlow(), { type: "sent", at: 5 }), { type: "verified" });
    expect(advance(flow, { type: "cancel" })).toEqual(initialFlow());
  });
});

import { describe, expect, it, vi } from "vitest";
import type { PolicyDescription } from "../bindings/PolicyDescription";
import { policySource } from "./policy-source";

const FOUR_DIGITS: PolicyDescription = {
  field: "pin",
  rules: [
    { rule: "too_short", message: "the PIN must have exactly 4 digits", check: { kind: "min_length", min: 4 }, stop_if_broken: false },
  ],
};

describe("policy source", () => {
  it("asks for each profile's policy once, with the profile only, and evaluates in the page", async () => {
    let profile: string | null = "a";
    const load = vi.fn(async (_: string | null) => FOUR_DIGITS);
    const rules = policySource(load, () => profile);
    expect((await rules("12")).map((r) => r.rule)).toEqual(["too_short"]);
    expect(await rules("1234")).toEqual([]);
    expect(load.mock.calls).toEqual([["a"]]);
    profile = "b";
    await rules("123");
    profile = "a";
    await rules("1");
    expect(load.mock.calls).toEqual([["a"], ["b"]]);
  });

  it("asks again after a failed request, and fails the check meanwhile", async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error("bridge down")).mockResolvedValue(FOUR_DIGITS);
    const rules = policySource(load, () => null);
    await expect(rules("12")).rejects.toThrow("bridge down");
    expect((await rules("12")).map((r) => r.rule)).toEqual(["too_short"]);
    expect(load).toHaveBeenCalledTimes(2);
  });
});

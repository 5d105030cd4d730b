/**
 * The shared table of policy cases (`tests/fixtures/policy-cases.json`), also read by
 * pindesk-core's `tests/policy_cases.rs`: the UI's evaluation of each policy description
 * breaks exactly the rules a case lists, in order, with the description's words — the rules
 * the backend checks, evaluated here without the candidate leaving the page.
 */
import { describe, expect, it } from "vitest";
import type { PolicyDescription } from "../bindings/PolicyDescription";
import table from "../../../tests/fixtures/policy-cases.json";
import { brokenRules } from "./policy";

interface Table {
  policies: { id: string; kind: string; description: PolicyDescription }[];
  cases: { policy: string; candidate: string; broken: string[] }[];
}

const shared = table as unknown as Table;
const description = (id: string): PolicyDescription => {
  const entry = shared.policies.find((p) => p.id === id);
  if (!entry) throw new Error(`unknown policy ${id}`);
  return entry.description;
};

describe("policy cases (shared with the Rust tests)", () => {
  it("holds cases for every policy", () => {
    expect(shared.cases.length).toBeGreaterThanOrEqual(100);
    for (const p of shared.policies) expect(shared.cases.some((c) => c.policy === p.id), p.id).toBe(true);
  });

  it.each(shared.cases.map((c) => [c.policy, JSON.stringify(c.candidate), c] as const))(
    "%s with %s breaks the listed rules",
    (policy, _, c) => {
      const d = description(policy);
      const broken = brokenRules(d, c.candidate);
      expect(broken.map((r) => r.rule)).toEqual(c.broken);
      for (const r of broken) expect(r.message).toBe(d.rules.find((rule) => rule.rule === r.rule)?.message);
    },
  );
});

import { describe, expect, it } from "vitest";
import type { EnvironmentKind } from "../bindings/EnvironmentKind";
import { badge, badgeLook } from "./badge";

const ENVIRONMENTS: EnvironmentKind[] = ["demo", "sandbox", "production", "local"];

describe("environment badge", () => {
  it("says DEMO, SANDBOX and PRODUCTION in words", () => {
    expect(badgeLook("demo").label).toBe("DEMO");
    expect(badgeLook("sandbox").label).toBe("SANDBOX");
    expect(badgeLook("production").label).toBe("PRODUCTION");
  });

  it("gives every environment its own text and its own colour class", () => {
    const labels = new Set(ENVIRONMENTS.map((e) => badgeLook(e).label));
    const classes = new Set(ENVIRONMENTS.map((e) => badgeLook(e).className));
    expect(labels.size).toBe(ENVIRONMENTS.length);
    expect(classes.size).toBe(ENVIRONMENTS.length);
  });

  it("renders text, a colour class and a description", () => {
    const el = badge("production");
    expect(el.textContent).toBe("PRODUCTION");
    expect(el.classList.contains("badge--production")).toBe(true);
    expect(el.dataset.environment).toBe("production");
    expect(el.title).toMatch(/real cards/i);
  });
});

import { describe, expect, it } from "vitest";
import type { ProfileView } from "./bindings/ProfileView";
import { profileName, secretField, secretsOf } from "./views";

describe("views", () => {
  it("names each secret kind as its form field", () => {
    expect(["access-token", "refresh-token", "sign-in-phone", "sign-in-password", "api-key"].map((k) => secretField(k as never))).toEqual([
      "access_token",
      "refresh_token",
      "sign_in_phone",
      "sign_in_password",
      "api_key",
    ]);
  });

  it("lists a profile's secrets by field and names it by its display name, else its id", () => {
    const view: ProfileView = {
      profile: { id: "acme", display_name: "", provider: "solid", environment: "sandbox", solid: { token_lifetime_secs: 300 } },
      active: false,
      demo: false,
      environment_kind: "sandbox",
      environment_label: "sandbox",
      secrets: [["api-key", "missing"]],
      warnings: [],
    };
    expect(secretsOf(view)).toEqual([{ field: "api_key", state: "missing" }]);
    expect(profileName(view)).toBe("acme");
    expect(profileName({ ...view, profile: { ...view.profile, display_name: "Acme" } })).toBe("Acme");
  });
});

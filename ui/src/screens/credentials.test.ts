import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProfileView } from "../bindings/ProfileView";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

const { SCREENS } = await import("./index");
const { mountShell } = await import("../shell/shell");

const demo: ProfileView = {
  profile: {
    id: "demo-vault",
    display_name: "Demo Vault",
    provider: "vault",
    environment: "http://127.0.0.1:4010",
    vault: { rsa_padding: "pkcs1", auth: "token" },
  },
  active: true,
  demo: true,
  environment_kind: "demo",
  environment_label: "demo",
  secrets: [["access-token", "demo"]],
  warnings: [],
};
const solid: ProfileView = {
  profile: {
    id: "acme",
    display_name: "Acme",
    provider: "solid",
    environment: "http://127.0.0.1:4010",
    solid: { token_lifetime_secs: 300 },
  },
  active: false,
  demo: false,
  environment_kind: "local",
  environment_label: "http://127.0.0.1:4010",
  secrets: [["api-key", "stored"]],
  warnings: ["plain HTTP, not encrypted (environment): only for a local forwarder or test server"],
};

let root: HTMLElement;
let profiles: ProfileView[];
const flush = () => new Promise((r) => setTimeout(r, 0));
const $ = <E extends Element = HTMLElement>(css: string) => root.querySelector<E & HTMLElement>(css)!;
const click = (css: string) => $<HTMLButtonElement>(css).click();
const type = (css: string, value: string) => {
  $<HTMLInputElement>(css).value = value;
};

beforeEach(async () => {
  profiles = [demo, solid];
  invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => {
    switch (cmd) {
      case "list_profiles":
        return profiles;
      case "app_info":
        return {
          version: "1",
          mode: "normal",
          demo: false,
          idle_timeout_secs: 300,
          active_profile: { name: "Acme", provider: "solid", environment: "local" },
        };
      case "save_profile":
        return { ...solid, profile: { ...solid.profile, id: (args?.input as { id: string }).id } };
      default:
        return null;
    }
  });
  document.body.replaceChildren();
  root = document.createElement("div");
  document.body.append(root);
  const shell = mountShell(root, SCREENS, null);
  shell.show("credentials");
  await flush();
});
afterEach(() => invoke.mockReset());

describe("Credentials screen", () => {
  it("lists profiles with badge, active marker and secrets only as their state", () => {
    const items = root.querySelectorAll("[data-profile-id]");
    expect(items).toHaveLength(2);
    expect($('[data-profile-id="demo-vault"] .badge').textContent).toBe("DEMO");
    expect($('[data-profile-id="demo-vault"] [data-active-marker]')).toBeTruthy();
    expect($('[data-profile-id="acme"] .badge').textContent).toBe("LOCAL");
    expect($('[data-profile-id="acme"] [data-secret-kind="api_key"]').textContent).toBe("API key: stored");
  });

  it("warns of a plain-HTTP profile in the list and, live, in the editor", () => {
    expect($('[data-profile-id="acme"] [data-profile-warning]').textContent).toBe(
      "Warning: plain HTTP, not encrypted (environment): only for a local forwarder or test server",
    );
    expect(root.querySelector('[data-profile-id="demo-vault"] [data-profile-warning]')).toBeNull();
    click('[data-profile-id="acme"] [data-action="edit"]');
    const note = $("[data-plain-http]");
    expect(note.hidden).toBe(false);
    expect(note.textContent).toContain("(environment)");
    const url = $<HTMLInputElement>("#profile-base-url");
    url.value = "https://api.example.com";
    url.dispatchEvent(new Event("input", { bubbles: true }));
    expect(note.hidden).toBe(true);
    const pin = $<HTMLInputElement>("#profile-pin-endpoint");
    pin.value = "http://127.0.0.1:9";
    pin.dispatchEvent(new Event("input", { bubbles: true }));
    expect(note.hidden).toBe(false);
    expect(note.textContent).toContain("(pin_endpoint)");
  });

  it("says, as it happens, that moving where the credentials go needs them typed again", () => {
    click('[data-profile-id="acme"] [data-action="edit"]');
    const note = $("[data-moved-credentials]");
    expect(note.hidden).toBe(true);
    const name = $<HTMLInputElement>("#profile-display-name");
    name.value = "Acme desk";
    name.dispatchEvent(new Event("input", { bubbles: true }));
    expect(note.hidden).toBe(true);
    const pin = $<HTMLInputElement>("#profile-pin-endpoint");
    pin.value = "https://pin.example.com";
    pin.dispatchEvent(new Event("input", { bubbles: true }));
    expect(note.hidden).toBe(false);
    expect(note.textContent).toBe("This change sends the profile's credentials somewhere new (pin_endpoint): type them again.");
  });

  it("offers no edit or remove for a demo profile", () => {
    expect(root.querySelector('[data-profile-id="demo-vault"] [data-action="edit"]')).toBeNull();
    expect(root.querySelector('[data-profile-id="demo-vault"] [data-action="remove"]')).toBeNull();
    expect(root.querySelector('[data-profile-id="acme"] [data-action="edit"]')).toBeTruthy();
  });

  it("edits with every secret field masked, empty and saying it keeps the stored secret", async () => {
    click('[data-profile-id="acme"] [data-action="edit"]');
    const key = $<HTMLInputElement>("#profile-api-key");
    expect(key.type).toBe("password");
    expect(key.value).toBe("");
    expect($("#profile-api-key-hint").textContent).toContain("leave empty to keep the stored secret");
    expect($<HTMLInputElement>("#profile-id").readOnly).toBe(true);
    click('[data-form="profile"] [data-action="save"]');
    await flush();
    const call = invoke.mock.calls.find((c) => c[0] === "save_profile")!;
    expect(call[1]).toMatchObject({ isNew: false, secrets: { api_key: null }, input: { environment: "http://127.0.0.1:4010" } });
  });

  it("adds a profile and clears the secret from the form once sent", async () => {
    click('[data-action="add"]');
    type("#profile-id", "new-solid");
    const provider = $<HTMLSelectElement>("#profile-provider");
    provider.value = "solid";
    provider.dispatchEvent(new Event("change"));
    const env = $<HTMLSelectElement>("#profile-environment-kind");
    env.value = "custom";
    env.dispatchEvent(new Event("change"));
    type("#profile-base-url", "http://127.0.0.1:4010");
    const key = $<HTMLInputElement>("#profile-api-key");
    key.value = "sk_test_secret";
    click('[data-form="profile"] [data-action="save"]');
    await flush();
    expect(key.value).toBe("");
    const call = invoke.mock.calls.find((c) => c[0] === "save_profile")!;
    expect(call[1]).toMatchObject({ isNew: true, secrets: { api_key: "sk_test_secret", access_token: null } });
    expect(root.querySelector('[data-form="profile"]')).toBeNull();
    expect($("[data-notice]").textContent).toContain("Added the profile new-solid");
  });

  it("shows an app error at the field it names, as the app words it", async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === "save_profile") {
        throw { category: "validation", message: "environment: use https://", field: "environment", reference: null, code: "invalid_input" };
      }
      return cmd === "list_profiles" ? profiles : null;
    });
    click('[data-profile-id="acme"] [data-action="edit"]');
    click('[data-form="profile"] [data-action="save"]');
    await flush();
    expect($('[data-error-for="environment"] [data-error-message]').textContent).toBe("environment: use https://");
    expect($('[data-error-for="environment"] [data-category]').dataset.category).toBe("validation");
    expect($("#profile-base-url").getAttribute("aria-invalid")).toBe("true");
  });

  it("removes only after a confirmation", async () => {
    click('[data-profile-id="acme"] [data-action="remove"]');
    expect(invoke.mock.calls.some((c) => c[0] === "remove_profile")).toBe(false);
    expect($("[role=alertdialog]").textContent).toContain("OS keyring");
    click('[data-action="confirm-remove"]');
    await flush();
    expect(invoke.mock.calls.find((c) => c[0] === "remove_profile")?.[1]).toEqual({ id: "acme" });
  });

  it("offers Sign out only for a stored Vault sign-in and says the result", async () => {
    expect(root.querySelector('[data-action="sign-out"]')).toBeNull();
    profiles = [
      demo,
      solid,
      {
        ...solid,
        profile: {
          id: "bank",
          display_name: "Bank",
          provider: "vault",
          environment: "https://api.vault.example-bank.com",
          vault: { rsa_padding: "pkcs1", auth: "sign-in", merchant_id: "3fa85f64-5717-4562-b3fc-2c963f66afa6" },
        },
        environment_kind: "production",
        environment_label: "https://api.vault.example-bank.com",
        secrets: [["sign-in-phone", "stored"], ["sign-in-password", "stored"]],
      },
    ];
    const base = invoke.getMockImplementation()!;
    invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) =>
      cmd === "sign_out_profile" ? "Signed out of Vault; the token was deleted from this computer." : base(cmd, args),
    );
    root.replaceChildren();
    mountShell(root, SCREENS, null).show("credentials");
    await flush();
    expect($('[data-profile-id="bank"] .badge').textContent).toBe("PRODUCTION");
    expect(root.querySelector('[data-profile-id="acme"] [data-action="sign-out"]')).toBeNull();
    click('[data-profile-id="bank"] [data-action="sign-out"]');
    await flush();
    expect(invoke.mock.calls.find((c) => c[0] === "sign_out_profile")?.[1]).toEqual({ id: "bank" });
    expect($('[data-profile-id="bank"]').textContent).toContain("Signed out of Vault");
  });

  it("switches the active profile and redraws the status bar", async () => {
    click('[data-profile-id="acme"] [data-action="use"]');
    await flush();
    await flush();
    expect(invoke.mock.calls.find((c) => c[0] === "use_profile")?.[1]).toEqual({ id: "acme" });
    expect($("[data-status-bar]").textContent).toContain("Acme");
    expect($("[data-status-bar] .badge").textContent).toBe("LOCAL");
  });

  it("asks a Solid test for a card id and says the result in words", async () => {
    invoke.mockImplementation(async (cmd: string) =>
      cmd === "list_profiles" ? profiles : cmd === "test_profile" ? "Solid issued a PIN token" : null,
    );
    click('[data-profile-id="acme"] [data-action="test"]');
    click('[data-form="test"] [data-action="run-test"]');
    expect($('[data-error-for="card_id"]').textContent).toContain("card id");
    type('[data-form="test"] input', "crd_1");
    click('[data-form="test"] [data-action="run-test"]');
    await flush();
    expect(invoke.mock.calls.find((c) => c[0] === "test_profile")?.[1]).toEqual({ id: "acme", card: "crd_1", ticket: null });
    expect($('[data-profile-id="acme"] [data-test-result]').textContent).toBe("Connection works: Solid issued a PIN token");
  });

  it("says a refused key in the app's words", async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === "test_profile") {
        throw { category: "credentials", message: "Solid refused the API key (HTTP 401). Check the profile's API key.", field: null, reference: "req_1", code: "unauthorized" };
      }
      return cmd === "list_profiles" ? profiles : null;
    });
    click('[data-profile-id="demo-vault"] [data-action="test"]');
    await flush();
    const result = $('[data-profile-id="demo-vault"] [data-test-result]');
    expect(result.textContent).toContain("Solid refused the API key (HTTP 401). Check the profile's API key.");
    expect(result.querySelector("[data-reference]")?.textContent).toBe("Ref: req_1");
    expect(result.dataset.ok).toBe("false");
  });
});

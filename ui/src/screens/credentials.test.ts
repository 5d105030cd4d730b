import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProfileView } from "../bindings/ProfileView";
import { choose, flush, type } from "../test-dom";

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
/** A Solid profile behind a proxy that asks for credentials, trusting the OS store. */
const proxied: ProfileView = {
  ...solid,
  profile: {
    id: "branch",
    display_name: "Branch",
    provider: "solid",
    environment: "sandbox",
    solid: { token_lifetime_secs: 300, pin_endpoint: "https://pin.example.com" },
    network: { proxy: "http://ops@proxy.example.com:3128", ca: "os" },
  },
  environment_kind: "sandbox",
  environment_label: "sandbox",
  secrets: [["api-key", "stored"], ["proxy-password", "stored"]],
  warnings: [],
};

let root: HTMLElement;
let profiles: ProfileView[];
const $ = <E extends Element = HTMLElement>(css: string) => root.querySelector<E & HTMLElement>(css)!;
const click = (css: string) => $<HTMLButtonElement>(css).click();
/** Draws the screen again, on the profiles `profiles` holds now. */
const remount = async () => {
  root.replaceChildren();
  mountShell(root, SCREENS, null).show("credentials");
  await flush();
};
/** Makes the app refuse the next saves with a validation error at `field`. */
const refuseSave = (field: string, message: string) => {
  const base = invoke.getMockImplementation()!;
  invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => {
    if (cmd === "save_profile") throw { category: "validation", message, field, reference: null, code: "invalid_input" };
    return base(cmd, args);
  });
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
    type("#profile-base-url", "https://api.example.com");
    expect(note.hidden).toBe(true);
    type("#profile-pin-endpoint", "http://127.0.0.1:9");
    expect(note.hidden).toBe(false);
    expect(note.textContent).toContain("(pin_endpoint)");
  });

  it("says, as it happens, that moving where the credentials go needs them typed again", () => {
    click('[data-profile-id="acme"] [data-action="edit"]');
    const note = $("[data-moved-credentials]");
    expect(note.hidden).toBe(true);
    type("#profile-display-name", "Acme desk");
    expect(note.hidden).toBe(true);
    type("#profile-pin-endpoint", "https://pin.example.com");
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
    choose("#profile-provider", "solid");
    choose("#profile-environment-kind", "custom");
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
    refuseSave("environment", "environment: use https://");
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
    await remount();
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

describe("Credentials screen: network", () => {
  const saved = () => invoke.mock.calls.find((c) => c[0] === "save_profile")![1] as { input: Record<string, unknown>; secrets: Record<string, unknown> };
  const row = (id: string) => $(`#${id}`).closest<HTMLElement>("[data-field-row]")!;
  const editProxied = async () => {
    profiles = [demo, solid, proxied];
    await remount();
    click('[data-profile-id="branch"] [data-action="edit"]');
  };
  const addSolid = () => {
    click('[data-action="add"]');
    type("#profile-id", "new-solid");
    choose("#profile-provider", "solid");
    type("#profile-api-key", "sk_test_secret");
  };

  it("shows a short network line only for a profile off the defaults, and never a password", async () => {
    expect(root.querySelector("[data-network]")).toBeNull();
    profiles = [demo, solid, proxied];
    await remount();
    expect($('[data-profile-id="branch"] [data-network]').textContent).toBe(
      "Network: via proxy http://ops@proxy.example.com:3128 · trusts the system's trust store",
    );
    expect($('[data-profile-id="branch"] [data-secret-kind="proxy_password"]').textContent).toBe("Proxy password: stored");
    expect(root.querySelector('[data-profile-id="acme"] [data-network]')).toBeNull();
  });

  it("sends the network settings, and the proxy password only in the secrets, then forgets it", async () => {
    addSolid();
    type("#profile-pin-endpoint", "https://pin.example.com");
    type("#profile-proxy", "http://ops@proxy.example.com:3128");
    type("#profile-pin-proxy", "none");
    choose("#profile-ca-choice", "pem");
    type("#profile-ca", "/etc/pindesk/bank.pem");
    type("#profile-proxy-password", "hunter2");
    const password = $<HTMLInputElement>("#profile-proxy-password");
    profiles = [demo, solid, { ...proxied, profile: { ...proxied.profile, id: "new-solid" } }];
    click('[data-form="profile"] [data-action="save"]');
    await flush();
    const { input, secrets } = saved();
    expect(input).toMatchObject({ proxy: "http://ops@proxy.example.com:3128", pin_proxy: "none", ca: "/etc/pindesk/bank.pem" });
    expect(secrets).toMatchObject({ api_key: "sk_test_secret", proxy_password: "hunter2" });
    expect(JSON.stringify(input)).not.toContain("hunter2");
    expect(password.value).toBe("");
    expect(root.querySelector('[data-form="profile"]')).toBeNull();
    const values = [...root.querySelectorAll("input")].map((i) => i.value);
    expect([root.textContent, ...values].filter((text) => text?.includes("hunter2"))).toEqual([]);
    expect($('[data-profile-id="new-solid"] [data-network]').textContent).toContain("via proxy http://ops@proxy.example.com:3128");
  });

  it("sends no network setting when the fields are left empty, so the defaults apply", async () => {
    addSolid();
    click('[data-form="profile"] [data-action="save"]');
    await flush();
    const { input, secrets } = saved();
    expect(["proxy", "pin_proxy", "ca"].filter((k) => k in input)).toEqual([]);
    expect("proxy_password" in secrets).toBe(false);
  });

  it.each([
    ["#profile-proxy", "", false],
    ["#profile-proxy", "system", false],
    ["#profile-proxy", "http://proxy.example.com:3128", false],
    ["#profile-proxy", "http://ops@proxy.example.com:3128", true],
    ["#profile-proxy", "socks5://desk@10.0.0.1:1080", true],
    ["#profile-pin-proxy", "http://pci@egress.example.com:8080", true],
  ])("asks for the proxy password only when a proxy names a user: %s %j", (css, value, shown) => {
    addSolid();
    type(css, value);
    expect(row("profile-proxy-password").hidden).toBe(!shown);
  });

  it("offers the PIN endpoint proxy only for Solid, and a path only for a PEM file", () => {
    click('[data-action="add"]');
    expect(row("profile-pin-proxy").hidden).toBe(true);
    expect($<HTMLInputElement>("#profile-proxy").placeholder).toBe("none, system or http://proxy.example.com:3128");
    choose("#profile-provider", "solid");
    expect(row("profile-pin-proxy").hidden).toBe(false);
    expect(row("profile-ca").hidden).toBe(true);
    choose("#profile-ca-choice", "pem");
    expect(row("profile-ca").hidden).toBe(false);
    choose("#profile-ca-choice", "os");
    expect(row("profile-ca").hidden).toBe(true);
  });

  it("fills the network fields when editing, with the stored proxy password kept unless typed", async () => {
    await editProxied();
    expect($<HTMLInputElement>("#profile-proxy").value).toBe("http://ops@proxy.example.com:3128");
    expect($<HTMLSelectElement>("#profile-ca-choice").value).toBe("os");
    const password = $<HTMLInputElement>("#profile-proxy-password");
    expect([password.type, password.value, row("profile-proxy-password").hidden]).toEqual(["password", "", false]);
    expect($("#profile-proxy-password-hint").textContent).toContain("leave empty to keep the stored secret");
    click('[data-form="profile"] [data-action="save"]');
    await flush();
    const { input, secrets } = saved();
    expect(input).toMatchObject({ proxy: "http://ops@proxy.example.com:3128", ca: "os" });
    expect("proxy_password" in secrets).toBe(false);
  });

  it.each([
    ["the proxy", () => type("#profile-proxy", "http://proxy2.example.com:3128"), "proxy"],
    ["no proxy", () => type("#profile-proxy", ""), "proxy"],
    ["a PIN endpoint proxy", () => type("#profile-pin-proxy", "none"), "pin_proxy"],
    ["the trust", () => choose("#profile-ca-choice", "bundled"), "ca"],
    ["a PEM file", () => (choose("#profile-ca-choice", "pem"), type("#profile-ca", "/etc/pindesk/bank.pem")), "ca"],
    ["the proxy and the trust", () => (type("#profile-proxy", "system"), choose("#profile-ca-choice", "bundled")), "proxy, ca"],
  ])("says that moving %s needs the credentials typed again", async (_, edit, moved) => {
    await editProxied();
    const note = $("[data-moved-credentials]");
    expect(note.hidden).toBe(true);
    edit();
    expect(note.hidden).toBe(false);
    expect(note.textContent).toBe(`This change sends the profile's credentials somewhere new (${moved}): type them again.`);
  });

  it("says nothing moved for the same proxy spelt otherwise", async () => {
    await editProxied();
    type("#profile-proxy", "HTTP://ops@Proxy.Example.com:3128/");
    expect($("[data-moved-credentials]").hidden).toBe(true);
  });

  it.each([
    ["proxy", () => {}, "proxy", "profile-proxy"],
    ["pin_proxy", () => {}, "pin_proxy", "profile-pin-proxy"],
    ["proxy_password", () => {}, "proxy_password", "profile-proxy-password"],
    ["ca", () => {}, "ca_choice", "profile-ca-choice"],
    ["ca", () => (choose("#profile-ca-choice", "pem"), type("#profile-ca", "/nope.pem")), "ca", "profile-ca"],
  ])("shows an app error about %s at its field", async (field, setup, slot, id) => {
    await editProxied();
    setup();
    refuseSave(field, `${field}: refused`);
    click('[data-form="profile"] [data-action="save"]');
    await flush();
    expect($(`[data-error-for="${slot}"] [data-error-message]`).textContent).toBe(`${field}: refused`);
    expect($(`#${id}`).getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement?.id).toBe(id);
    expect($('[data-error-for="form"]').hidden).toBe(true);
  });

  it("shows the proxy password field when the app asks for one the form did not expect", async () => {
    click('[data-profile-id="acme"] [data-action="edit"]');
    expect(row("profile-proxy-password").hidden).toBe(true);
    refuseSave("proxy_password", "the proxy asks for user desk: give its password, so it goes only to this proxy");
    click('[data-form="profile"] [data-action="save"]');
    await flush();
    expect(row("profile-proxy-password").hidden).toBe(false);
    expect($('[data-error-for="proxy_password"] [data-error-message]').textContent).toContain("the proxy asks for user desk");
    type("#profile-proxy-password", "pw");
    invoke.mockClear();
    click('[data-form="profile"] [data-action="save"]');
    await flush();
    expect(saved().secrets.proxy_password).toBe("pw");
  });

  it("checks a PEM file's path before sending", async () => {
    await editProxied();
    choose("#profile-ca-choice", "pem");
    click('[data-form="profile"] [data-action="save"]');
    await flush();
    expect($('[data-error-for="ca"] [data-error-message]').textContent).toBe("enter the absolute path of the PEM file");
    expect(invoke.mock.calls.some((c) => c[0] === "save_profile")).toBe(false);
  });

  it("shows the test's answer whole, with the network it used", async () => {
    const answer =
      "Vault answered with its RSA key. Network: proxy http://ops@proxy.example.com:3128; trusting the bundled web roots + /etc/pindesk/roots/bank-inspection-root.pem.";
    const base = invoke.getMockImplementation()!;
    invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => (cmd === "test_profile" ? answer : base(cmd, args)));
    click('[data-profile-id="demo-vault"] [data-action="test"]');
    await flush();
    expect($('[data-profile-id="demo-vault"] [data-test-result]').textContent).toBe(`Connection works: ${answer}`);
  });
});


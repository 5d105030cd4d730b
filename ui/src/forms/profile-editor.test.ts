import { describe, expect, it } from "vitest";
import type { ProfileView } from "../bindings/ProfileView";
import {
  checkValues,
  emptyValues,
  formFieldFor,
  movedDestinations,
  plainHttpFields,
  secretStateWords,
  toInput,
  toSecrets,
  valuesFrom,
  type ProfileFormValues,
} from "./profile-editor";

const stored: ProfileView = {
  profile: {
    id: "acme-solid",
    display_name: "Acme Solid",
    provider: "solid",
    environment: "http://127.0.0.1:4010",
    solid: { pin_endpoint: "https://pin.example.com", token_lifetime_secs: 120 },
  },
  active: false,
  demo: false,
  environment_kind: "local",
  environment_label: "http://127.0.0.1:4010",
  secrets: [["api-key", "stored"]],
  warnings: [],
};

describe("profile form", () => {
  it("fills an edit form with the settings and never a secret", () => {
    const v = valuesFrom(stored);
    expect(v).toMatchObject({
      id: "acme-solid",
      provider: "solid",
      environment: "custom",
      baseUrl: "http://127.0.0.1:4010",
      pinEndpoint: "https://pin.example.com",
      tokenLifetimeSecs: "120",
    });
    expect([v.apiKey, v.accessToken, v.phone, v.password]).toEqual(["", "", "", ""]);
  });

  it("keeps the stored secret on an edit when the secret field is left empty", () => {
    expect(toSecrets(valuesFrom(stored))).toEqual({ access_token: null, phone: null, password: null, api_key: null });
    expect(checkValues(valuesFrom(stored), false)).toBeNull();
  });

  it("sends only the secrets the provider and sign-in kind use", () => {
    const vault = { ...emptyValues("vault"), accessToken: "tok", phone: "+1555", password: "pw", apiKey: "key" };
    expect(toSecrets(vault)).toEqual({ access_token: "tok", phone: null, password: null, api_key: null });
    expect(toSecrets({ ...vault, signIn: true })).toEqual({ access_token: null, phone: "+1555", password: "pw", api_key: null });
    expect(toSecrets({ ...vault, provider: "solid" })).toEqual({ access_token: null, phone: null, password: null, api_key: "key" });
  });

  it("turns the environment choice into the value the app parses", () => {
    const v = { ...emptyValues("solid"), id: "x", environment: "custom" as const, baseUrl: " http://127.0.0.1:9 " };
    expect(toInput(v).environment).toBe("http://127.0.0.1:9");
    expect(toInput({ ...v, environment: "production" }).environment).toBe("production");
    expect(toInput({ ...v, tokenLifetimeSecs: "90" }).token_lifetime_secs).toBe(90);
    expect(toInput(v).merchant_id).toBeNull();
    const vault = toInput({ ...emptyValues("vault"), id: "v", merchantId: " m ", signIn: true, pinEndpoint: "x" });
    expect(vault).toMatchObject({ merchant_id: "m", sign_in: true, pin_endpoint: null, token_lifetime_secs: null });
  });

  it("keeps a Vault profile's card PIN body field, and sends it only when one is set", () => {
    const view: ProfileView = {
      ...stored,
      profile: { id: "v", display_name: "v", provider: "vault", environment: "sandbox", vault: { rsa_padding: "pkcs1", auth: "token", card_pin_field: "newPin" } },
    };
    const v = valuesFrom(view);
    expect(v.cardPinField).toBe("newPin");
    expect(toInput(v).card_pin_field).toBe("newPin");
    expect("card_pin_field" in toInput({ ...v, cardPinField: "  " })).toBe(false);
    expect("card_pin_field" in toInput({ ...v, provider: "solid" })).toBe(false);
    expect(formFieldFor("card_pin_field")).toBe("card_pin_field");
  });

  it("names the URL fields that are plain HTTP, among those that apply", () => {
    const v = { ...emptyValues("vault"), environment: "custom" as const, baseUrl: " HTTP://127.0.0.1:9 ", signoutUrl: "http://localhost:1" };
    expect(plainHttpFields(v)).toEqual(["environment"]);
    expect(plainHttpFields({ ...v, signIn: true })).toEqual(["environment", "signout_url"]);
    expect(plainHttpFields({ ...v, environment: "sandbox" })).toEqual([]);
    expect(plainHttpFields({ ...v, provider: "solid", pinEndpoint: "http://127.0.0.1:2" })).toEqual(["environment", "pin_endpoint"]);
    expect(plainHttpFields({ ...v, baseUrl: "https://api.example.com" })).toEqual([]);
  });

  it("needs a valid id and the secret for a new profile, at their fields", () => {
    const v = { ...emptyValues("solid"), id: "new-one" };
    expect(checkValues({ ...v, id: "" }, true)?.field).toBe("id");
    expect(checkValues({ ...v, id: "Bad Id" }, true)?.field).toBe("id");
    expect(checkValues(v, true)?.field).toBe("api_key");
    expect(checkValues({ ...v, apiKey: "k" }, true)).toBeNull();
    expect(checkValues({ ...v, apiKey: "k", environment: "custom" }, true)?.field).toBe("environment");
    expect(checkValues({ ...emptyValues("vault"), id: "v", signIn: true, phone: "1" }, true)?.field).toBe("sign_in_password");
  });

  it("maps the app's error fields to form fields", () => {
    expect(formFieldFor("base_url")).toBe("environment");
    expect(formFieldFor("api_key")).toBe("api_key");
    expect(formFieldFor("password")).toBe("sign_in_password");
    expect(formFieldFor(null)).toBeNull();
    expect(formFieldFor("http")).toBeNull();
  });

  it("words a secret only as its state", () => {
    expect(["stored", "missing", "demo", "unavailable", "sk_live_123"].map(secretStateWords)).toEqual([
      "stored",
      "missing",
      "demo",
      "unavailable",
      "unavailable",
    ]);
  });
});

describe("profile form: network", () => {
  const withNetwork = (network: NonNullable<ProfileView["profile"]["network"]>, secrets: ProfileView["secrets"] = [["api-key", "stored"]]): ProfileView => ({
    ...stored,
    profile: { ...stored.profile, network },
    secrets,
  });

  it("fills the Network fields from a stored profile, the defaults when it has none", () => {
    expect(valuesFrom(stored)).toMatchObject({ proxy: "", pinProxy: "", caChoice: "bundled", caPath: "", proxyPassword: "" });
    const v = valuesFrom(withNetwork({ proxy: "http://ops@proxy:3128", pin_proxy: "none", ca: "/etc/pindesk/bank.pem" }, [["api-key", "stored"], ["proxy-password", "stored"]]));
    expect(v).toMatchObject({ proxy: "http://ops@proxy:3128", pinProxy: "none", caChoice: "pem", caPath: "/etc/pindesk/bank.pem", proxyPassword: "", proxyPasswordAsked: false });
    expect(valuesFrom(withNetwork({ ca: "os" })).caChoice).toBe("os");
  });

  it("asks for the proxy password the app lists when the profile's own proxies name no user", () => {
    const imposed = valuesFrom(withNetwork({}, [["api-key", "stored"], ["proxy-password", "missing"]]));
    expect(imposed.proxyPasswordAsked).toBe(true);
    expect(toSecrets({ ...imposed, proxyPassword: "pw" }).proxy_password).toBe("pw");
  });

  const solid = { ...emptyValues("solid"), id: "s", apiKey: "key", pinEndpoint: "https://pin.example.com" };
  const inputs: [string, Partial<ProfileFormValues>, Record<string, string>][] = [
    ["nothing on empty fields", {}, {}],
    ["the proxy, trimmed", { proxy: " http://proxy:3128 " }, { proxy: "http://proxy:3128" }],
    ["the PIN endpoint proxy", { pinProxy: "none" }, { pin_proxy: "none" }],
    ["the OS trust store", { caChoice: "os", caPath: "/ignored.pem" }, { ca: "os" }],
    ["a PEM file", { caChoice: "pem", caPath: " /etc/pindesk/bank.pem " }, { ca: "/etc/pindesk/bank.pem" }],
    ["no PIN endpoint proxy for Vault", { provider: "vault", pinProxy: "http://pci:8080", proxy: "system" }, { proxy: "system" }],
  ];
  it.each(inputs)("sends %s in the settings", (_, change, sent) => {
    const input = toInput({ ...solid, ...change });
    const network = Object.fromEntries(Object.entries(input).filter(([k]) => ["proxy", "pin_proxy", "ca"].includes(k)));
    expect(network).toEqual(sent);
  });

  const passwords: [string, Partial<ProfileFormValues>, string | undefined][] = [
    ["a proxy without a user", { proxy: "http://proxy:3128" }, undefined],
    ["the system's proxy", { proxy: "system" }, undefined],
    ["a proxy with a user", { proxy: "http://ops@proxy:3128" }, "hunter2"],
    ["a Solid PIN proxy with a user", { pinProxy: "http://ops@pci:8080" }, "hunter2"],
    ["a Vault profile's leftover PIN proxy", { provider: "vault", accessToken: "t", pinProxy: "http://ops@pci:8080" }, undefined],
    ["an empty password", { proxy: "http://ops@proxy:3128", proxyPassword: "  " }, undefined],
  ];
  it.each(passwords)("sends the proxy password only in the secrets, for %s", (_, change, sent) => {
    const v = { ...solid, proxyPassword: "hunter2", ...change };
    expect(toSecrets(v).proxy_password).toBe(sent);
    expect(JSON.stringify(toInput(v))).not.toContain("hunter2");
  });

  const before = valuesFrom(withNetwork({ proxy: "http://proxy.example.com:3128", ca: "os" }));
  const moves: [string, Partial<ProfileFormValues>, string[]][] = [
    ["nothing", {}, []],
    ["the display name", { displayName: "Other" }, []],
    ["the same proxy spelt otherwise", { proxy: "HTTP://Proxy.Example.com:3128/" }, []],
    ["the proxy", { proxy: "http://other.example.com:3128" }, ["proxy"]],
    ["no proxy any more", { proxy: "" }, ["proxy"]],
    ["a PIN endpoint proxy", { pinProxy: "none" }, ["pin_proxy"]],
    ["the trust", { caChoice: "bundled" }, ["ca"]],
    ["a PEM file", { caChoice: "pem", caPath: "/etc/pindesk/bank.pem" }, ["ca"]],
    ["the proxy, the trust and the PIN endpoint", { proxy: "system", caChoice: "pem", caPath: "/x.pem", pinEndpoint: "https://pin2.example.com" }, ["proxy", "ca", "pin_endpoint"]],
  ];
  it.each(moves)("counts moving %s as the app does", (_, change, moved) => {
    expect(movedDestinations(before, { ...before, ...change })).toEqual(moved);
  });

  it("needs a PEM file's path, and a new profile's proxy password, at their fields", () => {
    expect(checkValues({ ...solid, caChoice: "pem" }, false)).toEqual({ field: "ca", message: "enter the absolute path of the PEM file" });
    expect(checkValues({ ...solid, caChoice: "pem", caPath: "/x.pem" }, false)).toBeNull();
    const user = { ...solid, proxy: "http://ops@proxy:3128" };
    expect(checkValues(user, true)?.field).toBe("proxy_password");
    expect(checkValues({ ...user, proxyPassword: "pw" }, true)).toBeNull();
    expect(checkValues(user, false), "an edit may keep the stored password").toBeNull();
  });

  it.each(["proxy", "pin_proxy", "ca", "proxy_password"])("maps the app's error field %s to its form field", (field) => {
    expect(formFieldFor(field)).toBe(field);
  });
});

/**
 * The Credentials form's logic: what the form holds, how it becomes the `ProfileInput` and the
 * write-only `ProfileSecrets` the app receives, and how a stored profile fills the form (its
 * settings, never a secret: secret fields always start empty).
 */
import type { ProfileView } from "../bindings/ProfileView";
import type { ProfileInput } from "../bindings/ProfileInput";
import type { ProfileSecrets } from "../bindings/ProfileSecrets";
import type { Provider } from "../bindings/Provider";
import { caChoiceOf, proxyKey, proxyUser, type CaChoice } from "./network";

/** Where a profile's requests go, as the form offers it. */
export type EnvironmentChoice = "sandbox" | "production" | "custom";

/** Everything the form holds. Secret values live here only until they are sent. */
export interface ProfileFormValues {
  id: string;
  displayName: string;
  provider: Provider;
  environment: EnvironmentChoice;
  baseUrl: string;
  /** The base URL is a test host the provider handed out (badged SANDBOX, not PRODUCTION). */
  testHost: boolean;
  merchantId: string;
  /** Where a stored sign-in signs out (empty: the base URL). */
  signoutUrl: string;
  /** The body field of a Vault card PIN (empty: `pin`). */
  cardPinField: string;
  rsaPadding: string;
  signIn: boolean;
  pinEndpoint: string;
  tokenLifetimeSecs: string;
  accessToken: string;
  phone: string;
  password: string;
  apiKey: string;
  /** The proxy (empty: none). */
  proxy: string;
  /** Solid: the PIN endpoint's proxy (empty: the proxy's). */
  pinProxy: string;
  /** The trusted CAs, and the PEM file's path when that is the choice. */
  caChoice: CaChoice;
  caPath: string;
  proxyPassword: string;
  /**
   * The app asks this profile for a proxy password although its own proxies name no user
   * (this computer's config imposes a proxy that does).
   */
  proxyPasswordAsked: boolean;
}

/** The RSA paddings Vault accepts, with their words. */
export const PADDINGS: readonly (readonly [string, string])[] = [
  ["pkcs1", "PKCS #1 v1.5 (default)"],
  ["oaep-sha256", "OAEP with SHA-256"],
  ["oaep-sha1", "OAEP with SHA-1"],
];

/** The hint on a secret field when editing: the stored secret stays unless a new one is typed. */
export const KEEP_HINT = "leave empty to keep the stored secret";

/** An empty form for a new profile. */
export function emptyValues(provider: Provider = "vault"): ProfileFormValues {
  return {
    id: "",
    displayName: "",
    provider,
    environment: "sandbox",
    baseUrl: "",
    testHost: false,
    merchantId: "",
    signoutUrl: "",
    cardPinField: "",
    rsaPadding: "pkcs1",
    signIn: false,
    pinEndpoint: "",
    tokenLifetimeSecs: "",
    accessToken: "",
    phone: "",
    password: "",
    apiKey: "",
    proxy: "",
    pinProxy: "",
    caChoice: "bundled",
    caPath: "",
    proxyPassword: "",
    proxyPasswordAsked: false,
  };
}

/** The form for editing a stored profile: its settings, and every secret field empty. */
export function valuesFrom(view: ProfileView): ProfileFormValues {
  const { profile } = view;
  const env = view.environment_label;
  const environment: EnvironmentChoice =
    env === "sandbox" || env === "production" ? env : "custom";
  const lifetime = profile.solid?.token_lifetime_secs;
  const network = profile.network ?? {};
  const ca = caChoiceOf(network.ca);
  const own = {
    proxy: network.proxy ?? "",
    pinProxy: network.pin_proxy ?? "",
  };
  const listed = view.secrets.some(([kind]) => kind === "proxy-password");
  return {
    ...emptyValues(profile.provider),
    id: profile.id,
    displayName: profile.display_name,
    environment,
    baseUrl: environment === "custom" ? env : "",
    testHost: profile.test_host === true,
    merchantId: profile.vault?.merchant_id ?? "",
    signoutUrl: profile.vault?.signout_url ?? "",
    cardPinField: profile.vault?.card_pin_field ?? "",
    rsaPadding: profile.vault?.rsa_padding ?? "pkcs1",
    signIn: profile.vault?.auth === "sign-in",
    pinEndpoint: profile.solid?.pin_endpoint ?? "",
    tokenLifetimeSecs: lifetime === undefined ? "" : String(lifetime),
    ...own,
    caChoice: ca.choice,
    caPath: ca.path,
    proxyPasswordAsked: listed && !namesProxyUser({ ...own, provider: profile.provider }),
  };
}

/** Whether one of the profile's own proxies (the PIN endpoint's for Solid) names a user. */
function namesProxyUser(v: Pick<ProfileFormValues, "proxy" | "pinProxy" | "provider">): boolean {
  return proxyUser(v.proxy) !== null || (v.provider === "solid" && proxyUser(v.pinProxy) !== null);
}

/** Whether the form asks for a proxy password: a proxy names a user, or the app asks for one. */
export function needsProxyPassword(v: ProfileFormValues): boolean {
  return v.proxyPasswordAsked || namesProxyUser(v);
}

/** The trusted CAs as the app takes them (`null`: the default, the bundled roots). */
function caOf(v: ProfileFormValues): string | null {
  if (v.caChoice === "os") return "os";
  return v.caChoice === "pem" ? orNull(v.caPath) : null;
}

const orNull = (value: string): string | null => {
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
};

/** The words of the plain-HTTP warning, as the app's `profile show` gives them. */
export const PLAIN_HTTP_NOTE = "plain HTTP, not encrypted: only for a local forwarder or test server";

/**
 * The URL fields of the form that are plain `http://` (what they send, secrets included,
 * travels unencrypted), among those that apply to the provider and sign-in kind.
 */
export function plainHttpFields(v: ProfileFormValues): string[] {
  const plain = (url: string) => /^http:\/\//i.test(url.trim());
  const fields: [string, boolean][] = [
    ["environment", v.environment === "custom" && plain(v.baseUrl)],
    ["signout_url", v.provider === "vault" && v.signIn && plain(v.signoutUrl)],
    ["pin_endpoint", v.provider === "solid" && plain(v.pinEndpoint)],
  ];
  return fields.filter(([, is]) => is).map(([name]) => name);
}

/** Why an edit needs the secrets typed again (the app refuses it otherwise). */
export const MOVED_NOTE = "This change sends the profile's credentials somewhere new";

/**
 * The fields whose change sends the profile's secrets somewhere new (as the app judges it:
 * the base URL, the proxies and trusted CAs on the way, a sign-in's merchant id and sign-out
 * URL, Solid's PIN endpoint), in the app's order; such an edit needs them typed again.
 */
export function movedDestinations(before: ProfileFormValues, now: ProfileFormValues): string[] {
  const base = (v: ProfileFormValues) => (v.environment === "custom" ? v.baseUrl.trim().replace(/\/+$/, "").toLowerCase() : v.environment);
  const same = (a: string, b: string) => a.trim().replace(/\/+$/, "") === b.trim().replace(/\/+$/, "");
  const other = before.provider !== now.provider;
  const pinProxy = (v: ProfileFormValues) => (v.provider === "solid" && v.pinProxy.trim() !== "" ? proxyKey(v.pinProxy) : null);
  const fields: [string, boolean][] = [
    ["environment", other || base(before) !== base(now)],
    ["proxy", proxyKey(before.proxy) !== proxyKey(now.proxy)],
    ["pin_proxy", pinProxy(before) !== pinProxy(now)],
    ["ca", (caOf(before) ?? "bundled") !== (caOf(now) ?? "bundled")],
    ["merchant_id", now.provider === "vault" && (other || !same(before.merchantId, now.merchantId))],
    ["signout_url", now.provider === "vault" && now.signIn && (other || !same(before.signoutUrl, now.signoutUrl))],
    ["pin_endpoint", now.provider === "solid" && (other || !same(before.pinEndpoint, now.pinEndpoint))],
  ];
  return fields.filter(([, moved]) => moved).map(([name]) => name);
}

/** The profile's settings as the app takes them (no secret). */
export function toInput(v: ProfileFormValues): ProfileInput {
  const vault = v.provider === "vault";
  const lifetime = v.tokenLifetimeSecs.trim();
  const signoutUrl = vault && v.signIn ? orNull(v.signoutUrl) : null;
  const cardPinField = vault ? orNull(v.cardPinField) : null;
  const proxy = orNull(v.proxy);
  const pinProxy = vault ? null : orNull(v.pinProxy);
  const ca = caOf(v);
  return {
    ...(signoutUrl === null ? {} : { signout_url: signoutUrl }),
    ...(cardPinField === null ? {} : { card_pin_field: cardPinField }),
    ...(proxy === null ? {} : { proxy }),
    ...(pinProxy === null ? {} : { pin_proxy: pinProxy }),
    ...(ca === null ? {} : { ca }),
    id: v.id.trim(),
    display_name: v.displayName.trim(),
    provider: v.provider,
    environment: v.environment === "custom" ? v.baseUrl.trim() : v.environment,
    merchant_id: vault ? orNull(v.merchantId) : null,
    rsa_padding: vault ? orNull(v.rsaPadding) : null,
    sign_in: vault && v.signIn,
    test_host: v.environment === "custom" && v.testHost,
    pin_endpoint: vault ? null : orNull(v.pinEndpoint),
    token_lifetime_secs: !vault && lifetime !== "" ? Number(lifetime) : null,
  };
}

/**
 * The secrets the form sends: only those the provider and sign-in kind use, and only those
 * typed (an empty one is `null`, which keeps the stored secret on an edit); the proxy
 * password only when the form asks for it, and never in the settings.
 */
export function toSecrets(v: ProfileFormValues): ProfileSecrets {
  const typed = (value: string): string | null => (value.trim() === "" ? null : value);
  const vaultToken = v.provider === "vault" && !v.signIn;
  const vaultSignIn = v.provider === "vault" && v.signIn;
  const proxyPassword = needsProxyPassword(v) ? typed(v.proxyPassword) : null;
  return {
    ...(proxyPassword === null ? {} : { proxy_password: proxyPassword }),
    access_token: vaultToken ? typed(v.accessToken) : null,
    phone: vaultSignIn ? typed(v.phone) : null,
    password: vaultSignIn ? typed(v.password) : null,
    api_key: v.provider === "solid" ? typed(v.apiKey) : null,
  };
}

/** Checks made before anything is sent; the field at fault and why, or null. */
export function checkValues(v: ProfileFormValues, isNew: boolean): { field: string; message: string } | null {
  const id = v.id.trim();
  if (isNew) {
    if (id === "") return { field: "id", message: "enter an id: lowercase letters, digits and -" };
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
      return { field: "id", message: "the id may only hold lowercase letters a-z, digits and -, starting with a letter or digit" };
    }
    if (id.length > 40) return { field: "id", message: "the id is longer than 40 characters" };
  }
  if (v.environment === "custom" && v.baseUrl.trim() === "") {
    return { field: "environment", message: "enter the base URL (https://, or http:// to this machine)" };
  }
  const lifetime = v.tokenLifetimeSecs.trim();
  if (v.provider === "solid" && lifetime !== "" && !/^\d+$/.test(lifetime)) {
    return { field: "token_lifetime_secs", message: "enter the lifetime in whole seconds" };
  }
  if (v.caChoice === "pem" && v.caPath.trim() === "") {
    return { field: "ca", message: "enter the absolute path of the PEM file" };
  }
  if (isNew) {
    const s = toSecrets(v);
    if (v.provider === "solid" && s.api_key === null) return { field: "api_key", message: "enter the API key" };
    if (v.provider === "vault" && !v.signIn && s.access_token === null) {
      return { field: "access_token", message: "enter the access token" };
    }
    if (v.provider === "vault" && v.signIn) {
      if (s.phone === null) return { field: "sign_in_phone", message: "enter the phone number" };
      if (s.password === null) return { field: "sign_in_password", message: "enter the password" };
    }
    if (needsProxyPassword(v) && s.proxy_password === undefined) {
      return { field: "proxy_password", message: "enter the proxy's password" };
    }
  }
  return null;
}

/** The form field an error from the app concerns (its `field`), or null for the form itself. */
export function formFieldFor(field: string | null): string | null {
  switch (field) {
    case "id":
    case "profile_id":
      return "id";
    case "display_name":
    case "displayName":
      return "display_name";
    case "provider":
      return "provider";
    case "environment":
    case "base_url":
      return "environment";
    case "merchant_id":
      return "merchant_id";
    case "card_pin_field":
      return "card_pin_field";
    case "rsa_padding":
      return "rsa_padding";
    case "pin_endpoint":
      return "pin_endpoint";
    case "token_lifetime_secs":
      return "token_lifetime_secs";
    case "access_token":
    case "token":
      return "access_token";
    case "sign_in_phone":
    case "phone":
      return "sign_in_phone";
    case "sign_in_password":
    case "password":
      return "sign_in_password";
    case "api_key":
      return "api_key";
    case "proxy":
    case "pin_proxy":
    case "ca":
    case "proxy_password":
      return field;
    default:
      return null;
  }
}

/** The words for a secret kind. */
export function secretKindWords(kind: string): string {
  switch (kind) {
    case "access_token":
      return "Access token";
    case "sign_in_phone":
      return "Phone number";
    case "sign_in_password":
      return "Password";
    case "api_key":
      return "API key";
    case "refresh_token":
      return "Refresh token";
    case "proxy_password":
      return "Proxy password";
    default:
      return kind;
  }
}

/** A secret's state in words: only ever stored / missing / demo / unavailable, never a value. */
export function secretStateWords(state: string): string {
  switch (state) {
    case "stored":
      return "stored";
    case "missing":
      return "missing";
    case "demo":
      return "demo";
    default:
      return "unavailable";
  }
}

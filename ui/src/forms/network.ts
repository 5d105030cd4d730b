/**
 * A profile's network settings as the UI reads and words them: the proxy (`none`, `system` or
 * a proxy URL), Solid's PIN endpoint's own proxy, and the trusted CAs (`bundled`, `os` or a
 * PEM file). No setting holds a password: a proxy's password is a secret in the keyring.
 */
import type { NetworkSettings } from "../bindings/NetworkSettings";

/** How the Trusted CAs field offers the trust. */
export type CaChoice = "bundled" | "os" | "pem";

/** The trust choices with their words. */
export const CA_CHOICES: readonly (readonly [CaChoice, string])[] = [
  ["bundled", "Bundled web roots (default)"],
  ["os", "This computer's trust store"],
  ["pem", "A PEM file… (added to the bundled web roots)"],
];

/** A trust setting as the form offers it: its choice and, for a PEM file, its path. */
export function caChoiceOf(ca: string | undefined): { choice: CaChoice; path: string } {
  const value = (ca ?? "").trim();
  if (value === "" || value === "bundled") return { choice: "bundled", path: "" };
  if (value === "os") return { choice: "os", path: "" };
  return { choice: "pem", path: value };
}

/** The user name a proxy URL gives (`http://USER@host:port`), or null. */
export function proxyUser(value: string): string | null {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(value.trim());
  const user = match?.[1]?.split(":")[0] ?? "";
  return user === "" ? null : user;
}

/**
 * A proxy setting as the app writes it, so that two spellings of one proxy compare equal:
 * empty is `none`, a URL is normalised as URLs are (scheme and host in lowercase, a default
 * port dropped) without its trailing slash.
 */
export function proxyKey(value: string): string {
  const text = value.trim();
  if (text === "") return "none";
  if (text === "none" || text === "system") return text;
  try {
    return new URL(text).href.replace(/\/+$/, "");
  } catch {
    return text;
  }
}

/** A proxy URL with any password in it left out (a setting never holds one; never show it). */
function withoutPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, "$1@");
}

/** A proxy setting in words: "no proxy", "the system's proxy", "proxy http://…". */
function proxyWords(setting: string): string {
  switch (setting.trim()) {
    case "none":
      return "no proxy";
    case "system":
      return "the system's proxy";
    default:
      return `proxy ${withoutPassword(setting.trim())}`;
  }
}

/** A trust setting in words, as "Test connection" says it. */
function trustWords(ca: string): string {
  const { choice, path } = caChoiceOf(ca);
  if (choice === "os") return "the system's trust store";
  return choice === "pem" ? `the bundled web roots + ${path}` : "the bundled web roots";
}

/**
 * The short line the profile list shows for settings off the defaults ("via proxy
 * http://proxy:3128 · trusts the system's trust store"), or null when all are defaults.
 * Never a password.
 */
export function networkLine(network: NetworkSettings | undefined): string | null {
  const parts: string[] = [];
  const { proxy, pin_proxy: pinProxy, ca } = network ?? {};
  if (proxy !== undefined && proxyKey(proxy) !== "none") parts.push(`via ${proxyWords(proxy)}`);
  if (pinProxy !== undefined) {
    parts.push(proxyKey(pinProxy) === "none" ? "PIN endpoint direct" : `PIN endpoint via ${proxyWords(pinProxy)}`);
  }
  if (ca !== undefined && caChoiceOf(ca).choice !== "bundled") parts.push(`trusts ${trustWords(ca)}`);
  return parts.length === 0 ? null : parts.join(" · ");
}

import { describe, expect, it } from "vitest";
import type { NetworkSettings } from "../bindings/NetworkSettings";
import { caChoiceOf, networkLine, proxyKey, proxyUser } from "./network";

describe("network settings", () => {
  it.each([
    ["", null],
    ["none", null],
    ["system", null],
    ["http://proxy.example.com:3128", null],
    ["http://ops@proxy.example.com:3128", "ops"],
    [" HTTP://ops@10.0.0.1:8888/ ", "ops"],
    ["http://ops:secret@proxy.example.com:3128", "ops"],
    ["http://@proxy.example.com:3128", null],
    ["socks5://desk@10.0.0.1:1080", "desk"],
    ["http://proxy.example.com:3128/a@b", null],
  ])("reads the user a proxy URL names: %j → %j", (value, user) => {
    expect(proxyUser(value)).toBe(user);
  });

  it.each([
    ["", "none"],
    [" none ", "none"],
    ["system", "system"],
    ["http://proxy.example.com:3128/", "http://proxy.example.com:3128"],
    ["HTTP://Proxy.Example.com:3128", "http://proxy.example.com:3128"],
    ["http://proxy.example.com:80", "http://proxy.example.com"],
    ["socks5://10.0.0.1:1080", "socks5://10.0.0.1:1080"],
    ["not a url", "not a url"],
  ])("writes a proxy as the app does: %j → %j", (value, key) => {
    expect(proxyKey(value)).toBe(key);
  });

  it.each([
    [undefined, "bundled", ""],
    ["bundled", "bundled", ""],
    ["os", "os", ""],
    ["/etc/pindesk/bank-root.pem", "pem", "/etc/pindesk/bank-root.pem"],
  ])("offers the trust %j as the choice %s", (ca, choice, path) => {
    expect(caChoiceOf(ca)).toEqual({ choice, path });
  });

  const lines: [string, NetworkSettings | undefined, string | null][] = [
    ["no settings", undefined, null],
    ["the defaults", {}, null],
    ["the defaults written out", { proxy: "none", ca: "bundled" }, null],
    ["a proxy", { proxy: "http://proxy:3128" }, "via proxy http://proxy:3128"],
    ["a proxy and the OS store", { proxy: "http://proxy:3128", ca: "os" }, "via proxy http://proxy:3128 · trusts the system's trust store"],
    ["the system's proxy", { proxy: "system" }, "via the system's proxy"],
    ["a PEM file", { ca: "/etc/pindesk/bank.pem" }, "trusts the bundled web roots + /etc/pindesk/bank.pem"],
    ["a PIN proxy", { proxy: "system", pin_proxy: "http://pci@egress:8080" }, "via the system's proxy · PIN endpoint via proxy http://pci@egress:8080"],
    ["a direct PIN endpoint", { proxy: "http://proxy:3128", pin_proxy: "none" }, "via proxy http://proxy:3128 · PIN endpoint direct"],
    ["a password in a URL", { proxy: "http://ops:hunter2@proxy:3128" }, "via proxy http://ops@proxy:3128"],
  ];
  it.each(lines)("words %s in one short line", (_, network, line) => {
    expect(networkLine(network)).toBe(line);
  });
});

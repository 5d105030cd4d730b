/**
 * The status bar, always on screen: the active profile, its provider and its environment
 * badge, the demo sandbox while it starts or when it could not start, the audit note when
 * history records wait to be shipped (`audit`), plus the app's mode and version. It shows no
 * secret and no credential.
 */
import type { AppInfo } from "../bindings/AppInfo";
import type { Provider } from "../bindings/Provider";
import { h } from "../dom";
import { badge } from "./badge";
import { demoSandboxNote } from "./demo-backend";

const PROVIDER_NAMES: Record<Provider, string> = {
  vault: "Vault",
  solid: "Solid",
};

/** The display name of a provider. */
export function providerName(provider: Provider): string {
  return PROVIDER_NAMES[provider];
}

/**
 * Builds the status bar for what the app reported (`null`: the app could not be asked);
 * `audit` is the shell's audit note, kept across rebuilds of the bar.
 */
export function statusBar(info: AppInfo | null, audit?: HTMLElement): HTMLElement {
  const bar = h("footer", { class: "status-bar", "data-status-bar": true, "aria-label": "Status" });
  const profile = info?.active_profile ?? null;

  if (profile) {
    bar.append(
      h(
        "span",
        { class: "status-bar__profile", "data-profile": profile.name },
        "Profile: ",
        h("strong", {}, profile.name),
        ` (${providerName(profile.provider)})`,
      ),
      badge(profile.environment),
    );
  } else {
    bar.append(
      h("span", { class: "status-bar__profile", "data-profile": "" }, "No profile"),
      h("span", { class: "badge badge--none", "data-environment": "none" }, "NO PROFILE"),
    );
  }

  const demo = info ? demoSandboxNote(info) : null;
  if (demo) bar.append(demo);

  const right = h("span", { class: "status-bar__right" });
  if (audit) right.append(audit);
  if (info?.mode === "kiosk") right.append(h("span", { class: "status-bar__mode", "data-mode": "kiosk" }, "Kiosk"));
  if (info?.mode === "demo") right.append(h("span", { class: "status-bar__mode" }, "Demo mode"));
  if (info) right.append(h("span", { class: "status-bar__version" }, `PinDesk ${info.version}`));
  bar.append(right);
  return bar;
}

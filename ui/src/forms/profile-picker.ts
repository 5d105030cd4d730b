/**
 * The profile picker of a provider's screen: the provider's profiles, the active one chosen
 * when it is of this provider (else the first), and the chosen profile's environment badge.
 */
import type { ProfileView } from "../bindings/ProfileView";
import type { Provider } from "../bindings/Provider";
import { h } from "../dom";
import { listProfiles } from "../ipc";
import { badge } from "../shell/badge";
import { profileName } from "../views";
import { asErrorReport, errorView } from "../widgets/error-view";

/** A profile picker. */
export interface ProfilePicker {
  row: HTMLElement;
  select: HTMLSelectElement;
  /** The chosen profile's id, or `null` when there is none. */
  value(): string | null;
  /** The chosen profile. */
  chosen(): ProfileView | null;
  /** Fills the list from `profiles`. */
  fill(profiles: readonly ProfileView[]): void;
  /** Shows that the profiles could not be listed, and why (`error`: the rejection). */
  failed(error: unknown): void;
  /**
   * Lists the profiles from the app and fills the picker (or says why it cannot), then calls
   * `then`; nothing happens once `live()` is false (the screen was left meanwhile).
   */
  load(live: () => boolean, then: () => void): void;
}

/** The profile a screen starts with: the active one if it is of `provider`, else the first. */
export function defaultProfile(profiles: readonly ProfileView[], provider: Provider): ProfileView | null {
  const mine = profiles.filter((p) => p.profile.provider === provider);
  return mine.find((p) => p.active) ?? mine[0] ?? null;
}

/** Builds a picker for `provider`'s profiles (`name`: "Vault" or "Solid"). */
export function profilePicker(idPrefix: string, provider: Provider, name: string): ProfilePicker {
  const id = `${idPrefix}-profile`;
  const select = h("select", { id, "data-field": "profile" });
  const badgeSlot = h("span", { class: "picker__badge", "data-profile-badge": true });
  const note = h("p", { class: "picker__note", "data-error-for": "profile", hidden: true });
  let profiles: ProfileView[] = [];

  const showBadge = () => {
    const p = profiles.find((x) => x.profile.id === select.value);
    badgeSlot.replaceChildren(...(p ? [badge(p.environment_kind)] : []));
  };
  select.addEventListener("change", showBadge);

  const row = h(
    "div",
    { class: "field picker" },
    h("label", { class: "field__label", for: id }, "Profile"),
    h("div", { class: "picker__line" }, select, badgeSlot),
    note,
  );

  return {
    row,
    select,
    value: () => select.value || null,
    chosen: () => profiles.find((x) => x.profile.id === select.value) ?? null,
    fill(all) {
      profiles = (Array.isArray(all) ? all : []).filter((p) => p.profile.provider === provider);
      select.replaceChildren(
        ...profiles.map((p) => h("option", { value: p.profile.id }, profileName(p))),
      );
      const first = defaultProfile(profiles, provider);
      if (first) select.value = first.profile.id;
      select.disabled = profiles.length === 0;
      note.hidden = profiles.length > 0;
      note.textContent =
        profiles.length > 0 ? "" : `No ${name} profile yet: add one on the Credentials screen.`;
      showBadge();
    },
    failed(error) {
      select.replaceChildren();
      select.disabled = true;
      note.replaceChildren(...errorView(asErrorReport(error), "Profiles could not be listed"));
      note.hidden = false;
      showBadge();
    },
    load(live, then) {
      void listProfiles().then(
        (all) => {
          if (!live()) return;
          this.fill(all);
          then();
        },
        (error: unknown) => {
          if (!live()) return;
          this.failed(error);
          then();
        },
      );
    },
  };
}

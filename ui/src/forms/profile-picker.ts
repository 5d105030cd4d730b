/**
 * The profile picker of a provider's screen: the provider's profiles, the active one chosen
 * when it is of this provider (else the first), and the chosen profile's environment badge.
 * A demo profile whose sandbox is still starting is marked "starting…" and the list is asked
 * for again until it listens; one whose sandbox could not start says why.
 */
import type { ProfileView } from "../bindings/ProfileView";
import type { Provider } from "../bindings/Provider";
import { h } from "../dom";
import { listProfiles } from "../ipc";
import { badge } from "../shell/badge";
import { demoNote, profileName } from "../views";
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
   * `then`; nothing happens once `live()` is false (the screen was left meanwhile). While a
   * demo profile's sandbox is starting, it lists them again (every `RELIST_MS`) and calls
   * `then` after each.
   */
  load(live: () => boolean, then: () => void): void;
}

/** How often the picker asks again while the demo sandbox starts (it takes milliseconds). */
export const RELIST_MS = 50;

/** The profile a screen starts with: the active one if it is of `provider`, else the first. */
export function defaultProfile(profiles: readonly ProfileView[], provider: Provider): ProfileView | null {
  const mine = profiles.filter((p) => p.profile.provider === provider);
  return mine.find((p) => p.active) ?? mine[0] ?? null;
}

/** A profile's line in the list: its name, and a demo profile's sandbox state when not ready. */
function optionText(view: ProfileView): string {
  const note = demoNote(view.demo_state);
  return note === null ? profileName(view) : `${profileName(view)} — ${note}`;
}

/** Why a demo profile's sandbox could not start, or `null`. */
function demoFailure(view: ProfileView): string | null {
  return view.demo_state?.state === "failed" ? view.demo_state.reason : null;
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
        ...profiles.map((p) => h("option", { value: p.profile.id }, optionText(p))),
      );
      const first = defaultProfile(profiles, provider);
      if (first) select.value = first.profile.id;
      select.disabled = profiles.length === 0;
      const failed = profiles.map(demoFailure).find((reason) => reason !== null) ?? null;
      note.hidden = profiles.length > 0 && failed === null;
      note.textContent =
        profiles.length === 0
          ? `No ${name} profile yet: add one on the Credentials screen.`
          : failed !== null
            ? `The demo sandbox could not start: ${failed}`
            : "";
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
          if (Array.isArray(all) && all.some((p) => p.demo_state?.state === "starting")) {
            setTimeout(() => {
              if (live()) this.load(live, then);
            }, RELIST_MS);
          }
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

/**
 * The result panel of a flow screen: what was done, to which card (and when), through which
 * profile with its environment badge, then the "Next card" button the operator moves on with.
 */
import type { ProfileView } from "../bindings/ProfileView";
import { h, type Child } from "../dom";
import { badge } from "../shell/badge";
import { profileName } from "../views";

/** Fills and shows `panel`: `title`, the `what` line, any `extra` content, then `next`. */
export function showResult(
  panel: HTMLElement,
  title: string,
  what: string,
  profile: ProfileView | null,
  next: HTMLButtonElement,
  ...extra: Child[]
): void {
  panel.replaceChildren(
    h("h2", { class: "result__title" }, title),
    h(
      "p",
      { class: "result__what" },
      what,
      ...(profile ? [` · ${profileName(profile)} `, badge(profile.environment_kind)] : []),
    ),
    ...extra,
    next,
  );
  panel.hidden = false;
}

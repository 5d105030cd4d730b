/**
 * The application shell: a skip link, the header, the navigation, the current screen in
 * `<main>` and the status bar (with its audit note, which the start-up keeps up to date). It
 * mounts one screen at a time and disposes of the previous one, so nothing typed on a screen
 * survives leaving it.
 */
import type { AppInfo } from "../bindings/AppInfo";
import { h } from "../dom";
import type { Screen, ScreenId } from "../screens/screen";
import { APP_INFO_CHANGED } from "../widgets/app-info-refresh";
import { auditIndicator, type AuditIndicator } from "./audit";
import { navigation, shortcutTarget } from "./nav";
import { statusBar } from "./status-bar";

/** A mounted shell. */
export interface Shell {
  /** Shows a screen. */
  show(id: ScreenId): void;
  /** The screen on display. */
  current(): ScreenId;
  /** The status bar's audit note. */
  audit: AuditIndicator;
}

/** Renders the shell into `root` (replacing its content) and shows the first screen. */
export function mountShell(
  root: HTMLElement,
  screens: readonly Screen[],
  info: AppInfo | null,
): Shell {
  const first = screens[0];
  if (!first) throw new Error("the shell needs at least one screen");

  const main = h("main", { id: "main", class: "main", tabindex: "-1" });
  let currentId: ScreenId = first.id;
  let dispose: (() => void) | undefined;
  const audit = auditIndicator();

  const show = (id: ScreenId): void => {
    const screen = screens.find((s) => s.id === id);
    if (!screen) throw new Error(`no screen "${id}"`);
    dispose?.();
    dispose = undefined;
    const section = h(
      "section",
      { class: "screen", "data-screen": screen.id, "aria-labelledby": `screen-title-${screen.id}` },
      h("h1", { id: `screen-title-${screen.id}`, class: "screen__title" }, screen.title),
    );
    main.replaceChildren(section);
    dispose = screen.mount(section, { info }) ?? undefined;
    currentId = screen.id;
    nav.setCurrent(screen.id);
  };

  const nav = navigation(screens, show);
  const header = h(
    "header",
    { class: "header" },
    h("span", { class: "header__brand" }, "PinDesk"),
  );
  const skip = h("a", { class: "skip-link", href: "#main" }, "Skip to content");
  skip.addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });

  root.replaceChildren(
    skip,
    h("div", { class: "layout" }, header, nav.element, main),
    statusBar(info, audit.element),
  );
  // A screen that changed what app_info reports (the active profile, …) sends the new answer.
  root.addEventListener(APP_INFO_CHANGED, (event) => {
    info = (event as CustomEvent<AppInfo>).detail;
    root.querySelector("[data-status-bar]")?.replaceWith(statusBar(info, audit.element));
  });
  root.ownerDocument.addEventListener("keydown", (event) => {
    const target = shortcutTarget(event, screens);
    if (target === null) return;
    event.preventDefault();
    show(target);
    root.querySelector<HTMLElement>(`[data-nav="${target}"]`)?.focus();
  });

  show(first.id);
  return { show, current: () => currentId, audit };
}

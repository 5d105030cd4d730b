/**
 * What a screen is to the shell. Each screen lives in its own module under `screens/` and is
 * listed once in `screens/index.ts`; the shell mounts it when chosen and disposes of it when
 * the operator leaves, so a screen never keeps what was typed (or a secret) in the page.
 */
import type { AppInfo } from "../bindings/AppInfo";

/** The stable ids of the screens: the `data-screen` and `data-nav` attribute values. */
export type ScreenId = "vault" | "solid" | "vault-pin" | "credentials" | "history" | "settings";

/** What a screen gets when it is mounted. */
export interface ScreenContext {
  /** What the app reported at start (`null` when it could not be asked). */
  info: AppInfo | null;
}

/** A screen the navigation can show. */
export interface Screen {
  /** Its stable id. */
  id: ScreenId;
  /** Its name in the navigation and its heading. */
  title: string;
  /**
   * Fills `section` (which already holds the `<h1>` heading) with the screen's content.
   * May return a clean-up function, called when the operator leaves the screen.
   */
  mount(section: HTMLElement, context: ScreenContext): void | (() => void);
}

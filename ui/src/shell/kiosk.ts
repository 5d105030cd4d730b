/**
 * What a kiosk shows: only the card flows. Credentials and Settings are provisioned by an
 * administrator (`pindesk-cli`; the app's commands refuse edits in a kiosk anyway), and History
 * would show one customer the cards of the ones before.
 */
import type { AppInfo } from "../bindings/AppInfo";
import type { Screen, ScreenId } from "../screens/screen";

/** The screens a kiosk leaves out. */
export const KIOSK_HIDDEN: readonly ScreenId[] = ["credentials", "history", "settings"];

/** The screens to offer in the mode the app reported. */
export function screensFor(info: AppInfo | null, screens: readonly Screen[]): readonly Screen[] {
  if (info?.mode !== "kiosk") return screens;
  return screens.filter((screen) => !KIOSK_HIDDEN.includes(screen.id));
}

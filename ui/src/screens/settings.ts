/** The Settings screen: preferences, policies and the active profile. */
import { comingSoon } from "./coming";
import type { Screen } from "./screen";

export const settingsScreen: Screen = {
  id: "settings",
  title: "Settings",
  mount(section) {
    comingSoon(section, "preferences, policies and the active profile.");
  },
};

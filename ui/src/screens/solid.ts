/** The Solid PIN screen: setting a Solid card's PIN with a one-time PIN token. */
import { comingSoon } from "./coming";
import type { Screen } from "./screen";

export const solidScreen: Screen = {
  id: "solid",
  title: "Solid PIN",
  mount(section) {
    comingSoon(section, "setting a Solid card's PIN with a one-time PIN token.");
  },
};

/** The History screen: the record of every operation, newest first, with export to CSV. */
import { comingSoon } from "./coming";
import type { Screen } from "./screen";

export const historyScreen: Screen = {
  id: "history",
  title: "History",
  mount(section) {
    comingSoon(section, "the record of every operation, newest first, with export to CSV.");
  },
};

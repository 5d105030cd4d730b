/** The Credentials screen: profiles and their API credentials, kept in the OS keyring. */
import { comingSoon } from "./coming";
import type { Screen } from "./screen";

export const credentialsScreen: Screen = {
  id: "credentials",
  title: "Credentials",
  mount(section) {
    comingSoon(section, "profiles and their API credentials, kept in the OS keyring.");
  },
};

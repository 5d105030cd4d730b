/** The Vault passcode screen: setting a Vault card's passcode, confirmed by the SMS code sent to the cardholder. */
import { comingSoon } from "./coming";
import type { Screen } from "./screen";

export const vaultScreen: Screen = {
  id: "vault",
  title: "Vault passcode",
  mount(section) {
    comingSoon(section, "setting a Vault card's passcode, confirmed by the SMS code sent to the cardholder.");
  },
};

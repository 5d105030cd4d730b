/** Every screen, in navigation order. Add a screen here after writing its module. */
import { credentialsScreen } from "./credentials";
import { historyScreen } from "./history";
import type { Screen } from "./screen";
import { settingsScreen } from "./settings";
import { solidScreen } from "./solid";
import { vaultScreen } from "./vault";
import { vaultPinScreen } from "./vault-pin";

export const SCREENS: readonly Screen[] = [
  vaultScreen,
  solidScreen,
  vaultPinScreen,
  credentialsScreen,
  historyScreen,
  settingsScreen,
];

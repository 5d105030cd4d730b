/**
 * The typed bridge to the desktop app's commands. Each function names one Rust command and
 * uses the types generated from Rust into `./bindings/`, so no payload type is written by hand.
 * Screens call these functions, never `invoke` directly.
 */
import { invoke } from "@tauri-apps/api/core";
import type { AboutInfo } from "./bindings/AboutInfo";
import type { AppInfo } from "./bindings/AppInfo";
import type { DemoSms } from "./bindings/DemoSms";
import type { HistoryPage } from "./bindings/HistoryPage";
import type { HistoryQuery } from "./bindings/HistoryQuery";
import type { IpcError } from "./bindings/IpcError";
import type { OpDone } from "./bindings/OpDone";
import type { PinTokenInfo } from "./bindings/PinTokenInfo";
import type { PolicyRule } from "./bindings/PolicyRule";
import type { ProfileDto } from "./bindings/ProfileDto";
import type { ProfileInput } from "./bindings/ProfileInput";
import type { ProfileSecrets } from "./bindings/ProfileSecrets";
import type { Settings } from "./bindings/Settings";

/** The app's version, mode and active profile. */
export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}

/** Tells the app the first screen is on display (it logs the start-up time). */
export function uiReady(): Promise<void> {
  return invoke<void>("ui_ready");
}

/** The settings, the keyring backend in use and where files live. */
export function aboutInfo(): Promise<AboutInfo> {
  return invoke<AboutInfo>("about_info");
}

/** Saves the app-wide settings. */
export function saveSettings(settings: Settings): Promise<void> {
  return invoke<void>("save_settings", { settings });
}

/** Makes the app forget every secret it holds (idle timeout). */
export function forgetSecrets(): Promise<void> {
  return invoke<void>("forget_secrets");
}

/** Every profile, with the state of its secrets (never their values). */
export function listProfiles(): Promise<ProfileDto[]> {
  return invoke<ProfileDto[]>("list_profiles");
}

/** Adds (`isNew`) or edits a profile; the secrets go to the keyring and never come back. */
export function saveProfile(input: ProfileInput, secrets: ProfileSecrets, isNew: boolean): Promise<ProfileDto> {
  return invoke<ProfileDto>("save_profile", { input, secrets, isNew });
}

/** Removes a profile and its keyring entries. */
export function removeProfile(id: string): Promise<void> {
  return invoke<void>("remove_profile", { id });
}

/** Makes a profile the active one. */
export function useProfile(id: string): Promise<void> {
  return invoke<void>("use_profile", { id });
}

/** Checks a profile's credentials against the provider (Solid needs a card id). */
export function testProfile(id: string, card: string | null): Promise<string> {
  return invoke<string>("test_profile", { id, card });
}

/** Vault: texts a verification code to the cardholder. */
export function vaultSendCode(profile: string | null, card: string): Promise<OpDone> {
  return invoke<OpDone>("vault_send_code", { profile, card });
}

/** Vault: verifies the SMS code. */
export function vaultVerifyCode(profile: string | null, card: string, code: string): Promise<OpDone> {
  return invoke<OpDone>("vault_verify_code", { profile, card, code });
}

/** Vault: encrypts and sets the new passcode. */
export function vaultSetPasscode(profile: string | null, card: string, code: string, passcode: string): Promise<OpDone> {
  return invoke<OpDone>("vault_set_passcode", { profile, card, code, passcode });
}

/** The passcode rules a candidate breaks (empty when it passes). */
export function passcodeRules(profile: string | null, candidate: string): Promise<PolicyRule[]> {
  return invoke<PolicyRule[]>("passcode_rules", { profile, candidate });
}

/** Demo mode: the code the embedded sandbox "sent" to the card, if any. */
export function demoSms(card: string): Promise<DemoSms | null> {
  return invoke<DemoSms | null>("demo_sms", { card });
}

/** Solid: requests a one-time PIN token, held by the app; returns everything but the token. */
export function solidPinToken(profile: string | null, card: string): Promise<PinTokenInfo> {
  return invoke<PinTokenInfo>("solid_pin_token", { profile, card });
}

/** Solid: shows the held token (the operator pressed Reveal). */
export function solidRevealToken(card: string): Promise<string> {
  return invoke<string>("solid_reveal_token", { card });
}

/** Solid: copies the held token to the clipboard; returns the seconds until it is cleared there. */
export function solidCopyToken(card: string): Promise<number> {
  return invoke<number>("solid_copy_token", { card });
}

/** Solid: forgets the held token. */
export function solidDiscardToken(card: string): Promise<void> {
  return invoke<void>("solid_discard_token", { card });
}

/** Solid: sets the PIN through the profile's PIN endpoint. */
export function solidSetPin(
  profile: string | null,
  card: string,
  pin: string,
  expiry: string,
  last4: string,
): Promise<OpDone> {
  return invoke<OpDone>("solid_set_pin", { profile, card, pin, expiry, last4 });
}

/** The PIN rules a candidate breaks (empty when it passes). */
export function pinRules(profile: string | null, candidate: string): Promise<PolicyRule[]> {
  return invoke<PolicyRule[]>("pin_rules", { profile, candidate });
}

/** A page of history for the filter, newest first. */
export function historyPage(query: HistoryQuery): Promise<HistoryPage> {
  return invoke<HistoryPage>("history_page", { query });
}

/** Exports the filtered history as CSV through a save dialog; the row count, or null if cancelled. */
export function historyExportCsv(query: HistoryQuery): Promise<number | null> {
  return invoke<number | null>("history_export_csv", { query });
}

/** Whether a rejection from a command is a typed `IpcError` (as opposed to a bridge failure). */
export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    "category" in value &&
    "message" in value &&
    typeof (value as { message: unknown }).message === "string"
  );
}

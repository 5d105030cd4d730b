/**
 * The few conversions between the app's views (`bindings/`) and what the screens show or
 * send: a secret's kind as its form field, a profile's display name, the exit code of an
 * error category. Kept here so that no screen repeats them.
 */
import type { DemoState } from "./bindings/DemoState";
import type { ProfileView } from "./bindings/ProfileView";
import type { SecretKind } from "./bindings/SecretKind";
import type { SecretState } from "./bindings/SecretState";

/**
 * The form field of a secret kind: the keyring's kebab-case name in snake_case
 * (`api-key` → `api_key`, `sign-in-phone` → `sign_in_phone`), as the form and its errors name it.
 */
export function secretField(kind: SecretKind): string {
  return kind.replace(/-/g, "_");
}

/** A profile's secrets as (form field, state) pairs. */
export function secretsOf(view: ProfileView): { field: string; state: SecretState }[] {
  return view.secrets.map(([kind, state]) => ({ field: secretField(kind), state }));
}

/** The name a profile is shown by: its display name, else its id. */
export function profileName(view: ProfileView): string {
  return view.profile.display_name || view.profile.id;
}

/**
 * What to say of the demo sandbox beside a demo profile or in the status bar: "starting…"
 * while it starts, "unavailable" when it could not start, nothing once it listens (or for a
 * stored profile).
 */
export function demoNote(state: DemoState | undefined): string | null {
  switch (state?.state) {
    case "starting":
      return "starting…";
    case "failed":
      return "unavailable";
    default:
      return null;
  }
}


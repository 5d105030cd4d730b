/**
 * The Credentials screen's add/edit form: a profile's settings, shown only where they apply to
 * the chosen provider, environment and sign-in kind, and its secrets, write-only (masked,
 * empty on edit, sent only when typed, emptied once sent or on cancel). Errors from the app
 * land at the field they name; an edit that moves where the secrets go says so as it happens.
 */
import type { ProfileView } from "../bindings/ProfileView";
import type { Provider } from "../bindings/Provider";
import { h } from "../dom";
import {
  checkValues,
  emptyValues,
  formFieldFor,
  KEEP_HINT,
  PADDINGS,
  toInput,
  toSecrets,
  movedDestinations,
  MOVED_NOTE,
  plainHttpFields,
  PLAIN_HTTP_NOTE,
  valuesFrom,
  type EnvironmentChoice,
  type ProfileFormValues,
} from "../forms/profile-editor";
import { networkFields } from "../forms/network-fields";
import { saveProfile } from "../ipc";
import { clearErrors, fieldGroup, formErrorSlot, inputField, selectField, setFieldError, type AdminField } from "../widgets/admin-field";
import { asErrorReport, showErrorIn, type ShownError } from "../widgets/error-view";
import { secretsOf } from "../views";

type AnyField = AdminField<HTMLInputElement | HTMLSelectElement>;

/** The form's secret field names, per provider and sign-in kind. */
function secretFieldsOf(provider: Provider, signIn: boolean): string[] {
  if (provider === "solid") return ["api_key"];
  return signIn ? ["sign_in_phone", "sign_in_password"] : ["access_token"];
}

/** Builds the add/edit form. `done` is called with the saved profile's id, or null on cancel. */
export function profileForm(
  existing: ProfileView | null,
  done: (savedId: string | null) => void,
): { element: HTMLElement; focus(): void } {
  const isNew = existing === null;
  const start: ProfileFormValues = existing ? valuesFrom(existing) : emptyValues();
  const stored = new Set(
    (existing ? secretsOf(existing) : []).filter((s) => s.state === "stored").map((s) => s.field),
  );
  const secretHint = (kind: string): string =>
    isNew ? "Required; kept in the OS keyring and never shown again" : stored.has(kind) ? `Stored: ${KEEP_HINT}` : "Not stored yet: enter it to store it";
  const network = networkFields(start, secretHint);

  const f = {
    id: inputField({
      id: "profile-id",
      name: "id",
      label: "Id",
      value: start.id,
      readonly: !isNew,
      required: isNew,
      hint: isNew ? "Lowercase letters, digits and -; the profile's name on the command line" : "The id cannot be changed",
    }),
    display_name: inputField({
      id: "profile-display-name",
      name: "display_name",
      label: "Display name",
      value: start.displayName,
      hint: "Shown in the app; the id when empty",
    }),
    provider: selectField({
      id: "profile-provider",
      name: "provider",
      label: "Provider",
      options: [
        ["vault", "Vault (card passcodes)"],
        ["solid", "Solid (card PINs)"],
      ],
      value: start.provider,
    }),
    environment_kind: selectField({
      id: "profile-environment-kind",
      name: "environment_kind",
      label: "Environment",
      options: [
        ["sandbox", "Sandbox (the issuer's test environment)"],
        ["production", "Production (real cards)"],
        ["custom", "Custom base URL"],
      ],
      value: start.environment,
    }),
    environment: inputField({
      id: "profile-base-url",
      name: "environment",
      label: "Base URL",
      type: "url",
      value: start.baseUrl,
      placeholder: "https://…",
      hint: "https://, or http:// only to this machine (127.0.0.1). Any host but the provider's documented sandbox is PRODUCTION",
    }),
    test_host: selectField({
      id: "profile-test-host",
      name: "test_host",
      label: "This base URL is",
      options: [
        ["no", "The provider's live API (shown as PRODUCTION)"],
        ["yes", "A test host the provider handed out (shown as SANDBOX)"],
      ],
      value: start.testHost ? "yes" : "no",
    }),
    merchant_id: inputField({
      id: "profile-merchant-id",
      name: "merchant_id",
      label: "Merchant id",
      value: start.merchantId,
      hint: "The merchant UUID Vault expects at sign-in",
    }),
    rsa_padding: selectField({
      id: "profile-rsa-padding",
      name: "rsa_padding",
      label: "RSA padding",
      options: PADDINGS,
      value: start.rsaPadding,
    }),
    auth: selectField({
      id: "profile-auth",
      name: "auth",
      label: "Authentication",
      options: [
        ["token", "A pasted access token"],
        ["sign-in", "Sign in with a phone number and password"],
      ],
      value: start.signIn ? "sign-in" : "token",
    }),
    signout_url: inputField({
      id: "profile-signout-url",
      name: "signout_url",
      label: "Sign-out URL (optional)",
      type: "url",
      value: start.signoutUrl,
      hint: "Where Vault signs the token out (POST /signout); the base URL when empty",
    }),
    card_pin_field: inputField({
      id: "profile-card-pin-field",
      name: "card_pin_field",
      label: "Card PIN body field (optional)",
      value: start.cardPinField,
      placeholder: "pin",
      hint: "The JSON field Vault takes a new card PIN in (POST /v2/card/{cardId}/pin); pin when empty. Vault does not publish it: use what Vault confirms",
    }),
    access_token: inputField({
      id: "profile-access-token",
      name: "access_token",
      label: "Access token",
      secret: true,
      hint: secretHint("access_token"),
    }),
    sign_in_phone: inputField({
      id: "profile-phone",
      name: "sign_in_phone",
      label: "Sign-in phone number",
      secret: true,
      inputmode: "tel",
      hint: secretHint("sign_in_phone"),
    }),
    sign_in_password: inputField({
      id: "profile-password",
      name: "sign_in_password",
      label: "Sign-in password",
      secret: true,
      hint: secretHint("sign_in_password"),
    }),
    pin_endpoint: inputField({
      id: "profile-pin-endpoint",
      name: "pin_endpoint",
      label: "PIN endpoint (optional)",
      type: "url",
      value: start.pinEndpoint,
      hint: "Solid's tokenizing PIN proxy (VGS), handed out by Solid per client, e.g. https://tntbevlgikb.sandbox.verygoodproxy.com in sandbox; never the API host",
    }),
    token_lifetime_secs: inputField({
      id: "profile-token-lifetime",
      name: "token_lifetime_secs",
      label: "PIN token lifetime (seconds)",
      type: "number",
      inputmode: "numeric",
      min: "1",
      value: start.tokenLifetimeSecs,
      hint: "Empty for the default (300)",
    }),
    api_key: inputField({
      id: "profile-api-key",
      name: "api_key",
      label: "API key",
      secret: true,
      hint: secretHint("api_key"),
    }),
    ...network.fields,
  } satisfies Record<string, AnyField>;
  const all: AnyField[] = Object.values(f);
  const formError = formErrorSlot("form");

  const vaultGroup = fieldGroup("vault", "Vault settings", [
    f.merchant_id,
    f.rsa_padding,
    f.auth,
    f.access_token,
    f.sign_in_phone,
    f.sign_in_password,
    f.signout_url,
    f.card_pin_field,
  ]);
  const solidGroup = fieldGroup("solid", "Solid settings", [f.pin_endpoint, f.token_lifetime_secs, f.api_key]);

  const values = (): ProfileFormValues => ({
    id: f.id.control.value,
    displayName: f.display_name.control.value,
    provider: f.provider.control.value === "solid" ? "solid" : "vault",
    environment: f.environment_kind.control.value as EnvironmentChoice,
    baseUrl: f.environment.control.value,
    testHost: f.test_host.control.value === "yes",
    merchantId: f.merchant_id.control.value,
    signoutUrl: f.signout_url.control.value,
    cardPinField: f.card_pin_field.control.value,
    rsaPadding: f.rsa_padding.control.value,
    signIn: f.auth.control.value === "sign-in",
    pinEndpoint: f.pin_endpoint.control.value,
    tokenLifetimeSecs: f.token_lifetime_secs.control.value,
    accessToken: f.access_token.control.value,
    phone: f.sign_in_phone.control.value,
    password: f.sign_in_password.control.value,
    apiKey: f.api_key.control.value,
    ...network.read(),
  });

  /** Shows only what applies to the chosen provider, environment, sign-in kind and network. */
  const sync = (): void => {
    const v = values();
    network.sync(v);
    vaultGroup.hidden = v.provider !== "vault";
    solidGroup.hidden = v.provider !== "solid";
    f.environment.row.hidden = v.environment !== "custom";
    f.test_host.row.hidden = v.environment !== "custom";
    f.signout_url.row.hidden = !v.signIn;
    f.access_token.row.hidden = v.signIn;
    f.sign_in_phone.row.hidden = !v.signIn;
    f.sign_in_password.row.hidden = !v.signIn;
  };
  for (const control of [f.provider.control, f.environment_kind.control, f.auth.control, f.ca_choice.control]) {
    control.addEventListener("change", sync);
  }
  for (const control of [f.proxy.control, f.pin_proxy.control]) control.addEventListener("input", sync);
  const plainNote = h("p", { class: "adm-warning", "data-plain-http": true, role: "status", hidden: true });
  const showPlain = (): void => {
    const plain = plainHttpFields(values());
    plainNote.hidden = plain.length === 0;
    plainNote.textContent = plain.length === 0 ? "" : `Warning: ${PLAIN_HTTP_NOTE} (${plain.join(", ")}).`;
  };
  for (const control of [f.provider.control, f.environment_kind.control, f.auth.control]) {
    control.addEventListener("change", showPlain);
  }
  for (const control of [f.environment.control, f.signout_url.control, f.pin_endpoint.control]) {
    control.addEventListener("input", showPlain);
  }
  // Editing: a change of where the secrets go needs them typed again (the app refuses it
  // otherwise); the form says so as it happens.
  const movedNote = h("p", { class: "adm-warning", "data-moved-credentials": true, role: "status", hidden: true });
  const showMoved = (): void => {
    const moved = isNew ? [] : movedDestinations(start, values());
    movedNote.hidden = moved.length === 0;
    movedNote.textContent = moved.length === 0 ? "" : `${MOVED_NOTE} (${moved.join(", ")}): type them again.`;
  };

  const wipeSecrets = (): void => {
    for (const field of [f.access_token, f.sign_in_phone, f.sign_in_password, f.api_key, f.proxy_password]) {
      field.control.value = "";
    }
  };

  /** Puts `error` at `field` (the form's slot when that is not a field we show). */
  const showError = (field: string | null, error: ShownError): void => {
    const v = values();
    let name = formFieldFor(field);
    if (field === "credentials") name = secretFieldsOf(v.provider, v.signIn)[0] ?? null;
    if (name === "environment" && v.environment !== "custom") name = "environment_kind";
    if (name === "ca" && v.caChoice !== "pem") name = "ca_choice";
    if (name === "proxy_password") network.ask();
    const target = name ? (f as Record<string, AnyField>)[name] : undefined;
    if (target && !target.row.hidden && !target.row.closest("[hidden]")) {
      setFieldError(target, error);
      target.control.focus();
    } else {
      showErrorIn(formError, error);
      formError.focus();
    }
  };

  const save = h("button", { type: "submit", class: "adm-button adm-button--primary", "data-action": "save" }, isNew ? "Add profile" : "Save changes");
  const cancel = h("button", { type: "button", class: "adm-button", "data-action": "cancel" }, "Cancel");
  const form = h(
    "form",
    { class: "adm-form cred-form", "data-form": "profile", "data-mode": isNew ? "add" : "edit", novalidate: true },
    h("h2", { class: "adm-subtitle", id: "profile-form-title" }, isNew ? "Add a profile" : `Edit ${existing.profile.display_name}`),
    formError,
    plainNote,
    movedNote,
    f.id.row,
    f.display_name.row,
    f.provider.row,
    f.environment_kind.row,
    f.environment.row,
    f.test_host.row,
    vaultGroup,
    solidGroup,
    network.group,
    h(
      "p",
      { class: "adm-note" },
      "Secrets go to the OS keyring and are never shown again. ",
      isNew ? "" : "Leave a secret field empty to keep the stored secret.",
    ),
    h("div", { class: "adm-actions" }, save, cancel),
  );
  form.setAttribute("aria-labelledby", "profile-form-title");
  formError.setAttribute("tabindex", "-1");

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(all, formError);
    const v = values();
    const problem = checkValues(v, isNew);
    if (problem) {
      showError(problem.field, problem.message);
      return;
    }
    save.disabled = true;
    saveProfile(toInput(v), toSecrets(v), isNew)
      .then((saved) => {
        wipeSecrets();
        done(saved.profile.id);
      })
      .catch((error: unknown) => {
        const e = asErrorReport(error);
        showError(e.field, e);
      })
      .finally(() => {
        save.disabled = false;
      });
  });
  cancel.addEventListener("click", () => {
    wipeSecrets();
    done(null);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      cancel.click();
    }
  });

  sync();
  showPlain();
  form.addEventListener("input", showMoved);
  form.addEventListener("change", showMoved);
  showMoved();
  return {
    element: form,
    focus: () => (isNew ? f.id.control : f.display_name.control).focus(),
  };
}


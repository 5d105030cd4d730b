/**
 * The Credentials screen: profiles and their API credentials, kept in the OS keyring.
 *
 * Lists every profile with its environment badge, the active marker and the state of each
 * secret ("stored", "missing", "demo", "unavailable": never a value). Adds and edits profiles
 * (secret fields are write-only: masked, empty on edit, sent only when typed), removes one
 * after a confirmation, switches the active one (the status bar follows) and tests a
 * profile's connection, with the answer in words. Demo profiles can be used and tested only.
 */
import "../widgets/admin.css";
import type { ProfileView } from "../bindings/ProfileView";
import type { Provider } from "../bindings/Provider";
import { h, type Child } from "../dom";
import {
  checkValues,
  emptyValues,
  formFieldFor,
  KEEP_HINT,
  PADDINGS,
  secretKindWords,
  secretStateWords,
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
import { listProfiles, removeProfile, saveProfile, signOutProfile, testProfile, useProfile } from "../ipc";
import { badge } from "../shell/badge";
import { providerName } from "../shell/status-bar";
import {
  clearErrors,
  formErrorSlot,
  inputField,
  selectField,
  setFieldError,
  type AdminField,
} from "../widgets/admin-field";
import { refreshAppInfo } from "../widgets/app-info-refresh";
import { asErrorReport, errorView, showErrorIn, type ShownError } from "../widgets/error-view";
import { secretsOf } from "../views";
import type { Screen } from "./screen";

type AnyField = AdminField<HTMLInputElement | HTMLSelectElement>;

/** The form's secret field names, per provider and sign-in kind. */
function secretFieldsOf(provider: Provider, signIn: boolean): string[] {
  if (provider === "solid") return ["api_key"];
  return signIn ? ["sign_in_phone", "sign_in_password"] : ["access_token"];
}

/** Builds the add/edit form. `done` is called with the saved profile's id, or null on cancel. */
function profileForm(
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
  } satisfies Record<string, AnyField>;
  const all: AnyField[] = Object.values(f);
  const formError = formErrorSlot("form");

  const vaultGroup = h(
    "fieldset",
    { class: "adm-group", "data-group": "vault" },
    h("legend", {}, "Vault settings"),
    f.merchant_id.row,
    f.rsa_padding.row,
    f.auth.row,
    f.access_token.row,
    f.sign_in_phone.row,
    f.sign_in_password.row,
    f.signout_url.row,
    f.card_pin_field.row,
  );
  const solidGroup = h(
    "fieldset",
    { class: "adm-group", "data-group": "solid" },
    h("legend", {}, "Solid settings"),
    f.pin_endpoint.row,
    f.token_lifetime_secs.row,
    f.api_key.row,
  );

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
  });

  /** Shows only what applies to the chosen provider, environment and sign-in kind. */
  const sync = (): void => {
    const v = values();
    vaultGroup.hidden = v.provider !== "vault";
    solidGroup.hidden = v.provider !== "solid";
    f.environment.row.hidden = v.environment !== "custom";
    f.test_host.row.hidden = v.environment !== "custom";
    f.signout_url.row.hidden = !v.signIn;
    f.access_token.row.hidden = v.signIn;
    f.sign_in_phone.row.hidden = !v.signIn;
    f.sign_in_password.row.hidden = !v.signIn;
  };
  for (const control of [f.provider.control, f.environment_kind.control, f.auth.control]) {
    control.addEventListener("change", sync);
  }
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
    for (const field of [f.access_token, f.sign_in_phone, f.sign_in_password, f.api_key]) {
      field.control.value = "";
    }
  };

  /** Puts `error` at `field` (the form's slot when that is not a field we show). */
  const showError = (field: string | null, error: ShownError): void => {
    const v = values();
    let name = formFieldFor(field);
    if (field === "credentials") name = secretFieldsOf(v.provider, v.signIn)[0] ?? null;
    if (name === "environment" && v.environment !== "custom") name = "environment_kind";
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

/** One profile in the list, with its actions. */
function profileItem(view: ProfileView, actions: ListActions): HTMLElement {
  const { profile } = view;
  const result = h("p", { class: "cred-result", role: "status", "aria-live": "polite", "data-test-result": "", hidden: true });
  /** Shows how an action on the profile ended: `ok`, or the nodes of the error view. */
  const showResult = (ok: boolean, ...content: Child[]): void => {
    result.hidden = false;
    result.replaceChildren(...content);
    result.dataset.ok = ok ? "true" : "false";
    result.className = `cred-result ${ok ? "cred-result--ok" : "cred-result--error"}`;
  };

  const secrets = h(
    "ul",
    { class: "cred-secrets", "aria-label": "Secrets" },
    ...secretsOf(view).map((s) => {
      const words = secretStateWords(s.state);
      return h(
        "li",
        { class: `cred-secret cred-secret--${words}`, "data-secret-kind": s.field, "data-secret-state": words },
        `${secretKindWords(s.field)}: `,
        h("strong", {}, words),
      );
    }),
  );

  const button = (action: string, words: string, label: string): HTMLButtonElement =>
    h("button", { type: "button", class: "adm-button", "data-action": action, "aria-label": `${words} ${label}` }, words);
  const name = profile.display_name;
  const use = button("use", "Use", name);
  use.disabled = view.active;
  const test = button("test", "Test connection", name);
  const buttons: HTMLElement[] = [use, test];
  if (!view.demo) {
    const edit = button("edit", "Edit", name);
    const remove = button("remove", "Remove", name);
    edit.addEventListener("click", () => actions.edit(view));
    remove.addEventListener("click", () => confirmRemove());
    buttons.push(edit, remove);
  }
  if (!view.demo && profile.vault?.auth === "sign-in") {
    // Ends the obtained token at Vault; it is deleted here whether or not Vault confirms.
    const signOut = button("sign-out", "Sign out", name);
    signOut.addEventListener("click", () => {
      signOut.disabled = true;
      signOutProfile(profile.id)
        .then((message) => showResult(true, message))
        .catch((error: unknown) =>
          showResult(false, ...errorView(asErrorReport(error), "Vault did not confirm the sign-out; the token was deleted here")),
        )
        .finally(() => {
          signOut.disabled = false;
        });
    });
    buttons.push(signOut);
  }

  const extra = h("div", { class: "cred-extra" });
  const item = h(
    "li",
    {
      class: `cred-item${view.active ? " cred-item--active" : ""}`,
      "data-profile-id": profile.id,
      "data-active": view.active ? "true" : "false",
      "data-demo": view.demo ? "true" : "false",
    },
    h(
      "div",
      { class: "cred-item__head" },
      h("span", { class: "cred-item__name" }, name),
      h("span", { class: "cred-item__id" }, profile.id),
      badge(view.environment_kind),
      h("span", { class: "cred-item__provider" }, providerName(profile.provider)),
      ...(view.active ? [h("span", { class: "cred-active", "data-active-marker": "" }, "✓ Active")] : []),
      ...(view.demo ? [h("span", { class: "cred-demo-note" }, "Demo profile: built in, not editable")] : []),
    ),
    h(
      "p",
      { class: "cred-item__env" },
      view.environment_label.includes("://") ? `Base URL: ${view.environment_label}` : `Environment: ${view.environment_label}`,
    ),
    secrets,
    ...view.warnings.map((warning) => h("p", { class: "adm-warning", "data-profile-warning": true }, `Warning: ${warning}`)),
    h("div", { class: "adm-actions cred-item__actions" }, ...buttons),
    extra,
    result,
  );

  use.addEventListener("click", () => {
    use.disabled = true;
    useProfile(profile.id)
      .then(() => actions.used(view))
      .catch((error: unknown) => {
        use.disabled = false;
        showResult(false, ...errorView(asErrorReport(error)));
      });
  });

  const runTest = (card: string | null, trigger: HTMLButtonElement, cardField?: AnyField): void => {
    trigger.disabled = true;
    result.hidden = false;
    result.className = "cred-result";
    result.dataset.ok = "";
    result.textContent = "Testing the connection…";
    testProfile(profile.id, card, null)
      .then((message) => showResult(true, `Connection works: ${message}`))
      .catch((error: unknown) => {
        const e = asErrorReport(error);
        if (cardField && e.field === "card_id") {
          result.hidden = true;
          setFieldError(cardField, e);
          cardField.control.focus();
          return;
        }
        showResult(false, ...errorView(e, "The test failed"));
      })
      .finally(() => {
        trigger.disabled = false;
      });
  };

  test.addEventListener("click", () => {
    if (profile.provider === "vault") {
      runTest(null, test);
      return;
    }
    // Solid: a PIN token is requested for a card the operator names.
    if (extra.querySelector("[data-form=test]")) {
      extra.querySelector<HTMLInputElement>("input")?.focus();
      return;
    }
    const card = inputField({
      id: `test-card-${profile.id}`,
      name: "card_id",
      label: "Card id to request a test PIN token for",
      hint: "A one-time token is requested and left to expire unused",
      inputmode: "text",
    });
    const go = h("button", { type: "submit", class: "adm-button adm-button--primary", "data-action": "run-test" }, "Run test");
    const close = h("button", { type: "button", class: "adm-button", "data-action": "cancel-test" }, "Cancel");
    const form = h("form", { class: "adm-form adm-form--inline", "data-form": "test", novalidate: true }, card.row, h("div", { class: "adm-actions" }, go, close));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      setFieldError(card, null);
      const value = card.control.value.trim();
      if (value === "") {
        setFieldError(card, "enter the card id to test with");
        card.control.focus();
        return;
      }
      runTest(value, go, card);
    });
    close.addEventListener("click", () => {
      extra.replaceChildren();
      test.focus();
    });
    extra.replaceChildren(form);
    card.control.focus();
  });

  const confirmRemove = (): void => {
    const yes = h("button", { type: "button", class: "adm-button adm-button--danger", "data-action": "confirm-remove" }, "Remove");
    const no = h("button", { type: "button", class: "adm-button", "data-action": "cancel-remove" }, "Keep");
    const box = h(
      "div",
      { class: "cred-confirm", role: "alertdialog", "aria-labelledby": `confirm-${profile.id}` },
      h(
        "p",
        { id: `confirm-${profile.id}` },
        `Remove the profile "${name}" and delete its secrets from the OS keyring? This cannot be undone.`,
      ),
      h("div", { class: "adm-actions" }, yes, no),
    );
    yes.addEventListener("click", () => {
      yes.disabled = true;
      removeProfile(profile.id)
        .then(() => actions.removed(view))
        .catch((error: unknown) => {
          yes.disabled = false;
          showResult(false, ...errorView(asErrorReport(error)));
        });
    });
    no.addEventListener("click", () => {
      extra.replaceChildren();
      item.querySelector<HTMLButtonElement>("[data-action=remove]")?.focus();
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        no.click();
      }
    });
    extra.replaceChildren(box);
    no.focus();
  };

  return item;
}

interface ListActions {
  edit(profile: ProfileView): void;
  used(profile: ProfileView): void;
  removed(profile: ProfileView): void;
}

export const credentialsScreen: Screen = {
  id: "credentials",
  title: "Credentials",
  mount(section) {
    let alive = true;
    const notice = h("p", { class: "adm-notice", role: "status", "aria-live": "polite", "data-notice": "" });
    const add = h("button", { type: "button", class: "adm-button adm-button--primary", "data-action": "add" }, "Add profile");
    const list = h("ul", { class: "cred-list", "aria-label": "Profiles", "data-profile-list": "" });
    const listError = formErrorSlot("list");
    const formSlot = h("div", { class: "cred-form-slot" });
    const listView = h("div", { class: "cred-list-view" }, h("div", { class: "adm-toolbar" }, add), listError, list);
    section.append(
      h("p", { class: "adm-intro" }, "Each profile's secrets are kept in the OS keyring; they are shown only as stored or missing, never their value."),
      notice,
      formSlot,
      listView,
    );

    const say = (message: string): void => {
      notice.textContent = message;
    };

    const load = async (focusId?: string): Promise<void> => {
      let profiles: ProfileView[];
      try {
        profiles = await listProfiles();
      } catch (error) {
        if (alive) showErrorIn(listError, asErrorReport(error), "The profiles could not be read");
        return;
      }
      if (!alive) return;
      showErrorIn(listError, null);
      list.replaceChildren(
        ...(profiles.length === 0
          ? [h("li", { class: "cred-empty" }, "No profile yet: add one to start.")]
          : profiles.map((p) => profileItem(p, actions))),
      );
      list.dataset.loaded = "true";
      if (focusId) {
        const item = [...list.querySelectorAll<HTMLElement>("[data-profile-id]")].find((el) => el.dataset.profileId === focusId);
        item?.querySelector<HTMLElement>("[data-action]:not([disabled])")?.focus();
      }
    };

    const showForm = (existing: ProfileView | null): void => {
      say("");
      const form = profileForm(existing, (savedId) => {
        formSlot.replaceChildren();
        listView.hidden = false;
        if (savedId) say(existing ? `Saved the profile ${savedId}.` : `Added the profile ${savedId}.`);
        void load(savedId ?? existing?.profile.id).then(() => {
          if (!savedId) add.focus();
          if (alive) void refreshAppInfo(section);
        });
      });
      listView.hidden = true;
      formSlot.replaceChildren(form.element);
      form.focus();
    };

    const actions: ListActions = {
      edit: (p) => showForm(p),
      used: (p) => {
        say(`${p.profile.display_name} is now the active profile.`);
        void refreshAppInfo(section);
        void load(p.profile.id);
      },
      removed: (p) => {
        say(`Removed the profile ${p.profile.display_name} and its keyring entries.`);
        void refreshAppInfo(section);
        void load().then(() => add.focus());
      },
    };
    add.addEventListener("click", () => showForm(null));

    void load();
    return () => {
      alive = false;
      // Nothing typed survives leaving the screen.
      for (const input of section.querySelectorAll<HTMLInputElement>("input[data-secret]")) input.value = "";
    };
  },
};

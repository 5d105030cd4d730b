/**
 * The Credentials screen: profiles and their API credentials, kept in the OS keyring.
 *
 * Lists every profile with its environment badge, the active marker, its network when off
 * the defaults (proxy and trust, never a password) and the state of each secret ("stored",
 * "missing", "demo", "unavailable": never a value). Adds and edits profiles
 * (secret fields are write-only: masked, empty on edit, sent only when typed), removes one
 * after a confirmation, switches the active one (the status bar follows) and tests a
 * profile's connection, with the answer in words. Demo profiles can be used and tested only.
 */
import "../widgets/admin.css";
import type { ProfileView } from "../bindings/ProfileView";
import { h, type Child } from "../dom";
import { networkLine } from "../forms/network";
import { secretKindWords, secretStateWords } from "../forms/profile-editor";
import { listProfiles, removeProfile, signOutProfile, testProfile, useProfile } from "../ipc";
import { badge } from "../shell/badge";
import { providerName } from "../shell/status-bar";
import { formErrorSlot, inputField, setFieldError, type AdminField } from "../widgets/admin-field";
import { refreshAppInfo } from "../widgets/app-info-refresh";
import { asErrorReport, errorView, showErrorIn } from "../widgets/error-view";
import { secretsOf } from "../views";
import { profileForm } from "./profile-form";
import type { Screen } from "./screen";

type AnyField = AdminField<HTMLInputElement | HTMLSelectElement>;

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

  const network = networkLine(profile.network);
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
    ...(network === null ? [] : [h("p", { class: "cred-item__env", "data-network": "" }, `Network: ${network}`)]),
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

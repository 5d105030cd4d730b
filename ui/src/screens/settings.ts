/**
 * The Settings screen: where secrets are kept (the keyring backend and whether it answers),
 * where files live, and the app-wide settings: history retention, idle timeout and how soon
 * a copied PIN token is cleared from the clipboard.
 */
import "../widgets/admin.css";
import type { AboutInfo } from "../bindings/AboutInfo";
import type { AppSettings } from "../bindings/AppSettings";
import { h } from "../dom";
import { aboutInfo, saveSettings } from "../ipc";
import { clearErrors, formErrorSlot, inputField, setFieldError } from "../widgets/admin-field";
import { refreshAppInfo } from "../widgets/app-info-refresh";
import { asErrorReport, showErrorIn } from "../widgets/error-view";
import type { Screen } from "./screen";

/** The settings a form holds, checked: the field at fault and why, or the settings. */
export function readSettings(values: {
  history_retention_days: string;
  idle_timeout_secs: string;
  clipboard_clear_secs: string;
}): { field: keyof AppSettings; message: string } | AppSettings {
  const rules: [keyof AppSettings, number, number, string][] = [
    ["history_retention_days", 1, 3650, "keep history between 1 and 3650 days"],
    ["idle_timeout_secs", 30, 900, "the idle timeout must be between 30 and 900 seconds (15 minutes)"],
    ["clipboard_clear_secs", 5, 120, "clear the clipboard after 5 to 120 seconds"],
  ];
  const out: Partial<AppSettings> = {};
  for (const [field, min, max, message] of rules) {
    const text = values[field].trim();
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) return { field, message };
    out[field] = n;
  }
  return out as AppSettings;
}

/** Whether the keyring backend answered (`available`) or why not. */
function keyringStatus(about: AboutInfo): HTMLElement {
  const ok = about.secret_backend_status === "available";
  return h(
    "span",
    { class: `set-status ${ok ? "set-status--ok" : "set-status--bad"}`, "data-keyring-status": ok ? "available" : "unavailable" },
    ok ? "Available" : about.secret_backend_status,
  );
}

export const settingsScreen: Screen = {
  id: "settings",
  title: "Settings",
  mount(section) {
    let alive = true;
    const aboutList = h("dl", { class: "set-about", "data-about": "" });
    const aboutError = formErrorSlot("about");
    const fields = {
      history_retention_days: inputField({
        id: "settings-retention",
        name: "historyRetentionDays",
        label: "Keep history for (days)",
        type: "number",
        inputmode: "numeric",
        min: "1",
        max: "3650",
        hint: "1 to 3650; older entries are deleted when the app starts",
      }),
      idle_timeout_secs: inputField({
        id: "settings-idle",
        name: "idleTimeoutSecs",
        label: "Idle timeout (seconds)",
        type: "number",
        inputmode: "numeric",
        min: "30",
        max: "900",
        hint: "30 to 900; after this long without input the app clears its forms and forgets every secret",
      }),
      clipboard_clear_secs: inputField({
        id: "settings-clipboard",
        name: "clipboardClearSecs",
        label: "Clear a copied PIN token after (seconds)",
        type: "number",
        inputmode: "numeric",
        min: "5",
        max: "120",
        hint: "5 to 120",
      }),
    };
    const all = Object.values(fields);
    const formError = formErrorSlot("settings");
    const notice = h("p", { class: "adm-notice", role: "status", "aria-live": "polite", "data-notice": "" });
    const save = h("button", { type: "submit", class: "adm-button adm-button--primary", "data-action": "save-settings" }, "Save settings");
    const form = h(
      "form",
      { class: "adm-form set-form", "data-form": "settings", "aria-labelledby": "settings-form-title", novalidate: true },
      h("h2", { class: "adm-subtitle", id: "settings-form-title" }, "Preferences"),
      formError,
      ...all.map((f) => f.row),
      h("div", { class: "adm-actions" }, save),
      notice,
    );
    section.append(
      h("h2", { class: "adm-subtitle" }, "Secrets and files"),
      aboutError,
      aboutList,
      form,
    );

    const fill = (about: AboutInfo): void => {
      const item = (term: string, key: string, value: Node | string): HTMLElement[] => [
        h("dt", {}, term),
        h("dd", { "data-about-item": key }, value),
      ];
      aboutList.replaceChildren(
        ...item("Keyring backend", "backend", about.secret_backend),
        ...item("Keyring status", "status", keyringStatus(about)),
        ...item("Profiles folder", "config-dir", h("code", {}, about.config_dir)),
        ...item("History and logs folder", "data-dir", h("code", {}, about.data_dir)),
      );
      fields.history_retention_days.control.value = String(about.settings.history_retention_days);
      fields.idle_timeout_secs.control.value = String(about.settings.idle_timeout_secs);
      fields.clipboard_clear_secs.control.value = String(about.settings.clipboard_clear_secs);
      aboutList.dataset.loaded = "true";
    };

    aboutInfo()
      .then((about) => {
        if (alive) fill(about);
      })
      .catch((error: unknown) => {
        if (alive) showErrorIn(aboutError, asErrorReport(error), "The settings could not be read");
      });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(all, formError);
      notice.textContent = "";
      const read = readSettings({
        history_retention_days: fields.history_retention_days.control.value,
        idle_timeout_secs: fields.idle_timeout_secs.control.value,
        clipboard_clear_secs: fields.clipboard_clear_secs.control.value,
      });
      if ("message" in read) {
        setFieldError(fields[read.field], read.message);
        fields[read.field].control.focus();
        return;
      }
      save.disabled = true;
      saveSettings(read)
        .then(() => {
          if (!alive) return;
          notice.textContent = "Settings saved.";
          void refreshAppInfo(section);
        })
        .catch((rejection: unknown) => {
          if (!alive) return;
          const error = asErrorReport(rejection);
          const field = error.field;
          const target = field && field in fields ? fields[field as keyof typeof fields] : null;
          if (target) {
            setFieldError(target, error);
            target.control.focus();
          } else {
            showErrorIn(formError, error);
          }
        })
        .finally(() => {
          save.disabled = false;
        });
    });

    return () => {
      alive = false;
    };
  },
};

/**
 * Labelled form fields for the administration screens (Credentials, History, Settings): each
 * input or select has a visible `<label>`, an optional hint and an error slot tied to it with
 * `aria-describedby`. A secret field is masked and never autocompleted or spell-checked.
 * Errors in the slots are drawn by the one error view.
 */
import { h } from "../dom";
import { showErrorIn, type ShownError } from "./error-view";

/** A field: its row, its control, its error slot. */
export interface AdminField<E extends HTMLInputElement | HTMLSelectElement = HTMLInputElement> {
  row: HTMLElement;
  control: E;
  error: HTMLElement;
}

/** Options of an input field. */
export interface InputOptions {
  /** The element id (unique in the page). */
  id: string;
  /** The `data-field` name (the field an error from the app names). */
  name: string;
  label: string;
  type?: string | undefined;
  value?: string | undefined;
  hint?: string | undefined;
  /** A masked, write-only secret. */
  secret?: boolean | undefined;
  required?: boolean | undefined;
  readonly?: boolean | undefined;
  inputmode?: string | undefined;
  placeholder?: string | undefined;
  min?: string | undefined;
  max?: string | undefined;
}

function describedBy(id: string, hint: boolean): string {
  return hint ? `${id}-hint ${id}-error` : `${id}-error`;
}

function row(id: string, name: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h(
    "div",
    { class: "adm-field", "data-field-row": name },
    h("label", { class: "adm-field__label", for: id }, label),
    control,
    ...(hint ? [h("p", { class: "adm-field__hint", id: `${id}-hint` }, hint)] : []),
  );
}

/** A labelled `<input>`. */
export function inputField(o: InputOptions): AdminField<HTMLInputElement> {
  const control = h("input", {
    id: o.id,
    name: o.name,
    "data-field": o.name,
    type: o.secret ? "password" : (o.type ?? "text"),
    autocomplete: o.secret ? "new-password" : "off",
    spellcheck: "false",
    autocapitalize: "none",
    inputmode: o.inputmode,
    placeholder: o.placeholder,
    required: o.required,
    readonly: o.readonly,
    min: o.min,
    max: o.max,
    "data-secret": o.secret ? "" : undefined,
    "aria-describedby": describedBy(o.id, Boolean(o.hint)),
  });
  control.value = o.value ?? "";
  const error = h("p", { class: "adm-field__error", id: `${o.id}-error`, "data-error-for": o.name, hidden: true });
  const r = row(o.id, o.name, o.label, control, o.hint);
  r.append(error);
  return { row: r, control, error };
}

/** A labelled `<select>` of `[value, words]` options. */
export function selectField(o: {
  id: string;
  name: string;
  label: string;
  options: readonly (readonly [string, string])[];
  value?: string;
  hint?: string;
}): AdminField<HTMLSelectElement> {
  const control = h(
    "select",
    { id: o.id, name: o.name, "data-field": o.name, "aria-describedby": describedBy(o.id, Boolean(o.hint)) },
    ...o.options.map(([value, words]) => h("option", { value }, words)),
  );
  if (o.value !== undefined) control.value = o.value;
  const error = h("p", { class: "adm-field__error", id: `${o.id}-error`, "data-error-for": o.name, hidden: true });
  const r = row(o.id, o.name, o.label, control, o.hint);
  r.append(error);
  return { row: r, control, error };
}

/** Shows `error` at the field (or clears it with null); the control is marked invalid. */
export function setFieldError(field: AdminField<HTMLInputElement | HTMLSelectElement>, error: ShownError | null): void {
  showErrorIn(field.error, error);
  if (error === null) field.control.removeAttribute("aria-invalid");
  else field.control.setAttribute("aria-invalid", "true");
}

/** Clears every field's error and a form-level error slot. */
export function clearErrors(
  fields: Iterable<AdminField<HTMLInputElement | HTMLSelectElement>>,
  formError?: HTMLElement,
): void {
  for (const field of fields) setFieldError(field, null);
  if (formError) showErrorIn(formError, null);
}

/** A titled group of fields (`data-group` names it, for hiding it whole). */
export function fieldGroup(
  name: string,
  legend: string,
  fields: readonly AdminField<HTMLInputElement | HTMLSelectElement>[],
): HTMLFieldSetElement {
  return h("fieldset", { class: "adm-group", "data-group": name }, h("legend", {}, legend), ...fields.map((f) => f.row));
}

/** A form-level error slot (`role="alert"`), filled with `showErrorIn`. */
export function formErrorSlot(name: string): HTMLElement {
  return h("p", { class: "adm-form-error", role: "alert", "data-error-for": name, hidden: true });
}

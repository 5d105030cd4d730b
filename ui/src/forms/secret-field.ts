/**
 * Text and secret inputs with their label and an error slot. A secret input is masked
 * (`type=password`), never autocompleted, spell-checked or capitalised, and `wipe` empties it
 * and swaps it for a fresh element so nothing typed stays in the page.
 */
import { h } from "../dom";

/** One labelled input, its error slot and the element that wraps them. */
export interface Field {
  row: HTMLElement;
  input: HTMLInputElement;
  error: HTMLElement;
}

/** Options of a field. */
export interface FieldOptions {
  /** The element id (unique in the page). */
  id: string;
  /** The `data-field` hook. */
  field: string;
  /** The visible label. */
  label: string;
  /** The error slot's `data-error-for` (the IPC field name); defaults to `field`. */
  errorFor?: string;
  /** Masked secret input. */
  secret?: boolean;
  /** `autocomplete` value (secrets default to `off`). */
  autocomplete?: string;
  /** `inputmode` hint (`numeric`, …). */
  inputmode?: string;
  placeholder?: string;
  maxlength?: number;
  /** A short hint under the label. */
  hint?: string;
}

/** Builds a labelled input with an error slot under it. */
export function field(opts: FieldOptions): Field {
  const errorFor = opts.errorFor ?? opts.field;
  const errorId = `${opts.id}-error`;
  const hintId = opts.hint ? `${opts.id}-hint` : undefined;
  const input = h("input", {
    id: opts.id,
    type: opts.secret ? "password" : "text",
    "data-field": opts.field,
    autocomplete: opts.autocomplete ?? (opts.secret ? "off" : "off"),
    spellcheck: "false",
    autocapitalize: "none",
    autocorrect: "off",
    inputmode: opts.inputmode,
    placeholder: opts.placeholder,
    maxlength: opts.maxlength === undefined ? undefined : String(opts.maxlength),
    "aria-describedby": [hintId, errorId].filter(Boolean).join(" "),
  });
  const error = h("p", {
    id: errorId,
    class: "field__error",
    "data-error-for": errorFor,
    role: "alert",
    hidden: true,
  });
  const row = h(
    "div",
    { class: "field" },
    h("label", { class: "field__label", for: opts.id }, opts.label),
    ...(opts.hint ? [h("span", { id: hintId, class: "field__hint" }, opts.hint)] : []),
    input,
    error,
  );
  return { row, input, error };
}

/**
 * Empties each input and replaces it with a fresh, empty copy (same attributes, no value, no
 * listeners): nothing typed survives in the DOM. Returns the replacements in order.
 */
export function wipe(inputs: readonly HTMLInputElement[]): HTMLInputElement[] {
  return inputs.map((input) => {
    input.value = "";
    const fresh = input.cloneNode(false) as HTMLInputElement;
    fresh.value = "";
    if (input.parentNode) input.replaceWith(fresh);
    return fresh;
  });
}

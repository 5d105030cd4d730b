/**
 * Live policy feedback: as the operator types a new passcode or PIN, the rules it breaks are
 * listed under the field (found in the page from the profile's policy description, see
 * `policy-source`, so the value is never sent for this). Answers that arrive after a newer
 * keystroke are ignored. The list shows rule texts, never the value.
 */
import type { PolicyRule } from "../bindings/PolicyRule";
import { h } from "../dom";

/** Live feedback for one input. */
export interface LiveRules {
  /** The list element (`data-rules`). */
  element: HTMLElement;
  /** Asks for the rules of the current value now and resolves with them. */
  check(): Promise<PolicyRule[]>;
  /** Empties the list. */
  reset(): void;
  /** Stops listening. */
  stop(): void;
}

/** Draws `rules` into `list` (`ok` when the value is non-empty and breaks none). */
export function drawRules(list: HTMLElement, rules: readonly PolicyRule[], empty: boolean): void {
  list.replaceChildren(
    ...rules.map((rule) => h("li", { class: "rules__broken", "data-rule": rule.rule }, rule.message)),
  );
  if (rules.length === 0 && !empty) {
    list.append(h("li", { class: "rules__ok", "data-rule": "ok" }, "Meets the policy"));
  }
  list.hidden = empty && rules.length === 0;
}

/**
 * Watches `input` and lists the rules `ask` finds for its value, `delayMs` after the last
 * keystroke.
 */
export function liveRules(
  input: () => HTMLInputElement | null,
  name: string,
  ask: (candidate: string) => Promise<PolicyRule[]>,
  delayMs = 120,
): LiveRules {
  const element = h("ul", { class: "rules", "data-rules": name, "aria-live": "polite", hidden: true });
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const check = async (): Promise<PolicyRule[]> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const mine = ++seq;
    const value = input()?.value ?? "";
    if (value === "") {
      drawRules(element, [], true);
      return [];
    }
    let rules: PolicyRule[];
    try {
      rules = await ask(value);
    } catch {
      return [];
    }
    if (mine === seq) drawRules(element, rules, false);
    return rules;
  };

  const onInput = (event: Event) => {
    const watched = input();
    if (!watched || event.target !== watched) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void check(), delayMs);
  };
  document.addEventListener("input", onInput, true);

  return {
    element,
    check,
    reset() {
      seq++;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      drawRules(element, [], true);
    },
    stop() {
      seq++;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener("input", onInput, true);
    },
  };
}

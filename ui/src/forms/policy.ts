/**
 * The UI's evaluation of a policy description (`PolicyDescription`, sent by the app once per
 * profile): the rules a candidate breaks, in the description's order and words. It lets the
 * live feedback run in the page, so no candidate crosses the IPC bridge while it is typed.
 * It must break exactly the rules the backend's checks do (`crates/pindesk-core/src/policy/`):
 * the shared table `tests/fixtures/policy-cases.json` holds both to the same cases. Characters
 * are counted as code points, as Rust counts `chars()`.
 */
import type { CharSet } from "../bindings/CharSet";
import type { PolicyDescription } from "../bindings/PolicyDescription";
import type { PolicyRule } from "../bindings/PolicyRule";
import type { RuleCheck } from "../bindings/RuleCheck";

const SETS: Record<CharSet, RegExp> = {
  ascii_digit: /^[0-9]$/,
  ascii_letter: /^[A-Za-z]$/,
  ascii_alphanumeric: /^[A-Za-z0-9]$/,
};

/** Lower-cases an ASCII letter and leaves every other character as it is (Rust's `to_ascii_lowercase`). */
const asciiLower = (c: string): string => (/^[A-Z]$/.test(c) ? c.toLowerCase() : c);

const codePoint = (c: string): number => c.codePointAt(0) ?? 0;

/** Every run of `size` consecutive characters. */
function windows(chars: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; size > 0 && i + size <= chars.length; i++) out.push(chars.slice(i, i + size));
  return out;
}

/** Whether `run` is `run.length` characters each one code point above (or each one below) the one before. */
function isSequence(run: readonly string[]): boolean {
  if (run.length < 2) return false;
  const step = codePoint(run[1]!) - codePoint(run[0]!);
  if (step !== 1 && step !== -1) return false;
  return run.every((c, i) => i === 0 || codePoint(c) - codePoint(run[i - 1]!) === step);
}

/** Whether the characters `chars` break the rule `check`. */
export function breaks(check: RuleCheck, chars: readonly string[]): boolean {
  switch (check.kind) {
    case "required":
      return chars.length === 0;
    case "min_length":
      return chars.length < check.min;
    case "max_length":
      return chars.length > check.max;
    case "only":
      return !chars.every((c) => SETS[check.set].test(c));
    case "contains":
      return !chars.some((c) => SETS[check.set].test(c));
    case "one_repeated": {
      const first = chars[0];
      return first !== undefined && chars.length > 1 && chars.every((c) => asciiLower(c) === asciiLower(first));
    }
    case "sequence":
      return windows(chars, check.run).some(isSequence);
    case "repeated_run":
      return windows(chars, check.run).some((run) => run.every((c) => c === run[0]));
    default: {
      // A rule this UI does not know: the backend still checks it before anything is sent.
      const unknown: never = check;
      void unknown;
      return false;
    }
  }
}

/** The rules of `description` that `candidate` breaks, in order (empty when it passes). */
export function brokenRules(description: PolicyDescription, candidate: string): PolicyRule[] {
  const chars = Array.from(candidate);
  const out: PolicyRule[] = [];
  for (const rule of description.rules) {
    if (!breaks(rule.check, chars)) continue;
    out.push({ rule: rule.rule, message: rule.message });
    if (rule.stop_if_broken) break;
  }
  return out;
}

/**
 * Live feedback's source of broken rules: the chosen profile's policy description, asked of
 * the app once per profile (the request carries the profile, never a candidate) and then
 * evaluated in the page for every keystroke. A failed request is forgotten, so the next
 * keystroke asks again; until then no rule is listed, and the backend still checks before
 * anything is sent.
 */
import type { PolicyDescription } from "../bindings/PolicyDescription";
import type { PolicyRule } from "../bindings/PolicyRule";
import { brokenRules } from "./policy";

/**
 * A function giving the rules a candidate breaks under the policy of `profile()`, loading
 * each profile's description with `load` the first time it is needed.
 */
export function policySource(
  load: (profile: string | null) => Promise<PolicyDescription>,
  profile: () => string | null,
): (candidate: string) => Promise<PolicyRule[]> {
  const loaded = new Map<string | null, Promise<PolicyDescription>>();
  return async (candidate) => {
    const key = profile();
    let description = loaded.get(key);
    if (description === undefined) {
      const request = load(key);
      description = request;
      loaded.set(key, request);
      request.catch(() => {
        if (loaded.get(key) === request) loaded.delete(key);
      });
    }
    return brokenRules(await description, candidate);
  };
}

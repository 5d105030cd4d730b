/**
 * One call in flight at a time: while `run` awaits, every registered control is disabled
 * (`aria-busy` on the form), and a second `run` is refused, so nothing is ever sent twice.
 */
import type { ErrorReport } from "../bindings/ErrorReport";
import { asErrorReport } from "../widgets/error-view";

/** Guards a form's calls. */
export class Busy {
  private inFlight = false;
  private readonly saved = new Map<HTMLButtonElement | HTMLInputElement | HTMLSelectElement, boolean>();

  constructor(
    private readonly form: HTMLElement,
    private readonly controls: () => readonly (HTMLButtonElement | HTMLInputElement | HTMLSelectElement)[],
  ) {}

  /** Whether a call is in flight. */
  get busy(): boolean {
    return this.inFlight;
  }

  /**
   * Runs `call` unless another is in flight (then resolves `undefined` at once and calls
   * nothing). Controls are disabled for the duration and restored afterwards.
   */
  async run<T>(call: () => Promise<T>): Promise<T | undefined> {
    if (this.inFlight) return undefined;
    this.inFlight = true;
    this.form.setAttribute("aria-busy", "true");
    this.saved.clear();
    for (const control of this.controls()) {
      if (control instanceof HTMLInputElement) {
        this.saved.set(control, control.readOnly);
        control.readOnly = true;
      } else {
        this.saved.set(control, control.disabled);
        control.disabled = true;
      }
    }
    try {
      return await call();
    } finally {
      for (const [control, was] of this.saved) {
        if (control instanceof HTMLInputElement) control.readOnly = was;
        else control.disabled = was;
      }
      this.saved.clear();
      this.form.removeAttribute("aria-busy");
      this.inFlight = false;
    }
  }
}

/** A settled call: its value, or its error as an `ErrorReport`. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: ErrorReport };

/** Waits for `promise` and reports how it settled, never rejecting. */
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: asErrorReport(error) }),
  );
}

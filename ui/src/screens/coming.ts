/** The content of a screen that is not built yet. */
import { h } from "../dom";

/** A short note that the screen is coming, with what it will do. */
export function comingSoon(section: HTMLElement, what: string): void {
  section.append(h("p", { class: "coming" }, `Coming: ${what}`));
}

/**
 * The main navigation: one button per screen. Tab reaches it; Arrow Up/Down (or Left/Right),
 * Home and End move between entries; Enter or Space opens one; Alt+1…Alt+9 open the n-th
 * screen from anywhere. The current entry carries `aria-current="page"`.
 */
import { h } from "../dom";
import type { Screen, ScreenId } from "../screens/screen";

/** The navigation element and how to mark the current screen. */
export interface Navigation {
  element: HTMLElement;
  /** Marks `id` as the current screen. */
  setCurrent(id: ScreenId): void;
}

/** Where focus goes from entry `index` of `count` on `key`, or `null` if the key is not ours. */
export function nextIndex(key: string, index: number, count: number): number | null {
  switch (key) {
    case "ArrowDown":
    case "ArrowRight":
      return (index + 1) % count;
    case "ArrowUp":
    case "ArrowLeft":
      return (index - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

/** The screen an Alt+digit shortcut opens, or `null`. */
export function shortcutTarget(event: KeyboardEvent, screens: readonly Screen[]): ScreenId | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null;
  const match = /^Digit([1-9])$/.exec(event.code);
  if (!match) return null;
  return screens[Number(match[1]) - 1]?.id ?? null;
}

/** Builds the navigation for `screens`; `onSelect` is called when the operator opens one. */
export function navigation(
  screens: readonly Screen[],
  onSelect: (id: ScreenId) => void,
): Navigation {
  const buttons = screens.map((screen, index) =>
    h(
      "button",
      {
        type: "button",
        class: "nav__item",
        "data-nav": screen.id,
        "aria-keyshortcuts": index < 9 ? `Alt+${index + 1}` : undefined,
      },
      screen.title,
    ),
  );
  const list = h("ul", { class: "nav__list" }, ...buttons.map((button) => h("li", {}, button)));
  const element = h("nav", { class: "nav", "aria-label": "Main" }, list);

  buttons.forEach((button, index) => {
    const screen = screens[index];
    if (!screen) return;
    button.addEventListener("click", () => onSelect(screen.id));
    button.addEventListener("keydown", (event) => {
      const target = nextIndex(event.key, index, buttons.length);
      if (target === null) return;
      event.preventDefault();
      buttons[target]?.focus();
    });
  });

  return {
    element,
    setCurrent(id) {
      for (const button of buttons) {
        if (button.dataset.nav === id) button.setAttribute("aria-current", "page");
        else button.removeAttribute("aria-current");
      }
    },
  };
}

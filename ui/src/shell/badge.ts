/**
 * The environment badge: which world a request would go to. Each environment has its own
 * text and colour (colour is never the only cue): DEMO purple, SANDBOX amber, PRODUCTION red.
 */
import type { EnvironmentKind } from "../bindings/EnvironmentKind";
import { h } from "../dom";

/** How one environment is shown. */
export interface BadgeLook {
  /** The text on the badge. */
  label: string;
  /** The CSS modifier class that gives it its colour. */
  className: string;
  /** A longer description for assistive technology and tooltips. */
  description: string;
}

const LOOKS: Record<EnvironmentKind, BadgeLook> = {
  demo: {
    label: "DEMO",
    className: "badge--demo",
    description: "Demo: the built-in sandbox, no real card is touched",
  },
  sandbox: {
    label: "SANDBOX",
    className: "badge--sandbox",
    description: "Sandbox: the issuer's test environment",
  },
  production: {
    label: "PRODUCTION",
    className: "badge--production",
    description: "Production: real cards",
  },
  local: {
    label: "LOCAL",
    className: "badge--local",
    description: "Local: a sandbox on this computer (a loopback address)",
  },
};

/** The look of an environment's badge. */
export function badgeLook(environment: EnvironmentKind): BadgeLook {
  return LOOKS[environment];
}

/** The badge element for an environment. */
export function badge(environment: EnvironmentKind): HTMLElement {
  const look = badgeLook(environment);
  return h(
    "span",
    {
      class: `badge ${look.className}`,
      "data-environment": environment,
      title: look.description,
    },
    look.label,
  );
}

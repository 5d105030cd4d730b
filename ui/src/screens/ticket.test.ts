import { describe, expect, it, vi } from "vitest";
import { flush, key, q, type } from "../test-dom";
import type { AppInfo } from "../bindings/AppInfo";
import { demoApp, INFO, mountScreen } from "./flow-fixtures";
import type { Screen } from "./screen";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

const { vaultScreen } = await import("./vault");
const { solidScreen } = await import("./solid");
const { vaultPinScreen } = await import("./vault-pin");
const { TICKET_MISSING } = await import("../forms/ticket-field");
const { mountShell } = await import("../shell/shell");
const { clearAfterIdle } = await import("../shell/idle");
const { SCREENS } = await import(".");

const { handlers, calls } = demoApp(invoke);
const REQUIRED: AppInfo = { ...INFO, require_ticket: true };
const TICKET = "INC-104233";


/** A flow screen, driven by keyboard: up to its first operation, then the rest of the flow. */
interface FlowCase {
  name: string;
  screen: Screen;
  /** Every operation command the flow sends, in order. */
  commands: string[];
  /** Drives the flow up to and including its first operation. */
  first(): Promise<void>;
  /** Drives the rest of the flow, to "done". */
  rest(): Promise<void>;
}

const enter = async (field: string, value: string) => {
  type(`[data-field="${field}"]`, value);
  key(`[data-field="${field}"]`, "Enter");
  await flush();
};

const FLOWS: FlowCase[] = [
  {
    name: "Vault passcode",
    screen: vaultScreen,
    commands: ["vault_send_code", "vault_verify_code", "vault_set_passcode"],
    first: () => enter("card", "1234435"),
    rest: async () => {
      await enter("code", "482913");
      await enter("passcode", "Zq7pLm29");
      await enter("confirm", "Zq7pLm29");
    },
  },
  {
    name: "Vault card PIN",
    screen: vaultPinScreen,
    commands: ["vault_set_card_pin"],
    first: async () => {
      await enter("card", "1234435");
      await enter("pin", "7391");
      await enter("confirm", "7391");
    },
    rest: async () => undefined,
  },
  {
    name: "Solid PIN",
    screen: solidScreen,
    commands: ["solid_pin_token", "solid_set_pin"],
    first: () => enter("card", "crd_1"),
    rest: async () => {
      await enter("pin", "8264");
      await enter("confirm", "8264");
    },
  },
];

const ticket = () => q('[data-field="ticket"]')!;
const ticketError = () => q<HTMLElement>('[data-error-for="ticket"]')!;
const ticketsSent = (commands: string[]) => commands.map((cmd) => calls(cmd).map((c) => (c[1] as { ticket: unknown }).ticket));

describe.each(FLOWS)("ticket field on $name", (flow) => {
  const mount = async (info: AppInfo = INFO) => {
    const dispose = mountScreen(flow.screen, info);
    await flush();
    return dispose;
  };
  const run = async () => {
    await flow.first();
    await flow.rest();
    expect(q<HTMLElement>("[data-result]")!.hidden, "the flow reached its result").toBe(false);
  };

  it("is offered, optional, with its label, and Enter in it moves on to the card id", async () => {
    await mount();
    const label = q(`label[for="${ticket().id}"]`);
    expect(label?.textContent).toBe("Ticket / case reference (optional)");
    expect(ticket().required).toBe(false);
    ticket().focus();
    key('[data-field="ticket"]', "Enter");
    expect(document.activeElement).toBe(q('[data-field="card"]'));
  });

  it("sends the ticket, trimmed, with every operation, and keeps it for the whole call", async () => {
    await mount();
    type('[data-field="ticket"]', `  ${TICKET} `);
    await run();
    expect(ticketsSent(flow.commands)).toEqual(flow.commands.map(() => [TICKET]));
    expect(ticket().value.trim()).toBe(TICKET);
  });

  it("sends none when the field is empty or blank", async () => {
    await mount();
    type('[data-field="ticket"]', "   ");
    await run();
    expect(ticketsSent(flow.commands)).toEqual(flow.commands.map(() => [null]));
  });

  it("is emptied with the form for the next customer: Next card, Esc, leaving the screen", async () => {
    const dispose = await mount();
    type('[data-field="ticket"]', TICKET);
    await run();
    q<HTMLButtonElement>('[data-action="new"]')!.click();
    expect(ticket().value).toBe("");

    type('[data-field="ticket"]', TICKET);
    await flow.first();
    key('[data-field="card"]', "Escape");
    expect(ticket().value).toBe("");

    type('[data-field="ticket"]', TICKET);
    const field = ticket();
    dispose();
    expect(field.value).toBe("");
  });

  it("when the desk requires one: marked required, nothing sent without it, the field pointed at", async () => {
    await mount(REQUIRED);
    expect(q(`label[for="${ticket().id}"]`)?.textContent).toBe("Ticket / case reference (required)");
    expect(ticket().required).toBe(true);
    expect(ticket().getAttribute("aria-required")).toBe("true");
    await flow.first();
    expect(ticketsSent(flow.commands).flat()).toEqual([]);
    expect(ticketError().hidden).toBe(false);
    expect(ticketError().textContent).toBe(TICKET_MISSING);
    expect(document.activeElement).toBe(ticket());
    expect(ticket().getAttribute("aria-invalid")).toBe("true");

    type('[data-field="ticket"]', TICKET);
    expect(ticketError().hidden, "typing clears the message").toBe(true);
    await flow.first();
    await flow.rest();
    expect(ticketsSent(flow.commands)).toEqual(flow.commands.map(() => [TICKET]));
  });

  it("shows the app's refusal of the ticket at the field", async () => {
    const message = "The ticket looks like a card number or a PIN: write it as INC-104233 or #104233.";
    handlers[flow.commands[0]!] = () => {
      throw { category: "validation", message, field: "ticket", reference: null, code: "invalid" };
    };
    await mount();
    type('[data-field="ticket"]', "104233");
    await flow.first();
    expect(ticketError().hidden).toBe(false);
    expect(ticketError().textContent).toContain(message);
    expect(q<HTMLElement>('[data-error-for="form"]')!.hidden).toBe(true);
    expect(document.activeElement).toBe(ticket());
    expect(ticket().getAttribute("aria-invalid")).toBe("true");
  });
});

describe("ticket field and the idle clear", () => {
  it.each(["vault", "solid", "vault-pin"] as const)("is empty on the fresh %s screen after inactivity", async (id) => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const root = document.createElement("div");
    document.body.append(root);
    const shell = mountShell(root, SCREENS, INFO);
    const watch = clearAfterIdle({ document, show: shell.show, start: id, forgetSecrets: () => Promise.resolve() }, 3);
    shell.show(id);
    await flush();
    type('[data-field="ticket"]', TICKET);
    const typed = ticket();
    await vi.advanceTimersByTimeAsync(3_000);
    watch.stop();
    expect(shell.current()).toBe(id);
    expect(typed.value).toBe("");
    expect(ticket()).not.toBe(typed);
    expect(ticket().value).toBe("");
  });
});

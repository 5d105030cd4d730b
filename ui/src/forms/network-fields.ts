/**
 * The profile form's Network group: the proxy, Solid's PIN endpoint proxy (Solid only), the
 * trusted CAs (a choice, with a path input for a PEM file) and the proxy password, a
 * write-only secret shown only when a proxy names a user or the app asks for one.
 */
import { fieldGroup, inputField, selectField, type AdminField } from "../widgets/admin-field";
import { CA_CHOICES, type CaChoice } from "./network";
import { needsProxyPassword, type ProfileFormValues } from "./profile-editor";

const PROXY_PLACEHOLDER = "none, system or http://proxy.example.com:3128";

/** What the group holds, as the form's values name it. */
export type NetworkValues = Pick<ProfileFormValues, "proxy" | "pinProxy" | "caChoice" | "caPath" | "proxyPassword" | "proxyPasswordAsked">;

/** The group, its fields (by the names errors from the app give) and its behaviour. */
export interface NetworkFields {
  group: HTMLElement;
  fields: {
    proxy: AdminField;
    pin_proxy: AdminField;
    ca_choice: AdminField<HTMLSelectElement>;
    ca: AdminField;
    proxy_password: AdminField;
  };
  /** The values typed and chosen. */
  read(): NetworkValues;
  /** Shows only the fields that apply to `v`. */
  sync(v: ProfileFormValues): void;
  /** Shows the proxy password from now on (the app asked for it). */
  ask(): void;
}

/** Builds the group filled from `start`; `secretHint` words the proxy password's hint. */
export function networkFields(start: ProfileFormValues, secretHint: (field: string) => string): NetworkFields {
  let asked = start.proxyPasswordAsked;
  const fields = {
    proxy: inputField({
      id: "profile-proxy",
      name: "proxy",
      label: "Proxy",
      value: start.proxy,
      placeholder: PROXY_PLACEHOLDER,
      hint: "Empty: none, straight to the provider. system: the proxy this computer's environment names (HTTPS_PROXY, NO_PROXY). A proxy that asks for credentials: http://USER@host:port, its password below",
    }),
    pin_proxy: inputField({
      id: "profile-pin-proxy",
      name: "pin_proxy",
      label: "PIN endpoint proxy (optional)",
      value: start.pinProxy,
      placeholder: PROXY_PLACEHOLDER,
      hint: "Only with a PIN endpoint, when its way out differs; empty: the proxy above",
    }),
    ca_choice: selectField({
      id: "profile-ca-choice",
      name: "ca_choice",
      label: "Trusted CAs",
      options: CA_CHOICES,
      value: start.caChoice,
      hint: "Who may vouch for the provider's TLS certificate; a TLS-inspecting proxy's root is usually in this computer's trust store",
    }),
    ca: inputField({
      id: "profile-ca",
      name: "ca",
      label: "PEM file",
      value: start.caPath,
      placeholder: "/etc/pindesk/bank-root.pem",
      hint: "The absolute path of a file of PEM certificates, trusted as well as the bundled web roots",
    }),
    proxy_password: inputField({
      id: "profile-proxy-password",
      name: "proxy_password",
      label: "Proxy password",
      secret: true,
      hint: secretHint("proxy_password"),
    }),
  };
  const group = fieldGroup("network", "Network", [fields.proxy, fields.pin_proxy, fields.proxy_password, fields.ca_choice, fields.ca]);
  const read = (): NetworkValues => ({
    proxy: fields.proxy.control.value,
    pinProxy: fields.pin_proxy.control.value,
    caChoice: fields.ca_choice.control.value as CaChoice,
    caPath: fields.ca.control.value,
    proxyPassword: fields.proxy_password.control.value,
    proxyPasswordAsked: asked,
  });
  const sync = (v: ProfileFormValues): void => {
    fields.pin_proxy.row.hidden = v.provider !== "solid";
    fields.ca.row.hidden = v.caChoice !== "pem";
    fields.proxy_password.row.hidden = !needsProxyPassword(v);
  };
  return {
    group,
    fields,
    read,
    sync,
    ask: () => {
      asked = true;
      fields.proxy_password.row.hidden = false;
    },
  };
}

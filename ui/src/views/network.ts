// The network selector: the embedded local devnet (default), Sepolia, Mainnet or any RPC URL.

import * as api from "../api";
import { h, setBusy, show } from "../dom";
import { fail } from "../nav";
import { store } from "../state";
import { urlProblem } from "./settings-form";

/** Refusals about the URL or the chain it leads to: shown in the form, next to the URL. */
const FORM_CODES = new Set(["INVALID_ARGUMENT", "CHAIN_ID_MISMATCH", "CHAIN_ID_CHANGED"]);

export function networkLabel(n: api.NetworkInfo): string {
  switch (n.kind) {
    case "devnet":
      return "Local devnet";
    case "sepolia":
      return "Sepolia";
    case "mainnet":
      return "Mainnet";
    default:
      return n.name || n.rpc_url;
  }
}

/** Whether transactions on this network have a public explorer. */
export function isPublicNetwork(n: api.NetworkInfo): boolean {
  return n.kind === "sepolia" || n.kind === "mainnet";
}

export function networkSelector(onChanged: () => void): HTMLElement {
  const select = h(
    "select",
    { testid: "network-select", attrs: { "aria-label": "Network" } },
    h("option", { attrs: { value: "devnet" } }, "Local devnet"),
    h("option", { attrs: { value: "sepolia" } }, "Sepolia"),
    h("option", { attrs: { value: "mainnet" } }, "Mainnet"),
    h("option", { attrs: { value: "custom" } }, "Custom RPC…"),
  );
  const rpc = h("input", {
    testid: "network-rpc",
    attrs: { type: "url", placeholder: "https://…", autocomplete: "off", spellcheck: "false", "aria-label": "RPC URL" },
  });
  const apply = h("button", { class: "btn btn-primary btn-small", testid: "network-apply", attrs: { type: "submit" } }, "Connect");
  const cancel = h("button", { class: "btn btn-ghost btn-small", testid: "network-cancel", attrs: { type: "button" } }, "Cancel");
  const hint = h("div", { class: "field-hint" });
  const formError = h("div", { class: "field-error", testid: "network-error", attrs: { role: "alert" } });
  formError.hidden = true;
  const showFormError = (message: string | null) => {
    formError.textContent = message ?? "";
    formError.hidden = message === null;
  };
  const title = h("label", { class: "popover-title", attrs: { for: "network-rpc-url" } });
  rpc.id = "network-rpc-url";
  const rpcForm = h(
    "form",
    { class: "network-rpc", testid: "network-form", attrs: { novalidate: true } },
    title,
    rpc,
    hint,
    formError,
    h("div", { class: "actions" }, cancel, apply),
  );
  show(rpcForm, false);
  // Why the node cannot be reached, when it cannot (the shell's `chain_error`): a status, not an
  // error banner, since nothing the person did failed; commands that need the chain say so.
  const unreachable = h("span", { class: "network-status", testid: "network-unreachable", attrs: { role: "status" } });
  show(unreachable, false);

  const current = () => store.app?.network;
  const syncFromState = () => {
    const n = current();
    select.value = n?.kind ?? "devnet";
    select.title = n ? `${networkLabel(n)} — ${n.rpc_url}` : "";
    select.classList.toggle("network-mainnet", n?.kind === "mainnet");
    const down = store.app?.chain_error ?? null;
    unreachable.textContent = down ? `Node unreachable: ${down.message}` : "";
    unreachable.title = down ? down.code : "";
    show(unreachable, down !== null);
  };
  syncFromState();

  const switchTo = async (name: string, url: string | null) => {
    select.disabled = true;
    setBusy(apply, "Connecting…");
    try {
      store.app = await api.setNetwork(name, url);
      show(rpcForm, false);
      rpc.value = "";
      syncFromState();
      onChanged();
    } catch (err) {
      // Keep the choice (and the URL form, when open) so the person can fix the URL.
      const e = api.ApiError.from(err);
      if (!rpcForm.hidden && FORM_CODES.has(e.code)) {
        showFormError(e.message);
      } else {
        if (rpcForm.hidden) syncFromState();
        fail(err, "Could not switch the network");
      }
    } finally {
      select.disabled = false;
      setBusy(apply, null);
    }
  };

  select.addEventListener("change", () => {
    const kind = select.value;
    if (kind === "devnet") {
      show(rpcForm, false);
      void switchTo("devnet", null);
      return;
    }
    rpc.value = current()?.kind === kind ? current()?.rpc_url ?? "" : "";
    title.textContent =
      kind === "custom" ? "Custom network: RPC URL" : `${kind === "sepolia" ? "Sepolia" : "Mainnet"} node URL`;
    hint.textContent =
      kind === "custom"
        ? "A Starknet JSON-RPC 0.10 endpoint."
        : `Optional when SESAME_${kind.toUpperCase()}_RPC is set.${kind === "mainnet" ? " Mainnet moves real funds." : ""}`;
    rpc.required = kind === "custom";
    showFormError(null);
    show(rpcForm, true);
    rpc.focus();
  });
  cancel.addEventListener("click", () => {
    show(rpcForm, false);
    syncFromState();
  });
  rpcForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const kind = select.value;
    const url = rpc.value.trim();
    const problem = url === "" ? null : urlProblem(url);
    if (problem) {
      showFormError(problem);
      return;
    }
    if (kind === "custom") {
      if (url === "") {
        showFormError("A custom network needs its RPC URL.");
        return;
      }
      showFormError(null);
      void switchTo(url, null);
    } else {
      showFormError(null);
      void switchTo(kind, url === "" ? null : url);
    }
  });

  return h("div", { class: "network" }, select, unreachable, rpcForm);
}

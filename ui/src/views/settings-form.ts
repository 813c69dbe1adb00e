// Settings: who pays for session sends (a SNIP-29 paymaster, sponsored or in a gas token, one of
// your wallets as relayer, or on devnet the local relayer), the auto-lock time, and the address
// book. The checks here run before anything is sent; the shell checks again. The paymaster's API
// key field is never filled in: the shell only says whether a key is set.

import * as api from "../api";
import { field, h, replace, setBusy, show } from "../dom";
import { InputError, parseAddress, shortHex } from "../format";
import { fail } from "../nav";
import { notify } from "../notices";
import { store } from "../state";

/** Whether `host` is this machine (plain http is accepted only there). */
function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/**
 * The https rule for node and paymaster URLs, as the shell applies it: https anywhere, plain
 * http only to this machine. Returns the message to show, or null when the URL is fine.
 */
export function urlProblem(text: string): string | null {
  const url = text.trim();
  if (url === "") return "enter a URL";
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]+\]|[^/:?#]+)(:\d+)?([/?#]\S*)?$/i.exec(url);
  if (!m) return "enter a full URL, like https://node.example/rpc";
  const scheme = (m[1] ?? "").toLowerCase();
  const host = m[2] ?? "";
  if (scheme === "https") return null;
  if (scheme === "http") {
    return isLoopback(host) ? null : `plain http:// is accepted only for a node on this machine; use https:// for ${host}`;
  }
  return `'${scheme}://' is not a node URL: use https:// (or http:// on this machine)`;
}

export type PayerKind = "local-relayer" | "paymaster" | "relayer";

export interface PayerInput {
  kind: PayerKind;
  url: string;
  mode: "sponsored" | "gas-token";
  wallet: string;
}

/** The payer a form describes, or the message of its first problem. */
export function readPayer(input: PayerInput, network: api.NetworkInfo): api.Payer | string {
  switch (input.kind) {
    case "local-relayer":
      return network.kind === "devnet" ? { kind: "local-relayer" } : "the local relayer exists only on the local devnet";
    case "relayer":
      try {
        return { kind: "relayer", wallet: parseAddress(input.wallet) };
      } catch (e) {
        return e instanceof InputError ? `relayer wallet: ${e.message}` : String(e);
      }
    case "paymaster": {
      const problem = urlProblem(input.url);
      if (problem) return `paymaster URL: ${problem}`;
      return { kind: "paymaster", url: input.url.trim(), gas_token: input.mode === "gas-token" ? "strk" : null };
    }
  }
}

/** Minutes a person typed for the auto-lock, as seconds, or the problem. */
export function readAutoLock(text: string): number | string {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return "enter a number of minutes";
  const secs = Math.round(Number(t) * 60);
  if (secs < 30) return "at least half a minute";
  if (secs > 86_400) return "at most 24 hours (1440 minutes)";
  return secs;
}

export interface SettingsPanel {
  root: HTMLElement;
  /** Reads the settings (and the address book) again. */
  load(): Promise<void>;
  /** The wallet list changed: redraw the relayer choices. */
  walletsChanged(): void;
}

export function settingsPanel(): SettingsPanel {
  // ----- who pays -----
  const kind = h("select", { testid: "settings-payer-kind", attrs: { "aria-label": "Who pays" } });
  const url = h("input", {
    testid: "settings-paymaster-url",
    attrs: { type: "url", placeholder: "https://paymaster.example", autocomplete: "off", spellcheck: "false" },
  });
  const mode = h(
    "select",
    { testid: "settings-paymaster-mode" },
    h("option", { attrs: { value: "sponsored" } }, "Sponsored (the paymaster pays)"),
    h("option", { attrs: { value: "gas-token" } }, "Gas token (this wallet pays the fee in STRK)"),
  );
  // Never pre-filled: the shell keeps the key in the vault and only says whether it is set.
  const key = h("input", {
    testid: "settings-paymaster-key",
    attrs: { type: "password", autocomplete: "off", spellcheck: "false", placeholder: "API key (optional)" },
  });
  const keyState = h("span", { class: "muted small", testid: "settings-paymaster-key-state" });
  const clearKey = h("input", { testid: "settings-paymaster-key-clear", attrs: { type: "checkbox" } });
  const wallet = h("select", { testid: "settings-relayer-wallet", attrs: { "aria-label": "Relayer wallet" } });
  const urlField = field("Paymaster URL", url, { hint: "A SNIP-29 paymaster; https, or http on this machine." });
  const modeField = field("Fee mode", mode);
  const keyField = field("API key", key, {
    hint: "Kept in the OS keychain, sealed by your PIN; never shown again.",
    extra: h("span", { class: "inline-input" }, keyState, h("label", { class: "small" }, clearKey, " forget")),
  });
  const walletField = field("Relayer wallet", wallet, { hint: "One of your deployed wallets on this network; it pays the fee in STRK." });
  const payerError = h("div", { class: "field-error", testid: "settings-payer-error", attrs: { role: "alert" } });
  payerError.hidden = true;
  const summary = h("p", { class: "muted small", testid: "settings-payer-summary" });
  const savePayer = h("button", { class: "btn btn-primary btn-small", testid: "settings-payer-save", attrs: { type: "submit" } }, "Save");
  const payerForm = h(
    "form",
    { class: "stack-tight", testid: "settings-payer-form", attrs: { novalidate: true } },
    h("h3", { class: "section-title" }, "Who pays for sends"),
    summary,
    field("Payer", kind).root,
    urlField.root,
    modeField.root,
    keyField.root,
    walletField.root,
    payerError,
    h("p", { class: "muted small" }, "Registering and revoking sessions are signed by your owner key and paid by the wallet itself."),
    h("div", { class: "actions" }, savePayer),
  );

  /** The relayer choices: this network's deployed wallets. */
  const renderWallets = (selected: string | null) => {
    const keep = selected ?? wallet.value;
    replace(
      wallet,
      store.wallets
        .filter((w) => w.deployed)
        .map((w) => h("option", { attrs: { value: w.address } }, shortHex(w.address, 10, 6))),
    );
    if (keep) wallet.value = keep;
  };

  const syncKind = () => {
    const k = kind.value as PayerKind;
    show(urlField.root, k === "paymaster");
    show(modeField.root, k === "paymaster");
    show(keyField.root, k === "paymaster");
    show(walletField.root, k === "relayer");
  };
  kind.addEventListener("change", syncKind);

  const showPayerError = (message: string | null) => {
    payerError.textContent = message ?? "";
    payerError.hidden = message === null;
  };

  const render = (s: api.SettingsView) => {
    const devnet = s.network.kind === "devnet";
    replace(
      kind,
      devnet ? h("option", { attrs: { value: "local-relayer" } }, "The local relayer (devnet)") : null,
      h("option", { attrs: { value: "paymaster" } }, "A paymaster (SNIP-29)"),
      h("option", { attrs: { value: "relayer" } }, "One of my wallets as relayer"),
    );
    const p = s.payer;
    kind.value = p?.kind ?? "paymaster";
    url.value = p?.kind === "paymaster" ? p.url : "";
    mode.value = p?.kind === "paymaster" && p.gas_token !== null ? "gas-token" : "sponsored";
    key.value = "";
    clearKey.checked = false;
    keyState.textContent = s.paymaster_api_key_set ? "set" : "not set";
    keyState.dataset["set"] = String(s.paymaster_api_key_set);
    renderWallets(p?.kind === "relayer" ? p.wallet : null);
    summary.textContent = `On ${s.network.kind === "custom" ? s.network.name : s.network.kind}: ${s.payer_description}.`;
    autoLock.value = String(Math.round((s.auto_lock_secs / 60) * 10) / 10);
    keepChain.checked = s.keep_local_chain;
    keepChainForm.hidden = s.network.kind !== "devnet";
    pinned.textContent = s.pinned_chain_id ? `This custom network was added with chain id ${s.pinned_chain_id}; another answer is refused.` : "";
    pinned.hidden = !s.pinned_chain_id;
    syncKind();
  };

  payerForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const network = store.app?.network;
    if (!network) return;
    const payer = readPayer({ kind: kind.value as PayerKind, url: url.value, mode: mode.value as "sponsored" | "gas-token", wallet: wallet.value }, network);
    if (typeof payer === "string") {
      showPayerError(payer);
      return;
    }
    showPayerError(null);
    // Read the key once and clear the field whatever happens.
    const secret = key.value.trim();
    key.value = "";
    setBusy(savePayer, "Saving…");
    try {
      const s = await api.settingsSetPayer({ payer, apiKey: secret === "" ? null : secret, clearApiKey: clearKey.checked });
      render(s);
      notify(`Sends on this network are now paid by ${s.payer_description}.`);
    } catch (err) {
      const e = api.ApiError.from(err);
      if (e.code === "INVALID_ARGUMENT" || e.code === "INVALID_INPUT") showPayerError(e.message);
      else fail(err, "Could not save who pays");
    } finally {
      key.value = "";
      setBusy(savePayer, null);
    }
  });

  // ----- auto-lock -----
  const autoLock = h("input", { testid: "settings-autolock", attrs: { type: "text", inputmode: "decimal", autocomplete: "off" } });
  const autoLockField = field("Lock after (minutes idle)", autoLock, { errorTestid: "settings-autolock-error" });
  const saveLock = h("button", { class: "btn btn-secondary btn-small", testid: "settings-autolock-save", attrs: { type: "submit" } }, "Save");
  const lockForm = h(
    "form",
    { class: "stack-tight", testid: "settings-autolock-form", attrs: { novalidate: true } },
    h("h3", { class: "section-title" }, "Auto-lock"),
    autoLockField.root,
    h("div", { class: "actions" }, saveLock),
  );
  lockForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const secs = readAutoLock(autoLock.value);
    if (typeof secs === "string") {
      autoLockField.setError(secs);
      return;
    }
    autoLockField.setError(null);
    setBusy(saveLock, "Saving…");
    try {
      render(await api.settingsSetAutoLock(secs));
      if (store.app) store.app = { ...store.app, auto_lock_secs: secs };
      notify("Auto-lock time saved; it applies now.");
    } catch (err) {
      fail(err, "Could not save the auto-lock time");
    } finally {
      setBusy(saveLock, null);
    }
  });

  // ----- the local chain -----
  const keepChain = h("input", { testid: "settings-keep-chain", attrs: { type: "checkbox" } });
  const keepChainForm = h(
    "div",
    { class: "stack-tight", testid: "settings-keep-chain-form" },
    h("h3", { class: "section-title" }, "Local chain"),
    h(
      "label",
      { class: "check" },
      keepChain,
      " Keep the local chain running after Sesame quits (its state is kept on disk either way)",
    ),
  );
  keepChain.addEventListener("change", async () => {
    const want = keepChain.checked;
    keepChain.disabled = true;
    try {
      render(await api.settingsSetKeepLocalChain(want));
      notify(want ? "The local chain will keep running after Sesame quits." : "The local chain will stop when Sesame quits.");
    } catch (err) {
      keepChain.checked = !want;
      fail(err, "Could not save the local chain setting");
    } finally {
      keepChain.disabled = false;
    }
  });

  // ----- address book -----
  const list = h("ul", { class: "address-book", testid: "settings-addresses" });
  const label = h("input", { testid: "address-label", attrs: { type: "text", placeholder: "Label", autocomplete: "off" } });
  const address = h("input", { testid: "address-address", attrs: { type: "text", placeholder: "0x…", autocomplete: "off", spellcheck: "false" } });
  const addError = h("div", { class: "field-error", testid: "address-error", attrs: { role: "alert" } });
  addError.hidden = true;
  const add = h("button", { class: "btn btn-secondary btn-small", testid: "address-add", attrs: { type: "submit" } }, "Save address");
  const bookForm = h(
    "form",
    { class: "stack-tight", testid: "address-form", attrs: { novalidate: true } },
    h("div", { class: "grid-send" }, label, address),
    addError,
    h("div", { class: "actions" }, add),
  );
  const renderBook = (entries: api.AddressEntry[]) => {
    replace(
      list,
      entries.length === 0 ? h("li", { class: "muted small" }, "No saved or recent addresses on this network yet.") : null,
      entries.map((e) => {
        const remove = h("button", { class: "btn btn-ghost btn-small", testid: "address-remove", attrs: { type: "button" } }, "Remove");
        remove.addEventListener("click", async () => {
          try {
            renderBook(await api.addressRemove(e.address));
          } catch (err) {
            fail(err, "Could not remove the address");
          }
        });
        return h(
          "li",
          { class: "address-item", testid: "address-item", attrs: { "data-address": e.address, "data-saved": String(e.saved) } },
          h("span", null, e.label ?? "recent"),
          " ",
          h("code", { attrs: { title: e.address } }, shortHex(e.address, 10, 6)),
          remove,
        );
      }),
    );
  };
  bookForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    let addr: string;
    try {
      addr = parseAddress(address.value);
      if (label.value.trim() === "") throw new InputError("give the address a label");
    } catch (err) {
      addError.textContent = err instanceof InputError ? err.message : String(err);
      addError.hidden = false;
      return;
    }
    addError.hidden = true;
    setBusy(add, "Saving…");
    try {
      renderBook(await api.addressSave(addr, label.value.trim()));
      label.value = "";
      address.value = "";
    } catch (err) {
      fail(err, "Could not save the address");
    } finally {
      setBusy(add, null);
    }
  });

  const pinned = h("p", { class: "muted small", testid: "settings-pinned-chain" });
  pinned.hidden = true;

  const root = h(
    "div",
    { class: "stack", testid: "settings-panel" },
    pinned,
    payerForm,
    lockForm,
    keepChainForm,
    h("div", { class: "stack-tight" }, h("h3", { class: "section-title" }, "Address book"), list, bookForm),
  );

  const load = async () => {
    try {
      const [s, book] = await Promise.all([api.settingsGet(), api.addressBook()]);
      render(s);
      renderBook(book);
    } catch (err) {
      fail(err, "Could not read the settings");
    }
  };
  return { root, load, walletsChanged: () => renderWallets(null) };
}

// Create a new wallet or import one (address + private key). Used by onboarding and by the
// dashboard when the current network has no wallet yet.

import * as api from "../api";
import { field, h, setBusy, show } from "../dom";
import { checkPrivateKey, InputError, parseAddress } from "../format";
import { fail } from "../nav";

export interface WalletSetupOptions {
  networkLabel: string;
  onDone: (wallet: api.WalletView) => void;
  onCancel?: () => void;
}

export function walletSetup(opts: WalletSetupOptions): HTMLElement {
  const createBtn = h(
    "button",
    { class: "btn btn-primary", testid: "onboard-create-wallet", attrs: { type: "button" } },
    "Create a new wallet",
  );
  const importToggle = h(
    "button",
    { class: "btn btn-secondary", testid: "onboard-import-wallet", attrs: { type: "button" } },
    "Import an existing wallet",
  );

  const address = h("input", {
    testid: "import-address",
    attrs: { type: "text", placeholder: "0x…", autocomplete: "off", spellcheck: "false", autocapitalize: "off" },
  });
  const key = h("input", {
    testid: "import-key",
    attrs: { type: "password", placeholder: "0x…", autocomplete: "off", spellcheck: "false", autocapitalize: "off" },
  });
  const addressField = field("Account address", address, { errorTestid: "import-address-error" });
  const keyField = field("Owner private key", key, {
    hint: "Encrypted with your PIN on this device; it never leaves the app and is never shown again.",
    errorTestid: "import-key-error",
  });
  const importSubmit = h(
    "button",
    { class: "btn btn-primary", testid: "import-submit", attrs: { type: "submit" } },
    "Import wallet",
  );
  const importCancel = h(
    "button",
    { class: "btn btn-ghost", testid: "import-cancel", attrs: { type: "button" } },
    "Cancel",
  );
  const importForm = h(
    "form",
    { class: "stack", testid: "import-form", attrs: { novalidate: true } },
    addressField.root,
    keyField.root,
    h("div", { class: "actions" }, importCancel, importSubmit),
  );
  show(importForm, false);

  const setAllDisabled = (disabled: boolean) => {
    createBtn.disabled = disabled;
    importToggle.disabled = disabled;
  };

  createBtn.addEventListener("click", async () => {
    setBusy(createBtn, "Creating wallet…");
    importToggle.disabled = true;
    try {
      const wallet = await api.walletCreate();
      opts.onDone(wallet);
    } catch (err) {
      fail(err, "Could not create the wallet");
    } finally {
      setBusy(createBtn, null);
      importToggle.disabled = false;
    }
  });

  importToggle.addEventListener("click", () => {
    show(importForm, true);
    show(choices, false);
    address.focus();
  });
  importCancel.addEventListener("click", () => {
    key.value = "";
    addressField.setError(null);
    keyField.setError(null);
    show(importForm, false);
    show(choices, true);
  });

  importForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    let addr: string;
    let ok = true;
    try {
      addr = parseAddress(address.value);
      addressField.setError(null);
    } catch (err) {
      addr = "";
      ok = false;
      addressField.setError(err instanceof InputError ? err.message : String(err));
    }
    try {
      checkPrivateKey(key.value);
      keyField.setError(null);
    } catch (err) {
      ok = false;
      keyField.setError(err instanceof InputError ? err.message : String(err));
    }
    if (!ok) return;
    setBusy(importSubmit, "Importing…");
    importCancel.disabled = true;
    setAllDisabled(true);
    // Read the key once, then clear the field whatever happens.
    const secret = key.value.trim();
    key.value = "";
    try {
      const wallet = await api.walletImport(addr, secret);
      address.value = "";
      opts.onDone(wallet);
    } catch (err) {
      fail(err, "Could not import the wallet");
    } finally {
      key.value = "";
      setBusy(importSubmit, null);
      importCancel.disabled = false;
      setAllDisabled(false);
    }
  });

  const choices = h(
    "div",
    { class: "choice-grid" },
    h(
      "div",
      { class: "choice" },
      h("h3", null, "New wallet"),
      h(
        "p",
        { class: "muted" },
        opts.networkLabel === "Local devnet"
          ? "Sesame makes an owner key, and on the local devnet funds and deploys the account for you."
          : "Sesame makes an owner key and the account address; fund it to deploy it.",
      ),
      createBtn,
    ),
    h(
      "div",
      { class: "choice" },
      h("h3", null, "Existing wallet"),
      h("p", { class: "muted" }, "Use a session-key account you already own, with its address and owner key."),
      importToggle,
    ),
  );

  return h(
    "div",
    { class: "wallet-setup stack", testid: "wallet-setup" },
    choices,
    importForm,
    opts.onCancel
      ? h(
          "div",
          { class: "actions" },
          h(
            "button",
            {
              class: "btn btn-ghost",
              testid: "wallet-setup-cancel",
              attrs: { type: "button" },
              on: { click: () => opts.onCancel?.() },
            },
            "Close",
          ),
        )
      : null,
  );
}

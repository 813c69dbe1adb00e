// The ways back into a vault whose PIN is forgotten or locked, exactly those the vault has:
// restore an encrypted backup (replacing this device's vault, after a confirmation), or reopen
// the vault with a wallet's owner key. Both set a new PIN and leave the vault unlocked.
//
// There is no file picker (no dialog plugin, and the webview has no filesystem access): the
// backup is named by its path, and the shell reads it. Secrets are read once and the fields
// cleared before anything is sent; failures show the shell's {code, message} as an error banner.

import * as api from "../api";
import { field, h, setBusy, show } from "../dom";
import { checkPrivateKey, InputError, parseAddress } from "../format";
import { reportError } from "../notices";
import { confirmDialog } from "./dialog";
import { newPinProblem } from "./pin";

export interface RecoveryOptions {
  /** The vault is open again under the new PIN. */
  onRecovered: (app: api.AppState) => void;
}

export interface RecoveryPanel {
  root: HTMLElement;
  busy(): boolean;
}

const secret = (testid: string, autocomplete = "off") =>
  h("input", { testid, attrs: { type: "password", autocomplete, spellcheck: "false", autocapitalize: "off" } });

const plain = (testid: string, placeholder: string) =>
  h("input", { testid, attrs: { type: "text", placeholder, autocomplete: "off", spellcheck: "false", autocapitalize: "off" } });

function message(err: unknown): string {
  return err instanceof InputError ? err.message : String(err);
}

export function recoveryPanel(opts: RecoveryOptions): RecoveryPanel {
  let busy = false;

  // ----- restore a backup -----
  const path = plain("restore-path", "/home/you/Documents/sesame-backup-….sesame");
  const passphrase = secret("restore-passphrase");
  const restorePin = secret("restore-pin", "new-password");
  const restorePin2 = secret("restore-pin-confirm", "new-password");
  const replaceBox = h("input", { testid: "restore-replace", attrs: { type: "checkbox" } });
  const pathField = field("Backup file", path, {
    hint: "The full path of the .sesame file, e.g. ~/Documents/sesame-backup-….sesame (type or paste it).",
    errorTestid: "restore-path-error",
  });
  const passphraseField = field("Backup passphrase", passphrase, { errorTestid: "restore-passphrase-error" });
  const restorePinField = field("New PIN", restorePin, { hint: "At least 4 characters." });
  const restorePin2Field = field("Confirm new PIN", restorePin2, { errorTestid: "restore-pin-error" });
  const replaceError = h("div", { class: "field-error", testid: "restore-replace-error", attrs: { role: "alert" } });
  replaceError.hidden = true;
  const restoreSubmit = h("button", { class: "btn btn-primary", testid: "restore-submit", attrs: { type: "submit" } }, "Restore backup");
  const restoreForm = h(
    "form",
    { class: "stack", testid: "restore-form", attrs: { novalidate: true } },
    pathField.root,
    passphraseField.root,
    restorePinField.root,
    restorePin2Field.root,
    h(
      "div",
      { class: "field" },
      h(
        "label",
        { class: "consent" },
        replaceBox,
        h("span", null, "Replace this device's vault with the backup. Keys on this device that are not in the backup are lost."),
      ),
      replaceError,
    ),
    h("div", { class: "actions" }, restoreSubmit),
  );

  // ----- the owner key -----
  const wallet = plain("recover-wallet", "0x…");
  const ownerKey = secret("recover-key");
  const recoverPin = secret("recover-pin", "new-password");
  const recoverPin2 = secret("recover-pin-confirm", "new-password");
  const walletField = field("Wallet address", wallet, {
    hint: "A wallet kept on this device.",
    errorTestid: "recover-wallet-error",
  });
  const keyField = field("Its owner private key", ownerKey, {
    hint: "Checked against the wallet's stored public key; it only opens the vault and is never shown.",
    errorTestid: "recover-key-error",
  });
  const recoverPinField = field("New PIN", recoverPin, { hint: "At least 4 characters." });
  const recoverPin2Field = field("Confirm new PIN", recoverPin2, { errorTestid: "recover-pin-error" });
  const recoverSubmit = h("button", { class: "btn btn-primary", testid: "recover-submit", attrs: { type: "submit" } }, "Unlock with the owner key");
  const recoverForm = h(
    "form",
    { class: "stack", testid: "recover-form", attrs: { novalidate: true } },
    walletField.root,
    keyField.root,
    recoverPinField.root,
    recoverPin2Field.root,
    h("div", { class: "actions" }, recoverSubmit),
  );

  // ----- choosing -----
  const openRestore = h(
    "button",
    { class: "btn btn-secondary", testid: "recover-restore-open", attrs: { type: "button", "aria-expanded": "false" } },
    "Restore a backup",
  );
  const openOwner = h(
    "button",
    { class: "btn btn-secondary", testid: "recover-owner-open", attrs: { type: "button", "aria-expanded": "false" } },
    "Use my owner key",
  );
  const choose = (which: "restore" | "owner") => {
    if (busy) return;
    show(restoreForm, which === "restore");
    show(recoverForm, which === "owner");
    openRestore.setAttribute("aria-expanded", String(which === "restore"));
    openOwner.setAttribute("aria-expanded", String(which === "owner"));
    (which === "restore" ? path : wallet).focus();
  };
  openRestore.addEventListener("click", () => choose("restore"));
  openOwner.addEventListener("click", () => choose("owner"));
  show(restoreForm, false);
  show(recoverForm, false);

  /** One recovery at a time: everything else is disabled while one runs. */
  const setWorking = (on: boolean) => {
    busy = on;
    for (const b of [openRestore, openOwner, restoreSubmit, recoverSubmit]) b.disabled = on;
  };

  restoreForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    const file = path.value.trim();
    const problems = {
      path: file === "" ? "enter the path of the backup file" : null,
      passphrase: passphrase.value === "" ? "enter the backup's passphrase" : null,
      pin: newPinProblem(restorePin.value, restorePin2.value),
      consent: replaceBox.checked === true ? null : "Tick this box: restoring replaces the vault on this device.",
    };
    pathField.setError(problems.path);
    passphraseField.setError(problems.passphrase);
    restorePin2Field.setError(problems.pin);
    replaceError.textContent = problems.consent ?? "";
    replaceError.hidden = problems.consent === null;
    if (Object.values(problems).some((p) => p !== null)) return;
    const sure = await confirmDialog({
      title: "Replace this device's vault?",
      body: h(
        "div",
        { class: "stack-tight" },
        h("p", null, "Every wallet and session key on this device is replaced by those in the backup, under the new PIN."),
        h("p", { class: "muted" }, "Keys on this device that the backup does not hold are lost for good. This cannot be undone."),
      ),
      confirmLabel: "Replace and restore",
      danger: true,
    });
    if (!sure || busy) return;
    // Read the secrets once, then clear the fields whatever happens.
    const request: api.RestoreRequest = {
      path: file,
      passphrase: passphrase.value,
      newPin: restorePin.value,
      replace: true,
    };
    passphrase.value = "";
    restorePin.value = "";
    restorePin2.value = "";
    setWorking(true);
    setBusy(restoreSubmit, "Restoring…");
    try {
      const app = await api.vaultRestore(request);
      replaceBox.checked = false;
      opts.onRecovered(app);
    } catch (err) {
      reportError(err, "Could not restore the backup");
    } finally {
      setBusy(restoreSubmit, null);
      setWorking(false);
    }
  });

  recoverForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    let address = "";
    let ok = true;
    try {
      address = parseAddress(wallet.value);
      walletField.setError(null);
    } catch (err) {
      ok = false;
      walletField.setError(message(err));
    }
    try {
      checkPrivateKey(ownerKey.value);
      keyField.setError(null);
    } catch (err) {
      ok = false;
      keyField.setError(message(err));
    }
    const pinProblem = newPinProblem(recoverPin.value, recoverPin2.value);
    recoverPin2Field.setError(pinProblem);
    if (!ok || pinProblem) return;
    const key = ownerKey.value.trim();
    const newPin = recoverPin.value;
    ownerKey.value = "";
    recoverPin.value = "";
    recoverPin2.value = "";
    setWorking(true);
    setBusy(recoverSubmit, "Checking the owner key…");
    try {
      const app = await api.vaultRecover(address, key, newPin);
      opts.onRecovered(app);
    } catch (err) {
      reportError(err, "Could not unlock with the owner key");
    } finally {
      setBusy(recoverSubmit, null);
      setWorking(false);
    }
  });

  const root = h(
    "div",
    { class: "stack recovery", testid: "recovery" },
    h("h2", { class: "section-title" }, "Get back in"),
    h(
      "p",
      { class: "muted small" },
      "Both set a new PIN. A backup brings back the keys it holds; the owner key of a wallet on this device reopens the vault with every wallet and session kept.",
    ),
    h("div", { class: "recovery-choices" }, openRestore, openOwner),
    restoreForm,
    recoverForm,
  );
  return { root, busy: () => busy };
}

// The encrypted backup: a passphrase typed twice, then the shell encrypts every wallet and
// session key and writes the file itself (the backup's bytes never reach the webview) and
// says where. Used by onboarding ("Back up your keys") and the dashboard's Settings card.

import * as api from "../api";
import { field, h, replace, setBusy, show } from "../dom";
import { fail } from "../nav";
import { MIN_PASSPHRASE_LENGTH, newPassphraseProblem } from "./pin";

export interface BackupForm {
  root: HTMLElement;
  /** Whether a backup is being written now. */
  busy(): boolean;
  focus(): void;
}

export interface BackupFormOptions {
  /** Buttons shown before "Save backup" (Skip for now, Cancel); disabled while it works. */
  extra?: HTMLButtonElement[];
  /** After the file is written (the form is hidden, the result shown). */
  onSaved?: (reply: api.BackupReply) => void;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function backupForm(opts: BackupFormOptions = {}): BackupForm {
  const secretAttrs = { type: "password", autocomplete: "new-password", spellcheck: "false", autocapitalize: "off" };
  const passphrase = h("input", { testid: "backup-passphrase", attrs: secretAttrs });
  const confirm = h("input", { testid: "backup-passphrase-confirm", attrs: secretAttrs });
  const passphraseField = field("Backup passphrase", passphrase, {
    hint: `At least ${MIN_PASSPHRASE_LENGTH} characters. Only this passphrase opens the backup: Sesame cannot recover it.`,
  });
  const confirmField = field("Confirm passphrase", confirm, { errorTestid: "backup-passphrase-error" });
  const submit = h("button", { class: "btn btn-primary", testid: "backup-submit", attrs: { type: "submit" } }, "Save backup");
  const extra = opts.extra ?? [];
  const form = h(
    "form",
    { class: "stack", testid: "backup-form", attrs: { novalidate: true } },
    passphraseField.root,
    confirmField.root,
    h("div", { class: "actions" }, ...extra, submit),
  );
  const result = h("div", { class: "inline-success", testid: "backup-result", attrs: { role: "status" } });
  result.hidden = true;
  let busy = false;

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    const problem = newPassphraseProblem(passphrase.value, confirm.value);
    confirmField.setError(problem);
    if (problem) return;
    // Read once, then clear the fields whatever happens: no secret stays in the page.
    const secret = passphrase.value;
    passphrase.value = "";
    confirm.value = "";
    busy = true;
    setBusy(submit, "Encrypting the backup…");
    for (const b of extra) b.disabled = true;
    try {
      const reply = await api.vaultBackup(secret);
      replace(
        result,
        h("strong", null, "Backup saved to"),
        h("code", { class: "backup-path", testid: "backup-path" }, reply.path),
        h(
          "div",
          { class: "small", testid: "backup-counts" },
          `It holds ${plural(reply.wallets, "wallet")} and ${plural(reply.sessions, "session key")}. ` +
            "Keep a copy away from this computer, and the passphrase apart from the file.",
        ),
      );
      result.hidden = false;
      show(form, false);
      opts.onSaved?.(reply);
    } catch (err) {
      fail(err, "Could not save the backup");
    } finally {
      busy = false;
      setBusy(submit, null);
      for (const b of extra) b.disabled = false;
    }
  });

  return {
    root: h("div", { class: "stack", testid: "backup" }, form, result),
    busy: () => busy,
    focus: () => passphrase.focus(),
  };
}

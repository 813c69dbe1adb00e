// The dashboard's Settings card: who pays for session sends, the auto-lock time and the
// address book (settings-form.ts; the network is the header's selector), and the encrypted
// backup ("Create backup"), the same as onboarding's "Back up your keys" step.

import { h, replace, show } from "../dom";
import { subscribe } from "../state";
import { backupForm, type BackupForm } from "./backup";
import { settingsPanel } from "./settings-form";

export function settingsCard(): HTMLElement {
  const create = h(
    "button",
    { class: "btn btn-secondary btn-small", testid: "backup-create", attrs: { type: "button" } },
    "Create backup",
  );
  const slot = h("div", { class: "slot", testid: "backup-slot" });
  let form: BackupForm | null = null;

  const close = () => {
    form = null;
    replace(slot);
    show(create, true);
  };

  create.addEventListener("click", () => {
    if (form?.busy()) return;
    const cancel = h("button", { class: "btn btn-ghost", testid: "backup-cancel", attrs: { type: "button" } }, "Cancel");
    cancel.addEventListener("click", close);
    form = backupForm({
      extra: [cancel],
      onSaved: () => {
        form = null;
        show(create, true);
      },
    });
    replace(slot, form.root);
    show(create, false);
    form.focus();
  });

  const panel = settingsPanel();
  // Another network has its own payer and address book.
  subscribe("app", () => void panel.load());
  subscribe("wallet", () => panel.walletsChanged());
  void panel.load();

  return h(
    "section",
    { class: "card", testid: "settings-card" },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Settings")),
    panel.root,
    h(
      "div",
      { class: "stack-tight", testid: "backup-card" },
      h("h3", { class: "section-title" }, "Backup"),
      h(
        "p",
        { class: "muted small" },
        "An encrypted file with every wallet and session key on this device, under a passphrase you choose. With it, a forgotten PIN or a new computer loses nothing.",
      ),
      slot,
      h("div", { class: "actions" }, create),
    ),
  );
}

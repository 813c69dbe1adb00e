// Never locked out, in the UI: onboarding's backup step (and the passkey step only where a
// passkey can work), the dashboard's Settings card, and the unlock screen's ways back after a
// lockout (restore a backup, use the owner key), drawn by the real views in the minimal DOM
// with the real reply samples (test/fixtures/replies.json). Each has its negative case: a
// mismatched passphrase and a restore without the replace box are refused before anything is
// sent. After every submit, no secret is left anywhere in the DOM.

import { byTestid, FakeElement, FakeNode, FakeText, one, text } from "./dom-shim";

import * as api from "../src/api";
import { nav } from "../src/nav";
import { clearNotices, noticeArea } from "../src/notices";
import { resetWalletData, store, unsubscribeAll } from "../src/state";
import { dashboardScreen } from "../src/views/dashboard";
import { onboardingScreen } from "../src/views/onboarding";
import { unlockScreen } from "../src/views/unlock";
import { sample, sampleCase, sampleError } from "./fixtures/replies";
import { isCommand } from "./shapes";
import { eq, ok, run, settle, test } from "./harness";



const PASSPHRASE = "a long backup passphrase: amber kestrel";
const NEW_PIN = "pin-8642";
const OWNER_KEY = "0x7e57ab1e5ec2e7";
const BACKUP_PATH = "/home/me/Documents/sesame-backup-desktop-20260101-000000.sesame";

interface Call {
  command: string;
  args: Record<string, unknown>;
}

/** Answers every command with its sample reply, except where `fail` says to reject (once). */
function recorder(fail: Record<string, api.ErrorReply> = {}): api.Transport & { calls: Call[]; count(c: string): number } {
  const calls: Call[] = [];
  const pending = { ...fail };
  return {
    calls,
    count: (c) => calls.filter((x) => x.command === c).length,
    invoke: async (command, args = {}) => {
      calls.push({ command, args });
      await new Promise((r) => setTimeout(r, 0));
      const e = pending[command];
      if (e) {
        delete pending[command];
        throw e;
      }
      if (!isCommand(command)) throw `command ${command} not found`;
      return sample(command);
    },
    listen: async () => () => {},
  };
}

function fresh(app: api.AppState): void {
  unsubscribeAll();
  resetWalletData();
  clearNotices();
  document.body.replaceChildren();
  store.app = app;
  store.tokens = sample("tokens");
  nav.route = () => {};
  nav.locked = () => {};
  nav.dashboard = () => {};
}

function fill(el: unknown, value: string): void {
  (el as FakeElement).value = value;
}

function submit(form: unknown): void {
  (form as FakeElement).dispatchEvent(new Event("submit") as never);
}

/** Whether `el` and every ancestor are shown. */
function visible(el: FakeElement): boolean {
  for (let n: FakeElement | null = el; n; n = n.parentNode) if (n.hidden) return false;
  return true;
}

/** Every text, input value and attribute under `node`. */
function everything(node: FakeNode): string[] {
  const out: string[] = [];
  if (node instanceof FakeText) out.push(node.data);
  if (node instanceof FakeElement) {
    out.push(node.value);
    for (const a of node.attributeNames()) out.push(node.getAttribute(a) ?? "");
  }
  for (const c of node.childNodes) out.push(...everything(c));
  return out;
}

function noSecretIn(root: unknown, secrets: string[], when: string): void {
  const all = [...everything(root as FakeNode), ...everything(noticeArea() as unknown as FakeNode), ...everything(document.body as unknown as FakeNode)];
  for (const s of secrets) ok(!all.some((t) => t.includes(s)), `${when}: ${JSON.stringify(s)} is still in the DOM`);
}

function banners(): FakeElement[] {
  return byTestid(noticeArea(), "error-banner");
}

// ---------- onboarding ----------

test("onboarding: the backup step refuses a mismatch, saves, shows the path and leaves no secret", async () => {
  fresh(sample("vault_create"));
  store.wallet = sample("wallet_create");
  const t = recorder();
  api.setTransport(t);
  let dashboards = 0;
  nav.dashboard = () => (dashboards += 1);
  const screen = onboardingScreen("backup");

  const steps = one(screen, "onboarding-steps").children.map((li) => li.getAttribute("data-step"));
  eq(steps.join(","), "pin,wallet,backup", "no passkey step on a build without passkeys");
  eq(byTestid(screen, "passkey-enroll").length, 0, "no passkey enrolment offered");
  ok(text(one(screen, "backup-why")).includes("forgotten PIN"), "it says why a backup matters");
  ok(text(one(screen, "onboarding-wallet")).startsWith("Wallet ready"), "the new wallet is shown");

  const pass = one(screen, "backup-passphrase");
  const confirm = one(screen, "backup-passphrase-confirm");
  fill(pass, PASSPHRASE);
  fill(confirm, PASSPHRASE + "!");
  submit(one(screen, "backup-form"));
  await settle();
  eq(text(one(screen, "backup-passphrase-error")), "the two passphrases differ", "a mismatch is refused");
  eq(t.count("vault_backup"), 0, "nothing was sent");

  fill(pass, "eleven char");
  fill(confirm, "eleven char");
  submit(one(screen, "backup-form"));
  await settle();
  eq(text(one(screen, "backup-passphrase-error")), "use at least 12 characters", "a short passphrase is refused");
  eq(t.count("vault_backup"), 0, "nothing was sent");

  fill(pass, PASSPHRASE);
  fill(confirm, PASSPHRASE);
  submit(one(screen, "backup-form"));
  eq(one(screen, "backup-submit").getAttribute("aria-busy"), "true", "the button shows it works");
  ok(one(screen, "backup-skip").disabled, "skip waits for the backup");
  eq(pass.value, "", "the passphrase field is cleared at once");
  await settle();
  eq(t.count("vault_backup"), 1, "one backup");
  eq(t.calls.find((c) => c.command === "vault_backup")?.args["passphrase"], PASSPHRASE, "the passphrase goes to the shell");
  eq(text(one(screen, "backup-path")), sample("vault_backup").path, "the file's path");
  ok(text(one(screen, "backup-counts")).startsWith("It holds 2 wallets and 6 session keys."), text(one(screen, "backup-counts")));
  ok(one(screen, "backup-form").hidden, "the form is done");
  ok(visible(one(screen, "backup-continue")), "continue");
  eq(confirm.value, "", "the confirmation field is cleared");
  noSecretIn(screen, [PASSPHRASE], "after the backup");
  eq(banners().length, 0, "no error banner");
  one(screen, "backup-continue").click();
  eq(dashboards, 1, "on to the dashboard (no passkey step)");
});

test("onboarding: skip the backup; the passkey step only where passkeys work", async () => {
  fresh({ ...sample("vault_create"), passkey_available: true });
  const t = recorder();
  api.setTransport(t);
  let dashboards = 0;
  nav.dashboard = () => (dashboards += 1);
  const screen = onboardingScreen("backup");
  const steps = one(screen, "onboarding-steps").children.map((li) => li.getAttribute("data-step"));
  eq(steps.join(","), "pin,wallet,backup,passkey", "a passkey step where passkeys work");
  eq(text(one(screen, "backup-skip")), "Skip for now", "skippable");
  one(screen, "backup-skip").click();
  await settle();
  eq(t.count("vault_backup"), 0, "skipping writes nothing");
  eq(byTestid(screen, "passkey-enroll").length, 1, "then the passkey step");
  eq(dashboards, 0, "not yet the dashboard");

  fresh(sample("vault_create"));
  nav.dashboard = () => (dashboards += 1);
  const later = onboardingScreen("passkey");
  eq(byTestid(later, "passkey-enroll").length, 0, "never a passkey step on a build without passkeys");
  eq(byTestid(later, "backup-form").length, 1, "the backup step instead");
  one(later, "backup-skip").click();
  eq(dashboards, 1, "skipping goes straight to the dashboard");
});

test("a failed backup shows the shell's code and keeps no secret", async () => {
  fresh(sample("vault_create"));
  api.setTransport(recorder({ vault_backup: sampleError("SECRET_TOO_SHORT") }));
  const screen = onboardingScreen("backup");
  fill(one(screen, "backup-passphrase"), PASSPHRASE);
  fill(one(screen, "backup-passphrase-confirm"), PASSPHRASE);
  submit(one(screen, "backup-form"));
  await settle();
  eq(banners().length, 1, "one error banner");
  eq(banners()[0]?.getAttribute("data-code"), "SECRET_TOO_SHORT", "with the shell's code");
  ok(text(banners()[0]).includes(sampleError("SECRET_TOO_SHORT").message.slice(1)), "and its message");
  ok(visible(one(screen, "backup-form")), "the form stays for another try");
  ok(!visible(one(screen, "backup-continue")), "no continue without a backup");
  eq(one(screen, "backup-submit").getAttribute("aria-busy"), null, "not busy any more");
  noSecretIn(screen, [PASSPHRASE], "after a failed backup");
});

// ---------- settings ----------

test("the dashboard's settings card creates a backup, and refuses a mismatch first", async () => {
  fresh(sample("vault_unlock"));
  const t = recorder();
  api.setTransport(t);
  const d = dashboardScreen();
  try {
    await settle();
    const card = one(d.root, "backup-card");
    eq(byTestid(card, "backup-form").length, 0, "closed at first");
    eq(text(one(card, "backup-create")), "Create backup", "the button");
    one(card, "backup-create").click();
    ok(!visible(one(card, "backup-create")), "the button gives way to the form");
    fill(one(card, "backup-passphrase"), PASSPHRASE);
    fill(one(card, "backup-passphrase-confirm"), "something else entirely");
    submit(one(card, "backup-form"));
    await settle();
    eq(text(one(card, "backup-passphrase-error")), "the two passphrases differ", "a mismatch is refused");
    eq(t.count("vault_backup"), 0, "nothing was sent");
    fill(one(card, "backup-passphrase"), PASSPHRASE);
    fill(one(card, "backup-passphrase-confirm"), PASSPHRASE);
    submit(one(card, "backup-form"));
    await settle();
    eq(t.count("vault_backup"), 1, "one backup");
    eq(text(one(card, "backup-path")), sample("vault_backup").path, "the path");
    ok(visible(one(card, "backup-create")), "another backup can be made");
    noSecretIn(d.root, [PASSPHRASE], "after the settings backup");
    eq(banners().length, 0, "no error banner");
    one(card, "backup-create").click();
    eq(byTestid(card, "backup-path").length, 0, "a fresh form");
    one(card, "backup-cancel").click();
    eq(byTestid(card, "backup-form").length, 0, "cancel closes it");
  } finally {
    d.dispose();
  }
});

// ---------- unlock ----------

test("unlock after a lockout says why and offers exactly the ways back", () => {
  fresh(sampleCase("app_state:locked_out"));
  let s = unlockScreen();
  const lockout = one(s.root, "unlock-lockout");
  ok(visible(lockout), "the lockout is shown");
  eq(lockout.getAttribute("data-reason"), "attempts", "too many wrong PINs");
  ok(text(lockout).startsWith("Too many wrong PINs"), text(lockout));
  ok(!visible(one(s.root, "unlock-form")), "no PIN form");
  ok(!visible(one(s.root, "passkey-unlock")), "no passkey: this build has none");
  ok(visible(one(s.root, "recovery")), "the ways back are open");
  ok(!visible(one(s.root, "recovery-toggle")), "no need for the toggle");
  eq(text(one(s.root, "recover-restore-open")), "Restore a backup", "restore");
  eq(text(one(s.root, "recover-owner-open")), "Use my owner key", "owner key");
  ok(!visible(one(s.root, "restore-form")) && !visible(one(s.root, "recover-form")), "forms open on request");
  one(s.root, "recover-restore-open").click();
  ok(visible(one(s.root, "restore-form")) && !visible(one(s.root, "recover-form")), "restore opens");
  one(s.root, "recover-owner-open").click();
  ok(!visible(one(s.root, "restore-form")) && visible(one(s.root, "recover-form")), "owner key opens");
  s.dispose();

  fresh(sampleCase("app_state:attempts_tampered"));
  s = unlockScreen();
  eq(one(s.root, "unlock-lockout").getAttribute("data-reason"), "tampered", "tampered");
  ok(text(one(s.root, "unlock-lockout")).includes("changed outside Sesame"), text(one(s.root, "unlock-lockout")));
  ok(visible(one(s.root, "recovery")), "the same ways back");
  s.dispose();

  fresh(sampleCase("app_state:locked_out_with_passkey"));
  s = unlockScreen();
  ok(visible(one(s.root, "passkey-unlock")) && !one(s.root, "passkey-unlock").disabled, "passkey unlock where it works and is enrolled");
  ok(text(one(s.root, "unlock-lockout")).includes("passkey"), "and the lockout says so");
  s.dispose();

  fresh({ ...sample("vault_lock"), passkey_enrolled: true });
  s = unlockScreen();
  ok(!visible(one(s.root, "passkey-unlock")), "no passkey unlock on a build without passkeys, enrolled or not");
  ok(visible(one(s.root, "unlock-form")), "the PIN form");
  ok(!visible(one(s.root, "recovery")), "recovery behind a link when the PIN still works");
  one(s.root, "recovery-toggle").click();
  ok(visible(one(s.root, "recovery")), "Forgot your PIN? opens it");
  s.dispose();
});

function fillRestore(root: unknown, passphrase = PASSPHRASE): void {
  fill(one(root, "restore-path"), BACKUP_PATH);
  fill(one(root, "restore-passphrase"), passphrase);
  fill(one(root, "restore-pin"), NEW_PIN);
  fill(one(root, "restore-pin-confirm"), NEW_PIN);
}

test("restore: refused without the replace box, confirmed, sent once, and no secret stays", async () => {
  fresh(sampleCase("app_state:locked_out"));
  const t = recorder();
  api.setTransport(t);
  const routed: api.AppState[] = [];
  nav.route = (app) => routed.push(app);
  const s = unlockScreen();
  one(s.root, "recover-restore-open").click();
  fillRestore(s.root);
  submit(one(s.root, "restore-form"));
  await settle();
  ok(visible(one(s.root, "restore-replace-error")), "the replace box is required");
  eq(byTestid(document.body, "confirm-dialog").length, 0, "no confirmation yet");
  eq(t.count("vault_restore"), 0, "nothing was sent");

  fill(one(s.root, "restore-pin-confirm"), "pin-0000");
  (one(s.root, "restore-replace") as unknown as { checked: boolean }).checked = true;
  submit(one(s.root, "restore-form"));
  await settle();
  eq(text(one(s.root, "restore-pin-error")), "the two PINs differ", "the new PIN twice");
  eq(t.count("vault_restore"), 0, "nothing was sent");

  fill(one(s.root, "restore-pin-confirm"), NEW_PIN);
  submit(one(s.root, "restore-form"));
  await settle();
  ok(!visible(one(s.root, "restore-replace-error")), "the box is ticked");
  ok(text(one(document.body, "confirm-dialog")).includes("lost for good"), "a confirmation says what is lost");
  one(document.body, "confirm-cancel").click();
  await settle();
  eq(t.count("vault_restore"), 0, "cancelled: nothing was sent");

  submit(one(s.root, "restore-form"));
  await settle();
  one(document.body, "confirm-ok").click();
  await new Promise((r) => setTimeout(r, 0));
  eq(one(s.root, "restore-submit").getAttribute("aria-busy"), "true", "restoring shows it works");
  ok(one(s.root, "recover-owner-open").disabled, "one way back at a time");
  await settle();
  eq(t.count("vault_restore"), 1, "one restore");
  const args = t.calls.find((c) => c.command === "vault_restore")?.args ?? {};
  eq(JSON.stringify(args), JSON.stringify({ path: BACKUP_PATH, passphrase: PASSPHRASE, new_pin: NEW_PIN, replace: true }), "its arguments");
  eq(routed.length, 1, "the unlocked vault is routed");
  eq(routed[0]?.unlocked, true, "unlocked");
  noSecretIn(s.root, [PASSPHRASE, NEW_PIN], "after the restore");
  s.dispose();
});

test("restore: a wrong passphrase shows the shell's code and clears the secrets", async () => {
  fresh(sampleCase("app_state:attempts_tampered"));
  api.setTransport(recorder({ vault_restore: sampleError("WRONG_PIN_OR_DAMAGED_DATA") }));
  const routed: api.AppState[] = [];
  nav.route = (app) => routed.push(app);
  const s = unlockScreen();
  one(s.root, "recover-restore-open").click();
  fillRestore(s.root, "not the passphrase at all");
  (one(s.root, "restore-replace") as unknown as { checked: boolean }).checked = true;
  submit(one(s.root, "restore-form"));
  await settle();
  one(document.body, "confirm-ok").click();
  await settle();
  eq(routed.length, 0, "still locked");
  eq(banners()[0]?.getAttribute("data-code"), "WRONG_PIN_OR_DAMAGED_DATA", "the shell's code on an error banner");
  ok(text(banners()[0]).startsWith("Could not restore the backup"), text(banners()[0]));
  eq(one(s.root, "restore-path").value, BACKUP_PATH, "the path stays, to try again");
  noSecretIn(s.root, ["not the passphrase at all", NEW_PIN], "after a failed restore");
  ok(!one(s.root, "restore-submit").disabled, "ready for another try");
  s.dispose();
});

test("owner key: checked before sending, refused with the shell's code, then it opens the vault", async () => {
  fresh(sampleCase("app_state:locked_out"));
  const t = recorder({ vault_recover: sampleError("OWNER_KEY_MISMATCH") });
  api.setTransport(t);
  const routed: api.AppState[] = [];
  nav.route = (app) => routed.push(app);
  const s = unlockScreen();
  one(s.root, "recover-owner-open").click();
  const wallet = sample("wallet_show").address;
  const fillOwner = (confirmPin: string) => {
    fill(one(s.root, "recover-wallet"), wallet);
    fill(one(s.root, "recover-key"), OWNER_KEY);
    fill(one(s.root, "recover-pin"), NEW_PIN);
    fill(one(s.root, "recover-pin-confirm"), confirmPin);
  };
  fill(one(s.root, "recover-wallet"), "0x12zz");
  submit(one(s.root, "recover-form"));
  await settle();
  ok(visible(one(s.root, "recover-wallet-error")), "a bad address is refused");
  ok(visible(one(s.root, "recover-key-error")), "a missing key is refused");
  fillOwner("pin-0000");
  submit(one(s.root, "recover-form"));
  await settle();
  eq(text(one(s.root, "recover-pin-error")), "the two PINs differ", "the new PIN twice");
  eq(t.count("vault_recover"), 0, "nothing was sent");

  fillOwner(NEW_PIN);
  submit(one(s.root, "recover-form"));
  eq(one(s.root, "recover-submit").getAttribute("aria-busy"), "true", "it shows it works");
  await settle();
  eq(banners()[0]?.getAttribute("data-code"), "OWNER_KEY_MISMATCH", "the shell's code on an error banner");
  noSecretIn(s.root, [OWNER_KEY, NEW_PIN], "after a refused owner key");
  eq(routed.length, 0, "still locked");

  fillOwner(NEW_PIN);
  submit(one(s.root, "recover-form"));
  await settle();
  eq(t.count("vault_recover"), 2, "sent twice in all");
  const args = t.calls.filter((c) => c.command === "vault_recover")[1]?.args ?? {};
  eq(JSON.stringify(args), JSON.stringify({ wallet, private_key: OWNER_KEY, new_pin: NEW_PIN }), "its arguments");
  eq(routed.length, 1, "the vault is open again");
  eq(banners().length, 0, "the old error is gone");
  noSecretIn(s.root, [OWNER_KEY, NEW_PIN], "after the recovery");
  s.dispose();
});

void run("recovery");

// First run: set a PIN (the vault is created and unlocked), create or import a wallet, back
// up the keys (strongly suggested, skippable), then, only on a build that can use one, enrol a
// passkey.

import * as api from "../api";
import { field, h, replace, setBusy } from "../dom";
import { sentence, shortHex } from "../format";
import { fail, nav } from "../nav";
import { store } from "../state";
import { backupForm } from "./backup";
import { networkLabel } from "./network";
import { newPinProblem } from "./pin";
import { walletSetup } from "./wallet-setup";

export type OnboardingStep = "pin" | "wallet" | "backup" | "passkey";
type Step = OnboardingStep;
const ALL_STEPS: { id: Step; label: string }[] = [
  { id: "pin", label: "Set a PIN" },
  { id: "wallet", label: "Wallet" },
  { id: "backup", label: "Backup" },
  { id: "passkey", label: "Passkey" },
];

/** Whether this build can enrol a passkey (every shipped build without the feature cannot). */
const passkeyAvailable = () => store.app?.passkey_available === true;

/** The steps this build walks through: the passkey step only where a passkey can work. */
function steps(): { id: Step; label: string }[] {
  return ALL_STEPS.filter((s) => s.id !== "passkey" || passkeyAvailable());
}

export function onboardingScreen(startAt: OnboardingStep = "pin"): HTMLElement {
  const stepper = h("ol", { class: "stepper", testid: "onboarding-steps" });
  const body = h("div", { class: "onboarding-body" });
  const card = h(
    "section",
    { class: "card card-narrow onboarding", testid: "onboarding" },
    h("h1", { class: "card-title" }, "Welcome to Sesame"),
    h(
      "p",
      { class: "muted" },
      "A wallet for Starknet session keys: sign once with your own key, then let a short-lived session key act within the limits you set.",
    ),
    stepper,
    body,
  );

  const go = (wanted: Step) => {
    const list = steps();
    const step = list.some((s) => s.id === wanted) ? wanted : "backup";
    const index = list.findIndex((s) => s.id === step);
    replace(
      stepper,
      list.map((s, i) =>
        h(
          "li",
          {
            class: i < index ? "done" : i === index ? "current" : "",
            attrs: { "aria-current": i === index ? "step" : null, "data-step": s.id },
          },
          h("span", { class: "stepper-dot" }, i < index ? "✓" : String(i + 1)),
          s.label,
        ),
      ),
    );
    if (step === "pin") replace(body, pinStep(() => go("wallet")));
    else if (step === "wallet") replace(body, walletStep(() => go("backup")));
    else if (step === "backup") replace(body, backupStep(() => (passkeyAvailable() ? go("passkey") : nav.dashboard())));
    else replace(body, passkeyStep());
  };
  go(startAt);
  return h("div", { class: "center-page" }, card);
}

function pinStep(next: () => void): HTMLElement {
  const pin = h("input", {
    testid: "pin-input",
    attrs: { type: "password", autocomplete: "new-password", required: true, minlength: 4 },
  });
  const confirm = h("input", {
    testid: "pin-confirm-input",
    attrs: { type: "password", autocomplete: "new-password", required: true },
  });
  const pinField = field("PIN", pin, {
    hint: "At least 4 characters. It encrypts your keys on this device; Sesame cannot recover it.",
  });
  const confirmField = field("Confirm PIN", confirm, { errorTestid: "pin-error" });
  const submit = h("button", { class: "btn btn-primary btn-block", testid: "pin-submit", attrs: { type: "submit" } }, "Set PIN");
  const form = h("form", { class: "stack", attrs: { novalidate: true } }, pinField.root, confirmField.root, submit);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const problem = newPinProblem(pin.value, confirm.value);
    confirmField.setError(problem);
    if (problem) return;
    setBusy(submit, "Creating vault…");
    const secret = pin.value;
    try {
      store.app = await api.vaultCreate(secret);
      pin.value = "";
      confirm.value = "";
      next();
    } catch (err) {
      fail(err, "Could not create the vault");
    } finally {
      setBusy(submit, null);
    }
  });
  window.setTimeout(() => pin.focus(), 0);
  return form;
}

function walletStep(next: () => void): HTMLElement {
  const label = store.app ? networkLabel(store.app.network) : "Local devnet";
  return h(
    "div",
    { class: "stack" },
    h("p", null, "Network: ", h("strong", { testid: "onboarding-network" }, label), h("span", { class: "muted" }, " (you can switch on the dashboard)")),
    walletSetup({
      networkLabel: label,
      onDone: (wallet) => {
        store.wallet = wallet;
        next();
      },
    }),
  );
}

/** What the wallet step made, shown once on the step after it. */
function walletReady(): HTMLElement | null {
  const wallet = store.wallet;
  return wallet
    ? h(
        "div",
        { class: "inline-success", testid: "onboarding-wallet" },
        "Wallet ready: ",
        h("code", { attrs: { title: wallet.address } }, shortHex(wallet.address, 10, 8)),
        wallet.next_step ? h("div", { class: "muted" }, wallet.next_step) : null,
      )
    : null;
}

function backupStep(next: () => void): HTMLElement {
  const skip = h("button", { class: "btn btn-secondary", testid: "backup-skip", attrs: { type: "button" } }, "Skip for now");
  const done = h("button", { class: "btn btn-primary", testid: "backup-continue", attrs: { type: "button" } }, "Continue");
  done.hidden = true;
  skip.addEventListener("click", next);
  done.addEventListener("click", next);
  const form = backupForm({ extra: [skip], onSaved: () => (done.hidden = false) });
  window.setTimeout(() => form.focus(), 0);
  return h(
    "div",
    { class: "stack", testid: "onboarding-backup" },
    walletReady(),
    h("h2", { class: "section-title" }, "Back up your keys (strongly suggested)"),
    h(
      "p",
      { class: "muted", testid: "backup-why" },
      "Without a backup, a forgotten PIN can lock this wallet's session keys away for good; an encrypted backup file and its passphrase bring every key back, on this computer or another.",
    ),
    form.root,
    h("div", { class: "actions" }, done),
  );
}

function passkeyStep(): HTMLElement {
  const enroll = h("button", { class: "btn btn-primary", testid: "passkey-enroll", attrs: { type: "button" } }, "Enrol a passkey");
  const skip = h("button", { class: "btn btn-secondary", testid: "passkey-skip", attrs: { type: "button" } }, "Skip for now");
  const error = h("div", { class: "inline-error", testid: "passkey-error", attrs: { role: "alert" } });
  error.hidden = true;
  const status = h("div", { class: "inline-success", testid: "passkey-status" });
  status.hidden = true;

  enroll.addEventListener("click", async () => {
    error.hidden = true;
    setBusy(enroll, "Touch your security key…");
    skip.disabled = true;
    try {
      store.app = await api.passkeyEnroll();
      status.textContent = "Passkey enrolled. You can unlock with it next time.";
      status.hidden = false;
      enroll.hidden = true;
      skip.textContent = "Continue";
    } catch (err) {
      // Shown in place (and kept): on many Linux machines passkeys are not available.
      const e = api.ApiError.from(err);
      replace(error, h("strong", null, sentence(e.message)), " ", h("code", null, e.code));
      error.hidden = false;
      if (api.LOCKED_CODES.has(e.code)) fail(e);
    } finally {
      setBusy(enroll, null);
      skip.disabled = false;
    }
  });
  skip.addEventListener("click", () => nav.dashboard());

  return h(
    "div",
    { class: "stack", testid: "onboarding-passkey" },
    h("h2", { class: "section-title" }, "Unlock faster with a passkey (optional)"),
    h(
      "p",
      { class: "muted" },
      "A FIDO2 security key with the hmac-secret extension can unlock Sesame instead of the PIN. The PIN keeps working.",
    ),
    error,
    status,
    h("div", { class: "actions" }, skip, enroll),
  );
}

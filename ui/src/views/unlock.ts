// Unlock with the PIN or, where this build can use one and it is enrolled, a passkey. Shows
// the attempts left, a live countdown while the PIN is in backoff, and the lockout (too many
// wrong PINs, or a counter changed outside Sesame) with the ways back in: restore a backup or
// use a wallet's owner key (views/recovery.ts), offered at once on a lockout and behind
// "Forgot your PIN?" otherwise.

import * as api from "../api";
import { h, replace, setBusy, show } from "../dom";
import { formatCountdown, sentence } from "../format";
import { nav } from "../nav";
import { clearNotices } from "../notices";
import { store } from "../state";
import { recoveryPanel } from "./recovery";

export interface UnlockScreen {
  root: HTMLElement;
  dispose(): void;
}

export function unlockScreen(reason?: string): UnlockScreen {
  const pin = h("input", {
    testid: "pin-input",
    attrs: { type: "password", autocomplete: "current-password", "aria-label": "PIN", placeholder: "PIN" },
  });
  const submit = h("button", { class: "btn btn-primary btn-block", testid: "pin-submit", attrs: { type: "submit" } }, "Unlock");
  const passkey = h(
    "button",
    { class: "btn btn-secondary btn-block", testid: "passkey-unlock", attrs: { type: "button" } },
    "Unlock with passkey",
  );
  const error = h("div", { class: "inline-error", testid: "unlock-error", attrs: { role: "alert" } });
  error.hidden = true;
  const attempts = h("div", { class: "attempts", testid: "attempts-left", attrs: { "aria-live": "polite" } });
  const backoff = h("div", { class: "inline-warning", testid: "unlock-backoff", attrs: { "aria-live": "polite" } });
  backoff.hidden = true;
  const lockout = h("div", { class: "inline-error", testid: "unlock-lockout", attrs: { role: "alert" } });
  lockout.hidden = true;
  const passkeyBlock = h("div", { class: "stack-tight" }, h("div", { class: "divider" }, h("span", null, "or")), passkey);
  const recoveryToggle = h(
    "button",
    { class: "btn btn-ghost btn-small recovery-toggle", testid: "recovery-toggle", attrs: { type: "button", "aria-expanded": "false" } },
    "Forgot your PIN?",
  );
  let recoveryOpen = false;

  let busy = false;
  let retryUntil = 0; // local ms timestamp; 0 when no backoff
  let timer: number | undefined;

  const showError = (e: api.ApiError) => {
    replace(error, h("strong", null, sentence(e.message)), " ", h("code", null, e.code));
    error.hidden = false;
  };

  const render = () => {
    const app = store.app;
    const a = app?.attempts;
    const tampered = a?.tampered === true;
    const lockedOut = a?.locked_out === true || tampered;
    const passkeyUsable = app?.passkey_available === true && app.passkey_enrolled;
    const waitSecs = retryUntil > 0 ? Math.ceil((retryUntil - Date.now()) / 1000) : 0;
    if (a) {
      attempts.textContent = lockedOut
        ? "No PIN attempts left"
        : `${a.attempts_left} ${a.attempts_left === 1 ? "attempt" : "attempts"} left`;
      attempts.classList.toggle("attempts-warn", a.failures > 0);
      attempts.dataset["attemptsLeft"] = String(a.attempts_left);
    }
    lockout.hidden = !lockedOut;
    lockout.dataset["reason"] = tampered ? "tampered" : lockedOut ? "attempts" : "";
    lockout.textContent = lockedOut
      ? (tampered
          ? "The PIN attempt counter was changed outside Sesame, so PIN unlock stays locked on this device."
          : "Too many wrong PINs: PIN unlock is locked on this device.") +
        (passkeyUsable ? " You can still unlock with your passkey," : "") +
        (passkeyUsable ? " or get back in below and set a new PIN." : " Get back in below and set a new PIN.")
      : "";
    show(form, !lockedOut);
    backoff.hidden = lockedOut || waitSecs <= 0;
    backoff.textContent = waitSecs > 0 ? `Too many wrong PINs. Try again in ${formatCountdown(waitSecs)}.` : "";
    backoff.dataset["seconds"] = String(Math.max(0, waitSecs));
    pin.disabled = lockedOut || busy;
    if (!busy) submit.disabled = lockedOut || waitSecs > 0;
    show(passkeyBlock, passkeyUsable);
    if (!busy) passkey.disabled = !passkeyUsable;
    // On a lockout the ways back are the only way in: always shown.
    show(recoveryToggle, !lockedOut);
    show(recovery.root, lockedOut || recoveryOpen);
    recoveryToggle.setAttribute("aria-expanded", String(lockedOut || recoveryOpen));
  };

  const startBackoff = (secs: number) => {
    window.clearInterval(timer);
    timer = undefined;
    retryUntil = secs > 0 ? Date.now() + secs * 1000 : 0;
    if (secs > 0) {
      timer = window.setInterval(() => {
        if (Date.now() >= retryUntil) {
          window.clearInterval(timer);
          timer = undefined;
          retryUntil = 0;
          void reread();
        }
        render();
      }, 1000);
    }
    render();
  };

  const reread = async () => {
    try {
      store.app = await api.appState();
      startBackoff(store.app.attempts.retry_after_secs);
    } catch (err) {
      showError(api.ApiError.from(err));
    }
  };

  const finish = (app: api.AppState) => {
    store.app = app;
    pin.value = "";
    nav.route(app);
  };

  const recovery = recoveryPanel({
    onRecovered: (app) => {
      // Earlier failures are moot now that the vault is open again.
      clearNotices();
      finish(app);
    },
  });
  recoveryToggle.addEventListener("click", () => {
    recoveryOpen = !recoveryOpen;
    render();
  });

  const form = h("form", { class: "stack", testid: "unlock-form", attrs: { novalidate: true } }, pin, submit);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    if (pin.value.length === 0) {
      showError(new api.ApiError("PIN_EMPTY", "Enter your PIN."));
      return;
    }
    busy = true;
    error.hidden = true;
    setBusy(submit, "Unlocking…");
    passkey.disabled = true;
    const secret = pin.value;
    pin.value = "";
    try {
      finish(await api.vaultUnlock(secret));
      return;
    } catch (err) {
      showError(api.ApiError.from(err));
    } finally {
      busy = false;
      setBusy(submit, null);
    }
    await reread();
    pin.focus();
  });

  passkey.addEventListener("click", async () => {
    busy = true;
    error.hidden = true;
    setBusy(passkey, "Touch your security key…");
    submit.disabled = true;
    try {
      finish(await api.vaultUnlockPasskey());
      return;
    } catch (err) {
      showError(api.ApiError.from(err));
    } finally {
      busy = false;
      setBusy(passkey, null);
    }
    await reread();
  });

  const card = h(
    "section",
    { class: "card card-narrow unlock", testid: "unlock" },
    h("div", { class: "lock-mark", attrs: { "aria-hidden": "true" } }),
    h("h1", { class: "card-title" }, "Unlock Sesame"),
    reason ? h("p", { class: "muted", testid: "lock-reason" }, reason) : null,
    form,
    error,
    backoff,
    lockout,
    attempts,
    passkeyBlock,
    recoveryToggle,
    recovery.root,
  );
  render();
  startBackoff(store.app?.attempts.retry_after_secs ?? 0);
  window.setTimeout(() => pin.focus(), 0);

  return {
    root: h("div", { class: "center-page" }, card),
    dispose: () => window.clearInterval(timer),
  };
}

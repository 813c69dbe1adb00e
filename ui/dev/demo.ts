// DEV ONLY. Scripted walks through the UI (by data-testid, like the e2e tests) so that a
// headless browser screenshot shows a given state: ?demo=<name>.

type El = HTMLElement;

const sel = (id: string, within: ParentNode = document) => within.querySelector<El>(`[data-testid="${id}"]`);

async function waitFor(id: string, within: ParentNode = document, timeoutMs = 10_000): Promise<El> {
  const t0 = Date.now();
  for (;;) {
    const el = sel(id, within);
    if (el && !el.hidden && el.offsetParent !== null) return el;
    if (Date.now() - t0 > timeoutMs) throw new Error(`demo: ${id} did not appear`);
    await sleep(50);
  }
}

async function waitUntil(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error("demo: condition not met");
    await sleep(50);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function type(el: El, text: string): void {
  const input = el as HTMLInputElement;
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

function choose(el: El, value: string): void {
  const s = el as HTMLSelectElement;
  s.value = value;
  s.dispatchEvent(new Event("change", { bubbles: true }));
}

async function click(id: string, within: ParentNode = document): Promise<void> {
  const el = await waitFor(id, within);
  (el as HTMLButtonElement).click();
}

async function sessionsLoaded(): Promise<void> {
  await waitUntil(() => sel("session-list")?.dataset["loaded"] === "true" && sel("refresh")?.getAttribute("aria-busy") !== "true");
}

function item(state: string, nth = 0): El {
  const items = Array.from(document.querySelectorAll<El>(`[data-testid="session-item"][data-state="${state}"]`));
  const el = items[nth];
  if (!el) throw new Error(`demo: no ${state} session`);
  return el;
}

const DEMOS: Record<string, () => Promise<void>> = {
  async "onboarding-wallet"() {
    type(await waitFor("pin-input"), "1234");
    type(await waitFor("pin-confirm-input"), "1234");
    await click("pin-submit");
    await waitFor("onboard-create-wallet");
  },
  async "onboarding-pin-mismatch"() {
    type(await waitFor("pin-input"), "1234");
    type(await waitFor("pin-confirm-input"), "1243");
    await click("pin-submit");
  },
  async "onboarding-import"() {
    await DEMOS["onboarding-wallet"]!();
    await click("onboard-import-wallet");
    type(await waitFor("import-address"), "0x12zz");
    type(await waitFor("import-key"), "0xabc123");
    await click("import-submit");
  },
  async "onboarding-backup"() {
    await DEMOS["onboarding-wallet"]!();
    await click("onboard-create-wallet");
    await waitFor("backup-passphrase");
  },
  async "onboarding-backup-mismatch"() {
    await DEMOS["onboarding-backup"]!();
    type(await waitFor("backup-passphrase"), "a long enough passphrase");
    type(await waitFor("backup-passphrase-confirm"), "a long enough passphrasE");
    await click("backup-submit");
    await waitFor("backup-passphrase-error");
  },
  async "onboarding-backup-saved"() {
    await DEMOS["onboarding-backup"]!();
    type(await waitFor("backup-passphrase"), "correct horse battery");
    type(await waitFor("backup-passphrase-confirm"), "correct horse battery");
    await click("backup-submit");
    await waitFor("backup-path");
  },
  // ?scenario=lockedout
  async "lockout-restore"() {
    await click("recover-restore-open");
    type(await waitFor("restore-path"), "~/Documents/sesame-backup-desktop-20260101-000000.sesame");
    type(await waitFor("restore-passphrase"), "correct horse battery");
    type(await waitFor("restore-pin"), "4321");
    type(await waitFor("restore-pin-confirm"), "4321");
    (await waitFor("restore-replace")).click();
    await click("restore-submit");
    await waitFor("confirm-dialog");
  },
  // ?scenario=lockedout
  async "lockout-owner-key"() {
    await click("recover-owner-open");
    type(await waitFor("recover-wallet"), "0x5f8e3a17c2b94d06a1e7c3b8d2f4a6e9c1b3d5f7a9e2c4b6d8f0a1c3e5b7d90");
    type(await waitFor("recover-key"), "0xbad");
    type(await waitFor("recover-pin"), "4321");
    type(await waitFor("recover-pin-confirm"), "4321");
    await click("recover-submit");
    await waitFor("error-banner");
  },
  async "settings-backup"() {
    await sessionsLoaded();
    await click("backup-create");
    type(await waitFor("backup-passphrase"), "correct horse battery");
    type(await waitFor("backup-passphrase-confirm"), "correct horse battery");
    await click("backup-submit");
    await waitFor("backup-path");
    (await waitFor("backup-card")).scrollIntoView({ block: "center" });
  },
  async "unlock-error"() {
    type(await waitFor("pin-input"), "0000");
    await click("pin-submit");
    await waitFor("unlock-error");
    await waitFor("unlock-backoff");
  },
  async dashboard() {
    await sessionsLoaded();
  },
  async "new-session"() {
    await sessionsLoaded();
    await click("new-session");
    type(await waitFor("session-max-calls"), "50");
    await click("scope-add");
    const rows = document.querySelectorAll<El>("[data-scope-row]");
    const added = rows[rows.length - 1];
    if (!added) throw new Error("demo: no scope row");
    choose(await waitFor("scope-entrypoint", added), "approve");
    await click("recipients-add");
    type(await waitFor("recipient-addresses"), "0x03a1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8");
    type(await waitFor("policy-per-call"), "5");
    type(await waitFor("policy-per-window"), "50");
    await click("session-submit");
    await waitUntil(() => sel("session-progress")?.querySelector('[data-step="register"]')?.getAttribute("data-state") === "running");
    window.scrollTo(0, 0);
  },
  async "new-session-done"() {
    await sessionsLoaded();
    await click("new-session");
    type(await waitFor("policy-per-call"), "5");
    type(await waitFor("policy-per-window"), "50");
    await click("session-submit");
    await waitFor("session-outcome");
    await sessionsLoaded();
  },
  async "new-session-broad"() {
    await sessionsLoaded();
    await click("new-session");
    const any = (await waitFor("new-session-allow-any")) as HTMLInputElement;
    any.checked = true;
    any.dispatchEvent(new Event("change", { bubbles: true }));
    await waitFor("session-broad-warning");
  },
  async "rotate-key"() {
    await sessionsLoaded();
    await click("rotate-key");
    await waitFor("confirm-dialog");
  },
  async "rotate-key-done"() {
    await sessionsLoaded();
    await click("rotate-key");
    await click("confirm-ok");
    await waitFor("rotate-key-result");
  },
  async "send-preview"() {
    await sessionsLoaded();
    await click("session-send", item("active", 0));
    type(await waitFor("send-recipient"), "0x03a1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8");
    type(await waitFor("send-amount"), "2.5");
    await click("send-preview");
    await waitFor("send-preview-result");
  },
  async "send-refused"() {
    await sessionsLoaded();
    await click("session-send", item("active", 0));
    type(await waitFor("send-recipient"), "0x03a1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8");
    type(await waitFor("send-amount"), "15");
    await click("send-preview");
    await waitFor("send-preview-result");
  },
  async "send-invalid"() {
    await sessionsLoaded();
    await click("session-send", item("active", 0));
    type(await waitFor("send-recipient"), "0x0");
    type(await waitFor("send-amount"), "1.0000000000000000001");
    await click("send-preview");
  },
  async "send-result"() {
    await DEMOS["send-preview"]!();
    await click("send-confirm");
    await waitFor("send-result");
    await sessionsLoaded();
  },
  async "revoke-confirm"() {
    await sessionsLoaded();
    await click("session-revoke", item("active", 0));
    await waitFor("confirm-dialog");
  },
  async "revoke-all-confirm"() {
    await sessionsLoaded();
    await click("revoke-all");
    await waitFor("confirm-dialog");
  },
  async "revoke-done"() {
    await sessionsLoaded();
    const key = item("active", 0).dataset["session"] ?? "";
    await click("session-revoke", item("active", 0));
    await click("confirm-ok");
    await waitUntil(() => document.querySelector(`[data-testid="session-item"][data-session="${key}"]`)?.getAttribute("data-state") === "revoked");
    await waitFor("notice");
  },
  async "revoke-all-done"() {
    await sessionsLoaded();
    await click("revoke-all");
    await click("confirm-ok");
    await waitUntil(() => document.querySelectorAll('[data-testid="session-item"][data-state="active"]').length === 0);
    await sessionsLoaded();
  },
  async "lock-unlock"() {
    await sessionsLoaded();
    await click("lock");
    type(await waitFor("pin-input"), "1234");
    await click("pin-submit");
    await waitFor("dashboard");
    await sessionsLoaded();
  },
  async "register-resume"() {
    await sessionsLoaded();
    await click("session-register", item("created", 0));
    await click("session-submit");
    await waitFor("session-outcome");
    await sessionsLoaded();
    window.scrollTo(0, 0);
  },
  async "send-revoked"() {
    await sessionsLoaded();
    await click("session-send", item("revoked", 0));
    type(await waitFor("send-recipient"), "0x1234");
    type(await waitFor("send-amount"), "1");
    await click("send-preview");
    await waitFor("send-refusal");
  },
  async "activity-filter"() {
    await sessionsLoaded();
    const key = item("active", 0).dataset["session"] ?? "";
    const f = (await waitFor("activity-filter")) as HTMLSelectElement;
    const opt = Array.from(f.options).find((o) => o.value !== "" && BigInt(o.value) === BigInt(key));
    if (!opt) throw new Error("demo: no filter option");
    choose(f, opt.value);
  },
  async "full-onboarding"() {
    type(await waitFor("pin-input"), "1234");
    type(await waitFor("pin-confirm-input"), "1234");
    await click("pin-submit");
    await click("onboard-create-wallet");
    await click("backup-skip");
    await waitFor("dashboard");
    await sessionsLoaded();
    await click("new-session");
    await click("session-submit");
    await waitFor("session-outcome");
    await sessionsLoaded();
    await click("session-send", item("active", 0));
    type(await waitFor("send-recipient"), "0x1234");
    await click("send-max");
    await click("send-preview");
    await waitFor("send-preview-result");
    await click("send-confirm");
    await waitFor("tx-hash");
    await sessionsLoaded();
  },
  async "register-fail"() {
    await sessionsLoaded();
    await click("new-session");
    await click("session-submit");
    await waitFor("error-banner");
    window.scrollTo(0, 0);
  },
  async "idle-lock"() {
    await waitFor("lock-reason");
  },
  async "dashboard-scrolled"() {
    await sessionsLoaded();
    window.scrollTo(0, 300);
  },
  async network() {
    await sessionsLoaded();
    choose(await waitFor("network-select"), "sepolia");
    await click("network-apply");
    await waitFor("error-banner");
  },
  async error() {
    await waitFor("error-banner");
  },
};

export async function runDemo(name: string | null): Promise<void> {
  if (!name) return;
  const demo = DEMOS[name];
  document.body.dataset["demo"] = "running";
  try {
    if (!demo) throw new Error(`demo: unknown demo '${name}' (${Object.keys(DEMOS).join(", ")})`);
    await demo();
    document.body.dataset["demo"] = "done";
  } catch (err) {
    document.body.dataset["demo"] = "failed";
    console.error(err);
    document.title = `DEMO FAILED: ${String(err)}`;
    const note = document.createElement("pre");
    note.className = "demo-failed";
    note.textContent = String(err);
    document.body.prepend(note);
  }
}

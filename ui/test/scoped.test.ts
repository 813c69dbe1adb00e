// Scoped sessions in the UI, drawn by the real views in the minimal DOM with the real reply
// samples: the new-session form builds the exact session_register args (scoped with recipients
// and a cap in the smallest unit; broad; a v1 wallet, which can only be broad), refuses a bad
// form before anything is sent, and shows the shell's refusals in the error banner; session
// cards show the scope, recipients and a Broad badge; "Rotate owner key" asks first; and no
// built bundle mentions the removed "direct" send mode. Each positive case has its negative.

import { byTestid, FakeElement, one, text } from "./dom-shim";

// Node's own modules, typed here: the UI's tsconfig has no Node types.
declare const require: (id: string) => unknown;
declare const process: { cwd(): string; execPath: string };
const { spawnSync } = require("node:child_process") as {
  spawnSync(
    command: string,
    args: string[],
    options: { cwd: string; encoding: "utf8"; maxBuffer: number },
  ): { status: number | null; stdout: string; stderr: string };
};
const { existsSync, readFileSync } = require("node:fs") as {
  existsSync(path: string): boolean;
  readFileSync(path: string, encoding: "utf8"): string;
};
const join = (...parts: string[]) => parts.join("/");

import * as api from "../src/api";
import { nav } from "../src/nav";
import { clearNotices, noticeArea } from "../src/notices";
import { resetWalletData, store, unsubscribeAll } from "../src/state";
import { dashboardScreen } from "../src/views/dashboard";
import { newSessionPanel } from "../src/views/new-session";
import { sendPanel } from "../src/views/send";
import { sessionList } from "../src/views/sessions";
import { sample } from "./fixtures/replies";
import { isCommand } from "./shapes";
import { eq, ok, run, settle, test } from "./harness";



interface Call {
  command: string;
  args: Record<string, unknown>;
}

/** Answers every command with its sample reply, except where `fail` says to reject (once). */
function recorder(fail: Record<string, api.ErrorReply> = {}): api.Transport & { calls: Call[]; of(c: string): Call[] } {
  const calls: Call[] = [];
  const pending = { ...fail };
  return {
    calls,
    of: (c) => calls.filter((x) => x.command === c),
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

const W1 = sample("wallet_show");
const V1: api.WalletView = {
  ...W1,
  account_class: "sesame-v1",
  scoped_sessions: false,
  session_limits: "Sesame v1: selector-only allowlist: an allowed entrypoint such as transfer works on every contract",
};
const STRK_UNIT = 10n ** 18n;
const TO_A = "0x3a1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";
const TO_B = "0xabc";
const CONTRACT = "0x7c3a5e8b1d4f6a9c2e5b8d1f4a7c0e3b6d9f2a5c8e1b4d7a0f3c6e9b2d5a8f1";

function fresh(wallet: api.WalletView = W1): void {
  unsubscribeAll();
  resetWalletData();
  clearNotices();
  document.body.replaceChildren();
  store.app = sample("vault_unlock");
  store.tokens = sample("tokens");
  store.wallet = wallet;
  store.wallets = [wallet];
  nav.route = () => {};
  nav.locked = () => {};
  nav.dashboard = () => {};
}

function fill(el: unknown, value: string): void {
  (el as FakeElement).value = value;
}
function choose(el: unknown, value: string): void {
  (el as FakeElement).value = value;
  (el as FakeElement).dispatchEvent(new Event("change") as never);
}
function tick(el: unknown, on: boolean): void {
  (el as unknown as { checked: boolean }).checked = on;
  (el as FakeElement).dispatchEvent(new Event("change") as never);
}
function submit(form: unknown): void {
  (form as FakeElement).dispatchEvent(new Event("submit") as never);
}
/** Whether `el` and every ancestor are shown. */
function visible(el: FakeElement): boolean {
  for (let n: FakeElement | null = el; n; n = n.parentNode) if (n.hidden) return false;
  return true;
}
function banners(): FakeElement[] {
  return byTestid(noticeArea(), "error-banner");
}
function rows(root: unknown): FakeElement[] {
  return (root as FakeElement).querySelectorAll("[data-scope-row]");
}
function panel(wallet = W1) {
  return newSessionPanel({ wallet: wallet.address, onProgress: () => {}, onClose: () => {} });
}

// ---------- the new-session form ----------

test("scoped: the form registers exact calls, recipients and a cap in the smallest unit, in one call", async () => {
  fresh();
  const t = recorder();
  api.setTransport(t);
  const p = panel();
  const form = one(p.root, "new-session-form");

  const first = rows(p.root);
  eq(first.length, 1, "one row by default");
  eq(one(first[0], "scope-contract").value, "strk", "STRK");
  eq(one(first[0], "scope-entrypoint").value, "transfer", "transfer");
  ok(!visible(one(p.root, "session-broad-warning")), "no broad warning while scoped");
  eq((one(p.root, "new-session-allow-any") as unknown as { checked: boolean }).checked, false, "broad is off by default");
  eq(one(p.root, "new-session-allow-any").id, "new-session-allow-any", "the checkbox's id");

  one(p.root, "scope-add").click();
  const second = rows(p.root)[1];
  if (!second) throw new Error("a second row");
  choose(one(second, "scope-contract"), "custom");
  ok(visible(one(second, "scope-contract-custom")), "a custom contract shows its address field");
  fill(one(second, "scope-contract-custom"), CONTRACT.toUpperCase().replace("0X", "0x"));
  choose(one(second, "scope-entrypoint"), "approve");
  ok(!visible(one(second, "scope-entrypoint-custom")), "a named entrypoint needs no custom field");

  one(p.root, "recipients-add").click();
  const rrow = one(p.root, "recipient-row");
  ok(rrow.getAttribute("data-recipient-row") !== null, "recipient rows carry data-recipient-row");
  fill(one(rrow, "recipient-addresses"), `${TO_A}\n${TO_B}\n`);

  const strk = p.root.querySelector('[data-policy-row="strk"]');
  if (!strk) throw new Error("the STRK cap row");
  fill(one(strk, "policy-per-call"), "12.5");
  fill(one(strk, "policy-per-window"), "100");
  fill(one(strk, "policy-window"), "3600");

  submit(form);
  const button = one(p.root, "session-submit");
  ok(button.disabled && button.getAttribute("aria-busy") === "true", "the button is busy during the call");
  ok(p.busy(), "the panel says it is busy");
  await settle();

  eq(t.calls.map((c) => c.command).join(","), "session_create,session_register", "create, then ONE register (no policy_set)");
  eq(JSON.stringify(t.of("session_create")[0]?.args), JSON.stringify({ wallet: W1.address, duration_secs: 21600 }), "create args");
  eq(
    JSON.stringify(t.of("session_register")[0]?.args),
    JSON.stringify({
      wallet: W1.address,
      session: sample("session_create").session_public_key,
      max_calls: 1000,
      allow: ["strk:transfer", `${CONTRACT}:approve`],
      allow_any_contract: false,
      recipients: [`strk:${TO_A}`, `strk:${TO_B}`],
      policies: [
        {
          token: "strk",
          max_per_call: (125n * STRK_UNIT / 10n).toString(),
          max_per_window: (100n * STRK_UNIT).toString(),
          window_seconds: 3600,
        },
      ],
      valid_until: null,
    }),
    "register args",
  );
  eq(banners().length, 0, "no error banner on success");
  ok(visible(one(p.root, "session-outcome")), "the outcome shows");
  eq(one(p.root, "session-progress").getAttribute("data-state"), "done", "progress done");
  ok(!p.busy(), "not busy any more");
});

test("scoped: an empty scope, a bad address or a bad amount is refused before anything is sent", async () => {
  fresh();
  const t = recorder();
  api.setTransport(t);
  const p = panel();
  const form = one(p.root, "new-session-form");

  one(rows(p.root)[0], "scope-remove").click();
  eq(rows(p.root).length, 0, "the row is gone");
  submit(form);
  await settle();
  ok(visible(one(p.root, "session-allow-error")), "an empty scope is refused");
  ok(text(one(p.root, "session-allow-error")).startsWith("Add at least one"), `message: ${text(one(p.root, "session-allow-error"))}`);
  eq(t.calls.length, 0, "nothing sent");

  one(p.root, "scope-add").click();
  const row = rows(p.root)[0];
  choose(one(row, "scope-contract"), "custom");
  fill(one(row, "scope-contract-custom"), "0xZZ");
  choose(one(row, "scope-entrypoint"), "custom");
  fill(one(row, "scope-entrypoint-custom"), "not a name!");
  one(p.root, "recipients-add").click();
  fill(one(p.root, "recipient-addresses"), "hello");
  const strk = p.root.querySelector('[data-policy-row="strk"]');
  fill(one(strk, "policy-per-call"), "1.2.3");
  submit(form);
  await settle();
  eq(t.calls.length, 0, "still nothing sent");
  ok(one(p.root, "session-allow-error").hidden, "the scope-level error is gone once there is a row");
  ok(text(one(row, "scope-row-error")).startsWith("contract: "), `row error: ${text(one(row, "scope-row-error"))}`);
  ok(text(one(p.root, "recipient-row-error")).startsWith("'hello': "), `recipient error: ${text(one(p.root, "recipient-row-error"))}`);
  ok(visible(one(strk, "policy-per-call-error")), "a bad amount is refused");

  // Fixed, it goes.
  fill(one(row, "scope-contract-custom"), CONTRACT);
  fill(one(row, "scope-entrypoint-custom"), "0x5EED");
  fill(one(p.root, "recipient-addresses"), TO_A);
  fill(one(strk, "policy-per-call"), "");
  submit(form);
  await settle();
  const args = t.of("session_register")[0]?.args;
  eq(JSON.stringify(args?.["allow"]), JSON.stringify([`${CONTRACT}:0x5eed`]), "a custom pair, selector lower-cased");
  eq(JSON.stringify(args?.["policies"]), "[]", "no cap");
});

test("broad: off by default; when on, a warning and the entrypoints alone", async () => {
  fresh();
  const t = recorder();
  api.setTransport(t);
  const p = panel();
  const allowAny = one(p.root, "new-session-allow-any");
  const warning = one(p.root, "session-broad-warning");
  ok(!visible(warning), "no warning while scoped");
  tick(allowAny, true);
  ok(visible(warning), "the warning shows when broad");
  ok(text(warning).includes("every contract") && text(warning).includes("transfer on every token"), `warning: ${text(warning)}`);
  eq(one(p.root, "session-scope").getAttribute("data-mode"), "broad", "data-mode");
  ok(!visible(one(rows(p.root)[0], "scope-contract")), "no contract to pick in a broad row");
  choose(one(rows(p.root)[0], "scope-entrypoint"), "approve");
  one(p.root, "scope-add").click();
  submit(one(p.root, "new-session-form"));
  await settle();
  const args = t.of("session_register")[0]?.args ?? {};
  eq(args["allow_any_contract"], true, "broad");
  eq(JSON.stringify(args["allow"]), JSON.stringify(["approve", "transfer"]), "entrypoints only");
  eq(banners().length, 0, "no error banner");

  // Broad with no row at all: every non-admin entrypoint, said out loud.
  fresh();
  const t2 = recorder();
  api.setTransport(t2);
  const q = panel();
  tick(one(q.root, "new-session-allow-any"), true);
  ok(!visible(one(q.root, "session-allow-warning")), "no 'every entrypoint' warning while a row is left");
  one(rows(q.root)[0], "scope-remove").click();
  ok(visible(one(q.root, "session-allow-warning")), "every non-admin entrypoint is warned about");
  submit(one(q.root, "new-session-form"));
  await settle();
  eq(JSON.stringify(t2.of("session_register")[0]?.args["allow"]), "[]", "broad with an empty list");

  // Turned off again, the warning goes and the pair comes back.
  fresh();
  const t3 = recorder();
  api.setTransport(t3);
  const r = panel();
  tick(one(r.root, "new-session-allow-any"), true);
  tick(one(r.root, "new-session-allow-any"), false);
  ok(!visible(one(r.root, "session-broad-warning")), "no warning once off");
  submit(one(r.root, "new-session-form"));
  await settle();
  eq(t3.of("session_register")[0]?.args["allow_any_contract"], false, "scoped again");
  eq(JSON.stringify(t3.of("session_register")[0]?.args["allow"]), JSON.stringify(["strk:transfer"]), "the default pair");
});

test("a v1 wallet: scopes and recipients are unavailable and the form says why", async () => {
  fresh(V1);
  const t = recorder();
  api.setTransport(t);
  const p = panel(V1);
  const allowAny = one(p.root, "new-session-allow-any");
  eq((allowAny as unknown as { checked: boolean }).checked, true, "broad, necessarily");
  ok(allowAny.disabled, "and it cannot be turned off");
  ok(text(one(p.root, "session-scope-unsupported")).includes("can only enforce a list of entrypoints"), "the form explains");
  ok(!visible(one(p.root, "session-recipients")), "no recipients on a v1 wallet");
  ok(visible(one(p.root, "session-broad-warning")), "the broad warning shows");
  submit(one(p.root, "new-session-form"));
  await settle();
  const args = t.of("session_register")[0]?.args ?? {};
  eq(args["allow_any_contract"], true, "broad");
  eq(JSON.stringify(args["allow"]), JSON.stringify(["transfer"]), "entrypoints only");
  eq(JSON.stringify(args["recipients"]), "[]", "no recipients");

  ok(visible(one(p.root, "session-policies")), "a v1 wallet has spending caps");
  ok(!visible(one(p.root, "session-no-caps")), "so no note about their absence");

  // CHIPI v27: no caps at all, and the form says so instead of offering them.
  const chipi: api.WalletView = { ...V1, account_class: "chipi-v27" };
  fresh(chipi);
  const c = panel(chipi);
  ok(!visible(one(c.root, "session-policies")), "no caps offered on CHIPI v27");
  ok(text(one(c.root, "session-no-caps")).includes("no spending caps"), "the form says why");

  // A v2 wallet: none of that.
  fresh();
  const q = panel();
  eq(byTestid(q.root, "session-scope-unsupported").length, 0, "no v1 note on a v2 wallet");
  ok(!one(q.root, "new-session-allow-any").disabled, "the choice is the person's");
  ok(visible(one(q.root, "session-recipients")), "recipients offered");
});

test("the shell's refusals (scope codes) show in the error banner, and the button comes back", async () => {
  for (const code of ["SCOPE_UNSUPPORTED", "SESSION_CALL_NOT_IN_SCOPE", "SESSION_RECIPIENT_NOT_ALLOWED"]) {
    fresh();
    const message = `refused by the shell (${code.toLowerCase()})`;
    const t = recorder({ session_register: { code, message } });
    api.setTransport(t);
    const p = panel();
    submit(one(p.root, "new-session-form"));
    await settle();
    const b = banners();
    eq(b.length, 1, `${code}: one banner`);
    eq(b[0]?.getAttribute("data-code"), code, "its code");
    ok(text(b[0]).includes("Refused by the shell"), `its message: ${text(b[0])}`);
    eq(p.root.querySelector('[data-step="register"]')?.getAttribute("data-state"), "failed", "the register step failed");
    const button = one(p.root, "session-submit");
    ok(!button.disabled && text(button) === "Retry", "the button can retry");
    // The retry registers the same key (no second session_create).
    submit(one(p.root, "new-session-form"));
    await settle();
    eq(t.of("session_create").length, 1, "one key");
    eq(t.of("session_register").length, 2, "registered on the retry");
  }
});

// ---------- session cards ----------

test("session cards: a Broad badge with its explanation; scoped sessions show their pairs instead", () => {
  fresh();
  const base = sample("session_register").status;
  const broad: api.SessionStatus = {
    ...base,
    session_public_key: "0xb10ad",
    broad: true,
    scope: [],
    recipients: [],
    allowed_entrypoints: [{ selector: "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e", name: "transfer" }],
  };
  store.sessions = [base, broad];
  const list = sessionList({ send: () => {}, revoke: () => {}, register: () => {}, expired: () => {} });
  const item = list.root.querySelector('[data-session="0xb10ad"]');
  if (!item) throw new Error("the broad session is listed");
  const badge = one(item, "session-broad");
  eq(text(badge), "Broad", "the badge");
  ok(badge.title.includes("ANY contract"), `its explanation: ${badge.title}`);
  eq(text(one(item, "session-entrypoints")).startsWith("transfer · on any contract"), true, "its entrypoints on any contract");
  ok(text(one(item, "session-broad-note")).includes("leaked session key"), "a visible explanation");
  eq(text(one(item, "session-recipients")), "any address", "no recipient list");

  const scoped = list.root.querySelector(`[data-session="${base.session_public_key}"]`);
  if (!scoped) throw new Error("the scoped session is listed");
  eq(byTestid(scoped, "session-broad").length, 0, "no badge on a scoped session");
  eq(byTestid(scoped, "session-broad-note").length, 0, "no broad note either");
  eq(
    byTestid(scoped, "session-scope-item").map((e) => text(e)).join(" | "),
    "STRK · transfer | STRK · approve | 0x7c3a5e…a8f1 · 0x5eed",
    "its exact calls",
  );
  eq(text(one(scoped, "session-recipients")), "STRK to 0x3a1b2c…7f80 only", "its recipients");
});

test("send: a scoped session starts on the token its scope lets it transfer; a broad one on the first", () => {
  fresh();
  const [strk, eth] = sample("tokens");
  if (!strk || !eth) throw new Error("two tokens");
  const base = sample("session_register").status;
  const ethOnly: api.SessionStatus = {
    ...base,
    scope: [{ contract: eth.address, contract_name: "ETH", selector: "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e", entrypoint: "transfer" }],
  };
  const scoped = sendPanel({ session: ethOnly, onSent: () => {}, onClose: () => {} });
  eq(one(scoped.root, "send-token").value, eth.address, "ETH, the token in scope");
  ok(text(one(scoped.root, "send-balance")).endsWith(" ETH"), "its balance");
  const broad = sendPanel({ session: { ...base, broad: true, scope: [] }, onSent: () => {}, onClose: () => {} });
  ok(one(broad.root, "send-token").value !== eth.address, "a broad session starts on the first token");
  ok(text(one(broad.root, "send-balance")).endsWith(" STRK"), "STRK");
});

// ---------- owner-key rotation ----------

test("rotate owner key: asks first (cancel sends nothing), then shows the tx and the sessions ended", async () => {
  fresh();
  const t = recorder();
  api.setTransport(t);
  const d = dashboardScreen();
  try {
    await settle();
    const button = one(d.root, "rotate-key");
    eq(button.id, "rotate-key", "its id");
    ok(visible(button), "offered on a Sesame v2 wallet");

    button.click();
    await settle();
    const dialog = one(document.body, "confirm-dialog");
    const words = text(dialog);
    ok(words.includes("Every session of this wallet will stop working"), `the dialog says sessions end: ${words}`);
    ok(words.includes("saves it in the vault on this device") && words.includes("only then"), "and that the key is saved before anything is sent");
    eq(one(dialog, "confirm-ok").id, "rotate-key-confirm", "the confirm button's id");
    one(dialog, "confirm-cancel").click();
    await settle();
    eq(t.of("wallet_rotate_key").length, 0, "cancel sends nothing");
    eq(byTestid(document.body, "confirm-dialog").length, 0, "the dialog is gone");
    ok(one(d.root, "rotate-key-result").hidden, "no result");

    one(d.root, "rotate-key").click();
    await settle();
    const confirm = document.getElementById("rotate-key-confirm") as unknown as FakeElement | null;
    if (!confirm) throw new Error("#rotate-key-confirm");
    confirm.click();
    await settle();
    eq(JSON.stringify(t.of("wallet_rotate_key")[0]?.args), JSON.stringify({ wallet: W1.address }), "rotate args");
    const result = one(d.root, "rotate-key-result");
    ok(visible(result), "the result shows");
    eq(text(one(result, "rotate-key-sessions")), "3 sessions ended", "sessions ended");
    eq(one(result, "rotate-key-tx").title, sample("wallet_rotate_key").tx.tx_hash, "the tx");
    eq(banners().length, 0, "no error banner");
    ok(t.calls.filter((c) => c.command === "session_list").length >= 2, "the state was read again");
  } finally {
    d.dispose();
  }
});

test("rotate owner key: not offered on a v1 wallet", async () => {
  fresh(V1);
  const t = recorder();
  api.setTransport({
    ...t,
    invoke: async (command, args) => {
      const reply = await t.invoke(command, args);
      if (command === "wallet_show") return V1;
      if (command === "wallets") return [V1];
      return reply;
    },
  });
  const d = dashboardScreen();
  try {
    await settle();
    ok(!visible(one(d.root, "rotate-key")), "hidden on Sesame v1");
    eq(text(one(d.root, "wallet-account-class")), "Sesame v1", "the account class shows");
    ok(text(one(d.root, "wallet-session-limits")).includes("every contract"), "what its sessions cannot enforce is said");
  } finally {
    d.dispose();
  }
});

test("a v2 wallet needs no warning about what its sessions cannot enforce", async () => {
  fresh(W1);
  const t = recorder();
  api.setTransport({
    ...t,
    invoke: async (command, args) => {
      const reply = await t.invoke(command, args);
      if (command === "wallet_show") return W1;
      if (command === "wallets") return [W1];
      return reply;
    },
  });
  const d = dashboardScreen();
  try {
    await settle();
    eq(text(one(d.root, "wallet-account-class")), "Sesame v2", "the account class shows");
    ok(d.root.querySelector('[data-testid="wallet-session-limits"]') === null, "no limits warning");
  } finally {
    d.dispose();
  }
});

// ---------- no direct mode ----------

/** The removed send mode, as a word ("flex-direction" and "directory" are not it). */
const DIRECT = /\bdirect\b/i;

test("no built bundle, page or stylesheet mentions the direct send mode", () => {
  ok(DIRECT.test("mode: direct") && DIRECT.test("Direct (the account pays)"), "the check finds the word");
  ok(!DIRECT.test("flex-direction: column") && !DIRECT.test("No such file or directory"), "and only the word");
  const ui = process.cwd();
  if (!existsSync(join(ui, "build.mjs"))) throw new Error(`run from ui/ (cwd is ${ui})`);
  const script = `
    import { build } from "esbuild";
    const out = {};
    for (const entry of ["src/main.ts", "dev/main-fake.ts"]) {
      const r = await build({ entryPoints: [entry], bundle: true, write: false, format: "iife", logLevel: "error" });
      out[entry] = r.outputFiles[0].text;
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ui, encoding: "utf8", maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`bundling failed: ${run.stderr}`);
  const bundles = JSON.parse(run.stdout) as Record<string, string>;
  eq(Object.keys(bundles).length, 2, "both bundles built");
  for (const [name, code] of Object.entries(bundles)) {
    ok(code.length > 10_000, `${name} is a real bundle`);
    const m = DIRECT.exec(code);
    ok(m === null, `${name} mentions 'direct': …${m ? code.slice(Math.max(0, m.index - 60), m.index + 60) : ""}…`);
  }
  for (const file of ["index.html", "styles.css"]) {
    ok(!DIRECT.test(readFileSync(join(ui, file), "utf8")), `${file} mentions 'direct'`);
  }
});

void run("scoped");

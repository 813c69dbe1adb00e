// The real replies of the Rust commands (test/fixtures/replies.json, checked against the Rust
// types by src-tauri/tests/reply_shapes.rs) through the UI: their shapes against api.ts's types,
// then the helpers and views that draw them (activity rows, with and without a session; the
// session list; the wallet card; the whole dashboard load), and the dev fake backend's replies
// against the same shapes. No test framework: a failed check throws and node exits non-zero.

import { byTestid, one, text } from "./dom-shim";

import * as api from "../src/api";
import { formatRelative, shortHex } from "../src/format";
import { clearNotices, noticeArea } from "../src/notices";
import { emit, normalizeHex, nowSecs, resetWalletData, store, unsubscribeAll } from "../src/state";
import { activityCard, activityRow, activitySessions, filterActivity } from "../src/views/activity";
import { dashboardScreen } from "../src/views/dashboard";
import { describeEntrypoints, describeFee, describePolicy } from "../src/views/describe";
import { networkLabel, networkSelector } from "../src/views/network";
import { sessionList } from "../src/views/sessions";
import { walletCard } from "../src/views/wallet-card";
import { FakeBackend, type FakeOptions } from "../dev/fake-backend";
import { fixture, sample, sampleCase, sampleError } from "./fixtures/replies";
import { ActivityEntry as ActivityShape, API_COMMANDS, checkReply, isCommand, SessionStatus as SessionShape, ShapeError, type Command } from "./shapes";
import { eq, ok, pass, run, settle, test } from "./harness";

function throwsShape(f: () => void, what: string): void {
  try {
    f();
  } catch (e) {
    if (e instanceof ShapeError) {
      pass();
      return;
    }
    throw e;
  }
  throw new Error(`${what}: was accepted`);
}


/** The chain time the samples were read at. */
const NOW = sample("session_list")[0]?.chain_time ?? 0;
const [W1, W2] = sample("wallets");
if (!W1 || !W2) throw new Error("the fixture needs two wallets");

function freshStore(): void {
  unsubscribeAll();
  resetWalletData();
  clearNotices();
  store.app = sample("vault_unlock");
  store.tokens = sample("tokens");
  // Countdowns and "ago" count from the samples' chain time.
  store.chainOffset = NOW - nowSecs();
}

// ---------- shapes ----------

test("every command's sample reply has the shape of its api.ts type", () => {
  const inFixture = Object.keys(fixture.ok).sort();
  eq(inFixture.join(","), [...API_COMMANDS].sort().join(","), "the fixture has one reply per api.ts command, and no other");
  for (const [command, reply] of Object.entries(fixture.ok)) {
    if (!isCommand(command)) throw new Error(`unknown command ${command}`);
    checkReply(command, reply, `ok.${command}`);
    pass();
  }
  for (const [key, reply] of Object.entries(fixture.more)) {
    const command = key.split(":")[0] ?? "";
    if (!isCommand(command)) throw new Error(`more.${key}: unknown command ${command}`);
    checkReply(command, reply, `more.${key}`);
    pass();
  }
});

test("the sample rejections become ApiErrors with their code and message", () => {
  ok(fixture.errors.length > 0, "the fixture has errors");
  for (const raw of fixture.errors) {
    const e = api.ApiError.from(raw, "activity");
    eq(e.code, raw.code, "code");
    eq(e.message, raw.message, "message");
    eq(e.command, "activity", "command");
  }
  ok(api.LOCKED_CODES.has(sampleError("VAULT_LOCKED").code), "VAULT_LOCKED returns to the unlock screen");
});

test("the shape check refuses what Rust never sends", () => {
  const entry = sample("activity")[0]!;
  throwsShape(() => ActivityShape.check({ ...entry, session: null }, "entry"), "a skipped Option sent as null");
  throwsShape(() => ActivityShape.check({ ...entry, extra: 1 }, "entry"), "a field the UI does not know");
  const { wallet: _w, ...noWallet } = entry;
  throwsShape(() => ActivityShape.check(noWallet, "entry"), "a required field missing");
  const s = sample("session_create");
  throwsShape(() => SessionShape.check({ ...s, state: "registered" }, "status"), "an unknown state");
  throwsShape(() => SessionShape.check({ ...s, allowed_entrypoints: null }, "status"), "allowed_entrypoints null");
  throwsShape(() => checkReply("app_state", { ...sample("app_state"), chain_error: undefined }), "chain_error missing");
});

// ---------- helpers ----------

test("activity rows: every sample entry, with and without a session", () => {
  const entries = sample("activity");
  const rows = entries.map((a) => activityRow(a, NOW));
  const [sent, policy, , created, revokeAll, walletCreated] = rows;
  const session = sample("session_register").status.session_public_key;
  eq(sent?.label, "Sent", "label");
  eq(sent?.summary, entries[0]?.summary, "summary");
  eq(sent?.when, "10 min ago", "when");
  eq(sent?.session, session, "session");
  eq(sent?.subject.what, "session", "about a session");
  eq(sent?.subject.short, shortHex(session, 8, 4), "short session key");
  eq(sent?.tx?.hash, sample("send").tx_hash, "tx");
  eq(sent?.tx?.url, null, "no explorer on devnet");
  eq(policy?.label, "Limit set", "policy label");
  eq(created?.tx, null, "no tx for a key creation");
  // Wallet-wide entries (no session): the crash of the first dashboard.
  eq(revokeAll?.session, null, "revoke all has no session");
  eq(revokeAll?.subject.what, "wallet", "revoke all is about the wallet");
  eq(revokeAll?.subject.short, shortHex(W1.address, 8, 4), "the wallet's short address");
  eq(revokeAll?.subject.full, W1.address, "the wallet's address");
  ok(revokeAll?.tx !== null, "revoke all has a tx");
  eq(walletCreated?.label, "Created", "wallet created label");
  eq(walletCreated?.summary, "Wallet created", "wallet created summary");
  eq(walletCreated?.session, null, "wallet created has no session");
  eq(walletCreated?.when, formatRelative(entries[5]!.at, NOW), "an old entry shows its date");

  const sepolia = sampleCase("activity:sepolia").map((a) => activityRow(a, NOW));
  for (const r of sepolia) {
    if (r.tx) ok(r.tx.url?.startsWith("https://sepolia.voyager.online/tx/0x") === true, `explorer link of ${r.summary}`);
  }

  const sessions = activitySessions(sample("session_list"), entries);
  eq(sessions.size, 6, "the filter offers each session once");
  ok(sessions.has(normalizeHex(session)), "the filter has the sending session");
  eq(activitySessions(null, entries).size, 1, "from the activity alone: one session");
  eq(filterActivity(entries, "").length, 6, "all entries");
  eq(filterActivity(entries, normalizeHex(session)).length, 4, "one session's entries, without wallet-wide ones");
});

test("session words for every sample session", () => {
  store.tokens = sample("tokens");
  const words = sample("session_list").map((s) => `${s.state}: ${describeEntrypoints(s)}`);
  eq(
    words.join(" | "),
    [
      "revoked: none (revoked)",
      "expired: transfer, approve",
      "active: not reported by this account",
      "none: set at registration",
      "active: transfer, approve, 0x5eed",
      "created: set at registration",
    ].join(" | "),
    "allowed entrypoints",
  );
  eq(describePolicy(sample("policy_get")), "10 STRK per call · 100 STRK per day · 12.5 STRK spent in this window", "policy");
  eq(describePolicy(sampleCase("policy_get:no_policy")), null, "no policy");
  eq(describePolicy(sample("policy_set").policy), describePolicy(sample("policy_get")), "policy_set's policy");
  const tx = sample("session_register").tx;
  eq(describeFee(tx.fee, tx.fee_unit), "0.0021 STRK", "fee");
  eq(networkLabel(sample("app_state").network), "Local devnet", "devnet label");
  eq(networkLabel(sample("set_network").network), "Sepolia", "sepolia label");
});

// ---------- views ----------

test("the activity card draws the samples, and a failed load offers a retry", () => {
  freshStore();
  store.sessions = sample("session_list");
  store.activity = sample("activity");
  let retried = 0;
  const card = activityCard({ retry: () => (retried += 1) });
  const items = byTestid(card, "activity-item");
  eq(items.length, 6, "one item per entry");
  const session = sample("session_register").status.session_public_key;
  eq(items[0]?.getAttribute("data-session"), session, "data-session");
  eq(items[0]?.getAttribute("data-kind"), "send", "data-kind");
  const first = text(items[0]);
  ok(first.startsWith(`Sent${sample("activity")[0]?.summary}`), `first item: ${first}`);
  ok(first.endsWith(` · session ${shortHex(session, 8, 4)} · tx ${shortHex(sample("send").tx_hash, 8, 4)}`), `first item: ${first}`);
  const last = text(items[5]);
  eq(items[5]?.getAttribute("data-session"), null, "no data-session on a wallet-wide entry");
  ok(last.startsWith("CreatedWallet created"), `last item: ${last}`);
  ok(last.endsWith(` · wallet ${shortHex(W1.address, 8, 4)}`), `last item: ${last}`);
  eq(byTestid(card, "activity-filter")[0]?.children.length, 7, "All sessions + six sessions");

  store.activity = sampleCase("activity:sepolia");
  emit("activity");
  eq(byTestid(card, "activity-explorer-link").length, 4, "explorer links on Sepolia");
  store.activity = sampleCase("activity:empty");
  emit("activity");
  eq(text(one(card, "activity-empty")), "No activity yet.", "empty");

  store.activity = null;
  store.refreshing = true;
  emit("activity", "refreshing");
  eq(text(one(card, "activity-loading")), "Loading activity…", "loading");
  store.refreshing = false;
  emit("refreshing");
  ok(text(one(card, "activity-error")).startsWith("The activity could not be read."), "failed load");
  ok(!text(card).includes("Not loaded yet"), "never 'Not loaded yet'");
  one(card, "activity-retry").click();
  eq(retried, 1, "the retry button reads again");
});

test("the network selector says when the node cannot be reached, and only then", () => {
  freshStore();
  store.app = sampleCase("app_state:node_unreachable");
  const down = networkSelector(() => {});
  const status = one(down, "network-unreachable");
  ok(!status.hidden, "the status shows while the node is unreachable");
  ok(text(status).startsWith("Node unreachable: "), `status text: ${text(status)}`);
  ok(text(status).includes(store.app.chain_error?.message ?? "?"), "it carries the shell's message");
  store.app = sample("app_state");
  ok(one(networkSelector(() => {}), "network-unreachable").hidden, "hidden while the node answers");
});

test("the session list draws every sample session", () => {
  freshStore();
  const active = sample("session_register").status;
  store.sessions = sample("session_list");
  store.policies.set(active.session_public_key, { kind: "loaded", policy: sample("policy_get") });
  const list = sessionList({ send: () => {}, revoke: () => {}, register: () => {}, expired: () => {} });
  const items = byTestid(list.root, "session-item");
  eq(items.map((i) => i.getAttribute("data-state")).join(","), "created,active,none,active,expired,revoked", "newest first");
  const mine = items.find((i) => i.getAttribute("data-session") === active.session_public_key);
  if (!mine) throw new Error("the active session is listed");
  eq(
    text(one(mine, "session-entrypoints")),
    "STRK · transfer, STRK · approve, 0x7c3a5e…a8f1 · 0x5eed",
    "a scoped session's exact calls: names when known, else short hex",
  );
  eq(byTestid(mine, "session-scope-item").length, 3, "one item per pair");
  eq(text(one(mine, "session-recipients")), "STRK to 0x3a1b2c…7f80 only", "recipients");
  eq(byTestid(mine, "session-broad").length, 0, "a scoped session has no Broad badge");
  const broad = items.filter((i) => byTestid(i, "session-broad").length > 0);
  eq(broad.map((i) => i.getAttribute("data-session")).join(","), sample("session_list")[2]?.session_public_key, "only the broad sample has the badge");
  ok(text(one(broad[0], "session-entrypoints")).includes("on any contract"), "a broad session says its entrypoints work on any contract");
  eq(text(one(mine, "session-remaining")), "997", "calls left");
  ok(text(one(mine, "session-countdown")).startsWith("in 5h 4"), `countdown: ${text(one(mine, "session-countdown"))}`);
  eq(text(one(mine, "session-policy")), describePolicy(sample("policy_get")) ?? "", "policy");
  eq(byTestid(list.root, "session-register").length, 1, "the created session can be registered");
});

test("the wallet card draws both sample wallets", async () => {
  freshStore();
  api.setTransport(fixtureTransport());
  store.wallets = sample("wallets");
  store.wallet = sample("wallet_show");
  const card = walletCard({ refresh: () => {}, selectWallet: () => {}, addWallet: () => {}, rotateKey: async () => null, deployed: () => {} });
  eq(text(one(card.root, "wallet-address")), W1.address, "address");
  eq(text(one(card.root, "balance-strk")), "1234.5", "STRK");
  eq(text(one(card.root, "balance-eth")), "0.25", "ETH");
  eq(text(one(card.root, "wallet-deployed")), "deployed", "deployed");
  eq(one(card.root, "wallet-select").children.length, 2, "the picker lists both wallets");
  store.wallet = sampleCase("wallet_show:not_deployed");
  emit("wallet");
  eq(text(one(card.root, "wallet-deployed")), "not deployed", "not deployed");
  // Not deployed: the in-app flow (fund, then Deploy), not the CLI's next step.
  await settle();
  eq(byTestid(card.root, "wallet-next-step").length, 0, "no CLI command in the app");
  const deploy = one(card.root, "deploy-card");
  eq(text(one(deploy, "deploy-address")), W2.address, "the address to fund");
  eq(text(one(deploy, "deploy-required")), "0.0036 STRK", "the funding asked for, in STRK units");
  eq(text(one(deploy, "deploy-balance")), "0 STRK", "the balance now");
  ok(one(deploy, "deploy-button").hasAttribute("disabled") || (one(deploy, "deploy-button") as unknown as { disabled: boolean }).disabled, "Deploy waits for the funding");
  ok(W2.next_step?.includes("--profile desktop --network devnet") ?? false, `the CLI's step names profile and network: ${W2.next_step}`);
  // A deployed wallet drops the panel (and its balance polling).
  store.wallet = sample("wallet_show");
  emit("wallet");
  eq(byTestid(card.root, "deploy-card").length, 0, "no deploy panel once deployed");
});

/** Answers every command with its sample reply; `activity` fails `activityFailures` times. */
function fixtureTransport(activityFailures = 0): api.Transport & { calls: string[] } {
  const calls: string[] = [];
  let failures = activityFailures;
  return {
    calls,
    invoke: async (command) => {
      calls.push(command);
      await new Promise((r) => setTimeout(r, 0));
      if (command === "activity" && failures > 0) {
        failures -= 1;
        throw sampleCase("app_state:node_unreachable").chain_error;
      }
      if (!isCommand(command)) throw `command ${command} not found`;
      return sample(command);
    },
    listen: async () => () => {},
  };
}

test("the dashboard loads the sample replies with no error on screen", async () => {
  freshStore();
  const transport = fixtureTransport();
  api.setTransport(transport);
  const d = dashboardScreen();
  try {
    await settle();
    ok(!store.refreshing, "the load finished");
    const banners = byTestid(noticeArea(), "error-banner");
    eq(banners.map((b) => text(b)).join(" / "), "", "no error banner");
    eq(text(one(d.root, "wallet-address")), W1.address, "the newest wallet (wallet_show)");
    eq(byTestid(d.root, "session-item").length, 6, "sessions");
    eq(byTestid(d.root, "activity-item").length, 6, "activity, wallet-wide entries included");
    ok(transport.calls.includes("policy_get"), "policies of active sessions were read");
    ok(store.lastRefresh !== null, "the read counts as a status read");
  } finally {
    d.dispose();
  }
});

test("a failed activity read shows its error and a retry that works", async () => {
  freshStore();
  api.setTransport(fixtureTransport(1));
  const d = dashboardScreen();
  try {
    await settle();
    const banners = byTestid(noticeArea(), "error-banner");
    eq(banners.length, 1, "one error banner");
    eq(banners[0]?.getAttribute("data-code"), "DEVNET_UNAVAILABLE", "its code");
    ok(text(banners[0]).startsWith("Could not read the activity"), `its title: ${text(banners[0])}`);
    eq(byTestid(d.root, "session-item").length, 6, "the sessions still show");
    one(d.root, "activity-retry").click();
    await settle();
    eq(byTestid(d.root, "activity-item").length, 6, "the retry read the activity");
    eq(byTestid(d.root, "activity-retry").length, 0, "no retry button after a good read");
  } finally {
    d.dispose();
  }
});

// ---------- the dev fake backend ----------

test("the dev fake backend answers every command with the UI's shapes", async () => {
  const options = (scenario: FakeOptions["scenario"]): FakeOptions => ({
    scenario,
    latency: 0,
    slow: new Set(),
    expiringEvent: false,
    failOnce: new Set(),
    lockAfterMs: 0,
  });
  const covered = new Set<string>();
  const fake = new FakeBackend(options("dashboard"));
  const call = async <C extends Command>(command: C, args: Record<string, unknown> = {}) => {
    const reply = await fake.invoke(command, args);
    checkReply(command, reply, `fake ${command}`);
    covered.add(command);
    pass();
    return reply as ReturnType<typeof sample<C>>;
  };
  const refused = async (command: string, args: Record<string, unknown> = {}) => {
    try {
      await fake.invoke(command, args);
    } catch (e) {
      const err = api.ApiError.from(e, command);
      ok(err.code !== "UNKNOWN_ERROR" && err.code !== "IPC_ERROR", `${command} rejects with {code, message}: ${err.code}`);
      return err;
    }
    throw new Error(`${command} was accepted`);
  };

  await call("app_state");
  await call("tokens");
  const wallets = await call("wallets");
  eq(wallets[0]?.address, W1.address, "the fake is seeded with the sample wallet");
  const w = (await call("wallet_show", { wallet: null })).address;
  const sessions = await call("session_list", { wallet: w });
  eq(sessions.map((s) => s.state).join(","), sample("session_list").map((s) => s.state).join(","), "seeded with the sample sessions");
  for (const s of sessions) await call("policy_get", { wallet: w, session: s.session_public_key, token: sample("tokens")[0]?.address });
  const seeded = await call("activity", { wallet: w });
  eq(seeded.filter((a) => a.session === undefined).length, 2, "seeded with the wallet-wide sample entries");

  const strk = sample("tokens")[0]?.address ?? "";
  const created = await call("session_create", { wallet: w, duration_secs: 3600 });
  const key = created.session_public_key;
  const registered = await call("session_register", {
    wallet: w,
    session: key,
    max_calls: 5,
    allow: ["strk:transfer"],
    allow_any_contract: false,
    recipients: ["strk:0x123"],
    policies: [{ token: "strk", max_per_call: "1000", max_per_window: "5000", window_seconds: 3600 }],
    valid_until: null,
  });
  eq(registered.status.broad, false, "scoped");
  eq(registered.status.scope.map((e) => `${e.contract_name}:${e.entrypoint}`).join(","), "STRK:transfer", "the fake's scope");
  eq(registered.status.recipients[0]?.recipients.join(","), "0x123", "the fake's recipients");
  eq((await call("policy_get", { wallet: w, session: key, token: strk })).max_per_call, "1000", "the policy came with the registration");
  await call("policy_set", { wallet: w, session: key, token: strk, max_per_call: "1000", max_per_window: "5000", window_seconds: 3600 });
  const send = { wallet: w, session: key, token: strk, recipient: "0x123", amount: "700" };
  eq((await call("send_preview", send)).ok, true, "preview passes");
  const over = await call("send_preview", { ...send, amount: "1001" });
  eq(over.error?.code, "SESSION_SPENDING_LIMIT_PER_CALL", "over the cap");
  eq((await call("send_preview", { ...send, recipient: "0x456" })).error?.code, "SESSION_RECIPIENT_NOT_ALLOWED", "not an allowed recipient");
  const eth = sample("tokens")[1]?.address ?? "";
  eq((await call("send_preview", { ...send, token: eth })).error?.code, "SESSION_CALL_NOT_IN_SCOPE", "ETH is not in the scope");
  const other = await call("session_create", { wallet: w, duration_secs: 3600 });
  const broadArgs = { wallet: w, session: other.session_public_key, max_calls: 5, allow: ["transfer"], allow_any_contract: true, recipients: [], policies: [], valid_until: null };
  eq((await refused("session_register", { ...broadArgs, allow: [], allow_any_contract: false })).code, "INVALID_ARGUMENT", "a scoped session needs a scope");
  const broad = await call("session_register", broadArgs);
  eq(broad.status.broad, true, "broad");
  eq(broad.status.scope.length, 0, "a broad session has no scope");
  await call("send", send);
  await call("session_revoke", { wallet: w, session: key });
  await call("session_revoke_all", { wallet: w });
  eq((await call("session_revoke_all", { wallet: w })).tx, null, "nothing left to revoke");
  const after = await call("activity", { wallet: w });
  eq(after[0]?.summary, "Every session revoked", "revoke all is one wallet-wide entry");
  eq(after[0]?.session, undefined, "without a session");
  const rotated = await call("wallet_rotate_key", { wallet: w });
  eq(rotated.wallet.address, w, "the same wallet");
  ok(rotated.wallet.public_key !== wallets[0]?.public_key, "under a new key");
  eq(rotated.tx.fee_unit, "FRI", "an owner transaction");
  await call("wallet_create");
  await call("wallet_import", { address: "0x777", private_key: "0x1" });
  await call("touch");
  const backup = await call("vault_backup", { passphrase: "correct horse battery" });
  ok(backup.path.endsWith(".sesame") && backup.wallets === 3 && backup.sessions === 8, `the fake's backup: ${JSON.stringify(backup)}`);
  eq((await refused("vault_backup", { passphrase: "too short" })).code, "SECRET_TOO_SHORT", "a short passphrase");
  await call("open_external", { url: "https://sepolia.voyager.online/tx/0xabc" });
  eq((await refused("open_external", { url: "https://evil.example/tx/0x1" })).code, "INVALID_ARGUMENT", "other links are refused");
  await call("set_network", { name: "sepolia", rpc: "https://rpc.example/sepolia" });
  const undeployed = await call("wallet_create");
  ok(undeployed.next_step?.includes(undeployed.address) === true, "an undeployed wallet says what to do");
  await call("vault_lock");
  const wrong = await refused("vault_unlock", { pin: "0000" });
  eq(wrong.message, sampleError("WRONG_PIN_OR_DAMAGED_DATA").message, "the shell's wording");
  eq((await refused("wallets")).message, sampleError("VAULT_LOCKED").message, "locked: the shell's wording");
  await call("vault_unlock", { pin: "1234" });
  // The ways back: restore (the replace box and the passphrase are checked), the owner key.
  await call("vault_lock");
  const restore = { path: backup.path, passphrase: "correct horse battery", new_pin: "4321", replace: true };
  eq((await refused("vault_restore", { ...restore, replace: false })).code, "VAULT_ALREADY_EXISTS", "no consent to replace");
  eq((await refused("vault_restore", { ...restore, passphrase: "not it" })).message, sampleError("WRONG_PIN_OR_DAMAGED_DATA").message, "a wrong passphrase");
  eq((await refused("vault_restore", { ...restore, path: "/tmp/x.txt" })).code, "BACKUP_FILE_ERROR", "not a backup file");
  eq((await call("vault_restore", restore)).unlocked, true, "restored and unlocked");
  await call("vault_lock");
  eq((await refused("vault_recover", { wallet: w, private_key: "0xbad", new_pin: "1234" })).code, "OWNER_KEY_MISMATCH", "not the owner key");
  eq((await call("vault_recover", { wallet: w, private_key: "0x1", new_pin: "1234" })).unlocked, true, "recovered");
  await refused("vault_unlock_passkey");
  await refused("passkey_enroll");

  // Settings, the address book, and deploying a wallet off devnet.
  const s0 = await call("settings_get");
  ok(s0.payer_description.length > 0, "the payer in words");
  await refused("settings_set_auto_lock", { secs: 5 });
  eq((await call("settings_set_auto_lock", { secs: 600 })).auto_lock_secs, 600, "auto-lock");
  eq((await call("settings_set_keep_local_chain", { keep: true })).keep_local_chain, true, "the local chain is kept");
  const paid = await call("settings_set_payer", { payer: { kind: "paymaster", url: "https://pm.example/", gas_token: null }, api_key: "k", clear_api_key: false });
  ok(paid.paymaster_api_key_set, "the key is set");
  await refused("settings_set_payer", { payer: { kind: "paymaster", url: "http://pm.example/", gas_token: null } });
  eq((await call("address_save", { address: "0xabc", label: "Bob" }))[0]?.label, "Bob", "saved address");
  await call("address_book");
  eq((await call("address_remove", { address: "0xabc" })).length, 0, "removed");
  await call("set_network", { name: "sepolia", rpc: "https://rpc.example/sepolia" });
  const fresh_w = await call("wallet_create");
  eq(fresh_w.deployed, false, "off devnet a new wallet waits for funding");
  eq((await call("wallet_funding", { wallet: fresh_w.address })).funded, false, "not funded");
  await refused("wallet_deploy", { wallet: fresh_w.address });
  await call("set_network", { name: "devnet", rpc: null });
  const first = (await call("wallets"))[0]!;
  eq((await call("wallet_deploy", { wallet: first.address })).deployed, true, "a deployed wallet stays as it is");

  const fresh = new FakeBackend(options("fresh"));
  const state = await fresh.invoke("vault_create", { pin: "1234" });
  checkReply("vault_create", state, "fake vault_create");
  covered.add("vault_create");

  const missing = API_COMMANDS.filter((c) => !covered.has(c) && c !== "vault_unlock_passkey" && c !== "passkey_enroll");
  eq(missing.join(","), "", "every command the fake can answer was checked");
});

void run("replies");

// The Settings form and the network form, drawn by the real views in the minimal DOM with the
// real reply samples: the https rule (remote nodes and paymasters need https, plain http only
// on this machine) with its message in the form and nothing sent; the payer form's exact
// `settings_set_payer` args; the auto-lock bounds; the address book; and the API key field,
// never pre-filled and emptied after a save, the key left nowhere in the DOM.

import { byTestid, FakeElement, FakeNode, FakeText, one, text } from "./dom-shim";

import * as api from "../src/api";
import { nav } from "../src/nav";
import { clearNotices, noticeArea } from "../src/notices";
import { resetWalletData, store, unsubscribeAll } from "../src/state";
import { networkSelector } from "../src/views/network";
import { readAutoLock, readPayer, settingsPanel, urlProblem } from "../src/views/settings-form";
import { sample, sampleCase, sampleError } from "./fixtures/replies";
import { isCommand } from "./shapes";
import { eq, ok, run, settle, test } from "./harness";


interface Call {
  command: string;
  args: Record<string, unknown>;
}

/** Answers with the sample replies (or `replies`), rejecting with `fail` once per command. */
function recorder(replies: Record<string, unknown> = {}, fail: Record<string, api.ErrorReply> = {}) {
  const calls: Call[] = [];
  const pending = { ...fail };
  const t: api.Transport = {
    invoke: async (command, args = {}) => {
      calls.push({ command, args });
      await new Promise((r) => setTimeout(r, 0));
      const e = pending[command];
      if (e) {
        delete pending[command];
        throw e;
      }
      if (command in replies) return structuredClone(replies[command]);
      if (!isCommand(command)) throw `command ${command} not found`;
      return sample(command);
    },
    listen: async () => () => {},
  };
  api.setTransport(t);
  return { calls, count: (c: string) => calls.filter((x) => x.command === c).length };
}

function fresh(): void {
  unsubscribeAll();
  resetWalletData();
  clearNotices();
  store.app = sample("vault_unlock");
  store.tokens = sample("tokens");
  store.wallets = sample("wallets");
  nav.locked = () => {};
}

function fill(el: unknown, value: string): void {
  (el as FakeElement).value = value;
}
function submit(form: unknown): void {
  (form as FakeElement).dispatchEvent(new Event("submit") as never);
}
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
const banners = () => byTestid(noticeArea(), "error-banner");

test("the https rule: remote URLs need https, plain http only on this machine", () => {
  for (const good of ["https://rpc.example/v0_10", "http://127.0.0.1:5050/rpc", "http://localhost:9545", "http://[::1]:5050/rpc"]) {
    eq(urlProblem(good), null, good);
  }
  const remote = urlProblem("http://node.example/rpc");
  ok(remote !== null && remote.includes("use https:// for node.example"), `remote http: ${remote}`);
  ok(urlProblem("http://10.0.0.2:5050/rpc") !== null, "a LAN address is not this machine");
  ok((urlProblem("ftp://x/rpc") ?? "").includes("not a node URL"), "another scheme");
  eq(urlProblem("node.example"), "enter a full URL, like https://node.example/rpc", "no scheme");
  eq(urlProblem("  "), "enter a URL", "empty");
});

test("the payer and auto-lock checks", () => {
  const devnet = sample("app_state").network;
  const custom = sample("settings_set_payer").network;
  const input = { kind: "paymaster" as const, url: "https://pm.example/", mode: "gas-token" as const, wallet: "" };
  eq(JSON.stringify(readPayer(input, custom)), JSON.stringify({ kind: "paymaster", url: "https://pm.example/", gas_token: "strk" }), "gas-token");
  eq(JSON.stringify(readPayer({ ...input, mode: "sponsored" }, custom)), JSON.stringify({ kind: "paymaster", url: "https://pm.example/", gas_token: null }), "sponsored");
  ok(String(readPayer({ ...input, url: "http://pm.example/" }, custom)).startsWith("paymaster URL: plain http://"), "http paymaster");
  eq(JSON.stringify(readPayer({ ...input, kind: "local-relayer" }, devnet)), JSON.stringify({ kind: "local-relayer" }), "local relayer on devnet");
  eq(readPayer({ ...input, kind: "local-relayer" }, custom), "the local relayer exists only on the local devnet", "not elsewhere");
  ok(String(readPayer({ ...input, kind: "relayer", wallet: "0x0" }, custom)).startsWith("relayer wallet:"), "a zero relayer");
  eq(readAutoLock("5"), 300, "minutes to seconds");
  eq(readAutoLock("0.5"), 30, "half a minute is the floor");
  eq(readAutoLock("0.2"), "at least half a minute", "too short");
  eq(readAutoLock("1441"), "at most 24 hours (1440 minutes)", "too long");
  eq(readAutoLock("soon"), "enter a number of minutes", "not a number");
});

test("the network form shows the https rule and the shell's chain refusal in the form", async () => {
  fresh();
  const t = recorder({}, { set_network: sampleError("CHAIN_ID_CHANGED") });
  const root = networkSelector(() => {});
  const select = one(root, "network-select");
  select.value = "custom";
  select.dispatchEvent(new Event("change") as never);
  fill(one(root, "network-rpc"), "http://node.example/rpc");
  submit(one(root, "network-form"));
  await settle();
  ok(text(one(root, "network-error")).includes("use https:// for node.example"), `in the form: ${text(one(root, "network-error"))}`);
  eq(t.count("set_network"), 0, "nothing was sent");
  // The shell refuses a node that changed chains: said in the form, not in a banner.
  fill(one(root, "network-rpc"), "https://rpc.example/custom");
  submit(one(root, "network-form"));
  await settle();
  eq(t.count("set_network"), 1, "sent once");
  ok(text(one(root, "network-error")).includes("now answers with chain id SN_MAIN"), text(one(root, "network-error")));
  eq(banners().length, 0, "no banner for a refusal shown in the form");
  // Accepted: the form closes.
  submit(one(root, "network-form"));
  await settle();
  ok(one(root, "network-form").hidden, "the form closes once connected");
});

test("the payer form: exact args, refusals before sending, and the API key never pre-filled", async () => {
  fresh();
  const KEY = "pm-secret-key-heron-51";
  const t = recorder({ settings_get: sampleCase("settings_get:gas_token") });
  const panel = settingsPanel();
  await panel.load();
  await settle();
  const key = one(panel.root, "settings-paymaster-key");
  eq(key.value, "", "a set key is never put back in the field");
  eq(text(one(panel.root, "settings-paymaster-key-state")), "set", "only whether it is set");
  eq(one(panel.root, "settings-paymaster-mode").value, "gas-token", "the gas-token mode is shown");
  ok(text(one(panel.root, "settings-pinned-chain")).includes("0x534e5f5345504f4c4941"), "the recorded chain id of a custom network");
  eq(byTestid(panel.root, "settings-payer-kind")[0]?.children.some((o) => o.getAttribute("value") === "local-relayer"), false, "no local relayer off devnet");

  // A remote paymaster over http: refused in the form, nothing sent.
  fill(one(panel.root, "settings-paymaster-url"), "http://pm.example/");
  submit(one(panel.root, "settings-payer-form"));
  await settle();
  ok(text(one(panel.root, "settings-payer-error")).includes("use https:// for pm.example"), text(one(panel.root, "settings-payer-error")));
  eq(t.count("settings_set_payer"), 0, "nothing was sent");

  // Sponsored, with a new key: exactly these args; the field is emptied, the key is nowhere.
  fill(one(panel.root, "settings-paymaster-url"), "https://pm.example/");
  one(panel.root, "settings-paymaster-mode").value = "sponsored";
  fill(key, KEY);
  submit(one(panel.root, "settings-payer-form"));
  await settle();
  const sent = t.calls.filter((c) => c.command === "settings_set_payer");
  eq(sent.length, 1, "sent once");
  eq(
    JSON.stringify(sent[0]?.args),
    JSON.stringify({ payer: { kind: "paymaster", url: "https://pm.example/", gas_token: null }, api_key: KEY, clear_api_key: false }),
    "the args",
  );
  eq(key.value, "", "the key field is emptied");
  ok(!everything(panel.root as unknown as FakeNode).some((s) => s.includes(KEY)), "the key is nowhere in the DOM");
  ok(!everything(noticeArea() as unknown as FakeNode).some((s) => s.includes(KEY)), "nor in a notice");
  eq(banners().length, 0, "no error");
});

test("auto-lock and the address book", async () => {
  fresh();
  const t = recorder();
  const panel = settingsPanel();
  await panel.load();
  await settle();
  eq(byTestid(panel.root, "address-item").length, 2, "saved and recent entries");
  eq(byTestid(panel.root, "address-item")[0]?.getAttribute("data-saved"), "true", "saved first");
  fill(one(panel.root, "settings-autolock"), "0.1");
  submit(one(panel.root, "settings-autolock-form"));
  await settle();
  eq(text(one(panel.root, "settings-autolock-error")), "at least half a minute", "too short, said in the form");
  eq(t.count("settings_set_auto_lock"), 0, "nothing was sent");
  fill(one(panel.root, "settings-autolock"), "10");
  submit(one(panel.root, "settings-autolock-form"));
  await settle();
  eq(JSON.stringify(t.calls.find((c) => c.command === "settings_set_auto_lock")?.args), JSON.stringify({ secs: 600 }), "seconds");
  eq(store.app?.auto_lock_secs, 600, "applied at once in the header's state");

  fill(one(panel.root, "address-label"), "Bob");
  fill(one(panel.root, "address-address"), "not-an-address");
  submit(one(panel.root, "address-form"));
  await settle();
  ok(text(one(panel.root, "address-error")).length > 0, "a bad address is refused in the form");
  eq(t.count("address_save"), 0, "nothing was sent");
  fill(one(panel.root, "address-address"), "0xABC");
  submit(one(panel.root, "address-form"));
  await settle();
  eq(JSON.stringify(t.calls.find((c) => c.command === "address_save")?.args), JSON.stringify({ address: "0xabc", label: "Bob" }), "saved");
  eq(banners().length, 0, "no error");
});

test("the local chain: stops with the app unless kept, and a failed save puts the box back", async () => {
  fresh();
  const t = recorder({}, { settings_set_keep_local_chain: { code: "INTERNAL", message: "disk full" } });
  const panel = settingsPanel();
  await panel.load();
  await settle();
  const box = one(panel.root, "settings-keep-chain") as unknown as FakeElement & { checked: boolean };
  eq(box.checked, false, "off by default: the chain stops when Sesame quits");
  ok(!(one(panel.root, "settings-keep-chain-form") as unknown as FakeElement).hidden, "offered on devnet");
  // The first save fails: the box goes back, the error is shown.
  box.checked = true;
  box.dispatchEvent(new Event("change") as never);
  await settle();
  eq(box.checked, false, "a refused change is not shown as made");
  eq(banners().length, 1, "the failure is said");
  clearNotices();
  box.checked = true;
  box.dispatchEvent(new Event("change") as never);
  await settle();
  eq(JSON.stringify(t.calls.filter((c) => c.command === "settings_set_keep_local_chain").map((c) => c.args)), JSON.stringify([{ keep: true }, { keep: true }]), "sent twice, the second time saved");
  eq(box.checked, true, "kept");
  eq(banners().length, 0, "no error after the save");
});

void run("settings");

// DEV ONLY. An in-memory stand-in for the Rust shell, so the UI can be looked at in a plain
// browser. It follows the command contract (names, snake_case args, {code, message}
// rejections, events). Its replies are built from the real reply samples in
// test/fixtures/replies.json (checked against the Rust types), its seed data is those samples,
// and npm test checks every reply it gives against the UI's types, so it cannot drift from
// what the shell sends. Never part of the production bundle.

import type {
  ActivityEntry,
  AppState,
  BackupReply,
  NetworkInfo,
  AddressEntry,
  DeployFunding,
  Payer,
  PolicyInput,
  PolicyView,
  RecipientRule,
  RotateKeyResult,
  ScopeEntry,
  SessionStatus,
  TokenInfo,
  Transport,
  TxReceipt,
  SettingsView,
  WalletView,
} from "../src/api";
import { sample, sampleCase, sampleError } from "../test/fixtures/replies";

const TOKENS = sample("tokens");
const ETH = TOKENS.find((t) => t.symbol === "ETH")!.address;
const STRK = TOKENS.find((t) => t.symbol === "STRK")!.address;
const E18 = 10n ** 18n;
const PIN = "1234";
const MAX_ATTEMPTS = 5;
/** The passphrase of the fake's one backup file (any path ending in .sesame). */
const BACKUP_PASSPHRASE = "correct horse battery";

const SELECTORS: Record<string, string> = {
  transfer: "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e",
  approve: "0x219209e083275171774dab1df80982e9df2096516f06319c5c6d71ae0a8480c",
  increase_allowance: "0x1d13ab0a76d7407b1d5faccd4b3d8a9efe42f3d3c21766431d4fafb30f45bd4",
};

interface FakeSession {
  status: SessionStatus;
  /** Spending policies, one per token at most. */
  policies: PolicyView[];
}

interface FakeWallet {
  view: WalletView;
  strk: bigint;
  eth: bigint;
  sessions: FakeSession[];
  activity: ActivityEntry[];
}

export interface FakeOptions {
  /** `lockedout`: a vault whose PIN is locked (to look at the ways back in). */
  scenario: "fresh" | "locked" | "lockedout" | "dashboard" | "empty";
  /** Milliseconds each command takes. */
  latency: number;
  /** Commands that take much longer (to look at their busy state). */
  slow: Set<string>;
  /** Emit a session-expiring event shortly after unlocking. */
  expiringEvent: boolean;
  /** Wallet commands fail with this code (to look at error banners). */
  failWith?: string;
  /** Commands whose first call fails (to look at a failed step and its retry). */
  failOnce: Set<string>;
  /** Lock by itself (like the idle timer) this many ms after the app starts; 0 = never. */
  lockAfterMs: number;
}

class Fail {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}

  /** The shell's own rejection with this code (from the fixture), `from` replaced by `to`. */
  static real(code: string, from?: string, to?: string): Fail {
    const e = sampleError(code);
    return new Fail(e.code, from !== undefined && to !== undefined ? e.message.replace(from, to) : e.message);
  }
}

/** Sample keys the fixture's not-found messages name, to put the real key in their place. */
const SAMPLE_MISSING_WALLET = sampleCase("wallet_show:not_deployed").address;
const SAMPLE_MISSING_SESSION = sample("session_create").session_public_key;

export class FakeBackend implements Transport {
  private initialized = false;
  private unlocked = false;
  private failures = 0;
  private backoffUntil = 0;
  private passkey = false;
  private pin = PIN;
  private network: NetworkInfo = { kind: "devnet", name: "devnet", rpc_url: "http://127.0.0.1:5050/rpc" };
  private wallets = new Map<string, FakeWallet[]>();
  /** Settings: who pays per network, whether an API key is "in the vault", auto-lock, book. */
  private payers = new Map<string, Payer>();
  private apiKeys = new Set<string>();
  private autoLock = 300;
  private keepChain = false;
  private book: AddressEntry[] = [];
  private listeners = new Map<string, Set<(payload: unknown) => void>>();
  /** The devnet clock runs a little ahead of the wall clock. */
  private chainSkew = 95;

  constructor(private readonly opts: FakeOptions) {
    if (opts.scenario !== "fresh") this.initialized = true;
    if (opts.scenario === "dashboard" || opts.scenario === "empty") this.unlocked = true;
    if (opts.scenario === "locked") this.failures = 2;
    if (opts.scenario === "lockedout") this.failures = MAX_ATTEMPTS;
    if (opts.scenario !== "fresh" && opts.scenario !== "empty") this.seed();
    if (opts.lockAfterMs > 0) {
      setTimeout(() => {
        this.unlocked = false;
        this.emit("sesame://locked", null);
      }, opts.lockAfterMs);
    }
  }

  // ---------- Transport ----------

  async invoke(command: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const ms = this.opts.slow.has(command) ? 600_000 : this.opts.latency;
    await new Promise((r) => setTimeout(r, ms));
    if (this.opts.failOnce.delete(command)) {
      throw {
        code: "TX_REVERTED",
        message: "the transaction 0x6d1f…be2 reverted: Account: invalid owner signature",
      };
    }
    try {
      return this.handle(command, args);
    } catch (e) {
      if (e instanceof Fail) throw { code: e.code, message: e.message };
      throw { code: "INTERNAL", message: String(e) };
    }
  }

  async listen(event: string, handler: (payload: unknown) => void): Promise<() => void> {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(handler);
    if (event === "sesame://session-expiring" && this.unlocked) this.scheduleExpiring();
    return () => set?.delete(handler);
  }

  private emit(event: string, payload: unknown): void {
    for (const fn of this.listeners.get(event) ?? []) fn(payload);
  }

  // ---------- Commands ----------

  private handle(command: string, a: Record<string, unknown>): unknown {
    switch (command) {
      case "app_state":
        return this.appState();
      case "set_network":
        return this.setNetwork(str(a, "name"), a["rpc"] === null ? null : str(a, "rpc"));
      case "vault_create": {
        if (this.initialized) throw new Fail("VAULT_ALREADY_EXISTS", "a vault already exists on this device");
        const pin = str(a, "pin");
        if (pin.length < 4) throw new Fail("SECRET_TOO_SHORT", "the PIN must have at least 4 characters");
        this.initialized = true;
        this.unlocked = true;
        return this.appState();
      }
      case "vault_unlock":
        return this.unlock(str(a, "pin"));
      case "vault_unlock_passkey":
        if (!this.passkey) throw new Fail("PASSKEY_NOT_ENROLLED", "no passkey is enrolled for this vault");
        throw new Fail("PASSKEY_NO_DEVICE", "no FIDO2 security key is connected");
      case "passkey_enroll":
        throw new Fail(
          "PASSKEY_UNSUPPORTED",
          "passkeys are not supported by this build: it was compiled without the usb-passkey feature",
        );
      case "vault_lock":
        this.unlocked = false;
        return this.appState();
      case "vault_restore":
        return this.restore(a);
      case "vault_recover":
        return this.recover(a);
      case "touch":
        this.needUnlocked();
        return null;
      case "tokens":
        return this.tokens();
      case "settings_get":
        return this.settings();
      case "settings_set_auto_lock": {
        const secs = num(a, "secs");
        if (secs < 30 || secs > 86_400) throw new Fail("INVALID_ARGUMENT", "auto-lock must be between 30 seconds and 24 hours");
        this.autoLock = secs;
        return this.settings();
      }
      case "settings_set_keep_local_chain":
        this.keepChain = a["keep"] === true;
        return this.settings();
      case "address_book":
        return this.addresses();
      case "address_save": {
        const address = str(a, "address").toLowerCase();
        const label = str(a, "label").trim();
        if (!/^0x[0-9a-f]{1,64}$/.test(address)) throw new Fail("INVALID_INPUT", `'${address}' is not a valid address`);
        if (label === "") throw new Fail("INVALID_ARGUMENT", "give the address a label of 1 to 64 characters");
        this.book = this.book.filter((e) => !(e.network === this.network.name && same(e.address, address)));
        this.book.push({ address, network: this.network.name, label, saved: true });
        return this.addresses();
      }
      case "address_remove":
        this.book = this.book.filter((e) => !(e.network === this.network.name && same(e.address, str(a, "address"))));
        return this.addresses();
      case "open_external": {
        const url = str(a, "url");
        if (!/^https:\/\/(sepolia\.)?voyager\.online\/tx\/0x[0-9a-fA-F]{1,64}$/.test(url)) {
          throw new Fail("INVALID_ARGUMENT", `Sesame only opens its own explorer links, not ${url}`);
        }
        window.open?.(url, "_blank", "noopener");
        return null;
      }
    }
    this.needUnlocked();
    if (this.opts.failWith) throw new Fail(this.opts.failWith, "the node at http://127.0.0.1:5050/rpc did not answer (connection refused)");
    switch (command) {
      case "vault_backup":
        return this.backup(str(a, "passphrase"));
      case "wallet_create":
        return this.view(this.addWallet(randomFelt(), this.network.kind === "devnet", "Wallet created"));
      case "wallet_import": {
        const key = str(a, "private_key");
        if (!/^0x[0-9a-f]{1,64}$/i.test(key)) throw new Fail("INVALID_PRIVATE_KEY", "the private key is not a valid Stark key");
        return this.view(this.addWallet(str(a, "address"), true, "Wallet imported"));
      }
      case "wallets":
        return this.list().map((w) => this.view(w));
      case "wallet_show":
        return this.view(this.wallet(a["wallet"] === null ? null : str(a, "wallet")));
      case "settings_set_payer":
        return this.setPayer(a);
      case "wallet_funding":
        return this.funding(this.wallet(str(a, "wallet")));
      case "wallet_deploy": {
        const w = this.wallet(str(a, "wallet"));
        if (!this.funding(w).funded) throw new Fail("TX_REJECTED", "the account does not hold enough STRK for the deployment fee");
        w.view = { ...w.view, deployed: true, supports_sessions: true, account_class: "sesame-v2", scoped_sessions: true };
        delete w.view.next_step;
        w.strk -= 1_200_000_000_000_000n;
        this.log(w, "deploy", null, "Wallet deployed");
        return this.view(w);
      }
      case "wallet_rotate_key":
        return this.rotateKey(a["wallet"] === null || a["wallet"] === undefined ? null : str(a, "wallet"));
      case "session_create":
        return this.sessionCreate(str(a, "wallet"), num(a, "duration_secs"));
      case "session_register":
        return this.sessionRegister(a);
      case "session_list":
        return this.wallet(str(a, "wallet")).sessions.map((s) => this.fresh(s));
      case "session_revoke":
        return this.revoke(str(a, "wallet"), str(a, "session"));
      case "session_revoke_all":
        return this.revokeAll(str(a, "wallet"));
      case "policy_set":
        return this.policySet(a);
      case "policy_get": {
        const s = this.session(str(a, "wallet"), str(a, "session"));
        const p = s.policies.find((x) => same(x.token, tokenAddress(str(a, "token"))));
        return p ? { ...p } : { ...sampleCase("policy_get:no_policy"), token: str(a, "token") };
      }
      case "send_preview":
        return this.preview(a);
      case "send":
        return this.send(a);
      case "activity":
        // Like the shell's diary: the order written, newest first.
        return [...this.wallet(str(a, "wallet")).activity].reverse();
    }
    throw `command ${command} not found`;
  }

  private payer(): Payer | null {
    return this.payers.get(this.network.name) ?? (this.network.kind === "devnet" ? { kind: "local-relayer" } : null);
  }

  private settings(): SettingsView {
    const payer = this.payer();
    const host = (url: string) => url.replace(/^[a-z]+:\/\//, "").split("/")[0] ?? url;
    const words =
      payer === null
        ? "nobody yet: choose who pays for sends in Settings"
        : payer.kind === "local-relayer"
          ? "the local relayer (gasless)"
          : payer.kind === "relayer"
            ? `your wallet ${payer.wallet} as relayer, in STRK (gasless for the session)`
            : payer.gas_token === null
              ? `the paymaster at ${host(payer.url)} (sponsored, gasless)`
              : `this wallet, in STRK through the paymaster at ${host(payer.url)} (the fee is quoted and checked when you send)`;
    return {
      ...sample("settings_get"),
      network: { ...this.network },
      pinned_chain_id: this.network.kind === "custom" ? "0x534e5f5345504f4c4941" : null,
      payer,
      payer_description: words,
      paymaster_api_key_set: this.apiKeys.has(this.network.name),
      auto_lock_secs: this.autoLock,
      keep_local_chain: this.keepChain,
    };
  }

  private setPayer(a: Record<string, unknown>): SettingsView {
    const payer = (a["payer"] ?? null) as Payer | null;
    if (payer === null) this.payers.delete(this.network.name);
    else {
      if (payer.kind === "local-relayer" && this.network.kind !== "devnet") {
        throw new Fail("INVALID_ARGUMENT", "the local relayer exists only on the local devnet");
      }
      if (payer.kind === "paymaster" && !/^https:\/\/|^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(payer.url)) {
        throw new Fail("INVALID_ARGUMENT", "plain http:// is accepted only for a node on this machine; use https://");
      }
      this.payers.set(this.network.name, payer);
    }
    const key = typeof a["api_key"] === "string" ? a["api_key"].trim() : "";
    if (key !== "") this.apiKeys.add(this.network.name);
    else if (a["clear_api_key"] === true) this.apiKeys.delete(this.network.name);
    return this.settings();
  }

  private addresses(): AddressEntry[] {
    const mine = this.book.filter((e) => e.network === this.network.name);
    return [...mine.filter((e) => e.saved), ...mine.filter((e) => !e.saved).reverse()].map((e) => ({ ...e }));
  }

  private funding(w: FakeWallet): DeployFunding {
    const required = w.view.deployed ? 0n : 3_600_000_000_000_000n;
    return {
      address: w.view.address,
      network: this.network.name,
      deployed: w.view.deployed,
      balance: w.strk.toString(),
      estimated_fee: (required / 3n).toString(),
      required: required.toString(),
      funded: w.view.deployed || w.strk >= required,
    };
  }

  private appState(): AppState {
    const wait = Math.max(0, Math.ceil((this.backoffUntil - Date.now()) / 1000));
    return {
      ...sample("app_state"),
      network: { ...this.network },
      chain_id: this.network.kind === "mainnet" ? "0x534e5f4d41494e" : "0x534e5f5345504f4c4941",
      initialized: this.initialized,
      unlocked: this.unlocked,
      attempts: {
        failures: this.failures,
        attempts_left: Math.max(0, MAX_ATTEMPTS - this.failures),
        retry_after_secs: wait,
        locked_out: this.failures >= MAX_ATTEMPTS,
        tampered: false,
      },
      passkey_enrolled: this.passkey,
      auto_lock_secs: this.autoLock,
    };
  }

  // ---------- Backup and recovery ----------

  private backup(passphrase: string): BackupReply {
    if ([...passphrase].length < 12) throw Fail.real("SECRET_TOO_SHORT");
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
    const list = [...this.wallets.values()].flat();
    return {
      ...sample("vault_backup"),
      path: `/home/me/Documents/sesame-backup-desktop-${stamp}.sesame`,
      wallets: list.length,
      sessions: list.reduce((n, w) => n + w.sessions.length, 0),
    };
  }

  private newPin(a: Record<string, unknown>): string {
    const pin = str(a, "new_pin");
    if ([...pin].length < 4) throw new Fail("SECRET_TOO_SHORT", "the PIN must have at least 4 characters");
    return pin;
  }

  /** Like the shell: any `.sesame` path is "the" backup, opened by BACKUP_PASSPHRASE. */
  private restore(a: Record<string, unknown>): AppState {
    const path = str(a, "path");
    if (!path.endsWith(".sesame")) {
      throw Fail.real("BACKUP_FILE_ERROR", "/home/me/Documents/missing.sesame", path);
    }
    if (str(a, "passphrase") !== BACKUP_PASSPHRASE) throw Fail.real("WRONG_PIN_OR_DAMAGED_DATA");
    const pin = this.newPin(a);
    if (this.initialized && a["replace"] !== true) throw Fail.real("VAULT_ALREADY_EXISTS");
    return this.reopen(pin);
  }

  /** Any well-formed key of a wallet the fake holds opens it, except 0xbad (not its key). */
  private recover(a: Record<string, unknown>): AppState {
    if (!this.initialized) throw new Fail("VAULT_NOT_INITIALIZED", "no vault has been set up on this device yet");
    const wallet = str(a, "wallet");
    const key = str(a, "private_key");
    const pin = this.newPin(a);
    if (![...this.wallets.values()].flat().some((w) => same(w.view.address, wallet))) {
      throw new Fail("RECORD_NOT_FOUND", "no stored wallet matches");
    }
    if (!/^0x[0-9a-f]{1,64}$/i.test(key)) throw new Fail("INVALID_PRIVATE_KEY", "the private key is not a valid Stark key");
    if (same(key, "0xbad")) throw Fail.real("OWNER_KEY_MISMATCH");
    return this.reopen(pin);
  }

  private reopen(pin: string): AppState {
    this.pin = pin;
    this.initialized = true;
    this.unlocked = true;
    this.failures = 0;
    this.backoffUntil = 0;
    this.scheduleExpiring();
    return this.appState();
  }

  private setNetwork(name: string, rpc: string | null): AppState {
    if (name === "devnet") this.network = { kind: "devnet", name, rpc_url: rpc ?? "http://127.0.0.1:5050/rpc" };
    else if (name === "sepolia" || name === "mainnet") {
      if (!rpc) {
        throw new Fail(
          "INVALID_ARGUMENT",
          `give a ${name === "sepolia" ? "Sepolia" : "Mainnet"} JSON-RPC 0.10 URL with --rpc or SESAME_${name.toUpperCase()}_RPC`,
        );
      }
      this.network = { kind: name, name, rpc_url: rpc };
    } else if (/^https?:\/\//.test(name)) this.network = { kind: "custom", name, rpc_url: rpc ?? name };
    else throw new Fail("INVALID_ARGUMENT", `unknown network '${name}': use devnet, sepolia, mainnet or an http(s) RPC URL`);
    return this.appState();
  }

  private unlock(pin: string): AppState {
    if (!this.initialized) throw new Fail("VAULT_NOT_INITIALIZED", "no vault has been set up on this device yet");
    if (this.failures >= MAX_ATTEMPTS) {
      throw new Fail("PIN_LOCKED_OUT", "the PIN is locked after too many wrong attempts: unlock with your passkey or restore a backup");
    }
    const wait = Math.ceil((this.backoffUntil - Date.now()) / 1000);
    if (wait > 0) throw new Fail("PIN_BACKOFF", `too many wrong PINs: try again in ${wait} s`);
    if (pin !== this.pin) {
      this.failures += 1;
      if (this.failures >= 3) this.backoffUntil = Date.now() + 15_000 * (this.failures - 2);
      throw Fail.real("WRONG_PIN_OR_DAMAGED_DATA");
    }
    this.failures = 0;
    this.unlocked = true;
    this.scheduleExpiring();
    return this.appState();
  }

  /** Like the shell's notifier: warn about a session that expires within 10 minutes. */
  private scheduleExpiring(): void {
    if (!this.opts.expiringEvent) return;
    setTimeout(() => {
      const soon = this.list()[0]?.sessions.find((s) => s.status.state === "active" && s.status.valid_until - this.now() < 600);
      if (soon) {
        this.emit("sesame://session-expiring", {
          session: soon.status.session_public_key,
          seconds_left: Math.round(soon.status.valid_until - this.now()),
        });
      }
    }, 1500);
  }

  private needUnlocked(): void {
    if (!this.initialized) throw new Fail("VAULT_NOT_INITIALIZED", "no vault has been set up on this device yet");
    if (!this.unlocked) throw Fail.real("VAULT_LOCKED");
  }

  private tokens(): TokenInfo[] {
    return sample("tokens");
  }

  // ---------- Wallets ----------

  private list(): FakeWallet[] {
    return this.wallets.get(this.network.name) ?? [];
  }

  private wallet(address: string | null): FakeWallet {
    const list = this.list();
    if (list.length === 0) throw Fail.real("NO_WALLET");
    if (address === null) return list[list.length - 1]!;
    const w = list.find((x) => same(x.view.address, address));
    if (!w) throw Fail.real("WALLET_NOT_FOUND", SAMPLE_MISSING_WALLET, address);
    return w;
  }

  private addWallet(address: string, funded: boolean, summary?: string): FakeWallet {
    const w: FakeWallet = {
      view: {
        ...sample("wallet_show"),
        address,
        public_key: randomFelt(),
        network: this.network.name,
        deployed: funded,
        supports_sessions: funded,
        // Like the shell: a wallet Sesame creates is a v2 account, deployed or not yet.
        account_class: "sesame-v2",
        scoped_sessions: true,
        session_limits: "Sesame v2: each session may call only the exact contracts and entrypoints it was given",
        strk_balance: "0",
        eth_balance: "0",
      },
      strk: funded ? 1000n * E18 : 0n,
      eth: funded ? E18 / 2n : 0n,
      sessions: [],
      activity: [],
    };
    if (!funded) {
      // The shell's wording, for this address.
      const undeployed = sampleCase("wallet_show:not_deployed");
      w.view.next_step = undeployed.next_step?.replace(undeployed.address, address);
    }
    const list = this.list();
    list.push(w);
    this.wallets.set(this.network.name, list);
    if (summary) this.log(w, "create", null, summary);
    return w;
  }

  private view(w: FakeWallet): WalletView {
    return { ...w.view, strk_balance: w.strk.toString(), eth_balance: w.eth.toString() };
  }

  // ---------- Sessions ----------

  private now(): number {
    return Math.floor(Date.now() / 1000) + this.chainSkew;
  }

  private fresh(s: FakeSession): SessionStatus {
    const st = s.status;
    const now = this.now();
    if ((st.state === "active" || st.state === "created") && st.valid_until <= now) {
      st.state = "expired";
      st.is_active = false;
    }
    st.chain_time = now;
    // Like the shell: only a live session counts down.
    st.seconds_left = st.state === "active" || st.state === "created" ? Math.max(0, st.valid_until - now) : 0;
    return { ...st };
  }

  private session(wallet: string, key: string): FakeSession {
    const s = this.wallet(wallet).sessions.find((x) => same(x.status.session_public_key, key));
    if (!s) throw Fail.real("SESSION_NOT_FOUND", SAMPLE_MISSING_SESSION, key);
    return s;
  }

  private sessionCreate(wallet: string, duration: number): SessionStatus {
    const w = this.wallet(wallet);
    const now = this.now();
    const s: FakeSession = {
      status: {
        ...sample("session_create"),
        session_public_key: randomFelt(),
        wallet: w.view.address,
        state: "created",
        is_active: false,
        valid_until: now + duration,
        remaining_calls: 0,
        allowed_entrypoints: [],
        broad: false,
        scope: [],
        recipients: [],
        chain_time: now,
        seconds_left: duration,
        created_at: now,
      },
      policies: [],
    };
    w.sessions.push(s);
    this.log(w, "create", s.status.session_public_key, "Session key created");
    return this.fresh(s);
  }

  /** Like the shell: scope, recipients and policies in one owner transaction. */
  private sessionRegister(a: Record<string, unknown>): { tx: TxReceipt; status: SessionStatus } {
    const w = this.wallet(str(a, "wallet"));
    const s = this.session(str(a, "wallet"), str(a, "session"));
    if (s.status.state !== "created") throw new Fail("INVALID_ARGUMENT", `the session is ${s.status.state}, not created`);
    const allow = strs(a, "allow");
    const broad = a["allow_any_contract"] === true;
    const recipients = strs(a, "recipients");
    const policies = (a["policies"] as PolicyInput[] | undefined) ?? [];
    if (!w.view.scoped_sessions && (!broad || recipients.length > 0)) {
      throw new Fail(
        "SCOPE_UNSUPPORTED",
        "this wallet's account contract cannot enforce scopes or recipients: register the session with allow_any_contract and without recipients",
      );
    }
    let scope: ScopeEntry[] = [];
    let entrypoints: string[];
    if (broad) {
      if (allow.some((x) => x.includes(":"))) throw new Fail("INVALID_ARGUMENT", "with allow_any_contract, give entrypoints only, not CONTRACT:ENTRYPOINT");
      entrypoints = allow;
    } else {
      if (allow.length === 0) throw new Fail("INVALID_ARGUMENT", "a scoped session needs at least one CONTRACT:ENTRYPOINT");
      scope = allow.map((item) => {
        const [contract = "", entry = ""] = item.split(":");
        if (contract === "" || entry === "") throw new Fail("INVALID_ARGUMENT", `'${item}' is not CONTRACT:ENTRYPOINT`);
        const address = tokenAddress(contract);
        const name = tokenName(address);
        const known = entry.startsWith("0x") ? undefined : entry;
        return {
          contract: address,
          ...(name ? { contract_name: name } : {}),
          selector: selectorOf(entry),
          ...(known ? { entrypoint: known } : {}),
        };
      });
      entrypoints = [...new Set(allow.map((x) => x.split(":")[1] ?? ""))];
    }
    const rules: RecipientRule[] = [];
    for (const item of recipients) {
      const i = item.indexOf(":");
      if (i <= 0) throw new Fail("INVALID_ARGUMENT", `'${item}' is not TOKEN:ADDRESS`);
      const token = tokenAddress(item.slice(0, i));
      const to = item.slice(i + 1);
      let rule = rules.find((r) => same(r.token, token));
      if (!rule) {
        const name = tokenName(token);
        rule = { token, ...(name ? { token_name: name } : {}), recipients: [] };
        rules.push(rule);
      }
      rule.recipients.push(to);
    }
    s.status.state = "active";
    s.status.is_active = true;
    s.status.remaining_calls = num(a, "max_calls");
    s.status.allowed_entrypoints = entrypoints.map((x) =>
      x.startsWith("0x") ? { selector: x } : { selector: selectorOf(x), name: x },
    );
    s.status.broad = broad;
    s.status.scope = scope;
    s.status.recipients = rules;
    s.policies = policies.map((p) => ({
      token: tokenAddress(p.token),
      max_per_call: p.max_per_call,
      max_per_window: p.max_per_window,
      window_seconds: p.window_seconds,
      spent_in_window: "0",
      window_start: this.now(),
    }));
    const tx = this.tx(w, 2_100_000_000_000_000n);
    this.log(w, "register", s.status.session_public_key, `Session registered: ${num(a, "max_calls")} calls`, tx);
    return { tx, status: this.fresh(s) };
  }

  /** A new owner key (saved first, in the shell), then one owner transaction; every session ends. */
  private rotateKey(wallet: string | null): RotateKeyResult {
    const w = this.wallet(wallet);
    if (w.view.account_class !== "sesame-v2" || !w.view.deployed) {
      throw new Fail("INVALID_ARGUMENT", "only a deployed Sesame v2 account can rotate its owner key");
    }
    const live = w.sessions.filter((s) => s.status.state === "active" || s.status.state === "created");
    for (const s of live) this.markRevoked(s);
    w.view = { ...w.view, public_key: randomFelt() };
    const tx = this.tx(w, 1_800_000_000_000_000n);
    this.log(w, "rotate", null, "Owner key rotated", tx);
    return { tx, wallet: this.view(w), sessions_ended: live.length };
  }

  private revoke(wallet: string, key: string): { tx: TxReceipt; status: SessionStatus } {
    const w = this.wallet(wallet);
    const s = this.session(wallet, key);
    if (s.status.state === "revoked") throw new Fail("SESSION_REVOKED", "the session is already revoked");
    this.markRevoked(s);
    const tx = this.tx(w, 1_400_000_000_000_000n);
    this.log(w, "revoke", key, "Session revoked", tx);
    return { tx, status: this.fresh(s) };
  }

  private revokeAll(wallet: string): { tx: TxReceipt | null; sessions: SessionStatus[] } {
    const w = this.wallet(wallet);
    const live = w.sessions.filter((s) => s.status.state === "active" || s.status.state === "created");
    if (live.length === 0) return { tx: null, sessions: w.sessions.map((s) => this.fresh(s)) };
    const tx = this.tx(w, 1_900_000_000_000_000n);
    for (const s of live) this.markRevoked(s);
    this.log(w, "revoke", null, "Every session revoked", tx);
    return { tx, sessions: w.sessions.map((s) => this.fresh(s)) };
  }

  /** What the chain reports for a revoked key: not active, no calls, an empty allowlist. */
  private markRevoked(s: FakeSession): void {
    s.status.state = "revoked";
    s.status.is_active = false;
    s.status.remaining_calls = 0;
    s.status.allowed_entrypoints = [];
    s.status.broad = false;
    s.status.scope = [];
    s.status.recipients = [];
  }

  private policySet(a: Record<string, unknown>): { tx: TxReceipt; policy: PolicyView } {
    const w = this.wallet(str(a, "wallet"));
    const s = this.session(str(a, "wallet"), str(a, "session"));
    const policy: PolicyView = {
      token: str(a, "token"),
      max_per_call: str(a, "max_per_call"),
      max_per_window: str(a, "max_per_window"),
      window_seconds: num(a, "window_seconds"),
      spent_in_window: "0",
      window_start: this.now(),
    };
    s.policies = [...s.policies.filter((p) => !same(p.token, tokenAddress(policy.token))), { ...policy, token: tokenAddress(policy.token) }];
    const tx = this.tx(w, 1_200_000_000_000_000n);
    this.log(w, "policy", s.status.session_public_key, "Spending policy set", tx);
    return { tx, policy };
  }

  /** Preflight: the same rules the account applies, as (code, message) or null. */
  private check(a: Record<string, unknown>): Fail | null {
    const w = this.wallet(str(a, "wallet"));
    const s = this.fresh(this.session(str(a, "wallet"), str(a, "session")));
    const token = tokenAddress(str(a, "token"));
    const recipient = str(a, "recipient");
    const amount = BigInt(str(a, "amount"));
    if (s.state === "revoked") return new Fail("SESSION_REVOKED", "the session has been revoked");
    if (s.state === "created") return new Fail("SESSION_NOT_REGISTERED", "the session is not registered on-chain");
    if (s.state === "expired") return new Fail("SESSION_EXPIRED", "the session has expired");
    if (s.remaining_calls <= 0) return new Fail("SESSION_MAX_CALLS_EXCEEDED", "the session has no calls left");
    const allowed = s.allowed_entrypoints ?? [];
    if (allowed.length > 0 && !allowed.some((e) => e.name === "transfer")) {
      return new Fail("SESSION_ENTRYPOINT_NOT_ALLOWED", "the session may not call transfer (selector 0x83afd3f4…d12e is not in its allowlist)");
    }
    if (!s.broad && s.scope.length > 0 && !s.scope.some((e) => same(e.contract, token) && same(e.selector, SELECTORS["transfer"] ?? ""))) {
      return new Fail("SESSION_CALL_NOT_IN_SCOPE", `the session may not call transfer on ${tokenName(token) ?? token}: that call is not in its scope`);
    }
    const rule = s.recipients.find((r) => same(r.token, token));
    if (rule && !rule.recipients.some((x) => same(x, recipient))) {
      return new Fail("SESSION_RECIPIENT_NOT_ALLOWED", `the session may not send ${rule.token_name ?? token} to ${recipient}: it is not an allowed recipient`);
    }
    const p = this.session(str(a, "wallet"), str(a, "session")).policies.find((x) => same(x.token, token));
    if (p && p.window_seconds > 0) {
      // The shell's (preflight's) wording.
      if (amount > BigInt(p.max_per_call)) return new Fail("SESSION_SPENDING_LIMIT_PER_CALL", `a transfer of ${amount} is over this session's per-call cap of ${p.max_per_call}`);
      if (amount + BigInt(p.spent_in_window) > BigInt(p.max_per_window)) {
        return new Fail(
          "SESSION_SPENDING_LIMIT_WINDOW",
          `${amount} more would exceed this session's cap of ${p.max_per_window} per ${p.window_seconds} s (${p.spent_in_window} already spent)`,
        );
      }
    }
    const bal = same(token, ETH) ? w.eth : w.strk;
    if (amount > bal) return new Fail("INSUFFICIENT_BALANCE", "the balance is too low for this amount");
    return null;
  }

  private preview(a: Record<string, unknown>) {
    const w = this.wallet(str(a, "wallet"));
    const s = this.session(str(a, "wallet"), str(a, "session"));
    const bal = same(tokenAddress(str(a, "token")), ETH) ? w.eth : w.strk;
    const err = this.check(a);
    const amount = BigInt(str(a, "amount"));
    return {
      ...sample("send_preview"),
      ok: err === null,
      error: err ? { code: err.code, message: err.message } : null,
      balance_before: bal.toString(),
      balance_after: (amount > bal ? 0n : bal - amount).toString(),
      fee_payer: this.settings().payer_description,
      remaining_calls_after: err ? 0 : Math.max(0, s.status.remaining_calls - 1),
    };
  }

  private send(a: Record<string, unknown>) {
    const err = this.check(a);
    if (err) throw err;
    const w = this.wallet(str(a, "wallet"));
    const s = this.session(str(a, "wallet"), str(a, "session"));
    const amount = BigInt(str(a, "amount"));
    const token = tokenAddress(str(a, "token"));
    if (same(token, ETH)) w.eth -= amount;
    else w.strk -= amount;
    const policy = s.policies.find((p) => same(p.token, token));
    if (policy) policy.spent_in_window = (BigInt(policy.spent_in_window) + amount).toString();
    s.status.remaining_calls -= 1;
    // Like the shell: a confirmed send's recipient becomes a recent address.
    const to = str(a, "recipient").toLowerCase();
    if (!this.book.some((e) => e.network === this.network.name && same(e.address, to))) {
      this.book.push({ address: to, network: this.network.name, saved: false, last_used: Math.floor(Date.now() / 1000) });
    }
    const { explorer_url: _none, ...out } = sample("send");
    const hash = randomFelt();
    const explorer = this.explorer(hash);
    // The shell's wording: the raw amount and the token argument upper-cased.
    this.log(w, "send", s.status.session_public_key, `Sent ${amount} of ${str(a, "token").toUpperCase()} to ${str(a, "recipient")}`, {
      tx_hash: hash,
      fee: "0",
      fee_unit: "FRI",
    });
    return {
      ...out,
      tx_hash: hash,
      ...(explorer ? { explorer_url: explorer } : {}),
      remaining_calls: s.status.remaining_calls,
    };
  }

  private explorer(hash: string): string | undefined {
    if (this.network.kind === "sepolia") return `https://sepolia.voyager.online/tx/${hash}`;
    if (this.network.kind === "mainnet") return `https://voyager.online/tx/${hash}`;
    return undefined;
  }

  private tx(w: FakeWallet, fee: bigint): TxReceipt {
    w.strk -= fee;
    return { ...sample("session_register").tx, tx_hash: randomFelt(), fee: fee.toString() };
  }

  /** Like the shell's diary: `session` null for wallet-wide entries, explorer links on public networks. */
  private log(w: FakeWallet, kind: string, session: string | null, summary: string, tx?: TxReceipt, at?: number): void {
    const url = tx ? this.explorer(tx.tx_hash) : undefined;
    w.activity.push({
      at: at ?? Math.floor(Date.now() / 1000),
      wallet: w.view.address,
      ...(session !== null ? { session } : {}),
      kind,
      summary,
      ...(tx ? { tx_hash: tx.tx_hash } : {}),
      ...(url ? { explorer_url: url } : {}),
    });
  }

  // ---------- Seed data: the fixture's wallet, sessions (one in every state) and activity ----------

  private seed(): void {
    const sampleWallet = sample("wallet_show");
    const w = this.addWallet(sampleWallet.address, true);
    w.view = { ...sampleWallet, network: this.network.name };
    w.strk = BigInt(sampleWallet.strk_balance);
    w.eth = BigInt(sampleWallet.eth_balance);
    // The samples are read at a fixed chain time; move them to now so countdowns run.
    const sessions = sample("session_list");
    const shift = this.now() - (sessions[0]?.chain_time ?? this.now());
    const wallShift = Math.floor(Date.now() / 1000) - (sessions[0]?.chain_time ?? 0);
    const policy = sample("policy_get");
    const withPolicy = sample("session_register").status.session_public_key;
    for (const status of sessions) {
      status.valid_until += shift;
      status.chain_time += shift;
      status.created_at += shift;
      w.sessions.push({
        status,
        policies: same(status.session_public_key, withPolicy) ? [{ ...policy, window_start: policy.window_start + shift }] : [],
      });
    }
    // The diary lists newest first; the fake keeps the order written (oldest first).
    w.activity = sample("activity")
      .map((e) => ({ ...e, at: e.at + wallShift }))
      .reverse();
  }
}

// ---------- helpers ----------

function str(a: Record<string, unknown>, key: string): string {
  const v = a[key];
  if (typeof v !== "string") throw new Fail("INVALID_ARGUMENT", `missing string argument '${key}'`);
  return v;
}

function strs(a: Record<string, unknown>, key: string): string[] {
  const v = a[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw new Fail("INVALID_ARGUMENT", `missing string list argument '${key}'`);
  }
  return v as string[];
}

/** `strk`, `eth` or an address, as the token's address (like the shell's parse_contract). */
function tokenAddress(text: string): string {
  const t = text.toLowerCase();
  if (t === "strk") return STRK;
  if (t === "eth") return ETH;
  return text;
}

function tokenName(address: string): string | undefined {
  return TOKENS.find((t) => same(t.address, address))?.symbol;
}

function selectorOf(entry: string): string {
  if (entry.startsWith("0x")) return entry;
  return SELECTORS[entry] ?? randomFelt();
}

function num(a: Record<string, unknown>, key: string): number {
  const v = a[key];
  if (typeof v !== "number") throw new Fail("INVALID_ARGUMENT", `missing number argument '${key}'`);
  return v;
}

function same(x: string, y: string): boolean {
  try {
    return BigInt(x) === BigInt(y);
  } catch {
    return x.toLowerCase() === y.toLowerCase();
  }
}

function randomFelt(): string {
  const bytes = new Uint8Array(31);
  crypto.getRandomValues(bytes);
  bytes[0] = (bytes[0] ?? 0) & 0x07;
  return "0x" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").replace(/^0+/, "");
}

// DEV ONLY. An in-memory stand-in for the Rust shell, so the UI can be looked at in a plain
// browser. It follows the command contract (names, snake_case args, {code, message}
// rejections, events) with made-up data. Never part of the production bundle.

import type {
  ActivityEntry,
  AppState,
  NetworkInfo,
  PolicyView,
  SessionStatus,
  TokenInfo,
  Transport,
  TxReceipt,
  WalletView,
} from "../src/api";

const STRK = "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d";
const ETH = "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7";
const E18 = 10n ** 18n;
const PIN = "1234";
const MAX_ATTEMPTS = 5;

const SELECTORS: Record<string, string> = {
  transfer: "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e",
  approve: "0x219209e083275171774dab1df80982e9df2096516f06319c5c6d71ae0a8480c",
  increase_allowance: "0x1d13ab0a76d7407b1d5faccd4b3d8a9efe42f3d3c21766431d4fafb30f45bd4",
};

interface FakeSession {
  status: SessionStatus;
  policy: PolicyView | null;
}

interface FakeWallet {
  view: WalletView;
  strk: bigint;
  eth: bigint;
  sessions: FakeSession[];
  activity: ActivityEntry[];
}

export interface FakeOptions {
  scenario: "fresh" | "locked" | "dashboard" | "empty";
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
}

export class FakeBackend implements Transport {
  private initialized = false;
  private unlocked = false;
  private failures = 0;
  private backoffUntil = 0;
  private passkey = false;
  private network: NetworkInfo = { kind: "devnet", name: "devnet", rpc_url: "http://127.0.0.1:5050/rpc" };
  private wallets = new Map<string, FakeWallet[]>();
  private listeners = new Map<string, Set<(payload: unknown) => void>>();
  /** The devnet clock runs a little ahead of the wall clock. */
  private chainSkew = 95;

  constructor(private readonly opts: FakeOptions) {
    if (opts.scenario !== "fresh") this.initialized = true;
    if (opts.scenario === "dashboard" || opts.scenario === "empty") this.unlocked = true;
    if (opts.scenario === "locked") this.failures = 2;
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
      case "touch":
        this.needUnlocked();
        return null;
      case "tokens":
        return this.tokens();
    }
    this.needUnlocked();
    if (this.opts.failWith) throw new Fail(this.opts.failWith, "the node at http://127.0.0.1:5050/rpc did not answer (connection refused)");
    switch (command) {
      case "wallet_create":
        return this.addWallet(randomFelt(), this.network.kind === "devnet").view;
      case "wallet_import": {
        const key = str(a, "private_key");
        if (!/^0x[0-9a-f]{1,64}$/i.test(key)) throw new Fail("INVALID_PRIVATE_KEY", "the private key is not a valid Stark key");
        return this.addWallet(str(a, "address"), true).view;
      }
      case "wallets":
        return this.list().map((w) => this.view(w));
      case "wallet_show":
        return this.view(this.wallet(a["wallet"] === null ? null : str(a, "wallet")));
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
        return s.policy ?? { token: str(a, "token"), max_per_call: "0", max_per_window: "0", window_seconds: 0, spent_in_window: "0", window_start: 0 };
      }
      case "send_preview":
        return this.preview(a);
      case "send":
        return this.send(a);
      case "activity":
        return [...this.wallet(str(a, "wallet")).activity].sort((x, y) => y.at - x.at);
    }
    throw `command ${command} not found`;
  }

  private appState(): AppState {
    const wait = Math.max(0, Math.ceil((this.backoffUntil - Date.now()) / 1000));
    return {
      network: this.network,
      chain_id: this.network.kind === "mainnet" ? "0x534e5f4d41494e" : "0x534e5f5345504f4c4941",
      chain_error: null,
      initialized: this.initialized,
      unlocked: this.unlocked,
      attempts: {
        failures: this.failures,
        attempts_left: Math.max(0, MAX_ATTEMPTS - this.failures),
        retry_after_secs: wait,
        locked_out: this.failures >= MAX_ATTEMPTS,
      },
      auto_lock_secs: 300,
      passkey_enrolled: this.passkey,
    };
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
    if (pin !== PIN) {
      this.failures += 1;
      if (this.failures >= 3) this.backoffUntil = Date.now() + 15_000 * (this.failures - 2);
      throw new Fail("WRONG_PIN_OR_DAMAGED_DATA", "wrong PIN or damaged data");
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
    if (!this.unlocked) throw new Fail("VAULT_LOCKED", "the vault is locked: unlock it with your PIN");
  }

  private tokens(): TokenInfo[] {
    return [
      { symbol: "STRK", address: STRK, decimals: 18 },
      { symbol: "ETH", address: ETH, decimals: 18 },
    ];
  }

  // ---------- Wallets ----------

  private list(): FakeWallet[] {
    return this.wallets.get(this.network.name) ?? [];
  }

  private wallet(address: string | null): FakeWallet {
    const list = this.list();
    if (list.length === 0) throw new Fail("NO_WALLET", "there is no wallet on this device yet; create or import one first");
    if (address === null) return list[list.length - 1]!;
    const w = list.find((x) => same(x.view.address, address));
    if (!w) throw new Fail("WALLET_NOT_FOUND", `no wallet ${address} on this device; create or import it first`);
    return w;
  }

  private addWallet(address: string, funded: boolean): FakeWallet {
    const w: FakeWallet = {
      view: {
        address,
        public_key: randomFelt(),
        network: this.network.name,
        deployed: funded,
        supports_sessions: funded,
        strk_balance: "0",
        eth_balance: "0",
      },
      strk: funded ? 1000n * E18 : 0n,
      eth: funded ? E18 / 2n : 0n,
      sessions: [],
      activity: [],
    };
    if (!funded) w.view.next_step = `Send STRK to ${address.slice(0, 10)}… to pay for its deployment, then press Refresh.`;
    const list = this.list();
    list.push(w);
    this.wallets.set(this.network.name, list);
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
    st.seconds_left = Math.max(0, st.valid_until - now);
    return { ...st };
  }

  private session(wallet: string, key: string): FakeSession {
    const s = this.wallet(wallet).sessions.find((x) => same(x.status.session_public_key, key));
    if (!s) throw new Fail("SESSION_NOT_FOUND", `no session ${key} on this device`);
    return s;
  }

  private sessionCreate(wallet: string, duration: number): SessionStatus {
    const w = this.wallet(wallet);
    const now = this.now();
    const s: FakeSession = {
      status: {
        session_public_key: randomFelt(),
        wallet: w.view.address,
        state: "created",
        is_active: false,
        valid_until: now + duration,
        remaining_calls: 0,
        chain_time: now,
        seconds_left: duration,
        data_shape: "chipi_tuple",
        created_at: now,
      },
      policy: null,
    };
    w.sessions.push(s);
    this.log(w, "create", s.status.session_public_key, `Session key created for ${duration / 3600} h`);
    return this.fresh(s);
  }

  private sessionRegister(a: Record<string, unknown>): { tx: TxReceipt; status: SessionStatus } {
    const w = this.wallet(str(a, "wallet"));
    const s = this.session(str(a, "wallet"), str(a, "session"));
    if (s.status.state !== "created") throw new Fail("INVALID_ARGUMENT", `the session is ${s.status.state}, not created`);
    const allow = (a["allow"] as string[]) ?? [];
    s.status.state = "active";
    s.status.is_active = true;
    s.status.remaining_calls = num(a, "max_calls");
    s.status.allowed_entrypoints = allow.map((x) =>
      x.startsWith("0x") ? { selector: x } : { selector: SELECTORS[x] ?? randomFelt(), name: x },
    );
    const tx = this.tx(w, 2_100_000_000_000_000n);
    this.log(w, "register", s.status.session_public_key, `Registered: ${num(a, "max_calls")} calls, ${allow.length ? allow.join(", ") : "any non-admin entrypoint"}`, tx);
    return { tx, status: this.fresh(s) };
  }

  private revoke(wallet: string, key: string): { tx: TxReceipt; status: SessionStatus } {
    const w = this.wallet(wallet);
    const s = this.session(wallet, key);
    if (s.status.state === "revoked") throw new Fail("SESSION_REVOKED", "the session is already revoked");
    s.status.state = "revoked";
    s.status.is_active = false;
    const tx = this.tx(w, 1_400_000_000_000_000n);
    this.log(w, "revoke", key, "Session revoked", tx);
    return { tx, status: this.fresh(s) };
  }

  private revokeAll(wallet: string): { tx: TxReceipt | null; sessions: SessionStatus[] } {
    const w = this.wallet(wallet);
    const live = w.sessions.filter((s) => s.status.state === "active" || s.status.state === "created");
    if (live.length === 0) return { tx: null, sessions: w.sessions.map((s) => this.fresh(s)) };
    const tx = this.tx(w, 1_900_000_000_000_000n);
    for (const s of live) {
      s.status.state = "revoked";
      s.status.is_active = false;
      this.log(w, "revoke", s.status.session_public_key, "Revoked (revoke all)", tx);
    }
    return { tx, sessions: w.sessions.map((s) => this.fresh(s)) };
  }

  private policySet(a: Record<string, unknown>): { tx: TxReceipt; policy: PolicyView } {
    const w = this.wallet(str(a, "wallet"));
    const s = this.session(str(a, "wallet"), str(a, "session"));
    s.policy = {
      token: str(a, "token"),
      max_per_call: str(a, "max_per_call"),
      max_per_window: str(a, "max_per_window"),
      window_seconds: num(a, "window_seconds"),
      spent_in_window: "0",
      window_start: this.now(),
    };
    const tx = this.tx(w, 1_200_000_000_000_000n);
    this.log(w, "policy", s.status.session_public_key, `STRK limit: ${fmt(BigInt(s.policy.max_per_call))} per call, ${fmt(BigInt(s.policy.max_per_window))} per window`, tx);
    return { tx, policy: s.policy };
  }

  /** Preflight: the same rules the account applies, as (code, message) or null. */
  private check(a: Record<string, unknown>): Fail | null {
    const w = this.wallet(str(a, "wallet"));
    const s = this.fresh(this.session(str(a, "wallet"), str(a, "session")));
    const token = str(a, "token");
    const amount = BigInt(str(a, "amount"));
    if (s.state === "revoked") return new Fail("SESSION_REVOKED", "the session has been revoked");
    if (s.state === "created") return new Fail("SESSION_NOT_REGISTERED", "the session is not registered on-chain");
    if (s.state === "expired") return new Fail("SESSION_EXPIRED", "the session has expired");
    if (s.remaining_calls <= 0) return new Fail("SESSION_MAX_CALLS_EXCEEDED", "the session has no calls left");
    const allowed = s.allowed_entrypoints ?? [];
    if (allowed.length > 0 && !allowed.some((e) => e.name === "transfer")) {
      return new Fail("SESSION_ENTRYPOINT_NOT_ALLOWED", "the session may not call transfer (selector 0x83afd3f4…d12e is not in its allowlist)");
    }
    const p = this.session(str(a, "wallet"), str(a, "session")).policy;
    if (p && p.window_seconds > 0 && same(p.token, token)) {
      if (amount > BigInt(p.max_per_call)) return new Fail("SESSION_SPENDING_LIMIT_PER_CALL", `the amount exceeds the per-call cap of ${fmt(BigInt(p.max_per_call))} STRK`);
      if (amount + BigInt(p.spent_in_window) > BigInt(p.max_per_window)) {
        return new Fail("SESSION_SPENDING_LIMIT_WINDOW", `the amount exceeds what is left in this window (${fmt(BigInt(p.max_per_window) - BigInt(p.spent_in_window))} STRK)`);
      }
    }
    const bal = same(token, ETH) ? w.eth : w.strk;
    if (amount > bal) return new Fail("INSUFFICIENT_BALANCE", "the balance is too low for this amount");
    return null;
  }

  private preview(a: Record<string, unknown>) {
    const w = this.wallet(str(a, "wallet"));
    const s = this.session(str(a, "wallet"), str(a, "session"));
    const bal = same(str(a, "token"), ETH) ? w.eth : w.strk;
    const err = this.check(a);
    const amount = BigInt(str(a, "amount"));
    return {
      ok: err === null,
      error: err ? { code: err.code, message: err.message } : null,
      balance_before: bal.toString(),
      balance_after: (err ? bal : bal - amount).toString(),
      fee_payer: "relayer",
      remaining_calls_after: Math.max(0, s.status.remaining_calls - (err ? 0 : 1)),
    };
  }

  private send(a: Record<string, unknown>) {
    const err = this.check(a);
    if (err) throw err;
    const w = this.wallet(str(a, "wallet"));
    const s = this.session(str(a, "wallet"), str(a, "session"));
    const amount = BigInt(str(a, "amount"));
    if (same(str(a, "token"), ETH)) w.eth -= amount;
    else w.strk -= amount;
    if (s.policy && same(s.policy.token, str(a, "token"))) {
      s.policy.spent_in_window = (BigInt(s.policy.spent_in_window) + amount).toString();
    }
    s.status.remaining_calls -= 1;
    const hash = randomFelt();
    const explorer = this.explorer(hash);
    const sym = same(str(a, "token"), ETH) ? "ETH" : "STRK";
    this.log(w, "send", s.status.session_public_key, `Sent ${fmt(amount)} ${sym} to ${str(a, "recipient").slice(0, 10)}…`, {
      tx_hash: hash,
      fee: "0",
      fee_unit: "FRI",
      ...(explorer ? { explorer_url: explorer } : {}),
    });
    return {
      tx_hash: hash,
      mode: "relayer",
      paid_by: "relayer",
      fee: "876000000000000",
      fee_unit: "FRI",
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
    return { tx_hash: randomFelt(), fee: fee.toString(), fee_unit: "FRI" };
  }

  private log(w: FakeWallet, kind: ActivityEntry["kind"], session: string, summary: string, tx?: TxReceipt, at?: number): void {
    const url = tx ? this.explorer(tx.tx_hash) : undefined;
    w.activity.push({
      at: at ?? Math.floor(Date.now() / 1000),
      wallet: w.view.address,
      session,
      kind,
      summary,
      ...(tx ? { tx_hash: tx.tx_hash } : {}),
      ...(url ? { explorer_url: url } : {}),
    });
  }

  // ---------- Seed data: one wallet with sessions in every state ----------

  private seed(): void {
    const w = this.addWallet("0x5f8e3a17c2b94d06a1e7c3b8d2f4a6e9c1b3d5f7a9e2c4b6d8f0a1c3e5b7d90", true);
    w.strk = 1234n * E18 + 5n * 10n ** 17n;
    w.eth = 25n * 10n ** 16n;
    const now = this.now();
    const wall = Math.floor(Date.now() / 1000);
    const mk = (
      state: SessionStatus["state"],
      validIn: number,
      remaining: number,
      allow: string[] | undefined,
      createdAgo: number,
    ): FakeSession => {
      const key = randomFelt();
      const s: FakeSession = {
        status: {
          session_public_key: key,
          wallet: w.view.address,
          state,
          is_active: state === "active",
          valid_until: now + validIn,
          remaining_calls: remaining,
          ...(allow ? { allowed_entrypoints: allow.map((n) => ({ selector: SELECTORS[n] ?? n, ...(SELECTORS[n] ? { name: n } : {}) })) } : {}),
          chain_time: now,
          seconds_left: Math.max(0, validIn),
          data_shape: "chipi_tuple",
          created_at: now - createdAgo,
        },
        policy: null,
      };
      w.sessions.push(s);
      this.log(w, "create", key, "Session key created", undefined, wall - createdAgo);
      if (state !== "created" && state !== "none") {
        this.log(w, "register", key, `Registered: ${remaining + 3} calls, ${allow && allow.length ? allow.join(", ") : "any non-admin entrypoint"}`, { tx_hash: randomFelt(), fee: "0", fee_unit: "FRI" }, wall - createdAgo + 20);
      }
      return s;
    };
    mk("revoked", 3 * 3600, 990, ["transfer"], 3 * 86400);
    this.log(w, "revoke", w.sessions[0]!.status.session_public_key, "Session revoked", { tx_hash: randomFelt(), fee: "0", fee_unit: "FRI" }, wall - 2 * 86400);
    mk("expired", -2 * 3600, 400, ["transfer", "approve"], 86400);
    mk("created", 6 * 3600 - 300, 0, undefined, 300);
    const soon = mk("active", 8 * 60 + 30, 12, [], 6 * 3600);
    void soon;
    const main = mk("active", 5 * 3600 + 41 * 60, 997, ["transfer", "approve"], 1200);
    main.policy = {
      token: STRK,
      max_per_call: (10n * E18).toString(),
      max_per_window: (100n * E18).toString(),
      window_seconds: 86400,
      spent_in_window: (125n * 10n ** 17n).toString(),
      window_start: now - 1200,
    };
    this.log(w, "policy", main.status.session_public_key, "STRK limit: 10 per call, 100 per 24 h", { tx_hash: randomFelt(), fee: "0", fee_unit: "FRI" }, wall - 1150);
    this.log(w, "send", main.status.session_public_key, "Sent 12.5 STRK to 0x03a1b2c4…", { tx_hash: randomFelt(), fee: "0", fee_unit: "FRI" }, wall - 600);
  }
}

// ---------- helpers ----------

function str(a: Record<string, unknown>, key: string): string {
  const v = a[key];
  if (typeof v !== "string") throw new Fail("INVALID_ARGUMENT", `missing string argument '${key}'`);
  return v;
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

function fmt(v: bigint): string {
  const whole = v / E18;
  const frac = (v % E18).toString().padStart(18, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}

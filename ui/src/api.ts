// The only module that talks to the Rust shell. Every command goes through `call`, which
// normalises any rejection into an ApiError {code, message}. Arguments are snake_case
// exactly as the shell's commands declare them; felts are 0x-hex strings and token amounts
// are decimal strings of the smallest unit.

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

// ---------- Types (the JSON the shell returns) ----------
//
// These mirror the Rust serde types exactly: an `Option` field is `T | null` (serde writes
// None as null), except where Rust has `skip_serializing_if = "Option::is_none"`, which is an
// optional field (`name?: T`, absent, never null). test/fixtures/replies.json holds one real
// reply per command; src-tauri/tests/reply_shapes.rs checks it against the Rust types and
// test/replies.test.ts feeds it through these types and the views' helpers.

export type NetworkKind = "devnet" | "sepolia" | "mainnet" | "custom";

export interface NetworkInfo {
  kind: NetworkKind;
  name: string;
  rpc_url: string;
}

export interface PinAttempts {
  failures: number;
  attempts_left: number;
  retry_after_secs: number;
  /** The PIN is locked: too many wrong PINs, or a tampered counter. */
  locked_out: boolean;
  /** The counter is missing or was changed outside Sesame (then `locked_out` too). */
  tampered: boolean;
}

export interface AppState {
  network: NetworkInfo;
  /** null while the node cannot be reached; `chain_error` then says why. */
  chain_id: string | null;
  chain_error: ErrorReply | null;
  initialized: boolean;
  unlocked: boolean;
  attempts: PinAttempts;
  auto_lock_secs: number;
  passkey_enrolled: boolean;
  /** Whether this build can use a passkey at all; offer passkeys only when true. */
  passkey_available: boolean;
}

/** Where `vault_backup` wrote the encrypted backup (the bytes never reach the webview). */
export interface BackupReply {
  /** The file written, readable by its owner only. */
  path: string;
  /** Wallets (owner keys) in the backup. */
  wallets: number;
  /** Session keys in the backup. */
  sessions: number;
}

export interface TokenInfo {
  symbol: string;
  address: string;
  decimals: number;
}

/** Which account contract a wallet runs (Rust `AccountClass`, kebab-case). */
export type AccountClass = "sesame-v2" | "sesame-v1" | "chipi-v27" | "chipi" | "other";

export interface WalletView {
  address: string;
  public_key: string;
  network: string;
  deployed: boolean;
  supports_sessions: boolean;
  strk_balance: string;
  eth_balance: string;
  /** Absent when the wallet is usable. */
  next_step?: string;
  account_class: AccountClass;
  /**
   * Whether the account enforces per-session scopes (exact contract + entrypoint pairs) and
   * recipient allowlists. False: a session's entrypoints work on every contract.
   */
  scoped_sessions: boolean;
  /** What this wallet's sessions can and cannot enforce, in a sentence. */
  session_limits: string;
}

export type SessionState = "none" | "created" | "active" | "expired" | "revoked";

/** Which `get_session_data` layout the account returned (Rust `SessionDataShape`, snake_case). */
export type SessionDataShape = "chipi_tuple" | "snip163_struct";

export interface EntrypointView {
  selector: string;
  /** Absent when Sesame does not know the selector's name. */
  name?: string;
}

/** One (contract, entrypoint) pair a scoped session may call. */
export interface ScopeEntry {
  contract: string;
  /** "STRK" or "ETH" when Sesame knows the contract. */
  contract_name?: string;
  selector: string;
  /** The entrypoint's name when Sesame knows the selector. */
  entrypoint?: string;
}

/** The only addresses a session may send a token to. */
export interface RecipientRule {
  token: string;
  /** "STRK" or "ETH" when Sesame knows the token. */
  token_name?: string;
  recipients: string[];
}

export interface SessionStatus {
  session_public_key: string;
  wallet: string;
  state: SessionState;
  is_active: boolean;
  valid_until: number;
  remaining_calls: number;
  /** Empty: every non-admin entrypoint. Absent: the account does not report it. */
  allowed_entrypoints?: EntrypointView[];
  /**
   * The allowed entrypoints work on ANY contract (a v1 wallet, or a v2 session registered with
   * allow_any_contract). False for scoped sessions and for sessions not registered yet.
   */
  broad: boolean;
  /** The exact pairs of a scoped session; empty when broad or not registered. */
  scope: ScopeEntry[];
  /** Per-token recipient allowlists; empty when there are none. */
  recipients: RecipientRule[];
  chain_time: number;
  seconds_left: number;
  data_shape: SessionDataShape;
  created_at: number;
}

/** An owner transaction (Rust `TxOutcome`): no explorer link, unlike `ExecOutcome`. */
export interface TxReceipt {
  tx_hash: string;
  fee: string;
  fee_unit: string;
}

export interface SessionTx {
  tx: TxReceipt;
  status: SessionStatus;
}

export interface RevokeAllResult {
  tx: TxReceipt | null;
  sessions: SessionStatus[];
}

export interface PolicyView {
  token: string;
  max_per_call: string;
  max_per_window: string;
  /** 0 means no policy. */
  window_seconds: number;
  spent_in_window: string;
  window_start: number;
}

export interface PolicyResult {
  tx: TxReceipt;
  policy: PolicyView;
}

export interface ErrorReply {
  code: string;
  message: string;
}

export interface SendRequest {
  wallet: string;
  session: string;
  token: string;
  recipient: string;
  /** Decimal string in the token's smallest unit. */
  amount: string;
}

export interface SendPreview {
  ok: boolean;
  error: ErrorReply | null;
  balance_before: string;
  balance_after: string;
  fee_payer: string;
  remaining_calls_after: number;
}

export interface ExecOutcome {
  tx_hash: string;
  /** Who carried the session's transaction: "relayer" or "paymaster". */
  mode: string;
  paid_by: string;
  fee: string;
  fee_unit: string;
  explorer_url?: string;
  remaining_calls: number;
}

/** `wallet_rotate_key`: the owner transaction, the wallet under its new key, sessions ended. */
export interface RotateKeyResult {
  tx: TxReceipt;
  wallet: WalletView;
  /** Sessions of the wallet that stopped working (every one does). */
  sessions_ended: number;
}

export interface ActivityEntry {
  /** Unix seconds. */
  at: number;
  wallet: string;
  /** Absent for wallet-wide entries ("Wallet created", "Every session revoked"). */
  session?: string;
  /** `create`, `register`, `send`, `revoke` or `policy` (a free string in Rust). */
  kind: string;
  summary: string;
  tx_hash?: string;
  /** Only on public networks. */
  explorer_url?: string;
}

/**
 * Who carries and pays for a session's send on one network (Rust `Payer`, tagged by `kind`).
 * Registering and revoking are owner transactions: the wallet always pays those.
 */
export type Payer =
  | { kind: "local-relayer" }
  | { kind: "relayer"; wallet: string }
  /** `gas_token` null: sponsored by the paymaster; else the wallet pays the fee in that token. */
  | { kind: "paymaster"; url: string; gas_token: string | null };

/** The Settings screen (`settings_get`). The paymaster's API key is never sent back. */
export interface SettingsView {
  schema: number;
  network: NetworkInfo;
  /** The chain id recorded when the current custom network was added (null otherwise). */
  pinned_chain_id: string | null;
  /** null: nobody is chosen (off devnet, sends are refused until someone is). */
  payer: Payer | null;
  /** Who pays, in words, as the send preview says it. */
  payer_description: string;
  paymaster_api_key_set: boolean;
  auto_lock_secs: number;
  /** Whether the local chain keeps running after Sesame quits (its state is kept either way). */
  keep_local_chain: boolean;
  /** Where the settings file is. */
  file: string;
}

/** One address-book entry of the current network. */
export interface AddressEntry {
  address: string;
  network: string;
  label?: string;
  /** Saved with a label (kept until removed), else a recent recipient. */
  saved: boolean;
  last_used?: number;
}

/** `wallet_funding`: what a not-yet-deployed wallet needs (STRK amounts in fri). */
export interface DeployFunding {
  address: string;
  network: string;
  deployed: boolean;
  balance: string;
  estimated_fee: string;
  /** The estimate with a margin: what the address should hold before deploying. */
  required: string;
  funded: boolean;
}

export interface SessionExpiring {
  session: string;
  seconds_left: number;
}

// ---------- Errors ----------

/** Every failed command, whatever the shell or the IPC layer rejected with. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly code: string,
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }

  /** Turns any rejection value into an ApiError. */
  static from(raw: unknown, command?: string): ApiError {
    if (raw instanceof ApiError) return raw;
    if (isErrorReply(raw)) return new ApiError(raw.code, raw.message || raw.code, command);
    if (typeof raw === "string") {
      // The IPC layer rejects with a plain string when a command is missing or args are wrong.
      return new ApiError("IPC_ERROR", raw || "the app did not answer", command);
    }
    if (raw instanceof Error) return new ApiError("IPC_ERROR", raw.message || String(raw), command);
    let text: string;
    try {
      text = JSON.stringify(raw) ?? String(raw);
    } catch {
      text = String(raw);
    }
    return new ApiError("UNKNOWN_ERROR", `unexpected error: ${text}`, command);
  }
}

function isErrorReply(v: unknown): v is ErrorReply {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as { code?: unknown }).code === "string" &&
    typeof (v as { message?: unknown }).message === "string"
  );
}

/** Codes that mean the vault is (now) locked: the UI goes back to the unlock screen. */
export const LOCKED_CODES: ReadonlySet<string> = new Set(["VAULT_LOCKED", "LOCKED"]);

// ---------- Transport ----------

/** How commands and events reach the backend. Production: Tauri's IPC. */
export interface Transport {
  invoke(command: string, args?: Record<string, unknown>): Promise<unknown>;
  listen(event: string, handler: (payload: unknown) => void): Promise<() => void>;
}

const tauriTransport: Transport = {
  invoke: (command, args) => invoke(command, args),
  listen: (event, handler) => listen(event, (e) => handler(e.payload)),
};

let transport: Transport = tauriTransport;

/** Replaces the transport (the dev-only fake backend does this before the app starts). */
export function setTransport(t: Transport): void {
  transport = t;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return (await transport.invoke(command, args)) as T;
  } catch (raw) {
    throw ApiError.from(raw, command);
  }
}

// ---------- Commands ----------

export const appState = () => call<AppState>("app_state");

/** `name`: devnet, sepolia, mainnet, or an http(s) URL (custom); `rpc` overrides the node URL. */
export const setNetwork = (name: string, rpc: string | null) =>
  call<AppState>("set_network", { name, rpc });

export const vaultCreate = (pin: string) => call<AppState>("vault_create", { pin });
export const vaultUnlock = (pin: string) => call<AppState>("vault_unlock", { pin });
export const vaultUnlockPasskey = () => call<AppState>("vault_unlock_passkey");
export const passkeyEnroll = () => call<AppState>("passkey_enroll");
export const vaultLock = () => call<AppState>("vault_lock");

/**
 * Writes an encrypted backup of every key to a file (the shell picks the folder and name) and
 * says where. Needs the vault unlocked; the passphrase needs at least 12 characters.
 */
export const vaultBackup = (passphrase: string) => call<BackupReply>("vault_backup", { passphrase });

export interface RestoreRequest {
  /** Full path of the backup file (or `~/…`). */
  path: string;
  passphrase: string;
  newPin: string;
  /** Consent to replace this device's vault: its keys that the backup lacks are lost. */
  replace: boolean;
}

/** Restores a backup under a new PIN and unlocks it. */
export const vaultRestore = (r: RestoreRequest) =>
  call<AppState>("vault_restore", {
    path: r.path,
    passphrase: r.passphrase,
    new_pin: r.newPin,
    replace: r.replace,
  });

/** Reopens a forgotten or locked-out vault with a wallet's owner key, under a new PIN. */
export const vaultRecover = (wallet: string, privateKey: string, newPin: string) =>
  call<AppState>("vault_recover", { wallet, private_key: privateKey, new_pin: newPin });
/** Resets the idle auto-lock timer. */
export const touch = () => call<null>("touch");

export const tokens = () => call<TokenInfo[]>("tokens");

export const walletCreate = () => call<WalletView>("wallet_create");
export const walletImport = (address: string, privateKey: string) =>
  call<WalletView>("wallet_import", { address, private_key: privateKey });
export const wallets = () => call<WalletView[]>("wallets");
/** `wallet` null: the newest wallet on the current network. */
export const walletShow = (wallet: string | null) => call<WalletView>("wallet_show", { wallet });

/**
 * Replaces the wallet's owner key: the shell makes and saves the new key before it sends the
 * owner transaction. Every session of the wallet stops working.
 */
export const walletRotateKey = (wallet: string) => call<RotateKeyResult>("wallet_rotate_key", { wallet });

export const sessionCreate = (wallet: string, durationSecs: number) =>
  call<SessionStatus>("session_create", { wallet, duration_secs: durationSecs });

/** A spending cap set with the registration (amounts: decimal strings, smallest unit). */
export interface PolicyInput {
  /** `strk`, `eth` or a 0x address. */
  token: string;
  max_per_call: string;
  max_per_window: string;
  window_seconds: number;
}

export interface RegisterRequest {
  wallet: string;
  session: string;
  maxCalls: number;
  /**
   * Scoped (`allowAnyContract` false): `CONTRACT:ENTRYPOINT` items (CONTRACT `strk`, `eth` or a
   * 0x address; ENTRYPOINT a name or 0x selector), at least one. Broad: entrypoint names or 0x
   * selectors only; empty allows every non-admin entrypoint on every contract.
   */
  allow: string[];
  allowAnyContract: boolean;
  /** `TOKEN:ADDRESS` items (TOKEN `strk`, `eth` or a 0x address). */
  recipients: string[];
  policies: PolicyInput[];
  /** Null keeps the expiry chosen at creation. */
  validUntil: number | null;
}

/** Registers a session, its scope, recipients and spending caps in one owner transaction. */
export const sessionRegister = (r: RegisterRequest) =>
  call<SessionTx>("session_register", {
    wallet: r.wallet,
    session: r.session,
    max_calls: r.maxCalls,
    allow: r.allow,
    allow_any_contract: r.allowAnyContract,
    recipients: r.recipients,
    policies: r.policies,
    valid_until: r.validUntil,
  });

export const sessionList = (wallet: string) => call<SessionStatus[]>("session_list", { wallet });
export const sessionRevoke = (wallet: string, session: string) =>
  call<SessionTx>("session_revoke", { wallet, session });
export const sessionRevokeAll = (wallet: string) =>
  call<RevokeAllResult>("session_revoke_all", { wallet });

export interface PolicyRequest {
  wallet: string;
  session: string;
  token: string;
  /** Decimal strings in the token's smallest unit. */
  maxPerCall: string;
  maxPerWindow: string;
  windowSeconds: number;
}

export const policySet = (p: PolicyRequest) =>
  call<PolicyResult>("policy_set", {
    wallet: p.wallet,
    session: p.session,
    token: p.token,
    max_per_call: p.maxPerCall,
    max_per_window: p.maxPerWindow,
    window_seconds: p.windowSeconds,
  });

export const policyGet = (wallet: string, session: string, token: string) =>
  call<PolicyView>("policy_get", { wallet, session, token });

const sendArgs = (r: SendRequest): Record<string, unknown> => ({
  wallet: r.wallet,
  session: r.session,
  token: r.token,
  recipient: r.recipient,
  amount: r.amount,
});

export const sendPreview = (r: SendRequest) => call<SendPreview>("send_preview", sendArgs(r));
export const send = (r: SendRequest) => call<ExecOutcome>("send", sendArgs(r));

export const settingsGet = () => call<SettingsView>("settings_get");

export interface PayerRequest {
  /** null: the network's default (the local relayer on devnet, nobody elsewhere). */
  payer: Payer | null;
  /** A new API key for the paymaster (kept in the vault; never shown again), or null. */
  apiKey: string | null;
  /** Forget the stored API key. */
  clearApiKey: boolean;
}

export const settingsSetPayer = (r: PayerRequest) =>
  call<SettingsView>("settings_set_payer", { payer: r.payer, api_key: r.apiKey, clear_api_key: r.clearApiKey });
export const settingsSetAutoLock = (secs: number) => call<SettingsView>("settings_set_auto_lock", { secs });
export const settingsSetKeepLocalChain = (keep: boolean) =>
  call<SettingsView>("settings_set_keep_local_chain", { keep });

export const addressBook = () => call<AddressEntry[]>("address_book");
export const addressSave = (address: string, label: string) => call<AddressEntry[]>("address_save", { address, label });
export const addressRemove = (address: string) => call<AddressEntry[]>("address_remove", { address });

/** The STRK a not-yet-deployed wallet needs, and what it holds now (needs the vault unlocked). */
export const walletFunding = (wallet: string) => call<DeployFunding>("wallet_funding", { wallet });
/** Deploys a funded wallet; the wallet pays the deployment fee. */
export const walletDeploy = (wallet: string) => call<WalletView>("wallet_deploy", { wallet });

export const activity = (wallet: string) => call<ActivityEntry[]>("activity", { wallet });
/** Opens a block-explorer link in the system browser (the shell refuses any other URL). */
export const openExternal = (url: string) => call<null>("open_external", { url });

// ---------- Events ----------

export const EVENT_LOCKED = "sesame://locked";
export const EVENT_SESSION_EXPIRING = "sesame://session-expiring";

/** The vault locked itself (idle timer or another window): show the unlock screen. */
export function onLocked(handler: () => void): Promise<() => void> {
  return transport.listen(EVENT_LOCKED, () => handler());
}

/** A session expires soon (or has expired, seconds_left 0). */
export function onSessionExpiring(handler: (e: SessionExpiring) => void): Promise<() => void> {
  return transport.listen(EVENT_SESSION_EXPIRING, (payload) => {
    const p = payload as Partial<SessionExpiring> | null;
    if (p && typeof p.session === "string") {
      handler({ session: p.session, seconds_left: Number(p.seconds_left ?? 0) });
    }
  });
}

// The JSON shape of every command's reply, as a runtime check that is tied to api.ts's types at
// compile time (tsc fails when a schema and its api.ts type differ, naming the command). The
// replies fixture (checked against the Rust types by src-tauri/tests/reply_shapes.rs) and the
// dev fake backend are both checked against these schemas by npm test, so the UI's types, the
// Rust types and the fake cannot drift apart silently.
//
// Rules (serde's): an `Option` without `skip_serializing_if` is always present, `T | null`
// (nullable); with it, absent and never null (opt). Unknown fields are refused, so a field
// Rust adds must be added to api.ts too.

import * as api from "../src/api";

export class ShapeError extends Error {
  override readonly name = "ShapeError";
}

export interface Schema<T> {
  readonly kind: "schema";
  check(v: unknown, path: string): void;
  /** Carries T for inference only. */
  readonly type?: T;
}
export interface Optional<T> {
  readonly kind: "optional";
  readonly inner: Schema<T>;
}
type Field = Schema<unknown> | Optional<unknown>;
export type Infer<S> = S extends Schema<infer T> ? T : S extends Optional<infer T> ? T : never;

function schema<T>(check: (v: unknown, path: string) => void): Schema<T> {
  return { kind: "schema", check };
}
function refuse(path: string, want: string, v: unknown): never {
  throw new ShapeError(`${path}: expected ${want}, got ${JSON.stringify(v)}`);
}

export const str = schema<string>((v, p) => {
  if (typeof v !== "string") refuse(p, "a string", v);
});
export const num = schema<number>((v, p) => {
  if (typeof v !== "number" || !Number.isFinite(v)) refuse(p, "a number", v);
});
export const bool = schema<boolean>((v, p) => {
  if (typeof v !== "boolean") refuse(p, "a boolean", v);
});
export const nul = schema<null>((v, p) => {
  if (v !== null) refuse(p, "null", v);
});
export function oneOf<const L extends readonly string[]>(values: L): Schema<L[number]> {
  return schema((v, p) => {
    if (typeof v !== "string" || !values.includes(v)) refuse(p, `one of ${values.join(", ")}`, v);
  });
}
export function nullable<T>(s: Schema<T>): Schema<T | null> {
  return schema((v, p) => {
    if (v !== null) s.check(v, p);
  });
}
export function arr<T>(s: Schema<T>): Schema<T[]> {
  return schema((v, p) => {
    if (!Array.isArray(v)) refuse(p, "an array", v);
    v.forEach((x, i) => s.check(x, `${p}[${i}]`));
  });
}
/** A field Rust skips when None: absent, never null. */
export function opt<T>(s: Schema<T>): Optional<T> {
  return { kind: "optional", inner: s };
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ObjOf<P extends Record<string, Field>> = Simplify<
  { [K in keyof P as P[K] extends Optional<unknown> ? never : K]: Infer<P[K]> } & {
    [K in keyof P as P[K] extends Optional<unknown> ? K : never]?: Infer<P[K]>;
  }
>;

export function obj<P extends Record<string, Field>>(props: P): Schema<ObjOf<P>> {
  return schema((v, p) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) refuse(p, "an object", v);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!(k in props)) throw new ShapeError(`${p}.${k}: the reply has it, the UI's type does not`);
    }
    for (const [k, f] of Object.entries(props)) {
      const at = `${p}.${k}`;
      const has = Object.prototype.hasOwnProperty.call(o, k);
      if (f.kind === "optional") {
        if (!has) continue;
        if (o[k] === null || o[k] === undefined) refuse(at, "the field to be absent or a value (Rust skips None)", o[k]);
        f.inner.check(o[k], at);
      } else {
        if (!has) throw new ShapeError(`${at}: missing, but the UI's type requires it`);
        f.check(o[k], at);
      }
    }
  });
}

// ---------- The reply types (mirroring api.ts, which mirrors the Rust serde types) ----------

export const ErrorReply = obj({ code: str, message: str });
export const NetworkInfo = obj({ kind: oneOf(["devnet", "sepolia", "mainnet", "custom"] as const), name: str, rpc_url: str });
export const PinAttempts = obj({ failures: num, attempts_left: num, retry_after_secs: num, locked_out: bool, tampered: bool });
export const AppState = obj({
  network: NetworkInfo,
  chain_id: nullable(str),
  chain_error: nullable(ErrorReply),
  initialized: bool,
  unlocked: bool,
  attempts: PinAttempts,
  auto_lock_secs: num,
  passkey_enrolled: bool,
  passkey_available: bool,
});
export const BackupReply = obj({ path: str, wallets: num, sessions: num });
export const TokenInfo = obj({ symbol: str, address: str, decimals: num });
export const WalletView = obj({
  address: str,
  public_key: str,
  network: str,
  deployed: bool,
  supports_sessions: bool,
  strk_balance: str,
  eth_balance: str,
  next_step: opt(str),
  account_class: oneOf(["sesame-v2", "sesame-v1", "chipi-v27", "chipi", "other"] as const),
  scoped_sessions: bool,
  session_limits: str,
});
export const EntrypointView = obj({ selector: str, name: opt(str) });
export const ScopeEntry = obj({ contract: str, contract_name: opt(str), selector: str, entrypoint: opt(str) });
export const RecipientRule = obj({ token: str, token_name: opt(str), recipients: arr(str) });
export const SessionStatus = obj({
  session_public_key: str,
  wallet: str,
  state: oneOf(["none", "created", "active", "expired", "revoked"] as const),
  is_active: bool,
  valid_until: num,
  remaining_calls: num,
  allowed_entrypoints: opt(arr(EntrypointView)),
  broad: bool,
  scope: arr(ScopeEntry),
  recipients: arr(RecipientRule),
  chain_time: num,
  seconds_left: num,
  data_shape: oneOf(["chipi_tuple", "snip163_struct"] as const),
  created_at: num,
});
export const TxReceipt = obj({ tx_hash: str, fee: str, fee_unit: str });
export const SessionTx = obj({ tx: TxReceipt, status: SessionStatus });
export const RevokeAllResult = obj({ tx: nullable(TxReceipt), sessions: arr(SessionStatus) });
export const PolicyView = obj({
  token: str,
  max_per_call: str,
  max_per_window: str,
  window_seconds: num,
  spent_in_window: str,
  window_start: num,
});
export const PolicyResult = obj({ tx: TxReceipt, policy: PolicyView });
export const SendPreview = obj({
  ok: bool,
  error: nullable(ErrorReply),
  balance_before: str,
  balance_after: str,
  fee_payer: str,
  remaining_calls_after: num,
});
export const ExecOutcome = obj({
  tx_hash: str,
  mode: str,
  paid_by: str,
  fee: str,
  fee_unit: str,
  explorer_url: opt(str),
  remaining_calls: num,
});
export const RotateKeyResult = obj({ tx: TxReceipt, wallet: WalletView, sessions_ended: num });
export const ActivityEntry = obj({
  at: num,
  wallet: str,
  session: opt(str),
  kind: str,
  summary: str,
  tx_hash: opt(str),
  explorer_url: opt(str),
});

export const Payer = union3();
function union3(): Schema<api.Payer> {
  const local = obj({ kind: oneOf(["local-relayer"] as const) });
  const relayer = obj({ kind: oneOf(["relayer"] as const), wallet: str });
  const paymaster = obj({ kind: oneOf(["paymaster"] as const), url: str, gas_token: nullable(str) });
  return schema((v, p) => {
    const kind = typeof v === "object" && v !== null ? (v as { kind?: unknown }).kind : undefined;
    if (kind === "local-relayer") local.check(v, p);
    else if (kind === "relayer") relayer.check(v, p);
    else if (kind === "paymaster") paymaster.check(v, p);
    else refuse(p, "a payer (local-relayer, relayer or paymaster)", v);
  });
}
export const SettingsView = obj({
  schema: num,
  network: NetworkInfo,
  pinned_chain_id: nullable(str),
  payer: nullable(Payer),
  payer_description: str,
  paymaster_api_key_set: bool,
  auto_lock_secs: num,
  keep_local_chain: bool,
  file: str,
});
export const AddressEntry = obj({ address: str, network: str, label: opt(str), saved: bool, last_used: opt(num) });
export const DeployFunding = obj({
  address: str,
  network: str,
  deployed: bool,
  balance: str,
  estimated_fee: str,
  required: str,
  funded: bool,
});

/** Every command's reply. */
export const REPLY_SHAPES = {
  app_state: AppState,
  set_network: AppState,
  vault_create: AppState,
  vault_unlock: AppState,
  vault_unlock_passkey: AppState,
  passkey_enroll: AppState,
  vault_lock: AppState,
  vault_backup: BackupReply,
  vault_restore: AppState,
  vault_recover: AppState,
  touch: nul,
  tokens: arr(TokenInfo),
  wallet_create: WalletView,
  wallet_import: WalletView,
  wallets: arr(WalletView),
  wallet_show: WalletView,
  wallet_rotate_key: RotateKeyResult,
  session_create: SessionStatus,
  session_register: SessionTx,
  session_list: arr(SessionStatus),
  session_revoke: SessionTx,
  session_revoke_all: RevokeAllResult,
  policy_set: PolicyResult,
  policy_get: PolicyView,
  send_preview: SendPreview,
  send: ExecOutcome,
  activity: arr(ActivityEntry),
  open_external: nul,
  settings_get: SettingsView,
  settings_set_payer: SettingsView,
  settings_set_auto_lock: SettingsView,
  settings_set_keep_local_chain: SettingsView,
  address_book: arr(AddressEntry),
  address_save: arr(AddressEntry),
  address_remove: arr(AddressEntry),
  wallet_funding: DeployFunding,
  wallet_deploy: WalletView,
} as const;

export type Command = keyof typeof REPLY_SHAPES;
export type Replies = { [C in Command]: Infer<(typeof REPLY_SHAPES)[C]> };

export function isCommand(name: string): name is Command {
  return Object.prototype.hasOwnProperty.call(REPLY_SHAPES, name);
}

/** Throws a ShapeError naming the first field that is not what the UI's type says. */
export function checkReply(command: Command, reply: unknown, path: string = command): void {
  REPLY_SHAPES[command].check(reply, path);
}

// ---------- Compile-time: each schema is exactly what api.ts's command returns ----------

const API = {
  app_state: api.appState,
  set_network: api.setNetwork,
  vault_create: api.vaultCreate,
  vault_unlock: api.vaultUnlock,
  vault_unlock_passkey: api.vaultUnlockPasskey,
  passkey_enroll: api.passkeyEnroll,
  vault_lock: api.vaultLock,
  vault_backup: api.vaultBackup,
  vault_restore: api.vaultRestore,
  vault_recover: api.vaultRecover,
  touch: api.touch,
  tokens: api.tokens,
  wallet_create: api.walletCreate,
  wallet_import: api.walletImport,
  wallets: api.wallets,
  wallet_show: api.walletShow,
  wallet_rotate_key: api.walletRotateKey,
  session_create: api.sessionCreate,
  session_register: api.sessionRegister,
  session_list: api.sessionList,
  session_revoke: api.sessionRevoke,
  session_revoke_all: api.sessionRevokeAll,
  policy_set: api.policySet,
  policy_get: api.policyGet,
  send_preview: api.sendPreview,
  send: api.send,
  activity: api.activity,
  open_external: api.openExternal,
  settings_get: api.settingsGet,
  settings_set_payer: api.settingsSetPayer,
  settings_set_auto_lock: api.settingsSetAutoLock,
  settings_set_keep_local_chain: api.settingsSetKeepLocalChain,
  address_book: api.addressBook,
  address_save: api.addressSave,
  address_remove: api.addressRemove,
  wallet_funding: api.walletFunding,
  wallet_deploy: api.walletDeploy,
} satisfies Record<Command, unknown>;

/** The commands api.ts knows; the test checks these are the fixture's (and so the shell's). */
export const API_COMMANDS = Object.keys(API);

type ApiReplies = { [C in keyof typeof API]: Awaited<ReturnType<(typeof API)[C]>> };
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** The commands whose schema here differs from api.ts's type (must be none). */
type Mismatched = { [C in Command]: Equals<Replies[C], ApiReplies[C]> extends true ? never : C }[Command];
type MustBeNone<T extends never> = T;
/** A compile error here names a command whose reply type in api.ts differs from its schema. */
export type SchemasMatchApiTs = MustBeNone<Mismatched>;
/** And the error type (rejections). */
export type ErrorReplyMatches = MustBeNone<Equals<Infer<typeof ErrorReply>, api.ErrorReply> extends true ? never : "ErrorReply">;

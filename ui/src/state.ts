// What the UI knows right now. Views read it and subscribe to the topics they draw; the
// controller (dashboard) is the only writer. Nothing secret is ever stored here.

import type {
  ActivityEntry,
  AppState,
  PolicyView,
  SessionStatus,
  TokenInfo,
  WalletView,
} from "./api";

export type Topic = "app" | "wallet" | "sessions" | "activity" | "refreshing" | "busy";

/** A session's STRK policy as last read: loaded, not applicable, or a read error. */
export type PolicyState =
  | { kind: "loaded"; policy: PolicyView }
  | { kind: "error"; code: string; message: string };

export interface Store {
  app: AppState | null;
  tokens: TokenInfo[];
  wallets: WalletView[];
  /** Whether the wallet list was read (false until then, or after a failed read). */
  walletsLoaded: boolean;
  wallet: WalletView | null;
  /** null until the first successful load for the current wallet. */
  sessions: SessionStatus[] | null;
  /** Chain time minus local time (seconds) at the last status read. */
  chainOffset: number;
  policies: Map<string, PolicyState>;
  activity: ActivityEntry[] | null;
  refreshing: boolean;
  lastRefresh: number | null;
  /** Sessions being revoked (pubkeys), and whether "revoke all" runs. */
  revoking: Set<string>;
  revokingAll: boolean;
}

export const store: Store = {
  app: null,
  tokens: [],
  wallets: [],
  walletsLoaded: false,
  wallet: null,
  sessions: null,
  chainOffset: 0,
  policies: new Map(),
  activity: null,
  refreshing: false,
  lastRefresh: null,
  revoking: new Set(),
  revokingAll: false,
};

type Listener = () => void;
const listeners = new Map<Topic, Set<Listener>>();

export function subscribe(topic: Topic, fn: Listener): () => void {
  let set = listeners.get(topic);
  if (!set) {
    set = new Set();
    listeners.set(topic, set);
  }
  set.add(fn);
  return () => set?.delete(fn);
}

export function emit(...topics: Topic[]): void {
  for (const t of topics) {
    for (const fn of Array.from(listeners.get(t) ?? [])) fn();
  }
}

/** Forgets everything about wallets and sessions (on lock or network change). */
export function resetWalletData(): void {
  store.wallets = [];
  store.walletsLoaded = false;
  store.wallet = null;
  store.sessions = null;
  store.policies = new Map();
  store.activity = null;
  store.lastRefresh = null;
  store.refreshing = false;
  store.revoking = new Set();
  store.revokingAll = false;
  store.chainOffset = 0;
}

/** Removes every subscriber (when a screen is torn down). */
export function unsubscribeAll(): void {
  listeners.clear();
}

export const nowSecs = (): number => Date.now() / 1000;

/** The chain's clock as estimated from the last status read. */
export const chainNow = (): number => nowSecs() + store.chainOffset;

export function tokenBySymbol(symbol: string): TokenInfo | undefined {
  return store.tokens.find((t) => t.symbol.toUpperCase() === symbol.toUpperCase());
}

export function tokenByAddress(address: string): TokenInfo | undefined {
  const a = normalizeHex(address);
  return store.tokens.find((t) => normalizeHex(t.address) === a);
}

export function normalizeHex(hex: string): string {
  try {
    return "0x" + BigInt(hex).toString(16);
  } catch {
    return hex.toLowerCase();
  }
}

/** A wallet's balance of a token (smallest unit), from the WalletView. */
export function balanceOf(wallet: WalletView, token: TokenInfo): string {
  return token.symbol.toUpperCase() === "ETH" ? wallet.eth_balance : wallet.strk_balance;
}

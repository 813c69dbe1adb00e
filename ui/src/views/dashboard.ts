// The dashboard and its controller: loads wallet, sessions, policies and activity; refreshes
// every 30 s and on demand; runs revoke / revoke all behind a confirmation; hosts the send and
// new-session panels and the Settings card (backup).

import * as api from "../api";
import { h, replace, setBusy, show } from "../dom";
import { formatDuration, shortHex } from "../format";
import { fail, nav } from "../nav";
import { notify } from "../notices";
import { emit, nowSecs, normalizeHex, resetWalletData, store, subscribe } from "../state";
import { activityCard } from "./activity";
import { describeFee } from "./describe";
import { confirmDialog } from "./dialog";
import { networkLabel, networkSelector } from "./network";
import { newSessionPanel, type NewSessionPanel } from "./new-session";
import { sendPanel, type SendPanel } from "./send";
import { sessionList } from "./sessions";
import { settingsCard } from "./settings";
import { walletCard } from "./wallet-card";
import { walletSetup } from "./wallet-setup";

export const AUTO_REFRESH_MS = 30_000;

export interface Dashboard {
  root: HTMLElement;
  headerTools: HTMLElement;
  refresh(): Promise<void>;
  dispose(): void;
}

export function dashboardScreen(): Dashboard {
  let generation = 0;
  let inflight: Promise<void> | null = null;
  let send: SendPanel | null = null;

  // ----- loading -----
  /** Timer and Refresh button: joins a load already running. */
  const refresh = (): Promise<void> => {
    if (inflight) return inflight;
    return start();
  };
  /**
   * After a change (send, register, revoke, other wallet or network): starts a new load, so
   * the status read is newer than the change; a load still running is abandoned.
   */
  const restart = (): Promise<void> => {
    generation += 1;
    return start();
  };
  const start = (): Promise<void> => {
    const p = load().finally(() => {
      if (inflight === p) inflight = null;
    });
    inflight = p;
    return p;
  };

  const load = async () => {
    const gen = ++generation;
    const stale = () => gen !== generation;
    store.refreshing = true;
    emit("refreshing");
    let ok = false;
    try {
      if (store.tokens.length === 0) store.tokens = await api.tokens();
      const list = await api.wallets();
      if (stale()) return;
      store.wallets = list;
      store.walletsLoaded = true;
      if (list.length === 0) {
        store.wallet = null;
        store.sessions = [];
        store.activity = [];
        store.policies = new Map();
        emit("wallet", "sessions", "activity");
        ok = true;
        return;
      }
      const wanted = store.wallet && list.some((w) => sameHex(w.address, store.wallet?.address)) ? store.wallet.address : null;
      const wallet = await api.walletShow(wanted);
      if (stale()) return;
      const switched = !store.wallet || !sameHex(store.wallet.address, wallet.address);
      store.wallet = wallet;
      if (switched) {
        store.sessions = null;
        store.activity = null;
        store.policies = new Map();
      }
      emit("wallet");
      const [a, b] = await Promise.all([loadSessions(wallet.address, stale), loadActivity(wallet.address, stale)]);
      ok = a && b;
    } catch (err) {
      if (!stale()) fail(err, "Could not load the wallet");
    } finally {
      if (!stale()) {
        store.refreshing = false;
        // "Status read … ago" only counts reads that worked.
        if (ok) store.lastRefresh = Date.now();
        emit("refreshing", "sessions");
      }
    }
  };

  const loadSessions = async (wallet: string, stale: () => boolean): Promise<boolean> => {
    let sessions: api.SessionStatus[];
    try {
      sessions = await api.sessionList(wallet);
    } catch (err) {
      if (!stale()) fail(err, "Could not read the sessions");
      return false;
    }
    if (stale()) return false;
    const readAt = nowSecs();
    const latest = sessions.reduce((m, s) => Math.max(m, s.chain_time || 0), 0);
    if (latest > 0) store.chainOffset = latest - readAt;
    // Spending policies (STRK) of the live sessions, read in parallel.
    const strk = store.tokens.find((t) => t.symbol.toUpperCase() === "STRK");
    const policies = new Map(store.policies);
    if (strk) {
      await Promise.all(
        sessions
          .filter((s) => s.state === "active")
          .map(async (s) => {
            try {
              policies.set(s.session_public_key, { kind: "loaded", policy: await api.policyGet(wallet, s.session_public_key, strk.address) });
            } catch (err) {
              const e = api.ApiError.from(err);
              policies.set(s.session_public_key, { kind: "error", code: e.code, message: e.message });
            }
          }),
      );
    }
    if (stale()) return false;
    store.sessions = sessions;
    store.policies = policies;
    emit("sessions");
    updateSessionTools();
    return true;
  };

  const loadActivity = async (wallet: string, stale: () => boolean): Promise<boolean> => {
    try {
      const a = await api.activity(wallet);
      if (stale()) return false;
      store.activity = a;
      emit("activity");
      return true;
    } catch (err) {
      if (!stale()) fail(err, "Could not read the activity");
      return false;
    }
  };

  // ----- actions -----
  const revoke = async (s: api.SessionStatus) => {
    const w = store.wallet;
    if (!w) return;
    const ok = await confirmDialog({
      title: "Revoke this session?",
      body: h(
        "div",
        { class: "stack-tight" },
        h("p", null, "Session ", h("code", null, shortHex(s.session_public_key, 10, 6)), " stops working at once: the account will refuse every call it signs."),
        h("p", { class: "muted" }, "Your owner key signs the revocation; the transaction fee is paid by your account. This cannot be undone."),
      ),
      confirmLabel: "Revoke",
      danger: true,
    });
    if (!ok) return;
    store.revoking.add(s.session_public_key);
    emit("busy");
    try {
      const r = await api.sessionRevoke(w.address, s.session_public_key);
      notify(
        `Session ${shortHex(s.session_public_key, 8, 4)} revoked in tx ${shortHex(r.tx.tx_hash, 8, 4)} (fee ${describeFee(r.tx.fee, r.tx.fee_unit)}).`,
      );
    } catch (err) {
      fail(err, "Could not revoke the session");
    } finally {
      store.revoking.delete(s.session_public_key);
      emit("busy");
    }
    await restart();
  };

  const revokeAll = async () => {
    const w = store.wallet;
    if (!w) return;
    const live = (store.sessions ?? []).filter((s) => s.state === "active" || s.state === "created");
    const ok = await confirmDialog({
      title: "Revoke all sessions?",
      body: h(
        "div",
        { class: "stack-tight" },
        h("p", null, `Every session of this wallet (${live.length} still usable) stops working at once.`),
        h("p", { class: "muted" }, "One transaction signed by your owner key; your account pays its fee. This cannot be undone."),
      ),
      confirmLabel: "Revoke all",
      danger: true,
    });
    if (!ok) return;
    store.revokingAll = true;
    emit("busy");
    try {
      const r = await api.sessionRevokeAll(w.address);
      notify(
        r.tx
          ? `All sessions revoked in tx ${shortHex(r.tx.tx_hash, 8, 4)} (fee ${describeFee(r.tx.fee, r.tx.fee_unit)}).`
          : "There was no session to revoke.",
      );
    } catch (err) {
      fail(err, "Could not revoke the sessions");
    } finally {
      store.revokingAll = false;
      emit("busy");
    }
    await restart();
  };

  /** Rotates the owner key behind a confirmation; every session of the wallet ends. */
  const rotateKey = async (): Promise<api.RotateKeyResult | null> => {
    const w = store.wallet;
    if (!w) return null;
    const live = (store.sessions ?? []).filter((s) => s.state === "active" || s.state === "created").length;
    const ok = await confirmDialog({
      title: "Rotate the owner key?",
      body: h(
        "div",
        { class: "stack-tight", testid: "rotate-key-dialog" },
        h(
          "p",
          null,
          "Every session of this wallet will stop working",
          live > 0 ? ` (${live} still usable)` : "",
          ": you will need to create new sessions.",
        ),
        h(
          "p",
          null,
          "Sesame first makes the new owner key and saves it in the vault on this device; only then does it send the transaction (signed by the current key) that switches the account to it.",
        ),
        h("p", { class: "muted" }, "Your account pays the fee. Backups made before now hold the old key: make a new backup afterwards."),
      ),
      confirmLabel: "Rotate owner key",
      danger: true,
      confirmId: "rotate-key-confirm",
    });
    if (!ok) return null;
    let result: api.RotateKeyResult | null = null;
    try {
      result = await api.walletRotateKey(w.address);
      store.wallet = result.wallet;
      emit("wallet");
      notify(
        `Owner key rotated in tx ${shortHex(result.tx.tx_hash, 8, 4)} (fee ${describeFee(result.tx.fee, result.tx.fee_unit)}); ${result.sessions_ended} session${result.sessions_ended === 1 ? "" : "s"} ended.`,
      );
    } catch (err) {
      fail(err, "Could not rotate the owner key");
    }
    await restart();
    return result;
  };

  // ----- layout -----
  const sendSlot = h("div", { class: "slot" });
  const newSlot = h("div", { class: "slot" });
  const setupSlot = h("div", { class: "slot" });

  let newPanel: NewSessionPanel | null = null;
  /** Brings a busy panel into view instead of replacing it. */
  const keep = (panel: { root: HTMLElement; busy(): boolean } | null): boolean => {
    if (!panel || !panel.busy()) return false;
    panel.root.scrollIntoView({ block: "nearest" });
    return true;
  };

  const openSend = (s: api.SessionStatus) => {
    if (keep(send)) return;
    send = sendPanel({
      session: s,
      onSent: () => void restart(),
      onClose: () => {
        send = null;
        replace(sendSlot);
      },
    });
    replace(sendSlot, send.root);
    send.root.scrollIntoView({ block: "nearest" });
  };

  const openNewSession = (resume?: api.SessionStatus) => {
    const w = store.wallet;
    if (!w || keep(newPanel)) return;
    const panel = newSessionPanel({
      wallet: w.address,
      resume,
      onProgress: () => void restart(),
      onClose: () => {
        newPanel = null;
        replace(newSlot);
      },
    });
    newPanel = panel;
    replace(newSlot, panel.root);
    panel.root.scrollIntoView({ block: "nearest" });
  };

  const openWalletSetup = (closable: boolean) => {
    const label = store.app ? networkLabel(store.app.network) : "Local devnet";
    replace(
      setupSlot,
      h(
        "section",
        { class: "card panel", testid: "wallet-setup-card" },
        h(
          "div",
          { class: "card-head" },
          h("h2", { class: "card-title" }, closable ? "Add a wallet" : `No wallet on ${label} yet`),
        ),
        walletSetup({
          networkLabel: label,
          onDone: (wallet) => {
            replace(setupSlot);
            store.wallet = wallet;
            store.sessions = null;
            store.activity = null;
            emit("wallet", "sessions", "activity");
            void restart();
          },
          onCancel: closable ? () => replace(setupSlot) : undefined,
        }),
      ),
    );
  };

  const wallet = walletCard({
    refresh: () => void refresh(),
    selectWallet: (address) => {
      const w = store.wallets.find((x) => x.address === address);
      if (!w) return;
      store.wallet = w;
      store.sessions = null;
      store.activity = null;
      store.policies = new Map();
      send = null;
      newPanel = null;
      replace(sendSlot);
      replace(newSlot);
      emit("wallet", "sessions", "activity");
      void restart();
    },
    addWallet: () => openWalletSetup(true),
    rotateKey,
    deployed: (w) => {
      store.wallet = w;
      emit("wallet");
      void restart();
    },
  });

  const sessions = sessionList({
    send: openSend,
    revoke: (s) => void revoke(s),
    register: (s) => openNewSession(s),
    expired: () => window.setTimeout(() => void restart(), 1500),
  });

  const newBtn = h("button", { class: "btn btn-primary btn-small", testid: "new-session", attrs: { type: "button" } }, "New session");
  const revokeAllBtn = h(
    "button",
    { class: "btn btn-danger-outline btn-small", testid: "revoke-all", attrs: { type: "button" } },
    "Revoke all",
  );
  newBtn.addEventListener("click", () => openNewSession());
  revokeAllBtn.addEventListener("click", () => void revokeAll());
  const sessionCount = h("span", { class: "muted small", testid: "session-count" });

  const updateSessionTools = () => {
    const w = store.wallet;
    const usable = w !== null && w.deployed && w.supports_sessions;
    newBtn.disabled = !usable;
    newBtn.title = usable ? "" : w && !w.deployed ? "Deploy the wallet first" : "This account has no session-key support";
    const live = (store.sessions ?? []).filter((s) => s.state === "active" || s.state === "created").length;
    if (store.revokingAll) setBusy(revokeAllBtn, "Revoking all…");
    else {
      setBusy(revokeAllBtn, null);
      revokeAllBtn.disabled = live === 0 || !w;
    }
    const total = store.sessions?.length ?? 0;
    sessionCount.textContent = store.sessions === null ? "" : `${live} usable · ${total} total`;
  };

  const sessionsCard = h(
    "section",
    { class: "card", testid: "sessions-card" },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Sessions"), sessionCount, h("div", { class: "spacer" }), revokeAllBtn, newBtn),
    sessions.root,
  );

  const main = h("div", { class: "col-main" }, wallet.root, setupSlot, sendSlot, newSlot, sessionsCard);
  const side = h("div", { class: "col-side" }, activityCard({ retry: () => void refresh() }), settingsCard());
  const root = h("div", { class: "dashboard", testid: "dashboard" }, main, side);

  const renderWalletPresence = () => {
    const none = store.walletsLoaded && store.wallets.length === 0 && store.wallet === null;
    show(wallet.root, !none);
    show(sessionsCard, !none);
    if (none && !setupSlot.hasChildNodes()) openWalletSetup(false);
    if (!none && setupSlot.querySelector('[data-testid="wallet-setup-card"] h2')?.textContent?.startsWith("No wallet")) {
      replace(setupSlot);
    }
    updateSessionTools();
    send?.walletChanged();
  };
  subscribe("wallet", renderWalletPresence);
  subscribe("refreshing", renderWalletPresence);
  subscribe("busy", updateSessionTools);
  subscribe("sessions", () => {
    updateSessionTools();
    const open = send && store.sessions?.find((x) => x.session_public_key === send?.root.dataset["session"]);
    if (open) send?.sessionChanged(open);
  });

  // ----- header -----
  const lockBtn = h("button", { class: "btn btn-secondary btn-small", testid: "lock", attrs: { type: "button" } }, "Lock");
  lockBtn.addEventListener("click", async () => {
    setBusy(lockBtn, "Locking…");
    try {
      store.app = await api.vaultLock();
      nav.locked();
    } catch (err) {
      setBusy(lockBtn, null);
      fail(err, "Could not lock");
    }
  });
  const autoLock = h("span", { class: "muted small", testid: "auto-lock" });
  const renderApp = () => {
    const secs = store.app?.auto_lock_secs ?? 0;
    autoLock.textContent = secs > 0 ? `Auto-lock after ${formatDuration(secs)} idle` : "";
  };
  subscribe("app", renderApp);
  renderApp();
  const headerTools = h(
    "div",
    { class: "header-tools" },
    networkSelector(() => {
      // Another network: wallets (and token addresses) are per network, so start from scratch.
      resetWalletData();
      store.tokens = [];
      send = null;
      newPanel = null;
      replace(sendSlot);
      replace(newSlot);
      replace(setupSlot);
      emit("app", "wallet", "sessions", "activity");
      void restart();
    }),
    autoLock,
    lockBtn,
  );

  // ----- timers -----
  const ticker = window.setInterval(() => {
    sessions.tick();
    wallet.tick();
  }, 1000);
  const auto = window.setInterval(() => void refresh(), AUTO_REFRESH_MS);

  renderWalletPresence();
  void refresh();

  return {
    root,
    headerTools,
    refresh: restart,
    dispose: () => {
      generation += 1;
      window.clearInterval(ticker);
      window.clearInterval(auto);
    },
  };
}

function sameHex(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && normalizeHex(a) === normalizeHex(b);
}
